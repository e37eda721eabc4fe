//! Test harness: the real app on a real port over a fresh database per test —
//! SQLite in a temporary folder, or a new PostgreSQL database when
//! `PORTICO_TEST_POSTGRES_URL` is set (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
#![allow(dead_code)]

pub mod browser;
pub mod pg_cluster;
pub mod process;
pub mod smtp;
pub mod tmpfs;

use std::net::SocketAddr;

use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use portico::db::{Db, is_postgres_url};
use portico::on_pool;
use portico::provision::{self, NewAgency};
use portico::web::{AppState, Settings};

/// The password test agencies' admins are given.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A running app over its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The app's database, for setting up and checking.
    pub db: Db,
    /// Whether the database is PostgreSQL.
    pub postgres: bool,
    /// The database (dropped with the app).
    pub database: TestDatabase,
    /// Where [`TestApp::deliver_mail`] delivers the outbox to.
    pub mailbox: portico::mail::MemoryMailbox,
    mailer: portico::mail::Mailer,
    /// The app's state (settings, secret key).
    pub state: AppState,
}

/// Which database tests run on.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("PORTICO_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A fresh, empty database for one test: a SQLite file in a temporary folder, or
/// a new PostgreSQL database that is dropped again when this value is.
pub struct TestDatabase {
    /// Its URL, as `DATABASE_URL` would give it.
    pub url: String,
    /// The temporary folder (also usable as a data dir).
    pub dir: tempfile::TempDir,
    pg_cleanup: Option<(String, String)>,
}

impl TestDatabase {
    /// Creates the database.
    pub async fn new() -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        match postgres_admin_url() {
            Some(admin_url) => {
                let name = format!("portico_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(&admin_url)
                    .await
                    .expect("connect to PORTICO_TEST_POSTGRES_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&admin)
                    .await
                    .expect("create test database");
                admin.close().await;
                let url = match admin_url.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("PORTICO_TEST_POSTGRES_URL must name a database"),
                };
                TestDatabase {
                    url,
                    dir,
                    pg_cleanup: Some((admin_url, name)),
                }
            }
            None => {
                let url = format!("sqlite://{}", dir.path().join("portico.db").display());
                TestDatabase {
                    url,
                    dir,
                    pg_cleanup: None,
                }
            }
        }
    }

    /// A SQLite database `portico.db` in a folder of the caller's (e.g. one
    /// with a small filesystem mounted on it).
    pub fn sqlite_in(dir: tempfile::TempDir) -> TestDatabase {
        let url = format!("sqlite://{}", dir.path().join("portico.db").display());
        TestDatabase {
            url,
            dir,
            pg_cleanup: None,
        }
    }

    /// A database on a server of the test's own (not dropped by this value).
    pub fn at(url: &str) -> TestDatabase {
        TestDatabase {
            url: url.to_string(),
            dir: tempfile::tempdir().expect("temp dir"),
            pg_cleanup: None,
        }
    }

    /// A new database holding a copy of this one, which nothing may be
    /// connected to (close its app's pool first): a copy of the SQLite file, or
    /// a PostgreSQL database made from this one as its template.
    pub async fn copy(&self) -> TestDatabase {
        match &self.pg_cleanup {
            Some((admin_url, template)) => {
                let name = format!("portico_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sqlx::PgPool::connect(admin_url)
                    .await
                    .expect("connect to PORTICO_TEST_POSTGRES_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "CREATE DATABASE {name} TEMPLATE {template}"
                )))
                .execute(&admin)
                .await
                .expect("copy the test database");
                admin.close().await;
                let url = match admin_url.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("PORTICO_TEST_POSTGRES_URL must name a database"),
                };
                TestDatabase {
                    url,
                    dir: tempfile::tempdir().expect("temp dir"),
                    pg_cleanup: Some((admin_url.clone(), name)),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                std::fs::copy(self.dir.path().join("portico.db"), dir.path().join("portico.db"))
                    .expect("copy the SQLite file");
                TestDatabase::sqlite_in(dir)
            }
        }
    }

    /// Whether it is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        is_postgres_url(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_cleanup.take() {
            // Drop the test database from a thread of its own (Drop cannot await);
            // FORCE ends the app's connections, which belong to the test's runtime.
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                runtime.block_on(async move {
                    if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&admin)
                        .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

impl TestApp {
    /// Starts the app on a free port with a fresh, migrated database.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app, letting the caller adjust its settings first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_on(TestDatabase::new().await, adjust).await
    }

    /// Starts the app over a database the caller made (migrated here).
    pub async fn spawn_on(database: TestDatabase, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let db = Db::connect(&database.url).await.expect("connect to the test database");
        portico::store::prepare(&db).await.expect("migrate");
        let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.expect("bind");
        let addr: SocketAddr = acceptor
            .local_addr()
            .first()
            .and_then(|addr| addr.as_socket_addr().copied())
            .expect("local address");
        let base_url = format!("http://{addr}");
        let mut settings = Settings::new(&base_url, false, b"test-secret-key-test-secret-key-0123".to_vec());
        settings.documents_dir = database.dir.path().join("documents");
        adjust(&mut settings);
        let state = AppState::new(db.clone(), settings).expect("app state");
        let app_state = state.clone();
        tokio::spawn(async move {
            let _ = Server::new_with_acceptor(acceptor).run(portico::app(app_state)).await;
        });
        let (mailer, mailbox) = portico::mail::Mailer::memory();
        TestApp {
            base_url,
            postgres: database.is_postgres(),
            db,
            database,
            mailbox,
            mailer,
            state,
        }
    }

    /// An absolute URL on this app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Client {
            http,
            jar,
            base_url: self.base_url.clone(),
            csrf: None,
        }
    }

    /// Creates an agency whose admin's password is [`ADMIN_PASSWORD`] (no change required).
    pub async fn agency(&self, name: &str, admin_email: &str) -> NewAgency {
        provision::create_agency_with_password(
            &self.db,
            name,
            admin_email,
            Some("Ada Admin"),
            ADMIN_PASSWORD,
            false,
            false,
        )
        .await
        .expect("create agency")
    }

    /// A client signed in as the given user.
    pub async fn signed_in(&self, email: &str, password: &str) -> Client {
        let mut client = self.client();
        let response = client.login(email, password).await;
        assert_eq!(response.status(), 303, "sign-in of {email} should succeed");
        client
    }

    /// Runs a `SELECT COUNT(*) …` with no parameters.
    pub async fn count(&self, sql: &'static str) -> i64 {
        on_pool!(&self.db, |pool| sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).expect("count query")
    }
}

/// An HTTP client that keeps cookies and the last CSRF token it saw on a page.
pub struct Client {
    /// The underlying client.
    pub http: reqwest::Client,
    /// Its cookies.
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
    base_url: String,
    /// The CSRF token of the last page fetched.
    pub csrf: Option<String>,
}

/// A response with its body read.
pub struct Page {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// Body text.
    pub body: String,
}

impl Page {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// A header value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The redirect target.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

/// Finds the value of the `csrf_token` hidden input in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

impl Client {
    /// A browser-like client (keeps cookies, does not follow redirects) for
    /// a server at `base_url`, such as a `portico` process.
    pub fn new(base_url: &str) -> Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .expect("client");
        Client {
            http,
            jar,
            base_url: base_url.trim_end_matches('/').to_string(),
            csrf: None,
        }
    }

    /// The `Cookie` header this client sends now (its session), if any.
    pub fn cookie_header(&self) -> Option<String> {
        self.cookie_header_for("/")
    }

    /// The `Cookie` header this client would send to a path of its server
    /// (cookies scoped to a path, like ContractorPort's, included there only).
    pub fn cookie_header_for(&self, path: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = format!("{}{}", self.base_url, path).parse().ok()?;
        self.jar.cookies(&url)?.to_str().ok().map(str::to_string)
    }

    /// GET a path; remembers the page's CSRF token.
    pub async fn get(&mut self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// GET with extra headers.
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.http.get(format!("{}{}", self.base_url, path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let page = read(request.send().await.expect("GET")).await;
        if let Some(token) = csrf_in(&page.body) {
            self.csrf = Some(token);
        }
        page
    }

    /// POST a form with the remembered CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_raw(path, &all).await
    }

    /// POST a form exactly as given (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = self
            .http
            .post(format!("{}{}", self.base_url, path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        let page = read(response).await;
        if let Some(token) = csrf_in(&page.body) {
            self.csrf = Some(token);
        }
        page
    }

    /// Opens the sign-in page and signs in.
    pub async fn login(&mut self, email: &str, password: &str) -> Page {
        self.get("/login").await;
        self.post("/login", &[("email", email), ("password", password)]).await
    }
}

async fn read(response: reqwest::Response) -> Page {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.expect("body");
    Page { status, headers, body }
}

impl TestApp {
    /// Every `table.column` whose text contains `needle` (case-insensitive),
    /// across every table of the database but sqlx's migration log, whose
    /// checksums and nanosecond timings hold no one's data and contain any
    /// short run of digits sooner or later.
    pub async fn columns_containing(&self, needle: &str) -> Vec<String> {
        let pattern = format!("%{}%", needle.to_lowercase());
        let mut hits = Vec::new();
        let columns: Vec<(String, String)> = match &self.db {
            Db::Sqlite(pool, _) => {
                let tables: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'")
                        .fetch_all(pool)
                        .await
                        .unwrap();
                let mut columns = Vec::new();
                for table in tables {
                    let names: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                        "SELECT name FROM pragma_table_info('{table}')"
                    )))
                    .fetch_all(pool)
                    .await
                    .unwrap();
                    columns.extend(names.into_iter().map(|c| (table.clone(), c)));
                }
                columns
            }
            Db::Postgres(pool) => sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
        };
        for (table, column) in columns {
            let sql = match &self.db {
                Db::Sqlite(..) => {
                    format!("SELECT COUNT(*) FROM \"{table}\" WHERE LOWER(CAST(\"{column}\" AS TEXT)) LIKE $1")
                }
                Db::Postgres(_) => format!("SELECT COUNT(*) FROM \"{table}\" WHERE LOWER(\"{column}\"::text) LIKE $1"),
            };
            let count: i64 = on_pool!(&self.db, |pool| {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(&pattern)
                    .fetch_one(pool)
                    .await
            })
            .unwrap();
            if count > 0 {
                hits.push(format!("{table}.{column}"));
            }
        }
        hits
    }
}

/// The password [`TestApp::agent`] gives agents.
pub const AGENT_PASSWORD: &str = "an agent's own long password";

impl TestApp {
    /// Adds an agent through the admin's Users page, lets them choose
    /// [`AGENT_PASSWORD`], and returns them signed in.
    pub async fn agent(&self, admin: &mut Client, name: &str, email: &str) -> Client {
        admin.get("/users").await;
        let added = admin
            .post("/users", &[("name", name), ("email", email), ("role", "agent")])
            .await;
        assert_eq!(added.status(), 201, "adding {email}: {}", added.body);
        provision::set_password(&self.db, email, AGENT_PASSWORD, false)
            .await
            .expect("set the agent's password");
        self.signed_in(email, AGENT_PASSWORD).await
    }
}

/// Reads the one-time password shown once after adding a user.
pub fn one_time_password(html: &str) -> String {
    let marker = r#"data-testid="one-time-password">"#;
    let start = html.find(marker).expect("one-time password shown") + marker.len();
    let end = html[start..].find('<').expect("closing tag");
    html[start..start + end].to_string()
}

/// Whether a test's requirement is met; when it is not, prints `skipped: …`
/// on a developer's machine, and fails in CI (`CI` set), where it must run.
pub fn required(available: bool, reason: &str) -> bool {
    if !available {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
            panic!("required in CI: {reason}");
        }
        skipped(reason);
    }
    available
}

/// Whether the tests run as root (needed to mount filesystems and to run
/// PostgreSQL's tools as the `postgres` user).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find(|line| line.starts_with("Uid:"))
            .and_then(|line| line.split_whitespace().nth(2))
            == Some("0")
    })
}

/// Says why a test did nothing, as a `skipped: …` line that `cargo test`'s
/// output capture does not swallow (it is written to stderr directly).
pub fn skipped(reason: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "skipped: {reason}");
}

impl TestApp {
    /// Adds a landlord directly (as the system); returns its id.
    pub async fn landlord(&self, org_id: uuid::Uuid, first: &str, last: &str) -> uuid::Uuid {
        let form = portico::domain::landlords::LandlordForm {
            first_name: first.into(),
            last_name: last.into(),
            email: format!("{}.{}@example.com", first.to_lowercase(), uuid::Uuid::new_v4().simple()),
            ..portico::domain::landlords::LandlordForm::with_defaults()
        };
        let mut tx = self.db.begin().await.expect("begin");
        let id = portico::store::landlords::create(
            &mut tx,
            org_id,
            &form.parse().expect("valid landlord"),
            None,
            &portico::domain::audit::Actor::system(),
        )
        .await
        .expect("create landlord");
        tx.commit().await.expect("commit");
        id
    }

    /// Adds a landlord and one property (14 Royal York Crescent, Bristol, unless
    /// `adjust` changes it); returns the property id.
    pub async fn property(
        &self,
        org_id: uuid::Uuid,
        adjust: impl FnOnce(&mut portico::domain::properties::PropertyForm),
    ) -> uuid::Uuid {
        let landlord_id = self.landlord(org_id, "Jane", "Smith").await;
        let mut form = portico::domain::properties::PropertyForm {
            landlord_id: landlord_id.to_string(),
            address_line1: "14 Royal York Crescent".into(),
            city: "Bristol".into(),
            postcode: "BS8 4JX".into(),
            ..portico::domain::properties::PropertyForm::with_defaults()
        };
        adjust(&mut form);
        let mut tx = self.db.begin().await.expect("begin");
        let id = portico::store::properties::create(
            &mut tx,
            org_id,
            &form.parse().expect("valid property"),
            &portico::domain::audit::Actor::system(),
        )
        .await
        .expect("create property");
        tx.commit().await.expect("commit");
        id
    }
}

/// Outbox pacing for tests: retries after 50 ms.
pub fn test_outbox_settings() -> portico::mail::outbox::OutboxSettings {
    let mut settings = portico::mail::outbox::OutboxSettings::new("Portico <portico@example.com>".parse().unwrap());
    settings.poll_every = std::time::Duration::from_millis(50);
    settings.base_backoff = chrono::TimeDelta::milliseconds(50);
    settings
}

impl TestApp {
    /// Runs one outbox pass into [`TestApp::mailbox`]; returns how many were sent.
    pub async fn deliver_mail(&self) -> usize {
        portico::mail::outbox::deliver_due(&self.db, &self.mailer, &test_outbox_settings())
            .await
            .expect("outbox pass")
            .sent
    }

    /// Gives the landlord of `property_id` portal access to it, as an agent would
    /// from the property page; returns the token id and the portal path.
    pub async fn portal_for(&self, org_id: uuid::Uuid, property_id: uuid::Uuid) -> (uuid::Uuid, String) {
        let org = portico::store::orgs::get(&self.db, org_id).await.unwrap().unwrap();
        let property = portico::store::properties::get(&self.db, org_id, property_id)
            .await
            .unwrap()
            .unwrap();
        let landlord = portico::store::landlords::get(&self.db, org_id, property.landlord_id)
            .await
            .unwrap()
            .unwrap();
        let mut tx = self.db.begin().await.unwrap();
        let (token, _) = portico::store::portal::provision(
            &mut tx,
            &org,
            &landlord,
            &property,
            &portico::domain::audit::Actor::system(),
        )
        .await
        .expect("provision")
        .expect("the property's own landlord");
        tx.commit().await.unwrap();
        let path = portico::web::paths::portal::home(&token.link_token(&self.state.settings.secret_key));
        (token.id, path)
    }
}

/// An agency, a let property and a tenancy with a £1,300 deposit; returns the
/// signed-in admin and the tenancy id.
pub async fn deposit_tenancy(
    app: &TestApp,
    agency_name: &str,
    admin_email: &str,
    tenant_email: &str,
) -> (Client, uuid::Uuid, uuid::Uuid) {
    let agency = app.agency(agency_name, admin_email).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = app.property(agency.org.id, |f| f.status = "let".into()).await;
    let new = format!("/properties/{home}/tenancies/new");
    admin.get(&new).await;
    let made = admin
        .post(
            &new,
            &[
                ("rent", "1,300"),
                ("rent_frequency", "monthly"),
                ("start_date", "2025-03-01"),
                ("status", "active"),
                ("deposit", "1,300"),
                ("deposit_scheme", "dps"),
                ("deposit_reference", "DPS-1"),
                ("deposit_protected_on", "2025-03-05"),
                ("tenant_1_first_name", "Ben"),
                ("tenant_1_last_name", "Okafor"),
                ("tenant_1_email", tenant_email),
                ("primary_tenant", "1"),
            ],
        )
        .await;
    assert_eq!(made.status(), 303, "{}", made.body);
    let id = made
        .location()
        .unwrap()
        .trim_start_matches("/tenancies/")
        .parse()
        .unwrap();
    (admin, id, agency.org.id)
}

/// The 6-digit code in a tenant sign-in email's text ("Enter 093295 to sign in …").
pub fn code_in(text: &str) -> String {
    let start = text.find("Enter ").expect("the code sentence") + "Enter ".len();
    let code: String = text[start..].chars().take(6).collect();
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{code:?} in {text}");
    code
}

/// A list page's "26–50 of 73", if it shows one.
pub fn page_position(body: &str) -> Option<String> {
    let marker = r#"data-testid="page-position">"#;
    let start = body.find(marker)? + marker.len();
    Some(body[start..start + body[start..].find('<')?].to_string())
}

/// The `href` of a list page's link with this `rel` (`next`, `prev`), with
/// `&amp;` undone; fails the test when there is none.
pub fn rel_link(body: &str, rel: &str) -> String {
    let marker = format!(r#"rel="{rel}""#);
    let at = body.find(&marker).unwrap_or_else(|| panic!("a {rel} link"));
    let href = body[..at].rfind("href=\"").expect("its href") + "href=\"".len();
    body[href..href + body[href..].find('"').expect("the end of the href")].replace("&amp;", "&")
}

/// A page's HTML with the `data-label` attributes of table cells taken out
/// (they label each cell when a table becomes cards on a phone), so tests can
/// read a table's cells as `<td>…</td>`.
pub fn without_cell_labels(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(" data-label=\"") {
        out.push_str(&rest[..at]);
        let value = &rest[at + " data-label=\"".len()..];
        rest = value.find('"').map_or("", |end| &value[end + 1..]);
    }
    out.push_str(rest);
    out
}

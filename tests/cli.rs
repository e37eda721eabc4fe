//! The `portico` binary itself: help, migrate, org create, reset-password,
//! serve --demo, the empty-database hint, and healthcheck.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use portico::db::Db;

const BIN: &str = env!("CARGO_BIN_EXE_portico");
const SECRET: &str = "cli-test-secret-cli-test-secret-0123456789";

fn portico(database: &TestDatabase) -> Command {
    let mut command = Command::new(BIN);
    command
        .env("DATABASE_URL", &database.url)
        .env("PORTICO_DATA_DIR", database.dir.path())
        .env("PORTICO_SECRET_KEY", SECRET)
        .env_remove("PORTICO_BIND")
        .env_remove("PORTICO_BASE_URL")
        .env_remove("PORTICO_DEMO");
    command
}

fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().expect("run portico");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `portico serve` child process, killed when dropped.
struct Served {
    child: Child,
    stdout_lines: Vec<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `portico serve` and collects stdout until the server answers /healthz.
fn serve(database: &TestDatabase, port: u16, extra: &[&str]) -> Served {
    let mut child = portico(database)
        .arg("serve")
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            std::thread::sleep(Duration::from_millis(100));
            let stdout_lines = receiver.try_iter().collect();
            return Served { child, stdout_lines };
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("portico serve did not start on port {port}");
}

#[test]
fn help_lists_every_option_with_its_environment_variable() {
    let (ok, out, _) = run(Command::new(BIN).args(["serve", "--help"]));
    assert!(ok);
    for option in [
        "--bind",
        "PORTICO_BIND",
        "--database-url",
        "DATABASE_URL",
        "--base-url",
        "PORTICO_BASE_URL",
        "--data-dir",
        "PORTICO_DATA_DIR",
        "--secret-key",
        "PORTICO_SECRET_KEY",
        "--demo",
        "PORTICO_LOG_FORMAT",
        "PORTICO_MAX_UPLOAD_MB",
    ] {
        assert!(out.contains(option), "serve --help lacks {option}:\n{out}");
    }
    let (ok, out, _) = run(Command::new(BIN).arg("--help"));
    assert!(ok);
    for command in ["serve", "migrate", "org", "user", "healthcheck"] {
        assert!(out.contains(command), "--help lacks {command}");
    }
}

#[tokio::test]
async fn org_create_prints_the_admins_one_time_password_last_and_it_signs_in() {
    let database = TestDatabase::new().await;
    let (ok, _, err) = run(portico(&database).arg("migrate"));
    assert!(ok, "{err}");
    let (ok, out, err) = run(portico(&database).args([
        "org",
        "create",
        "--name",
        "Bristol Lets",
        "--admin-email",
        "Owner@Bristol.example",
    ]));
    assert!(ok, "{err}");
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("One-time password for owner@bristol.example: "),
        "{out}"
    );
    let password = last.rsplit(' ').next().unwrap().to_string();
    let db = Db::connect(&database.url).await.unwrap();
    let user = portico::store::users::find_by_email(&db, "owner@bristol.example")
        .await
        .unwrap()
        .unwrap();
    assert!(user.must_change_password);
    assert!(
        portico::passwords::verify(&password, Some(user.password_hash.clone()))
            .await
            .unwrap()
    );

    // The same admin email again is refused clearly.
    let (ok, _, err) = run(portico(&database).args([
        "org",
        "create",
        "--name",
        "Again",
        "--admin-email",
        "owner@bristol.example",
    ]));
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");

    let (ok, out, err) = run(portico(&database).args(["user", "reset-password", "--email", "owner@bristol.example"]));
    assert!(ok, "{err}");
    let new_password = out.lines().last().unwrap().rsplit(' ').next().unwrap().to_string();
    assert_ne!(new_password, password);
    let user = portico::store::users::find_by_email(&db, "owner@bristol.example")
        .await
        .unwrap()
        .unwrap();
    assert!(
        portico::passwords::verify(&new_password, Some(user.password_hash.clone()))
            .await
            .unwrap()
    );
    assert!(
        !portico::passwords::verify(&password, Some(user.password_hash))
            .await
            .unwrap()
    );
    let (ok, _, err) = run(portico(&database).args(["user", "reset-password", "--email", "nobody@bristol.example"]));
    assert!(!ok && err.contains("no user"), "{err}");
    db.close().await;
}

#[tokio::test]
async fn serve_on_an_empty_database_explains_how_to_create_an_agency() {
    let database = TestDatabase::new().await;
    let served = serve(&database, free_port(), &[]);
    let out = served.stdout_lines.join("\n");
    assert!(out.contains("portico org create"), "{out}");
    assert!(out.contains("--demo"), "{out}");
}

#[tokio::test]
async fn serve_demo_prints_one_login_line_that_works_and_a_fresh_password_on_every_start() {
    let database = TestDatabase::new().await;
    let port = free_port();
    let first = serve(&database, port, &["--demo"]);
    let demo_lines: Vec<&String> = first
        .stdout_lines
        .iter()
        .filter(|l| l.starts_with("Demo admin login: "))
        .collect();
    assert_eq!(demo_lines.len(), 1, "{:?}", first.stdout_lines);
    let parts: Vec<&str> = demo_lines[0]
        .trim_start_matches("Demo admin login: ")
        .split(' ')
        .collect();
    assert_eq!(parts.len(), 3, "url email password: {}", demo_lines[0]);
    assert_eq!(parts[0], format!("http://127.0.0.1:{port}/login"));
    let (email, password) = (parts[1].to_string(), parts[2].to_string());

    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login_page = http.get(parts[0]).send().await.unwrap().text().await.unwrap();
    let token = csrf_in(&login_page).unwrap();
    let response = http
        .post(parts[0])
        .form(&[
            ("email", email.as_str()),
            ("password", password.as_str()),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");
    drop(first);

    let db = Db::connect(&database.url).await.unwrap();
    let org = portico::store::orgs::find_demo(&db)
        .await
        .unwrap()
        .expect("demo agency");
    assert_eq!(portico::store::orgs::branches(&db, org.id).await.unwrap().len(), 2);
    let staff = portico::store::users::list_in_org(&db, org.id).await.unwrap();
    assert_eq!(
        staff
            .iter()
            .filter(|u| u.role == portico::domain::users::Role::Admin)
            .count(),
        1
    );
    assert_eq!(
        staff
            .iter()
            .filter(|u| u.role == portico::domain::users::Role::Agent)
            .count(),
        2
    );
    let by_status = portico::store::landlords::count_by_status(&db, org.id).await.unwrap();
    let total: i64 = by_status.iter().map(|(_, n)| n).sum();
    assert!((35..=45).contains(&total), "about forty landlords, got {total}");
    for status in ["active", "inactive", "archived"] {
        assert!(
            by_status.iter().any(|(s, n)| s == status && *n > 0),
            "some {status} landlords"
        );
    }
    let companies: i64 = portico::on_pool!(&db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM landlords WHERE landlord_type = 'company'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert!(companies > 0);
    let properties: Vec<(String, String, Option<String>)> = portico::on_pool!(&db, |pool| {
        sqlx::query_as("SELECT property_type, status, epc_rating FROM properties")
            .fetch_all(pool)
            .await
    })
    .unwrap();
    assert!(
        (50..=75).contains(&properties.len()),
        "about sixty properties, got {}",
        properties.len()
    );
    use portico::domain::choice::Choice;
    for kind in portico::domain::properties::PropertyType::ALL {
        assert!(properties.iter().any(|(t, _, _)| t == kind.as_str()), "a demo {kind:?}");
    }
    for status in portico::domain::properties::PropertyStatus::ALL
        .iter()
        .filter(|s| s.as_str() != "archived")
    {
        assert!(
            properties.iter().any(|(_, s, _)| s == status.as_str()),
            "a demo {status:?} property"
        );
    }
    assert!(
        properties.iter().any(|(_, _, epc)| epc.is_none())
            && properties.iter().any(|(_, _, epc)| epc.as_deref() == Some("G"))
    );
    db.close().await;

    let second = serve(&database, free_port(), &["--demo"]);
    let line = second
        .stdout_lines
        .iter()
        .find(|l| l.starts_with("Demo admin login: "))
        .expect("printed again");
    let new_password = line.rsplit(' ').next().unwrap();
    assert_ne!(new_password, password, "a freshly reset password");
    assert_eq!(
        second
            .stdout_lines
            .iter()
            .filter(|l| l.starts_with("Demo admin login: "))
            .count(),
        1
    );
    let db = Db::connect(&database.url).await.unwrap();
    let orgs = portico::store::orgs::count(&db).await.unwrap();
    assert_eq!(orgs, 1, "no second demo agency");
    db.close().await;
}

#[tokio::test]
async fn healthcheck_answers_whether_the_server_is_up() {
    let database = TestDatabase::new().await;
    let port = free_port();
    let served = serve(&database, port, &[]);
    let (ok, _, err) = run(Command::new(BIN).args(["healthcheck", "--bind", &format!("127.0.0.1:{port}")]));
    assert!(ok, "{err}");
    let (ok, _, _) = run(Command::new(BIN).args(["healthcheck", "--bind", &format!("0.0.0.0:{port}")]));
    assert!(ok, "an unspecified bind address is checked on loopback");
    drop(served);
    let (ok, _, err) = run(Command::new(BIN).args(["healthcheck", "--bind", &format!("127.0.0.1:{port}")]));
    assert!(!ok);
    assert!(err.contains("unhealthy"));
}

#[test]
fn serve_on_postgresql_requires_an_explicit_secret_key() {
    let (ok, _, err) = run(Command::new(BIN)
        .args(["serve", "--database-url", "postgres://postgres@127.0.0.1:1/none"])
        .env_remove("PORTICO_SECRET_KEY"));
    assert!(!ok);
    assert!(err.contains("PORTICO_SECRET_KEY"), "{err}");
}

#[tokio::test]
async fn serve_generates_a_private_secret_key_file_once() {
    if postgres_admin_url().is_some() {
        skipped("the generated key file is the SQLite default; PostgreSQL needs an explicit key");
        return;
    }
    let database = TestDatabase::new().await;
    let key = database.dir.path().join("secret.key");
    // Starts `portico serve` without a key, waits until it answers, stops it.
    let serve_once = || {
        let port = free_port();
        let mut child = Command::new(BIN)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", &database.url)
            .env("PORTICO_DATA_DIR", database.dir.path())
            .env_remove("PORTICO_SECRET_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let healthy = loop {
            let (ok, _, _) = run(Command::new(BIN).args(["healthcheck", "--bind", &format!("127.0.0.1:{port}")]));
            if ok || Instant::now() > deadline {
                break ok;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let _ = child.kill();
        let _ = child.wait();
        assert!(healthy, "portico serve answered /healthz");
    };
    serve_once();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key)
        .expect("secret.key written")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let first = std::fs::read_to_string(&key).expect("secret.key");
    assert!(first.trim().len() >= portico::secret::MIN_LEN);
    // A restart keeps the key (links signed with it keep working).
    serve_once();
    assert_eq!(std::fs::read_to_string(&key).expect("secret.key"), first);
}

/// `key: value` lines of `seed-bench`'s output, with the repeated `refresh target` lines apart.
fn seed_bench_facts(out: &str) -> (std::collections::HashMap<String, String>, Vec<String>) {
    let mut facts = std::collections::HashMap::new();
    let mut targets = Vec::new();
    for line in out.lines() {
        let (key, value) = line.split_once(": ").unwrap_or((line, ""));
        if key == "refresh target" {
            targets.push(value.to_string());
        } else {
            facts.insert(key.to_string(), value.to_string());
        }
    }
    (facts, targets)
}

#[tokio::test]
async fn seed_bench_fills_an_empty_database_whose_printed_links_and_admin_work_in_the_server() {
    let database = TestDatabase::new().await;
    let (ok, _, err) = run(portico(&database).arg("migrate"));
    assert!(ok, "{err}");
    let (ok, out, err) = run(portico(&database).args(["seed-bench", "--landlords", "100", "--small-agencies", "2"]));
    assert!(ok, "{err}");
    let (facts, targets) = seed_bench_facts(&out);
    assert_eq!(facts["count landlords"], "100", "{out}");
    assert_eq!(facts["count properties"], "200", "{out}");
    assert_eq!(facts["count portal tokens"], "50", "{out}");
    assert_eq!(facts["count messages"], "1000", "{out}");
    assert_eq!(
        targets.len(),
        50,
        "one refresh target per token when there are fewer than 1,000"
    );

    // The large agency and two agencies of 1/100 its size (at least 10 landlords each).
    let db = Db::connect(&database.url).await.unwrap();
    let counted = |sql: &'static str| {
        let db = db.clone();
        async move { portico::on_pool!(&db, |pool| sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).unwrap() }
    };
    assert_eq!(counted("SELECT COUNT(*) FROM organisations").await, 3);
    assert_eq!(counted("SELECT COUNT(*) FROM landlords").await, 120);
    assert_eq!(
        counted(
            "SELECT COUNT(*) FROM properties p JOIN landlords l ON l.id = p.landlord_id WHERE l.org_id <> p.org_id"
        )
        .await,
        0,
        "no property belongs to another agency's landlord"
    );
    assert_eq!(
        counted(
            "SELECT COUNT(*) FROM properties p WHERE p.epc_rating IS DISTINCT FROM COALESCE((SELECT c.epc_rating \
             FROM certificates c WHERE c.org_id = p.org_id AND c.property_id = p.id AND c.kind = 'epc' \
             AND c.epc_rating IS NOT NULL ORDER BY c.expires_on DESC, c.id DESC LIMIT 1), p.epc_rating)"
        )
        .await,
        0,
        "a seeded property's EPC rating is its EPC certificate's"
    );

    // A second run refuses to mix with what is there.
    let (ok, _, err) = run(portico(&database).args(["seed-bench", "--landlords", "100"]));
    assert!(!ok && err.contains("empty database"), "{err}");
    db.close().await;

    let port = free_port();
    let _served = serve(&database, port, &[]);
    let base = format!("http://127.0.0.1:{port}");
    let mut portal = Client::new(&base);
    let home = format!("/landlord-portal/{}", facts["portal token"]);
    let page = portal.get(&format!("{home}/properties")).await;
    assert_eq!(page.status(), 200);
    assert!(page.body.contains("Your properties"), "{}", page.body);
    let page = portal
        .get(&format!("{home}/properties/{}/tenancies", facts["portal property"]))
        .await;
    assert_eq!(page.status(), 200);
    let page = portal
        .get(&format!(
            "{home}/messages/poll?after={}",
            facts["portal newest message"]
        ))
        .await;
    assert_eq!(page.status(), 204, "the printed newest message is the thread's newest");
    for target in targets.iter().step_by(10) {
        let (link, newest) = target.split_once(' ').expect("link and message id");
        let page = portal
            .get(&format!("/landlord-portal/{link}/messages/poll?after={newest}"))
            .await;
        assert_eq!(page.status(), 204, "{target}");
    }
    let page = portal
        .get(&format!(
            "/landlord-portal/{}/properties",
            facts["portfolio portal token"]
        ))
        .await;
    assert_eq!(page.status(), 200);
    assert!(
        page.body.matches("property-card").count() > 2,
        "a portfolio landlord has many properties"
    );

    let mut agent = Client::new(&base);
    let signed_in = agent.login(&facts["admin email"], "bench-password-2026").await;
    assert_eq!(signed_in.status(), 303);
    let page = agent.get("/landlords").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.body.contains("Next"),
        "a hundred landlords fill more than one page"
    );
    let email = &facts["landlord email"];
    let page = agent
        .get(&format!(
            "/landlords?q={}",
            form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>()
        ))
        .await;
    assert_eq!(
        without_cell_labels(&page.body)
            .matches(r#"<td><a href="/landlords/"#)
            .count(),
        1,
        "the printed email is one landlord's"
    );
    assert!(page.body.contains(email.as_str()), "{}", page.body);
}

#[tokio::test]
async fn secrets_never_appear_in_debug_output() {
    use clap::Parser;
    let cli = portico::config::Cli::try_parse_from([
        "portico",
        "serve",
        "--secret-key",
        "a-very-secret-server-key-0123456789abcdef",
        "--smtp-url",
        "smtp://mailer:hunter2hunter2@mail.example:587",
        "--database-url",
        "postgres://portico:s3cretpass@db.example:5432/portico",
    ])
    .expect("valid arguments");
    let shown = format!("{cli:?}");
    for secret in ["a-very-secret-server-key", "hunter2hunter2", "s3cretpass"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("db.example"), "the rest is still shown: {shown}");
    let app = TestApp::spawn().await;
    let state = format!("{:?}", app.state);
    assert!(!state.contains("test-secret-key"), "{state}");
    assert!(
        !state.contains(&format!("{:?}", b"test-secret-key".to_vec())[1..20]),
        "{state}"
    );
}

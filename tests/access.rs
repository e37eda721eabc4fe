//! The access table, held to its word: every declared route is called as every
//! kind of caller — nobody, an agent and an admin of agency A, an agent and an
//! admin of agency B using A's ids, landlord link X, landlord link Y of the
//! same agency using X's ids, a switched-off link, the tenant of tenancy T, the
//! tenant of another tenancy, and the holder of a live tenant invite. Each call
//! must get what the route's declared caller kind promises: sign-in, 403, the
//! very 404 a missing id gets, or (for the caller it serves) an answer that is
//! not a refusal. Every refusal is checked to have changed no row of any table.
//!
//! The router is built from the same table (`portico::web::routes()`), so a
//! route added anywhere is walked here; a path parameter this test cannot fill
//! in fails it. Runs on SQLite and, with `PORTICO_TEST_POSTGRES_URL`, on PostgreSQL.

mod common;

use std::collections::BTreeMap;

use common::*;
use portico::db::Db;
use portico::domain::audit::Actor;
use portico::web::access::{Caller, Declared};
use portico::web::paths;
use uuid::Uuid;

/// The kinds of caller the test plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    AgentA,
    AdminA,
    AgentB,
    AdminB,
    LinkX,
    LinkY,
    LinkSwitchedOff,
    TenantT,
    TenantOther,
    Invitee,
    /// A contractor's browser session for their access to the work order.
    ContractorC,
    /// Another contractor's session on the same work order.
    ContractorOther,
    /// Holds a contractor's unspent link to the work order.
    ContractorLinkHolder,
}

const EVERYONE: [Who; 14] = [
    Who::Anonymous,
    Who::AgentA,
    Who::AdminA,
    Who::AgentB,
    Who::AdminB,
    Who::LinkX,
    Who::LinkY,
    Who::LinkSwitchedOff,
    Who::TenantT,
    Who::TenantOther,
    Who::Invitee,
    Who::ContractorC,
    Who::ContractorOther,
    Who::ContractorLinkHolder,
];

/// What a call must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Not a refusal: the route serves this caller.
    Served,
    /// A 303 to this sign-in page.
    SignIn(&'static str),
    /// 403.
    Forbidden,
    /// The same 404 as for an id that does not exist.
    NotFound,
}

/// Path parameters that name no record (the link, a sub-view, an action, a file).
const NOT_RECORDS: [&str; 5] = ["link", "view", "action", "name", "invite_link"];

fn names_a_record(path: &str) -> bool {
    params(path).iter().any(|p| !NOT_RECORDS.contains(&p.as_str()))
}

fn params(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix(':'))
        .map(str::to_string)
        .collect()
}

/// What `who` must get from a route serving `caller`.
fn expected(caller: Caller, who: Who, path: &str) -> Expect {
    use Expect::*;
    let records = names_a_record(path);
    let staff = matches!(who, Who::AgentA | Who::AdminA | Who::AgentB | Who::AdminB);
    match caller {
        Caller::Anyone => Served,
        Caller::Account if staff => Served,
        Caller::Account => SignIn(paths::LOGIN),
        Caller::Agent => match who {
            Who::AgentA | Who::AdminA => Served,
            Who::AgentB | Who::AdminB if records => NotFound,
            Who::AgentB | Who::AdminB => Served,
            _ => SignIn(paths::LOGIN),
        },
        Caller::Admin => match who {
            Who::AdminA => Served,
            Who::AgentA | Who::AgentB => Forbidden,
            Who::AdminB if records => NotFound,
            Who::AdminB => Served,
            _ => SignIn(paths::LOGIN),
        },
        Caller::LandlordLink => match who {
            Who::LinkX => Served,
            Who::LinkY if !records => Served,
            _ => NotFound,
        },
        Caller::TenantInvite => match who {
            Who::Invitee => Served,
            _ => NotFound,
        },
        Caller::Tenant => match who {
            Who::TenantT => Served,
            Who::TenantOther if records => NotFound,
            Who::TenantOther => Served,
            _ => SignIn(paths::TENANT_LOGIN),
        },
        Caller::ContractorLink => match who {
            Who::ContractorLinkHolder => Served,
            _ => NotFound,
        },
        Caller::Contractor => match who {
            Who::ContractorC => Served,
            _ => NotFound,
        },
    }
}

/// Agency A's records the routes are called with, and the links and invite.
struct World {
    ids: BTreeMap<&'static str, String>,
    /// Form fields that name one of A's records (`tenant_id`), sent with
    /// every served call so that the answer is about the door, not a missing field.
    record_fields: Vec<(&'static str, String)>,
    link_x: String,
    link_y: String,
    link_switched_off: String,
    invite_link: String,
    contractor_link: String,
    asset: String,
}

/// Everyone's HTTP client (cookies, and the CSRF token of their session).
struct Callers {
    clients: BTreeMap<Who, (Client, String)>,
    /// The form token of a contractor's job pages (their own session, apart
    /// from the staff and tenant one).
    job_tokens: BTreeMap<Who, String>,
}

impl Callers {
    fn client(&mut self, who: Who) -> &mut (Client, String) {
        self.clients.get_mut(&who).expect("every caller has a client")
    }

    /// The token a caller's form to `path` carries: a contractor's job token
    /// on job pages, their session's CSRF token elsewhere.
    fn token_for(&mut self, who: Who, path: &str) -> String {
        match self.job_tokens.get(&who) {
            Some(token) if path.starts_with(paths::CONTRACTOR_JOBS_PREFIX) => token.clone(),
            _ => self.client(who).1.clone(),
        }
    }
}

/// A made-up secret of the right shape, for callers who hold none.
const MADE_UP: &str = "AZmadeupmadeupmadeupmadeupmadeupmadeupmadeupmadeupmadeupmadeup";

impl World {
    /// The path of `route` as `who` calls it: A's ids, and the caller's own
    /// link or invite where they hold one (a made-up one otherwise); with
    /// `missing`, every record id replaced by one that exists nowhere.
    fn path_for(&self, route: &str, who: Who, missing: bool) -> String {
        let mut out = String::new();
        for segment in route.split('/').skip(1) {
            out.push('/');
            let Some(param) = segment.strip_prefix(':') else {
                out.push_str(segment);
                continue;
            };
            let value = match param {
                "link" => match who {
                    Who::LinkX => self.link_x.clone(),
                    Who::LinkY => self.link_y.clone(),
                    Who::LinkSwitchedOff => self.link_switched_off.clone(),
                    _ => MADE_UP.to_string(),
                },
                "invite_link" => match who {
                    Who::Invitee => self.invite_link.clone(),
                    _ => MADE_UP.to_string(),
                },
                "contractor_link" => match who {
                    Who::ContractorLinkHolder => self.contractor_link.clone(),
                    _ => MADE_UP.to_string(),
                },
                "view" => "documents".to_string(),
                "action" => paths::TokenAction::Deactivate.segment().to_string(),
                "name" => self.asset.clone(),
                _ if missing => Uuid::now_v7().to_string(),
                other => self
                    .ids
                    .get(other)
                    .unwrap_or_else(|| panic!("{route}: this test does not know what :{other} names; add it to World"))
                    .clone(),
            };
            out.push_str(&value);
        }
        if out.is_empty() { "/".to_string() } else { out }
    }
}

fn settings(settings: &mut portico::web::Settings, now: chrono::DateTime<chrono::Utc>) {
    // Refused links are counted per address; every caller here is 127.0.0.1.
    settings.portal_failure_limit = 1_000_000;
    // Sessions record activity by the clock; a fixed one keeps a refused
    // call from writing its session row a minute into the run.
    settings.clock = portico::clock::Clock::Fixed(now);
}

async fn tenancy_on(admin: &mut Client, property: Uuid, first: &str, email: &str) -> Uuid {
    let new = format!("/properties/{property}/tenancies/new");
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
                ("tenant_1_first_name", first),
                ("tenant_1_last_name", "Okafor"),
                ("tenant_1_email", email),
                ("primary_tenant", "1"),
            ],
        )
        .await;
    assert_eq!(made.status(), 303, "{}", made.body);
    made.location()
        .and_then(|l| l.trim_start_matches("/tenancies/").parse().ok())
        .expect("the new tenancy's page")
}

async fn scalar(db: &Db, sql: &'static str, bind: &str) -> Uuid {
    portico::on_pool!(db, |pool| sqlx::query_scalar(sql).bind(bind).fetch_one(pool).await).expect(sql)
}

async fn scalar_of(db: &Db, sql: &'static str, bind: Uuid) -> Uuid {
    portico::on_pool!(db, |pool| sqlx::query_scalar(sql).bind(bind).fetch_one(pool).await).expect(sql)
}

/// A live invite link for a tenant of a tenancy.
async fn invite(app: &TestApp, org: Uuid, tenancy: Uuid, email: &str) -> (Uuid, String) {
    let tenant = scalar(&app.db, "SELECT id FROM tenants WHERE email = $1", email).await;
    let mut tx = app.db.begin().await.unwrap();
    let invite = portico::store::tenant_invites::reissue(
        &mut tx,
        org,
        tenancy,
        tenant,
        "A tenant",
        chrono::TimeDelta::days(14),
        &Actor::system(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (
        invite.id,
        paths::tenant_invite(&invite.link_token(&app.state.settings.secret_key)),
    )
}

/// A client that accepted an invite: a signed-in tenant.
async fn tenant_signed_in(app: &TestApp, invite_path: &str) -> Client {
    let mut tenant = app.client();
    tenant.get(invite_path).await;
    let accepted = tenant.post(invite_path, &[]).await;
    assert_eq!(accepted.location(), Some(paths::TENANT_PORTAL), "{}", accepted.body);
    tenant
}

/// Builds agency A's records, agency B, and every caller.
async fn build(app: &TestApp) -> (World, Callers) {
    let a = app.agency("Acme Lettings", "ada@acme.example").await;
    let b = app.agency("Bravo Homes", "bo@bravo.example").await;
    let mut admin_a = app.signed_in(&a.admin.email, ADMIN_PASSWORD).await;
    let agent_a = app.agent(&mut admin_a, "Aled Agent", "aled@acme.example").await;
    let mut admin_b = app.signed_in(&b.admin.email, ADMIN_PASSWORD).await;
    let agent_b = app.agent(&mut admin_b, "Bea Agent", "bea@bravo.example").await;
    let agent_a_id = scalar(&app.db, "SELECT id FROM users WHERE email = $1", "aled@acme.example").await;

    let px = app.property(a.org.id, |p| p.status = "let".into()).await;
    let py = app
        .property(a.org.id, |p| {
            p.status = "let".into();
            p.address_line1 = "2 Other Street".into();
        })
        .await;
    let pz = app
        .property(a.org.id, |p| p.address_line1 = "3 Switched Off Lane".into())
        .await;
    let landlord_x = portico::store::properties::get(&app.db, a.org.id, px)
        .await
        .unwrap()
        .unwrap()
        .landlord_id;
    let (token_x, home_x) = app.portal_for(a.org.id, px).await;
    let (_, home_y) = app.portal_for(a.org.id, py).await;
    let (token_z, home_z) = app.portal_for(a.org.id, pz).await;
    let token = portico::store::portal::get(&app.db, a.org.id, token_z)
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    portico::store::portal::set_active(&mut tx, &token, false, &Actor::system())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let tenancy_t = tenancy_on(&mut admin_a, px, "Ben", "ben@example.com").await;
    let tenancy_other = tenancy_on(&mut admin_a, py, "Zoe", "zoe@example.com").await;

    admin_a.get(&format!("/tenancies/{tenancy_t}")).await;
    let proposed = admin_a
        .post(
            &format!("/tenancies/{tenancy_t}/deposit-release"),
            &[
                ("to_tenant", "1,100"),
                ("to_landlord", "200"),
                ("deduction_1_reason", "Cleaning"),
                ("deduction_1_amount", "200"),
            ],
        )
        .await;
    assert_eq!(proposed.status(), 303, "{}", proposed.body);
    let proposal = scalar_of(
        &app.db,
        "SELECT id FROM deposit_release_proposals WHERE tenancy_id = $1",
        tenancy_t,
    )
    .await;

    let certificate_page = format!("/properties/{px}/certificates/new");
    admin_a.get(&certificate_page).await;
    let issued = (chrono::Utc::now().date_naive() - chrono::TimeDelta::days(30)).to_string();
    let added = admin_a
        .post(&certificate_page, &[("kind", "gas_safety"), ("issued_on", &issued)])
        .await;
    assert_eq!(added.status(), 303, "{}", added.body);
    let task_page = format!("/properties/{px}/tasks/new");
    admin_a.get(&task_page).await;
    let added = admin_a
        .post(
            &task_page,
            &[("title", "Sign the renewal"), ("assignee_kind", "landlord")],
        )
        .await;
    assert_eq!(added.status(), 303, "{}", added.body);
    let offer_page = format!("/properties/{px}/offers/new");
    admin_a.get(&offer_page).await;
    let added = admin_a
        .post(
            &offer_page,
            &[
                ("applicant_name", "Amy Lee"),
                ("applicant_email", "amy@example.com"),
                ("rent", "1,150"),
                ("term_months", "12"),
            ],
        )
        .await;
    assert_eq!(added.status(), 303, "{}", added.body);
    let offer_path = added.location().expect("the offer's page").to_string();
    for step in ["in_progress", "with_agent", "sent_to_landlord"] {
        admin_a.get(&offer_path).await;
        let moved = admin_a.post(&format!("{offer_path}/status"), &[("status", step)]).await;
        assert_eq!(moved.status(), 303, "{step}: {}", moved.body);
    }
    admin_a.get(&format!("/properties/{px}")).await;
    let csrf = admin_a.csrf.clone().expect("a CSRF token");
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("title", "Gas certificate")
        .text("category", "certificate")
        .text("visibility", "all")
        .part("file", reqwest::multipart::Part::bytes(pdf).file_name("gas.pdf"));
    let uploaded = admin_a
        .http
        .post(app.url(&format!("/properties/{px}/documents?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status().as_u16(), 303);

    let (invite_t, invite_t_path) = invite(app, a.org.id, tenancy_t, "ben@example.com").await;
    let tenant_t = tenant_signed_in(app, &invite_t_path).await;
    let (_, invite_other_path) = invite(app, a.org.id, tenancy_other, "zoe@example.com").await;
    let tenant_other = tenant_signed_in(app, &invite_other_path).await;
    // A second tenant on T, invited but not yet in: the invite holder.
    let (_, live_invite_path) = {
        let tenant = scalar(&app.db, "SELECT id FROM tenants WHERE email = $1", "ben@example.com").await;
        let mut tx = app.db.begin().await.unwrap();
        let invite = portico::store::tenant_invites::create(
            &mut tx,
            a.org.id,
            tenancy_other,
            tenant,
            "Ben Okafor",
            chrono::TimeDelta::days(14),
            &Actor::system(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (
            invite.id,
            paths::tenant_invite(&invite.link_token(&app.state.settings.secret_key)),
        )
    };

    // A message in X's thread, and an email in A's outbox.
    let mut link_x = app.client();
    link_x.get(&format!("{home_x}/messages")).await;
    let sent = link_x
        .post_raw(&format!("{home_x}/messages"), &[("body", "Is the boiler fixed?")])
        .await;
    assert_eq!(sent.status(), 303, "{}", sent.body);

    let mut tx = app.db.begin().await.unwrap();
    portico::store::outbox::enqueue(
        &mut tx,
        Some(a.org.id),
        "test",
        "jane@example.com",
        &portico::store::outbox::EmailContent {
            sender_name: Some("Acme Lettings".into()),
            subject: "Your statement".into(),
            text: "Your statement is ready.".into(),
            html: "<p>Your statement is ready.</p>".into(),
            secrets: Vec::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // A failed email, which an admin may put back in the queue.
    portico::on_pool!(&app.db, |pool| sqlx::query(
        "UPDATE email_outbox SET status = 'failed' WHERE org_id = $1"
    )
    .bind(a.org.id)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let contractor = portico::domain::contractors::ContractorForm {
        company_name: "Sparks & Sons".into(),
        email: "jobs@sparks.example".into(),
        trades: vec!["plumbing".into()],
        ..Default::default()
    }
    .parse()
    .unwrap();
    portico::store::contractors::create(&mut tx, a.org.id, &contractor, &Actor::system())
        .await
        .unwrap();
    let work = portico::domain::work_orders::WorkOrderForm {
        title: "Boiler not firing".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    portico::store::work_orders::create(&mut tx, a.org.id, px, "the property", &work, &Actor::system())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let id = async |sql: &'static str| scalar_of(&app.db, sql, a.org.id).await.to_string();
    let mut ids = BTreeMap::new();
    ids.insert("user", agent_a_id.to_string());
    ids.insert("landlord", landlord_x.to_string());
    ids.insert("property", px.to_string());
    ids.insert("tenancy", tenancy_t.to_string());
    ids.insert("proposal", proposal.to_string());
    ids.insert("invite", invite_t.to_string());
    ids.insert("portal_token", token_x.to_string());
    ids.insert("certificate", id("SELECT id FROM certificates WHERE org_id = $1").await);
    ids.insert("task", id("SELECT id FROM tasks WHERE org_id = $1").await);
    ids.insert("contractor", id("SELECT id FROM contractors WHERE org_id = $1").await);
    let work_order_id = id("SELECT id FROM work_orders WHERE org_id = $1").await;
    let work_order = portico::store::work_orders::get(&app.db, a.org.id, work_order_id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let picture = image::RgbImage::from_pixel(40, 30, image::Rgb([10, 120, 200]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let photo = portico::photos::process(&png).unwrap();
    let photo_id = Uuid::now_v7();
    for (thumb, bytes) in [(false, photo.full.clone()), (true, photo.thumb.clone())] {
        object_store::ObjectStoreExt::put(
            &app.state.files,
            &portico::store::work_orders::photo_path(a.org.id, photo_id, thumb),
            bytes.into(),
        )
        .await
        .unwrap();
    }
    let mut tx = app.db.begin().await.unwrap();
    portico::store::work_orders::add_photos(
        &mut tx,
        &work_order,
        &[(photo_id, photo.width, photo.height, photo.full.len())],
        &Actor::system(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let contractor_id: Uuid = id("SELECT id FROM contractors WHERE org_id = $1")
        .await
        .parse()
        .unwrap();
    let quote = portico::domain::quotes::QuoteForm::from_pairs(&[
        ("line1_description".to_string(), "Replace the valve".to_string()),
        ("line1_amount".to_string(), "400".to_string()),
    ])
    .parse(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let quote_id = portico::store::quotes::record(
        &mut tx,
        &work_order,
        contractor_id,
        "Sparks & Sons",
        &quote,
        &Actor::system(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // Above the landlord's limit: it waits for landlord X's decision.
    let work_order = portico::store::work_orders::get(&app.db, a.org.id, work_order.id)
        .await
        .unwrap()
        .unwrap();
    let listed = portico::store::quotes::get(&app.db, a.org.id, work_order.id, quote_id)
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    portico::store::quotes::accept(&mut tx, &work_order, &listed, 25_000, &Actor::system())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids.insert("quote", quote_id.to_string());
    ids.insert("work_order", work_order_id);
    ids.insert("photo", photo_id.to_string());
    // Three contractors with access to the work order: C and another have
    // opened their links (a session each), the third holds an unspent link.
    let work_order = portico::store::work_orders::get(&app.db, a.org.id, work_order.id)
        .await
        .unwrap()
        .unwrap();
    let mut links = Vec::new();
    for (company, email) in [
        ("Sparks & Sons", "jobs@sparks.example"),
        ("Pipes Ltd", "jobs@pipes.example"),
        ("Roofs Ltd", "jobs@roofs.example"),
    ] {
        let contractor = if company == "Sparks & Sons" {
            contractor_id
        } else {
            let form = portico::domain::contractors::ContractorForm {
                company_name: company.into(),
                email: email.into(),
                trades: vec!["roofing".into()],
                ..Default::default()
            }
            .parse()
            .unwrap();
            let mut tx = app.db.begin().await.unwrap();
            let made = portico::store::contractors::create(&mut tx, a.org.id, &form, &Actor::system())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            made
        };
        let mut tx = app.db.begin().await.unwrap();
        let link = portico::store::contractor_links::issue(
            &mut tx,
            &work_order,
            contractor,
            portico::domain::contractor_port::InvitedTo::Quote,
            chrono::TimeDelta::days(30),
            &Actor::system(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        links.push((
            link.id,
            paths::contractor_link(&link.link_token(&app.state.settings.secret_key)),
        ));
    }
    let mut contractor_sessions = Vec::new();
    for (job, link) in &links[..2] {
        let mut client = app.client();
        client.get(link).await;
        let opened = client.post_raw(link, &[]).await;
        assert_eq!(
            opened.location(),
            Some(paths::contractor_job(*job, paths::JobAction::Page).as_str()),
            "{}",
            opened.body
        );
        contractor_sessions.push(client);
    }
    let contractor_other = contractor_sessions.pop().expect("two sessions");
    let contractor_c = contractor_sessions.pop().expect("two sessions");
    ids.insert("job", links[0].0.to_string());
    // A certificate the contractor sent, with its PDF, awaiting a check.
    let file_id = Uuid::now_v7();
    object_store::ObjectStoreExt::put(
        &app.state.files,
        &portico::store::work_orders::file_path(a.org.id, file_id),
        b"%PDF-1.4\n%%EOF\n".to_vec().into(),
    )
    .await
    .unwrap();
    let certificate = portico::domain::compliance::CertificateForm {
        kind: "gas_safety".into(),
        issued_on: "2026-01-10".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    portico::store::work_orders::add_file(
        &mut tx,
        &work_order,
        file_id,
        "certificate",
        "gas.pdf",
        15,
        &Actor::system(),
    )
    .await
    .unwrap();
    let received = portico::store::contractor_certificates::submit(
        &mut tx,
        &work_order,
        contractor_id,
        &certificate,
        file_id,
        &Actor::system(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    ids.insert("file", file_id.to_string());
    ids.insert("received", received.to_string());
    ids.insert("offer", id("SELECT id FROM offers WHERE org_id = $1").await);
    ids.insert("document", id("SELECT id FROM documents WHERE org_id = $1").await);
    ids.insert(
        "email",
        id("SELECT id FROM email_outbox WHERE org_id = $1 ORDER BY id LIMIT 1").await,
    );

    let login = app.client().get(paths::LOGIN).await.body;
    let asset = login
        .split("/assets/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the sign-in page links an asset")
        .to_string();

    let link = |home: &str| home.trim_start_matches(paths::LANDLORD_PORTAL_PREFIX).to_string();
    let tenant_t_id = scalar(&app.db, "SELECT id FROM tenants WHERE email = $1", "ben@example.com").await;
    let world = World {
        ids,
        record_fields: vec![("tenant_id", tenant_t_id.to_string())],
        link_x: link(&home_x),
        link_y: link(&home_y),
        link_switched_off: link(&home_z),
        invite_link: live_invite_path
            .trim_start_matches(paths::TENANT_INVITE_PREFIX)
            .to_string(),
        contractor_link: links[2].1.trim_start_matches("/contractor/").to_string(),
        asset,
    };

    let mut clients = BTreeMap::new();
    let mut job_tokens = BTreeMap::new();
    let holders = [
        (Who::Anonymous, app.client()),
        (Who::AgentA, agent_a),
        (Who::AdminA, admin_a),
        (Who::AgentB, agent_b),
        (Who::AdminB, admin_b),
        (Who::LinkX, link_x),
        (Who::LinkY, app.client()),
        (Who::LinkSwitchedOff, app.client()),
        (Who::TenantT, tenant_t),
        (Who::TenantOther, tenant_other),
        (Who::Invitee, app.client()),
        (Who::ContractorC, contractor_c),
        (Who::ContractorOther, contractor_other),
        (Who::ContractorLinkHolder, app.client()),
    ];
    for (who, mut client) in holders {
        // Every caller holds a CSRF token for their session, so that a
        // refusal is the route's own and not the CSRF check's.
        let page = match who {
            Who::TenantT | Who::TenantOther => client.get(paths::TENANT_PORTAL).await,
            Who::AgentA | Who::AdminA | Who::AgentB | Who::AdminB => client.get(paths::ACCOUNT).await,
            _ => client.get(paths::LOGIN).await,
        };
        let token = csrf_in(&page.body).unwrap_or_else(|| panic!("{who:?} has a CSRF token: {}", page.body));
        let job = match who {
            Who::ContractorC => Some(links[0].0),
            Who::ContractorOther => Some(links[1].0),
            _ => None,
        };
        if let Some(job) = job {
            let page = client.get(&paths::contractor_job(job, paths::JobAction::Page)).await;
            let token = csrf_in(&page.body).unwrap_or_else(|| panic!("{who:?} has a job token: {}", page.body));
            job_tokens.insert(who, token);
        }
        clients.insert(who, (client, token));
    }
    (world, Callers { clients, job_tokens })
}

/// Every row of every table, as text, table by table.
async fn snapshot(db: &Db) -> BTreeMap<String, Vec<String>> {
    let mut all = BTreeMap::new();
    match db {
        Db::Sqlite(pool, _) => {
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            for table in tables {
                let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT name FROM pragma_table_info('{table}')"
                )))
                .fetch_all(pool)
                .await
                .unwrap();
                if columns.is_empty() {
                    continue;
                }
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                let mut rows: Vec<String> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {row} FROM \"{table}\"")))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                rows.sort();
                all.insert(table, rows);
            }
        }
        Db::Postgres(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for table in tables {
                let mut rows: Vec<String> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT t::text FROM \"{table}\" t")))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                rows.sort();
                all.insert(table, rows);
            }
        }
    }
    all
}

/// The tables whose rows differ between two snapshots.
fn changed(before: &BTreeMap<String, Vec<String>>, after: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut tables: Vec<String> = before
        .iter()
        .filter(|(table, rows)| after.get(*table) != Some(rows))
        .map(|(table, _)| table.clone())
        .collect();
    tables.extend(after.keys().filter(|t| !before.contains_key(*t)).cloned());
    tables
}

async fn call(callers: &mut Callers, who: Who, route: &Declared, path: &str) -> Page {
    let token = callers.token_for(who, path);
    let (client, _) = callers.client(who);
    send(client, &token, route, path).await
}

async fn send(client: &mut Client, csrf: &str, route: &Declared, path: &str) -> Page {
    if route.method == poem::http::Method::GET {
        client.get(path).await
    } else {
        client.post_raw(path, &[("csrf_token", csrf)]).await
    }
}

/// A page's body without the request id it names (each request has its own).
fn without_request_id(page: &Page) -> String {
    match page.header("x-request-id") {
        Some(id) => page.body.replace(id, ""),
        None => page.body.clone(),
    }
}

fn is_refusal(page: &Page) -> bool {
    matches!(page.status(), 401 | 403 | 404 | 405) || page.status() >= 500
}

fn to_sign_in(page: &Page) -> bool {
    page.status() == 303
        && page
            .location()
            .is_some_and(|l| l.starts_with(paths::LOGIN) || l.starts_with(paths::TENANT_LOGIN))
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_the_access_table_declares() {
    let now = chrono::Utc::now();
    let app = TestApp::spawn_with(|s| settings(s, now)).await;
    let (world, mut callers) = build(&app).await;
    let table = portico::web::routes();
    assert!(table.len() > 90, "the whole table: {} routes", table.len());

    let mut failures = Vec::new();
    let mut refusals = 0;
    let mut served_posts = Vec::new();
    // Caller by caller, so that a landlord link's visit, recorded at most once
    // a minute, is recorded by its first call and not in the middle of a refusal.
    for who in EVERYONE {
        let mut before = snapshot(&app.db).await;
        for route in &table {
            let expect = expected(route.caller, who, route.path);
            let path = world.path_for(route.path, who, false);
            if expect == Expect::Served && route.method != poem::http::Method::GET {
                served_posts.push((who, route, path));
                continue;
            }
            let page = call(&mut callers, who, route, &path).await;
            let verdict = match expect {
                Expect::Served => (!is_refusal(&page) && (route.caller == Caller::Anyone || !to_sign_in(&page)))
                    .then_some(())
                    .ok_or("a refusal"),
                Expect::SignIn(at) => (page.status() == 303
                    && page
                        .location()
                        .is_some_and(|l| l == at || l.starts_with(&format!("{at}?"))))
                .then_some(())
                .ok_or("not sent to sign in"),
                Expect::Forbidden => (page.status() == 403).then_some(()).ok_or("not 403"),
                Expect::NotFound => {
                    let missing = call(&mut callers, who, route, &world.path_for(route.path, who, true)).await;
                    (page.status() == 404
                        && missing.status() == 404
                        && without_request_id(&page) == without_request_id(&missing))
                    .then_some(())
                    .ok_or("not the 404 of a missing id")
                }
            };
            if let Err(why) = verdict {
                failures.push(format!(
                    "{who:?} {} {path} ({:?}): expected {expect:?}, got {} {:?} — {why}",
                    route.method,
                    route.caller,
                    page.status(),
                    page.location()
                ));
            }
            if expect == Expect::Served {
                before = snapshot(&app.db).await;
            } else {
                refusals += 1;
                let after = snapshot(&app.db).await;
                let tables = changed(&before, &after);
                if !tables.is_empty() {
                    failures.push(format!(
                        "{who:?} {} {path}: refused, yet changed {tables:?}",
                        route.method
                    ));
                }
                before = after;
            }
        }
    }
    assert!(refusals > 500, "only {refusals} refusals were checked");

    // A call the route serves may change anything (sign out, switch a link
    // off, deactivate a user), so each runs in a copy of the world of its own.
    // An empty form is enough to show the caller got past the door: the
    // answer may be a validation error, never a refusal.
    assert!(served_posts.len() > 40, "only {} served calls", served_posts.len());
    let sessions: BTreeMap<Who, Option<String>> = EVERYONE
        .iter()
        .map(|who| (*who, callers.client(*who).0.cookie_header()))
        .collect();
    app.db.close().await;
    let documents = app.database.dir.path().join("documents");
    for (who, route, path) in served_posts {
        let copy = app.database.copy().await;
        let documents = documents.clone();
        let twin = TestApp::spawn_on(copy, |s| {
            settings(s, now);
            s.documents_dir = documents;
        })
        .await;
        // The caller's session as it was, in a client of its own (a sign-out
        // in one world must not sign them out of the next).
        let mut request = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(twin.url(&path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("csrf_token", &callers.token_for(who, &path))
                    .extend_pairs(world.record_fields.iter())
                    .finish(),
            );
        if let Some(cookie) = callers
            .client(who)
            .0
            .cookie_header_for(&path)
            .or_else(|| sessions[&who].clone())
        {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("POST");
        let page = Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        };
        if is_refusal(&page) || (route.caller != Caller::Anyone && to_sign_in(&page)) {
            failures.push(format!(
                "{who:?} {} {path} ({:?}): expected Served, got {} {:?}",
                route.method,
                route.caller,
                page.status(),
                page.location()
            ));
        }
        twin.db.close().await;
    }
    assert!(
        failures.is_empty(),
        "{} wrong answers:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn an_unknown_url_inside_a_door_gets_that_doors_own_404_page() {
    let app = TestApp::spawn().await;
    let mut visitor = app.client();
    let staff = visitor.get("/no-such-page").await;
    assert_eq!(staff.status(), 404);
    assert!(staff.body.contains("Page not found"), "{}", staff.body);
    for path in ["/landlord-portal/abc/no/such/page", "/tenant-portal/no/such/page"] {
        let portal = visitor.get(path).await;
        assert_eq!(portal.status(), 404, "{path}");
        assert!(
            portal.body.contains("That page is not in your portal") && !portal.body.contains("Page not found"),
            "{path}: {}",
            portal.body
        );
        assert_eq!(portal.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert_eq!(portal.header("x-robots-tag"), Some("noindex, nofollow"), "{path}");
    }
    // A form posted to an unknown portal URL is the same 404, not a CSRF refusal.
    let posted = visitor.post_raw("/tenant-portal/no/such/page", &[]).await;
    assert_eq!(posted.status(), 404);
}

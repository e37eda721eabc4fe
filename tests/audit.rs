//! The audit trail: one row per change, written in the change's transaction, and
//! the admin-only Audit page.

mod common;

use common::*;
use portico::domain::audit::Actor;
use portico::domain::users::Role;
use portico::domain::validation::Email;
use portico::store::users::{self, NewUser};

#[tokio::test]
async fn each_change_writes_exactly_one_audit_row_and_a_failed_one_writes_none() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    let count = || app.count("SELECT COUNT(*) FROM audit_log");
    let start = count().await;
    admin
        .post(
            "/users",
            &[("name", "Ben Agent"), ("email", "ben@acme.example"), ("role", "agent")],
        )
        .await;
    assert_eq!(count().await, start + 1);
    let ben = users::find_by_email(&app.db, "ben@acme.example")
        .await
        .unwrap()
        .unwrap();
    admin
        .post(&format!("/users/{}/role", ben.id), &[("role", "admin")])
        .await;
    assert_eq!(count().await, start + 2);
    admin.get("/users").await;
    admin.post(&format!("/users/{}/deactivate", ben.id), &[]).await;
    assert_eq!(count().await, start + 3);
    admin.get("/account").await;
    admin
        .post(
            "/account/password",
            &[
                ("current_password", ADMIN_PASSWORD),
                ("new_password", "a new long password"),
                ("confirm_password", "a new long password"),
            ],
        )
        .await;
    assert_eq!(count().await, start + 4);
    // Failed changes: a duplicate email, a wrong current password.
    admin.get("/users").await;
    admin
        .post(
            "/users",
            &[("name", "Dup"), ("email", "ben@acme.example"), ("role", "agent")],
        )
        .await;
    admin.get("/account").await;
    admin
        .post(
            "/account/password",
            &[
                ("current_password", "wrong"),
                ("new_password", "x long password"),
                ("confirm_password", "x long password"),
            ],
        )
        .await;
    assert_eq!(count().await, start + 4);
}

#[tokio::test]
async fn the_audit_row_is_part_of_the_changes_transaction() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;
    let mut tx = app.db.begin().await.unwrap();
    let new = NewUser {
        name: "Rolled Back".into(),
        email: Email::parse("rb@acme.example").unwrap(),
        role: Role::Agent,
    };
    users::create(&mut tx, agency.org.id, &new, "$argon2id$x", false, &Actor::system())
        .await
        .unwrap();
    // Inside the transaction the audit row is there…
    let inside: i64 = portico::on_tx!(&mut tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'user.create' AND summary LIKE '%Rolled Back%'"
    )
    .fetch_one(conn)
    .await)
    .unwrap();
    assert_eq!(inside, 1, "the change wrote its audit row in its own transaction");
    // …and it goes with the change.
    drop(tx); // not committed
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit_before);
}

#[tokio::test]
async fn audit_rows_read_as_sentences_and_never_hold_secrets() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    let added = admin
        .post(
            "/users",
            &[("name", "Ben Agent"), ("email", "ben@acme.example"), ("role", "agent")],
        )
        .await;
    let password = &one_time_password(&added.body);
    let page = admin.get("/audit").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.body.contains("Ada Admin (agent) added user Ben Agent"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<strong>Password</strong>: changed (the value is not recorded)")
    );
    assert!(
        page.body.contains(&format!(
            "<strong>Role</strong>: set to {}",
            portico::domain::users::Role::Agent.label()
        )),
        "a stored choice reads as its label, under the field's label"
    );
    assert!(
        !page.body.contains("role: ") && !page.body.contains("password: "),
        "no column names"
    );
    let everything: Vec<String> = portico::on_pool!(&app.db, |pool| {
        sqlx::query_scalar("SELECT summary || ' ' || changes FROM audit_log")
            .fetch_all(pool)
            .await
    })
    .unwrap();
    for row in everything {
        assert!(!row.contains(password), "a password leaked into the audit log: {row}");
        assert!(!row.contains("argon2"), "a hash leaked into the audit log: {row}");
    }
}

#[tokio::test]
async fn the_audit_page_pages_by_cursor_and_filters_by_actor_record_and_date() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olga@other.example").await;
    // 60 changes by the system, then one by the admin.
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..60 {
        let new = NewUser {
            name: format!("Agent {i:02}"),
            email: Email::parse(&format!("agent{i}@acme.example")).unwrap(),
            role: Role::Agent,
        };
        users::create(&mut tx, agency.org.id, &new, "$argon2id$x", true, &Actor::system())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    admin
        .post(
            "/users",
            &[("name", "Zed Newest"), ("email", "zed@acme.example"), ("role", "agent")],
        )
        .await;

    let first = admin.get("/audit").await;
    let rows = first.body.matches("<tr><td data-label=\"When\"").count();
    assert_eq!(rows, 50);
    assert!(first.body.contains("added user Zed Newest"), "newest first");
    assert!(
        !first.body.contains("olga@other.example") && !first.body.contains("Olga"),
        "only this agency"
    );
    let marker = r#"href="/audit?before="#;
    let start = first.body.find(marker).expect("a link to older entries") + r#"href=""#.len();
    let next = &first.body[start..start + first.body[start..].find('"').unwrap()];
    let second = admin.get(&next.replace("&amp;", "&")).await;
    // 60 system rows + the first admin's creation + Zed = 62 rows in all.
    assert_eq!(second.body.matches("<tr><td data-label=\"When\"").count(), 12);
    assert!(second.body.contains("added user Agent 00"));
    assert!(!second.body.contains("added user Zed Newest"));
    assert!(!second.body.contains(r#"rel="next""#));

    let by_admin = admin.get(&format!("/audit?actor={}", agency.admin.id)).await;
    assert_eq!(by_admin.body.matches("<tr><td data-label=\"When\"").count(), 1);
    let by_system = admin.get("/audit?actor=system").await;
    assert_eq!(by_system.body.matches("<tr><td data-label=\"When\"").count(), 50);
    let by_kind = admin.get("/audit?entity=organisation").await;
    assert!(by_kind.body.contains("No changes match these filters."));
    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let in_range = admin
        .get(&format!("/audit?actor={}&from={today}&to={today}", agency.admin.id))
        .await;
    assert_eq!(in_range.body.matches("<tr><td data-label=\"When\"").count(), 1);
    let before_range = admin.get(&format!("/audit?to={yesterday}")).await;
    assert!(before_range.body.contains("No changes match these filters."));
    let bad = admin.get("/audit?from=31/02/2026").await;
    assert_eq!(bad.status(), 200);
    assert!(bad.body.contains("Enter a real date"));
    // The other agency's admin sees only their own agency's one row.
    let mut olga = app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    let theirs = olga.get("/audit").await;
    assert_eq!(theirs.body.matches("<tr><td data-label=\"When\"").count(), 1);
}

#[tokio::test]
async fn htmx_filter_requests_get_only_the_results_fragment() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let full = admin.get("/audit?entity=user").await;
    assert!(full.body.starts_with("<!DOCTYPE html>"));
    let fragment = admin
        .get_with(
            "/audit?entity=user",
            &[("HX-Request", "true"), ("HX-Target", "audit-results")],
        )
        .await;
    assert!(
        fragment.body.starts_with(r#"<div id="audit-results""#),
        "{}",
        fragment.body
    );
    assert!(!fragment.body.contains("<html"));
    let restore = admin
        .get_with(
            "/audit",
            &[("HX-Request", "true"), ("HX-History-Restore-Request", "true")],
        )
        .await;
    assert!(
        restore.body.starts_with("<!DOCTYPE html>"),
        "a history restore gets the whole page"
    );
}

#[tokio::test]
async fn an_entitys_audit_details_can_be_redacted_keeping_the_sentences() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    admin
        .post(
            "/users",
            &[("name", "Ben Agent"), ("email", "ben@acme.example"), ("role", "agent")],
        )
        .await;
    let ben = users::find_by_email(&app.db, "ben@acme.example")
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let redacted = portico::store::audit::redact_entity(&mut tx, agency.org.id, users::ENTITY, ben.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(redacted, 1);
    let rows = portico::store::audit::for_entity(&app.db, agency.org.id, users::ENTITY, ben.id, 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].changes().is_empty() && rows[0].redacted_at.is_some());
    assert!(!rows[0].changes.contains("ben@acme.example"));
    let page = admin.get("/audit").await;
    assert!(page.body.contains("Details redacted."));
}

//! The Users page: who may use it, what it changes, and that refusals change nothing.

mod common;

use common::*;

#[tokio::test]
async fn an_admin_adds_an_agent_who_gets_a_one_time_password_shown_once() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    let page = admin
        .post(
            "/users",
            &[
                ("name", "Ben Agent"),
                ("email", " Ben@Acme.example "),
                ("role", "agent"),
            ],
        )
        .await;
    assert_eq!(page.status(), 201);
    assert!(page.body.contains("ben@acme.example"));
    assert!(page.body.contains(r#"data-testid="one-time-password""#));
    let list = admin.get("/users").await;
    assert!(list.body.contains("Ben Agent"));
    assert!(
        !list.body.contains(r#"data-testid="one-time-password""#),
        "shown only once"
    );
    let ben = portico::store::users::find_by_email(&app.db, "ben@acme.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ben.role, portico::domain::users::Role::Agent);
    assert!(ben.must_change_password);
    assert!(ben.password_hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn invalid_user_details_are_shown_next_to_the_fields_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    let before = app.count("SELECT COUNT(*) FROM users").await;
    let long_name = "N".repeat(101);
    let page = admin
        .post(
            "/users",
            &[("name", &long_name), ("email", "not-an-email"), ("role", "agent")],
        )
        .await;
    assert_eq!(page.status(), 422);
    assert!(
        page.body.contains("A full name must be 100 characters or fewer")
            || page.body.contains("must be 100 characters or fewer")
    );
    assert!(page.body.contains("Enter an email address in the correct format"));
    assert!(page.body.contains(r#"value="not-an-email""#));
    let taken = admin
        .post(
            "/users",
            &[("name", "Ada Again"), ("email", "ADA@acme.example"), ("role", "agent")],
        )
        .await;
    assert_eq!(taken.status(), 422);
    assert!(taken.body.contains("Someone already signs in with this email address"));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, before);
}

#[tokio::test]
async fn an_agent_gets_a_403_page_on_admin_pages_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let mut agent = app.agent(&mut admin, "Ben Agent", "ben@acme.example").await;
    for path in ["/users", "/audit"] {
        let page = agent.get(path).await;
        assert_eq!(page.status(), 403, "{path}");
        assert!(page.body.contains("You do not have access to this page"));
        assert!(page.body.contains(r#"href="/""#), "a way back");
    }
    let home = agent.get("/").await;
    assert!(!home.body.contains(r#"href="/users""#), "no admin links for agents");
    let users = app.count("SELECT COUNT(*) FROM users").await;
    let audit = app.count("SELECT COUNT(*) FROM audit_log").await;
    let page = agent
        .post(
            "/users",
            &[("name", "Sneaky"), ("email", "sneaky@acme.example"), ("role", "admin")],
        )
        .await;
    assert_eq!(page.status(), 403);
    let ada = agency.admin.id;
    let page = agent.post(&format!("/users/{ada}/deactivate"), &[]).await;
    assert_eq!(page.status(), 403);
    let page = agent.post(&format!("/users/{ada}/role"), &[("role", "agent")]).await;
    assert_eq!(page.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE is_active = TRUE AND role = 'admin'")
            .await,
        1
    );
}

#[tokio::test]
async fn roles_change_and_the_last_admin_is_protected() {
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
    let ben = portico::store::users::find_by_email(&app.db, "ben@acme.example")
        .await
        .unwrap()
        .unwrap();
    let page = admin
        .post(&format!("/users/{}/role", ben.id), &[("role", "admin")])
        .await;
    assert_eq!(page.status(), 303);
    let list = admin.get("/users").await;
    assert!(list.body.contains("Ben Agent is now admin."));
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE role = 'admin'").await, 2);
    // Nobody changes their own role.
    let own = admin
        .post(&format!("/users/{}/role", agency.admin.id), &[("role", "agent")])
        .await;
    assert_eq!(own.status(), 303);
    assert!(
        admin
            .get("/users")
            .await
            .body
            .contains("You cannot change your own role")
    );
    // Nobody deactivates themselves.
    admin.post(&format!("/users/{}/deactivate", agency.admin.id), &[]).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE is_active = TRUE").await, 2);
    // Deactivate and reactivate, each with its audit row.
    let before = app.count("SELECT COUNT(*) FROM audit_log").await;
    admin.get("/users").await;
    let confirm = admin.get(&format!("/users/{}/deactivate", ben.id)).await;
    assert!(confirm.body.contains("Deactivate Ben Agent?"));
    admin.post(&format!("/users/{}/deactivate", ben.id), &[]).await;
    admin.get("/users").await;
    admin.post(&format!("/users/{}/reactivate", ben.id), &[]).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, before + 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE is_active = TRUE").await, 2);
    let bad = admin
        .post(&format!("/users/{}/role", ben.id), &[("role", "owner")])
        .await;
    assert_eq!(bad.status(), 400);
}

//! Agency settings: branding saved by admins only, checked, previewed, audited.

mod common;

use common::*;

#[tokio::test]
async fn an_admin_saves_the_agency_branding_and_agents_cannot() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let page = admin.get("/settings").await;
    assert_eq!(page.status(), 200);
    assert!(page.body.contains(r#"value="Acme Lettings""#));
    let bad = admin
        .post(
            "/settings",
            &[
                ("name", ""),
                ("logo_url", "http://acme.example/logo.png"),
                ("primary_color", "blue"),
                ("support_email", "help-at-acme"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    for message in [
        "Enter the agency&#39;s name",
        "Enter the logo&#39;s address starting with https://",
        "Enter a colour as a hex code, like #1f5f8b",
        "Enter an email address in the correct format",
    ] {
        assert!(
            bad.body.contains(message) || bad.body.contains(&message.replace("&#39;", "'")),
            "missing {message:?}"
        );
    }
    assert!(bad.body.contains(r#"value="blue""#), "typed colour kept");
    let saved = admin
        .post(
            "/settings",
            &[
                ("name", "Acme Lettings & Sales"),
                ("logo_url", "https://acme.example/logo.png"),
                ("primary_color", "#0B6E4F"),
                ("support_email", "Help@Acme.example"),
                ("support_phone", "0117 496 0000"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let org = portico::store::orgs::get(&app.db, agency.org.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.name, "Acme Lettings & Sales");
    assert_eq!(org.primary_color, "#0b6e4f");
    assert_eq!(org.support_email.as_deref(), Some("help@acme.example"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'organisation.branding'")
            .await,
        1
    );
    assert!(
        admin.get("/").await.body.contains("Acme Lettings &amp; Sales"),
        "the header follows the new name"
    );

    let mut agent = app.agent(&mut admin, "Ben Agent", "ben@acme.example").await;
    assert_eq!(agent.get("/settings").await.status(), 403);
    let before = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(
        agent
            .post("/settings", &[("name", "Hijacked"), ("primary_color", "#000000")])
            .await
            .status(),
        403
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, before);
    assert_eq!(
        portico::store::orgs::get(&app.db, agency.org.id)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Acme Lettings & Sales"
    );
}

#[tokio::test]
async fn the_preview_follows_typed_values_and_warns_about_low_contrast() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let fragment = admin
        .get("/settings/preview?name=Sunny+Lets&primary_color=%23ffff00&support_phone=0117")
        .await;
    assert!(fragment.body.starts_with(r#"<div id="brand-preview""#));
    assert!(fragment.body.contains("Sunny Lets") && fragment.body.contains(">S</span>"));
    assert!(fragment.body.contains("below the 4.5:1 that WCAG AA asks for"));
    assert!(fragment.body.contains("/brand.css?color=ffff00"));
    let dark = admin.get("/settings/preview?name=Dark&primary_color=%231f5f8b").await;
    assert!(!dark.body.contains("WCAG AA"));
    // Without JavaScript the Preview button reloads the page with the typed values, unsaved.
    let page = admin.get("/settings?name=Sunny+Lets&primary_color=ffff00").await;
    assert!(page.body.contains(r#"value="Sunny Lets""#) && page.body.contains("WCAG AA"));
    assert_eq!(
        portico::store::orgs::get(&app.db, agency.org.id)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Acme Lettings"
    );

    let css = reqwest::get(app.url("/brand.css?color=ffff00")).await.unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let css = css.text().await.unwrap();
    assert!(css.contains("--portal-brand: #ffff00") && css.contains("--portal-on-brand: #1b1f24"));
    let injected = reqwest::get(app.url("/brand.css?color=red;}body{display:none"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        injected.contains("#1f5f8b") && !injected.contains("display:none"),
        "only valid colours reach the CSS"
    );
}

#[tokio::test]
async fn an_agency_name_with_a_line_break_is_refused_at_the_form_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/settings").await;
    let before = app.count("SELECT COUNT(*) FROM audit_log").await;
    let refused = admin
        .post(
            "/settings",
            &[
                ("name", "Acme\r\nBcc: everyone@example.com"),
                ("primary_color", "#0B6E4F"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("must be one line, without control or text-direction characters"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Bcc: everyone@example.com"),
        "what was typed is kept"
    );
    let org = portico::store::orgs::get(&app.db, agency.org.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.name, "Acme Lettings");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, before);
}

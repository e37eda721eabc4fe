//! The back-office in real headless Chromium, with JavaScript on and off: sign in,
//! add a user, see the audit entry, sign out — with no console error or CSP
//! violation on the way.

mod common;

use common::browser::launch;
use common::*;

async fn sign_in_add_user_see_audit_sign_out(js: bool) {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let Some(browser) = launch(&app.base_url, js).await else {
        return;
    };

    browser.sign_in(&agency.admin.email, ADMIN_PASSWORD).await;
    browser.wait_for_text("Welcome, Ada Admin").await;
    assert_eq!(
        browser.htmx_loaded().await,
        js,
        "htmx runs exactly when JavaScript is on"
    );
    browser.assert_clean_console().await;

    browser.click("a[href='/users']").await;
    browser.wait_for_text("Add a user").await;
    browser.fill("#add-user input[name=name]", "Jane Smith").await;
    browser
        .fill("#add-user input[name=email]", "jane.smith@acme.example")
        .await;
    browser.choose("#add-user select[name=role]", "agent").await;
    browser.click("#add-user button[type=submit]").await;
    browser.wait_for_text("has been added").await;
    let password = browser
        .find("[data-testid=one-time-password]")
        .await
        .text()
        .await
        .expect("password text");
    assert_eq!(password.len(), 19, "a one-time password is shown: {password:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'jane.smith@acme.example'")
            .await,
        1
    );
    browser.assert_clean_console().await;

    browser.click("a[href='/audit']").await;
    browser.wait_for_text("Ada Admin (agent) added user Jane Smith").await;
    // Filtering the trail: with JavaScript the results update in place, so a
    // marker left on the page survives; without it the form submits.
    if js {
        browser
            .client
            .execute("window.portico_marker = 'still here';", vec![])
            .await
            .expect("set marker");
    }
    browser.choose("select[name=entity]", "user").await;
    if !js {
        browser.click("form.filters button[type=submit]").await;
    }
    browser.wait_for_path("entity=user").await;
    browser.wait_for_text("Ada Admin (agent) added user Jane Smith").await;
    if js {
        let marker = browser
            .client
            .execute("return window.portico_marker || null;", vec![])
            .await
            .expect("read marker");
        assert_eq!(
            marker.as_str(),
            Some("still here"),
            "htmx updated the results without reloading the page"
        );
    }
    browser.assert_clean_console().await;

    // Agency settings: the portal preview follows the typed colour.
    browser.click("a[href='/settings']").await;
    browser.fill("input[name=primary_color]", "#ffff00").await;
    if !js {
        browser.click("button[formaction='/settings']").await;
    }
    browser.wait_for_text("below the 4.5:1 that WCAG AA asks for").await;
    browser.assert_clean_console().await;

    browser.click("form[action='/logout'] button").await;
    browser.wait_for_text("You have signed out.").await;
    browser.goto("/users").await;
    browser.wait_for_text("Sign in").await;
    assert!(browser.path().await.starts_with("/login"));
    browser.assert_clean_console().await;
    browser.close().await;
}

#[tokio::test]
async fn an_admin_signs_in_adds_a_user_sees_the_audit_entry_and_signs_out_with_javascript() {
    sign_in_add_user_see_audit_sign_out(true).await;
}

#[tokio::test]
async fn an_admin_signs_in_adds_a_user_sees_the_audit_entry_and_signs_out_without_javascript() {
    sign_in_add_user_see_audit_sign_out(false).await;
}

//! End to end with a real SMTP server process and real Chromium: an agent
//! proposes a deposit release, the email is delivered (once, even when the mail
//! server is down at first), its link is followed in the browser, the invite is
//! accepted with the button, and a deduction is disputed.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::browser::launch_phone;
use common::smtp::{SmtpServer, free_port, smtp_available};
use common::*;
use portico::mail::Mailer;
use portico::mail::outbox;

/// The invite link in a delivered message (any quoted-printable soft breaks undone).
fn invite_link(message: &str) -> String {
    let unfolded = message.replace("=\r\n", "").replace("=\n", "");
    let start = unfolded
        .find("/tenant-portal/invite/")
        .expect("invite link in the email");
    unfolded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'))
        .collect()
}

async fn journey(smtp_down_first: bool, js: bool) {
    if !smtp_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let (mut admin, tenancy, _) = deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;
    let port = free_port();
    let mailer = Mailer::from_config(Some(&format!("smtp://127.0.0.1:{port}?tls=none")), Path::new("unused")).unwrap();
    let server_dir = app.database.dir.path().join("smtp");
    let mut server = (!smtp_down_first).then(|| SmtpServer::start(port, &server_dir));
    let worker = tokio::spawn(outbox::run(app.db.clone(), mailer, test_outbox_settings()));

    admin.get(&format!("/tenancies/{tenancy}")).await;
    let proposed = admin
        .post(
            &format!("/tenancies/{tenancy}/deposit-release"),
            &[
                ("to_tenant", "1,100"),
                ("to_landlord", "200"),
                ("deduction_1_reason", "Carpet cleaning"),
                ("deduction_1_amount", "150"),
                ("deduction_2_reason", "Missing keys"),
                ("deduction_2_amount", "50"),
            ],
        )
        .await;
    assert_eq!(proposed.status(), 303);
    portico::deposit_notify::run_once(&app.db, &app.state.settings, chrono::TimeDelta::milliseconds(1))
        .await
        .unwrap();
    let started = Instant::now();
    if smtp_down_first {
        while app
            .count("SELECT COUNT(*) FROM email_outbox WHERE attempts >= 2 AND status = 'pending'")
            .await
            == 0
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no failed attempt while SMTP was down"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server = Some(SmtpServer::start(port, &server_dir));
    }
    let server = server.expect("server running");
    while server.messages().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "the email never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    worker.abort();
    let messages = server.messages();
    assert_eq!(
        messages.len(),
        1,
        "exactly one email: the proposal with the invite link in it"
    );
    assert!(messages[0].contains("ben@example.com") && messages[0].contains("Carpet cleaning"));
    let link = invite_link(&messages[0]);

    let Some(browser) = launch_phone(&app.base_url, js).await else {
        return;
    };
    browser.goto(&link).await;
    browser.wait_for_text("Continue to your portal").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("Welcome, Ben Okafor").await;
    browser.wait_for_text("Carpet cleaning").await;
    browser.click("input[name=answer][value=dispute]").await;
    browser
        .fill("textarea[name=dispute_1]", "The carpet was already stained at check-in")
        .await;
    browser.click("main form.stack button[type=submit]").await;
    browser.wait_for_text("You disputed it").await;
    browser
        .wait_for_text("The carpet was already stained at check-in")
        .await;
    if js {
        browser.assert_clean_console().await;
    }
    browser.close().await;
    let disputed = app
        .count("SELECT COUNT(*) FROM deposit_deductions WHERE disputed = TRUE AND reason = 'Carpet cleaning'")
        .await;
    assert_eq!(disputed, 1);
}

#[tokio::test]
async fn a_tenant_follows_the_emailed_link_and_disputes_a_deduction() {
    journey(false, true).await;
}

#[tokio::test]
async fn with_smtp_down_at_first_the_email_still_arrives_once_and_works_without_javascript() {
    journey(true, false).await;
}

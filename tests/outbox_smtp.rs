//! The email outbox against a real SMTP server process (Debian's python3-aiosmtpd
//! with tests/support/smtp_sink.py), on both databases: the server down then up
//! delivers every email exactly once, a refused address fails for good, a server
//! that never comes back ends in the failed state after the last attempt, and two
//! workers never send the same email twice.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::smtp::{SmtpServer, free_port, smtp_available};
use common::*;
use portico::mail::Mailer;
use portico::mail::outbox::{self, OutboxSettings};
use portico::store::outbox::{EmailContent, MAX_ATTEMPTS};

fn smtp_mailer(port: u16) -> Mailer {
    Mailer::from_config(Some(&format!("smtp://127.0.0.1:{port}?tls=none")), Path::new("unused")).unwrap()
}

async fn enqueue(app: &TestApp, to: &str, subject: &str) {
    let mut tx = app.db.begin().await.unwrap();
    portico::store::outbox::enqueue(
        &mut tx,
        None,
        "test",
        to,
        &EmailContent {
            sender_name: Some("Acme Lettings".into()),
            subject: subject.into(),
            text: format!("{subject} (text)"),
            html: format!("<p>{subject} (html)</p>"),
            secrets: Vec::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn smtp_down_then_up_delivers_every_email_exactly_once() {
    if !smtp_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let port = free_port();
    for n in 1..=3 {
        enqueue(&app, &format!("landlord{n}@example.com"), &format!("Email {n}")).await;
    }
    let worker = tokio::spawn(outbox::run(app.db.clone(), smtp_mailer(port), test_outbox_settings()));
    // The server is down: attempts fail and are scheduled again.
    wait_until("failed attempts", async || {
        app.count(
            "SELECT COUNT(*) FROM email_outbox WHERE attempts >= 2 AND last_error IS NOT NULL AND status = 'pending'",
        )
        .await
            == 3
    })
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'")
            .await,
        0
    );

    let server = SmtpServer::start(port, &app.database.dir.path().join("smtp"));
    wait_until("delivery", async || {
        app.count("SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'")
            .await
            == 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    worker.abort();
    let messages = server.messages();
    assert_eq!(messages.len(), 3, "each email exactly once");
    for n in 1..=3 {
        let message = messages
            .iter()
            .find(|m| m.contains(&format!("landlord{n}@example.com")))
            .expect("delivered");
        assert!(message.contains(&format!("Subject: Email {n}")));
        assert!(message.contains("multipart/alternative") && message.contains("text/html"));
        assert!(
            message.contains("From: \"Acme Lettings\" <portico@example.com>")
                || message.contains("From: Acme Lettings <portico@example.com>")
        );
    }
}

#[tokio::test]
async fn a_refused_address_fails_for_good_and_others_still_go() {
    if !smtp_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let port = free_port();
    let server = SmtpServer::start(port, &app.database.dir.path().join("smtp"));
    enqueue(&app, "bounce@example.com", "Never arrives").await;
    enqueue(&app, "ok@example.com", "Arrives").await;
    let mailer = smtp_mailer(port);
    let pass = outbox::deliver_due(&app.db, &mailer, &test_outbox_settings())
        .await
        .unwrap();
    assert_eq!((pass.sent, pass.failed), (1, 1));
    let error: String = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT last_error FROM email_outbox WHERE status = 'failed' AND to_address = 'bounce@example.com'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(error.contains("550"), "{error}");
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_ends_in_the_failed_state_after_the_last_attempt() {
    let app = TestApp::spawn().await;
    enqueue(&app, "landlord@example.com", "Stuck").await;
    let mailer = smtp_mailer(free_port());
    let mut settings = test_outbox_settings();
    settings.base_backoff = chrono::TimeDelta::milliseconds(1);
    let mut attempts = 0;
    while app
        .count("SELECT COUNT(*) FROM email_outbox WHERE status = 'failed'")
        .await
        == 0
    {
        outbox::deliver_due(&app.db, &mailer, &settings).await.unwrap();
        attempts += 1;
        assert!(attempts < 1000, "never failed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let recorded: i32 = portico::on_pool!(&app.db, |pool| sqlx::query_scalar("SELECT attempts FROM email_outbox")
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(recorded, MAX_ATTEMPTS);
}

#[tokio::test]
async fn two_workers_never_send_the_same_email_twice() {
    if !smtp_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let port = free_port();
    let server = SmtpServer::start(port, &app.database.dir.path().join("smtp"));
    for n in 0..24 {
        enqueue(&app, &format!("l{n}@example.com"), &format!("Email {n}")).await;
    }
    let mut settings: OutboxSettings = test_outbox_settings();
    settings.batch = 4;
    let workers: Vec<_> = (0..2)
        .map(|_| tokio::spawn(outbox::run(app.db.clone(), smtp_mailer(port), settings.clone())))
        .collect();
    wait_until("delivery", async || {
        app.count("SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'")
            .await
            == 24
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    for worker in workers {
        worker.abort();
    }
    let messages = server.messages();
    assert_eq!(messages.len(), 24);
    for n in 0..24 {
        let to = format!("To: l{n}@example.com");
        assert_eq!(messages.iter().filter(|m| m.contains(&to)).count(), 1, "{to}");
    }
}

#[tokio::test]
async fn an_email_that_cannot_be_built_fails_with_its_reason_and_the_worker_goes_on() {
    if !required(smtp_available(), "python3-aiosmtpd is not installed") {
        return;
    }
    let app = TestApp::spawn().await;
    let port = free_port();
    let server = SmtpServer::start(port, &app.database.dir.path().join("smtp"));
    // Written before names were checked at the form, or by hand in the database.
    for (sender, subject) in [
        ("Acme\r\nBcc: victim@example.com", "Sender with a line break"),
        ("Acme Lettings", "Subject with a\r\nline break"),
        ("Acme\u{7}Lettings", "Sender with a bell"),
    ] {
        let mut tx = app.db.begin().await.unwrap();
        portico::store::outbox::enqueue(
            &mut tx,
            None,
            "test",
            "landlord@example.com",
            &EmailContent {
                sender_name: Some(sender.into()),
                subject: subject.into(),
                text: "text".into(),
                html: "<p>html</p>".into(),
                secrets: Vec::new(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    enqueue(&app, "ok@example.com", "Arrives").await;
    let mailer = smtp_mailer(port);
    let pass = outbox::deliver_due(&app.db, &mailer, &test_outbox_settings())
        .await
        .unwrap();
    assert_eq!((pass.sent, pass.failed, pass.retrying), (1, 3, 0));
    let errors: Vec<String> = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT last_error FROM email_outbox WHERE status = 'failed' ORDER BY created_at"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(errors.len(), 3);
    for error in &errors {
        assert!(error.contains("control character"), "{error}");
    }
    let delivered = server.messages();
    assert_eq!(delivered.len(), 1);
    assert!(!delivered[0].contains("victim@example.com"));
}

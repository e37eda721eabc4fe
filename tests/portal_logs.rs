//! No portal link reaches a log line: every log event of this test binary (at
//! debug level, all crates) is captured while a landlord uses their portal —
//! pages, htmx requests carrying the link in `HX-Current-URL`, refreshes, forms
//! with errors, downloads, wrong ids and dead links — and searched for the link.
//! (Its own binary, because the capturing subscriber is process-wide.)

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_portal_link_appears_in_any_log_line() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = app.property(agency.org.id, |_| {}).await;
    let (token_id, link) = app.portal_for(agency.org.id, home).await;
    let secret = link.trim_start_matches("/landlord-portal/").to_string();
    let current = app.url(&link);
    let hx = [("HX-Request", "true"), ("HX-Current-URL", current.as_str())];
    let mut portal = app.client();
    for tab in ["", "/properties", "/tasks", "/offers", "/messages"] {
        assert_eq!(portal.get(&format!("{link}{tab}")).await.status(), 200);
        assert_eq!(portal.get_with(&format!("{link}{tab}"), &hx).await.status(), 200);
    }
    portal.get(&format!("{link}/properties/{home}/documents")).await;
    portal.get(&format!("{link}/properties/{}", uuid::Uuid::now_v7())).await;
    portal.get(&format!("{link}/properties/not-an-id")).await;
    portal.get(&format!("{link}/documents/{}", uuid::Uuid::now_v7())).await;
    portal.get(&format!("{link}/messages/poll?after=garbage")).await;
    portal.post_raw(&format!("{link}/messages"), &[("body", "")]).await;
    portal.post_raw(&format!("{link}/messages"), &[("body", "Hello")]).await;
    portal.get_with(&format!("{link}/messages/poll"), &hx).await;
    portal
        .post_raw(&format!("{link}/tasks/{}/complete", uuid::Uuid::now_v7()), &[])
        .await;
    admin.get(&format!("/portal-access/{token_id}")).await;
    admin.post(&format!("/portal-access/{token_id}/email-link"), &[]).await;
    app.deliver_mail().await;
    admin.post(&format!("/portal-access/{token_id}/rotate"), &[]).await;
    assert_eq!(portal.get(&link).await.status(), 404, "a dead link is still looked up");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/landlord-portal/:link"),
        "requests are logged by route pattern"
    );
    assert!(logs.lines().count() > 20, "the capture works");
    assert!(!logs.contains(&secret), "the portal link was logged");
    assert!(!logs.contains(&secret[..24]), "part of the portal link was logged");
}

//! The web layer: security headers, error pages, assets, probes, fragments, and
//! what happens when the database goes away.

mod common;

use common::*;
use portico::on_pool;

fn assert_security_headers(page: &Page) {
    assert_eq!(
        page.header("content-security-policy"),
        Some(portico::web::security::CONTENT_SECURITY_POLICY)
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("object-src 'none'"));
    assert!(csp.contains("base-uri 'none'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(page.header("referrer-policy").is_some());
    assert!(page.header("x-request-id").is_some());
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    for path in ["/login", "/healthz", "/no-such-page", "/"] {
        let page = client.get(path).await;
        assert_security_headers(&page);
    }
    let login = client.get("/login").await;
    assert!(
        login.header("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
}

#[tokio::test]
async fn pages_have_no_inline_script_or_style() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    for path in ["/login", "/", "/users", "/audit", "/account", "/missing"] {
        let page = admin.get(path).await;
        assert!(
            !page.body.contains("<script>") && !page.body.contains("<style"),
            "{path}"
        );
        assert!(!page.body.contains("style=\""), "{path} has an inline style attribute");
        assert!(!page.body.contains(" onclick="), "{path}");
    }
}

#[tokio::test]
async fn an_unknown_page_is_a_404_with_a_way_back() {
    let app = TestApp::spawn().await;
    let page = app.client().get("/landlords/nothing/here").await;
    assert_eq!(page.status(), 404);
    assert!(page.body.contains("Page not found"));
    assert!(page.body.contains(r#"href="/""#));
    assert!(page.body.starts_with("<!DOCTYPE html>"));
}

#[tokio::test]
async fn an_internal_error_shows_a_reference_that_matches_the_request_id() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    // Break the database under the app: the failure-recording table is gone.
    on_pool!(&app.db, |pool| sqlx::query("DROP TABLE login_failures")
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap();
    let page = app.client().login(&agency.admin.email, "wrong password").await;
    assert_eq!(page.status(), 500);
    assert!(page.body.contains("Something went wrong"));
    let reference = page.header("x-request-id").unwrap().to_string();
    assert!(page.body.contains(&reference));
    assert!(!page.body.contains("login_failures"), "no internals on the page");
}

#[tokio::test]
async fn malformed_input_is_a_clear_page_not_a_500() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/users").await;
    let token = admin.csrf.clone().unwrap();
    let response = admin
        .http
        .post(app.url("/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("X-CSRF-Token", token)
        .body("name=%ZZ&email=%%%")
        .send()
        .await
        .unwrap();
    assert!(response.status().as_u16() < 500, "{}", response.status());
    let wrong_method = admin.http.delete(app.url("/users")).send().await.unwrap();
    assert!(wrong_method.status().is_client_error());
}

#[tokio::test]
async fn assets_are_content_hashed_cached_for_a_year_and_precompressed() {
    let app = TestApp::spawn().await;
    let login = app.client().get("/login").await;
    let start = login.body.find("/assets/htmx-2.0.11.min.").expect("htmx linked");
    let href = &login.body[start..start + login.body[start..].find('"').unwrap()];
    let css_start = login.body.find("/assets/app.").expect("css linked");
    let css = &login.body[css_start..css_start + login.body[css_start..].find('"').unwrap()];
    let http = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap_or_default();
    for (encoding, expected) in [("br", Some("br")), ("gzip, deflate", Some("gzip")), ("identity", None)] {
        let response = http
            .get(app.url(href))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            response.headers().get("content-encoding").and_then(|v| v.to_str().ok()),
            expected
        );
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
        let body = response.bytes().await.unwrap();
        if expected.is_none() {
            assert!(body.starts_with(b"var htmx="));
        }
    }
    let css = http.get(app.url(css)).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert_eq!(app.client().get("/assets/htmx.js").await.status(), 404);
}

#[tokio::test]
async fn probes_report_the_process_and_the_database() {
    let app = TestApp::spawn().await;
    let mut client = app.client();
    assert_eq!(client.get("/healthz").await.status(), 200);
    assert_eq!(client.get("/readyz").await.status(), 200);
    app.db.close().await;
    assert_eq!(client.get("/healthz").await.status(), 200);
    let ready = client.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert!(ready.header("retry-after").is_some());
}

#[tokio::test]
async fn an_unreachable_database_gives_a_503_page_with_retry_after() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    app.db.close().await;
    let page = admin.get("/users").await;
    assert_eq!(page.status(), 503);
    assert_eq!(page.header("retry-after"), Some("5"));
    assert!(page.body.contains("briefly unavailable"));
}

#[tokio::test]
async fn service_resumes_by_itself_when_postgresql_drops_every_connection() {
    let app = TestApp::spawn().await;
    if !app.postgres {
        skipped("needs PostgreSQL (set PORTICO_TEST_POSTGRES_URL); SQLite has no server to lose");
        return;
    }
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    assert_eq!(admin.get("/users").await.status(), 200);
    let admin_url = postgres_admin_url().unwrap();
    let server = sqlx::PgPool::connect(&admin_url).await.unwrap();
    let name = app.database.url.rsplit('/').next().unwrap().to_string();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .execute(&server)
        .await
        .unwrap();
    server.close().await;
    // Within a few tries (a dead pooled connection may fail once), service is back.
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let status = admin.get("/users").await.status();
        statuses.push(status);
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert_eq!(statuses.last(), Some(&200), "statuses while recovering: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 503),
        "only 503s on the way: {statuses:?}"
    );
}

#[tokio::test]
async fn htmx_requests_get_the_fragment_and_normal_requests_the_whole_page() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let full = admin.get("/users").await;
    assert!(full.body.starts_with("<!DOCTYPE html>") && full.body.contains("<nav"));
    let fragment = admin.get_with("/users", &[("HX-Request", "true")]).await;
    assert!(!fragment.body.contains("<html") && !fragment.body.contains("<nav"));
    assert!(fragment.body.contains("<h1>Users</h1>"));
    let signed_out = app.client().get_with("/users", &[("HX-Request", "true")]).await;
    assert_eq!(signed_out.header("hx-redirect"), Some("/login?next=%2Fusers"));
}

/// Sends `POST path` with a chunked urlencoded body of `total` bytes (no
/// Content-Length, so only reading can tell its size) and returns the status
/// line the server answered with.
async fn post_chunked(base_url: &str, path: &str, csrf: &str, cookie: &str, total: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         X-CSRF-Token: {csrf}\r\nCookie: {cookie}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let chunk = format!("{:x}\r\n{}\r\n", 32 * 1024, "a".repeat(32 * 1024));
    let mut sent = 0;
    // The server may answer and close before everything is sent: stop writing then.
    while sent < total {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
        sent += 32 * 1024;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_form_body_over_the_limit_is_refused_before_it_is_read_whole() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Harbour Lettings", "ada@harbour.example").await;
    let mut anonymous = app.client();
    anonymous.get("/login").await;
    let csrf = anonymous.csrf.clone().expect("a CSRF token on the sign-in page");
    let cookie = anonymous
        .http
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page")
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let limit = portico::web::body_limit::MAX_FORM_BYTES;

    // Declared too large: refused from the header.
    let big = format!("email=ada%40harbour.example&password={}", "a".repeat(limit));
    let refused = anonymous
        .http
        .post(app.url("/login"))
        .header("X-CSRF-Token", &csrf)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status().as_u16(), 413);
    assert!(refused.text().await.unwrap().contains("That is too large to send"));

    // Not declared: reading stops at the limit.
    let status = post_chunked(&app.base_url, "/login", &csrf, &cookie, 8 * limit).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    // The same through a portal, which has no CSRF token.
    let home = app.property(agency.org.id, |_| {}).await;
    let (_, portal) = app.portal_for(agency.org.id, home).await;
    let messages = app.count("SELECT COUNT(*) FROM landlord_messages").await;
    let status = post_chunked(&app.base_url, &format!("{portal}/messages"), "", "", 8 * limit).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    assert_eq!(app.count("SELECT COUNT(*) FROM landlord_messages").await, messages);

    // A form of ordinary size still works.
    assert_eq!(anonymous.login(&agency.admin.email, ADMIN_PASSWORD).await.status(), 303);
}

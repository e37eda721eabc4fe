//! Page-weight budgets of the landlord portal and the back-office, measured
//! over real HTTP with brotli as a browser would ask for it. Prints the
//! figures; fails over budget.

mod common;

use common::*;

/// The Properties tab's HTML for 10 properties, compressed.
const HTML_BUDGET: usize = 14 * 1024;
/// A first visit: HTML + CSS + JS, compressed.
const FIRST_VISIT_BUDGET: usize = 45 * 1024;

async fn fetch(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    fetch_as(app, path, None).await
}

/// Fetches `path` as a browser asks (compressed), with a session cookie if given.
async fn fetch_as(app: &TestApp, path: &str, cookie: Option<&str>) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = reqwest::Client::new()
        .get(app.url(path))
        .header("Accept-Encoding", "gzip, deflate, br, zstd");
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

/// Every stylesheet and script the page loads.
fn subresources(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in [r#"rel="stylesheet" href=""#, r#"<script src=""#] {
        let mut rest = html;
        while let Some(at) = rest.find(marker) {
            let start = at + marker.len();
            let end = start + rest[start..].find('"').unwrap();
            found.push(rest[start..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    found
}

fn report(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "budget: {line}");
}

#[tokio::test]
async fn the_properties_tab_for_ten_properties_stays_within_its_budgets() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Harbour & Hearth Lettings", "ada@harbour.example").await;
    let first = app.property(agency.org.id, |_| {}).await;
    let landlord = portico::store::properties::get(&app.db, agency.org.id, first)
        .await
        .unwrap()
        .unwrap()
        .landlord_id
        .to_string();
    let (token, link) = app.portal_for(agency.org.id, first).await;
    let org = portico::store::orgs::get(&app.db, agency.org.id)
        .await
        .unwrap()
        .unwrap();
    let portal_token = portico::store::portal::get(&app.db, agency.org.id, token)
        .await
        .unwrap()
        .unwrap();
    let landlord_row = portico::store::landlords::get(&app.db, agency.org.id, landlord.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    for n in 2..=10 {
        let id = app
            .property(agency.org.id, |f| {
                f.landlord_id = landlord.clone();
                f.address_line1 = format!("Flat {n}, {n}{n} Clifton Park Road");
                f.address_line2 = "Clifton".into();
            })
            .await;
        let property = portico::store::properties::get(&app.db, agency.org.id, id)
            .await
            .unwrap()
            .unwrap();
        let mut tx = app.db.begin().await.unwrap();
        portico::store::portal::provision(
            &mut tx,
            &org,
            &landlord_row,
            &property,
            &portico::domain::audit::Actor::system(),
        )
        .await
        .unwrap()
        .expect("the property's own landlord");
        tx.commit().await.unwrap();
    }
    let _ = portal_token;

    let (headers, html) = fetch(&app, &format!("{link}/properties")).await;
    assert_eq!(headers.get("content-encoding").unwrap(), "br");
    let text = {
        let plain = reqwest::get(app.url(&format!("{link}/properties")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(plain.matches(r#"class="property-card""#).count(), 10);
        plain
    };
    let mut first_visit = html.len();
    let mut parts = vec![format!("HTML {} B (uncompressed {} B)", html.len(), text.len())];
    for url in subresources(&text) {
        let (headers, body) = fetch(&app, &url).await;
        let cache = headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            cache.contains("immutable") && cache.contains("max-age=31536000"),
            "{url} must be cached for a repeat visit: {cache}"
        );
        parts.push(format!("{url} {} B", body.len()));
        first_visit += body.len();
    }
    report(&format!("Properties tab, 10 properties: {}", parts.join(", ")));
    report(&format!(
        "first visit {first_visit} B of {FIRST_VISIT_BUDGET} B; repeat visit {} B of {HTML_BUDGET} B",
        html.len()
    ));
    assert!(html.len() <= HTML_BUDGET, "HTML {} B over {HTML_BUDGET} B", html.len());
    assert!(
        first_visit <= FIRST_VISIT_BUDGET,
        "first visit {first_visit} B over {FIRST_VISIT_BUDGET} B"
    );

    // A message refresh with nothing new: 204 and not one byte of body.
    let poll = reqwest::Client::new()
        .get(app.url(&format!("{link}/messages/poll?after={}", uuid::Uuid::now_v7())))
        .header("HX-Request", "true")
        .header("Accept-Encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(poll.status(), 204);
    assert!(poll.headers().get("content-encoding").is_none());
    let body = poll.bytes().await.unwrap();
    report(&format!("message refresh with nothing new: 204, {} B body", body.len()));
    assert!(body.is_empty());
}

#[tokio::test]
async fn back_office_pages_of_the_demo_stay_within_the_first_visit_budget() {
    let app = TestApp::spawn().await;
    let login = portico::demo::ensure(&app.db, app.state.files.as_ref())
        .await
        .expect("demo data");
    let agent = app.signed_in(&login.email, &login.password).await;
    let cookie = agent.cookie_header().expect("a session cookie");
    for path in ["/", "/properties", "/landlords", "/tenancies", "/compliance", "/tasks"] {
        let (headers, html) = fetch_as(&app, path, Some(&cookie)).await;
        assert_eq!(headers.get("content-encoding").unwrap(), "br", "{path}");
        let plain = String::from_utf8(
            reqwest::Client::new()
                .get(app.url(path))
                .header("Cookie", &cookie)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap();
        assert!(plain.contains(r#"class="site-nav""#), "{path} is the signed-in page");
        let mut first_visit = html.len();
        for url in subresources(&plain) {
            first_visit += fetch(&app, &url).await.1.len();
        }
        report(&format!(
            "back-office {path}: HTML {} B (uncompressed {} B), first visit {first_visit} B of {FIRST_VISIT_BUDGET} B",
            html.len(),
            plain.len()
        ));
        assert!(
            first_visit <= FIRST_VISIT_BUDGET,
            "{path}: first visit {first_visit} B over {FIRST_VISIT_BUDGET} B"
        );
    }
}

#[tokio::test]
async fn a_contractors_job_page_stays_within_its_budgets() {
    let app = TestApp::spawn().await;
    portico::demo::ensure(&app.db, app.state.files.as_ref())
        .await
        .expect("demo data");
    let link = portico::demo::contractor_link(&app.db, &app.state.settings)
        .await
        .expect("demo contractor link")
        .expect("a demo job awaiting a quote");
    let link = link.trim_start_matches(&app.base_url).to_string();
    let mut contractor = app.client();
    contractor.get(&link).await;
    let opened = contractor.post_raw(&link, &[]).await;
    let job = opened.location().expect("the job's page").to_string();
    let cookie = contractor.cookie_header_for(&job).expect("the job's session");
    let (headers, html) = fetch_as(&app, &job, Some(&cookie)).await;
    assert_eq!(headers.get("content-encoding").unwrap(), "br");
    let text = contractor.get(&job).await.body;
    assert!(text.contains("Your quote"), "{text}");
    let mut first_visit = html.len();
    let mut parts = vec![format!("HTML {} B (uncompressed {} B)", html.len(), text.len())];
    for url in subresources(&text) {
        let (_, body) = fetch(&app, &url).await;
        parts.push(format!("{url} {} B", body.len()));
        first_visit += body.len();
    }
    report(&format!("ContractorPort job page: {}", parts.join(", ")));
    report(&format!(
        "first visit {first_visit} B of {FIRST_VISIT_BUDGET} B; repeat visit {} B of {HTML_BUDGET} B",
        html.len()
    ));
    assert!(html.len() <= HTML_BUDGET, "HTML {} B over {HTML_BUDGET} B", html.len());
    assert!(
        first_visit <= FIRST_VISIT_BUDGET,
        "first visit {first_visit} B over {FIRST_VISIT_BUDGET} B"
    );
}

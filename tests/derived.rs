//! Derived structures (issue 21): the landlord search index, the compliance
//! list and the portal inbox order are checked against the rows they derive
//! from, and rebuilt — at start-up, and on demand with `portico check` — when
//! they disagree; SQLite's integrity check does not cry wolf on FTS5.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::process::{BIN, Portico, ServeConfig};
use common::*;
use portico::store::derived::{self, Structure};

const SECRET: &str = "derived-test-secret-derived-test-secret-01";

/// The landlord names a list page shows, in order.
fn listed_names(body: &str) -> Vec<String> {
    let body = &without_cell_labels(body);
    body.split(r#"<td><a href="/landlords/"#)
        .skip(1)
        .filter_map(|s| Some(s[s.find('>')? + 1..s.find("</a>")?].to_string()))
        .collect()
}

/// Adds a landlord through the form, as an agent would.
async fn add(client: &mut Client, first: &str, last: &str, email: &str) {
    client.get("/landlords/new").await;
    let page = client
        .post(
            "/landlords",
            &[("first_name", first), ("last_name", last), ("email", email)],
        )
        .await;
    assert_eq!(page.status(), 303, "create failed: {}", page.body);
}

fn structures(findings: &[derived::Finding]) -> Vec<Structure> {
    let mut found: Vec<Structure> = findings.iter().map(|f| f.structure).collect();
    found.dedup();
    found
}

async fn execute(app: &TestApp, sql: &'static str) {
    portico::on_pool!(&app.db, |pool| sqlx::query(sql).execute(pool).await.map(|_| ())).expect(sql);
}

#[tokio::test]
async fn the_integrity_check_is_not_fooled_by_connections_that_missed_another_writer() {
    let app = TestApp::spawn().await;
    let portico::db::Db::Sqlite(pool, _) = &app.db else {
        skipped("FTS5 is SQLite's; this test runs in the SQLite pass");
        return;
    };
    let agency = app.agency("Harbour Lettings", "ada@harbour.example").await;
    for (first, last) in [("Helen", "Marsh"), ("Ivo", "Marshall"), ("Jo", "Marsden")] {
        app.landlord(agency.org.id, first, last).await;
    }
    // Every connection of the pool searches, so FTS5 caches its state on each…
    let mut searched = Vec::new();
    for _ in 0..pool.options().get_max_connections() {
        let mut conn = pool.acquire().await.expect("a connection");
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM landlord_search WHERE landlord_search MATCH 'mars'")
            .fetch_one(&mut *conn)
            .await
            .expect("search");
        assert_eq!(found, 3);
        searched.push(conn);
    }
    drop(searched);
    // …then another connection rebuilds the index (as a repair does).
    derived::rebuild(&app.db, Structure::LandlordSearch)
        .await
        .expect("rebuild");
    let problems = app.db.sqlite_integrity_check().await.expect("integrity_check");
    assert_eq!(problems, Some(Vec::new()), "a false alarm");
    assert!(derived::check(&app.db).await.expect("check").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_landlord_search_index_is_rebuilt_at_start_up_and_search_finds_again() {
    let app = TestApp::spawn().await;
    if app.postgres {
        skipped(
            "the trigram table is SQLite's (PostgreSQL keeps its own GIN index); this test runs in the SQLite pass",
        );
        return;
    }
    let agency = app.agency("Harbour Lettings", "ada@harbour.example").await;
    let mut agent = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    add(&mut agent, "Helen", "Marsh", "helen@marshfield.example").await;
    add(&mut agent, "Ivo", "Marshall", "ivo@example.com").await;
    add(&mut agent, "Jo", "Baker", "jo@example.com").await;
    let both = vec!["Helen Marsh".to_string(), "Ivo Marshall".to_string()];
    assert_eq!(listed_names(&agent.get("/landlords?q=marsh").await.body), both);
    assert!(derived::check(&app.db).await.expect("check").is_empty());

    // Damage it three ways: one landlord's indexed text replaced behind FTS5's
    // back (its inverted index no longer matches), another's key gone, and a
    // row for no landlord at all.
    execute(
        &app,
        "UPDATE landlord_search_content SET c0 = 'someone else entirely' WHERE id = \
         (SELECT k.key FROM landlord_search_keys k JOIN landlords l ON l.id = k.landlord_id WHERE l.last_name = 'Marsh')",
    )
    .await;
    execute(
        &app,
        "DELETE FROM landlord_search_keys WHERE landlord_id = (SELECT id FROM landlords WHERE last_name = 'Marshall')",
    )
    .await;
    execute(
        &app,
        "INSERT INTO landlord_search (rowid, search_text) VALUES (999999, 'ghost marsh')",
    )
    .await;
    assert_ne!(
        listed_names(&agent.get("/landlords?q=marsh").await.body),
        both,
        "the damage shows in search"
    );
    let findings = derived::check(&app.db).await.expect("check");
    assert_eq!(structures(&findings), vec![Structure::LandlordSearch], "{findings:?}");
    assert!(
        findings.iter().any(|f| f.problem.starts_with("integrity_check")),
        "FTS5's own check sees the replaced text: {findings:?}"
    );

    // A server started on this database rebuilds it and says so.
    let logs = tempfile::tempdir().expect("log dir");
    let config = ServeConfig::new(
        &app.database.url,
        app.database.dir.path(),
        SECRET,
        &logs.path().join("portico.log"),
    );
    let _server = Portico::serve(&config).await;
    let started = Instant::now();
    while !config.log_text().contains("derived structures checked")
        && !config.log_text().contains("rebuilt the landlord search index")
    {
        assert!(started.elapsed() < Duration::from_secs(20), "{}", config.log_text());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = config.log_text();
    assert!(
        log.lines().any(|line| line.contains("at start-up")
            && line.contains("rebuilt the landlord search index from the rows it derives from")),
        "{log}"
    );
    assert!(log.contains("derived structure disagrees with its rows"), "{log}");
    let after = derived::check(&app.db).await.expect("check");
    assert!(after.is_empty(), "{after:?}\n{log}");
    let mut served = Client::new(&config.base_url());
    assert_eq!(served.login(&agency.admin.email, ADMIN_PASSWORD).await.status(), 303);
    assert_eq!(listed_names(&served.get("/landlords?q=marsh").await.body), both);
    assert_eq!(
        listed_names(&served.get("/landlords?q=baker").await.body),
        vec!["Jo Baker"]
    );
}

/// The compliance page's counts and rows.
fn compliance_list(body: &str) -> String {
    let body = &without_cell_labels(body);
    let start = body.find("data-testid=\"compliance-counts\"").expect("the counts");
    let end = body.find("</tbody>").expect("the rows");
    body[start..end].to_string()
}

fn portico_check(app: &TestApp) -> (bool, String) {
    let output = Command::new(BIN)
        .arg("check")
        .env("DATABASE_URL", &app.database.url)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .output()
        .expect("run portico check");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portico_check_rebuilds_an_emptied_index_a_lost_compliance_list_and_a_stale_inbox_order() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Harbour Lettings", "ada@harbour.example").await;
    let mut agent = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    add(&mut agent, "Helen", "Marsh", "helen@marshfield.example").await;
    let home = app
        .property(agency.org.id, |form| {
            form.status = "let".into();
            form.has_gas = Some("on".into());
        })
        .await;
    let (_, portal) = app.portal_for(agency.org.id, home).await;
    let mut landlord = app.client();
    landlord.get(&format!("{portal}/messages")).await;
    let sent = landlord
        .post_raw(&format!("{portal}/messages"), &[("body", "The boiler is fixed")])
        .await;
    assert_eq!(sent.status(), 303, "{}", sent.body);
    let compliance_rows = app.count("SELECT COUNT(*) FROM compliance_items").await;
    assert!(
        compliance_rows > 0,
        "a let property without certificates is on the list"
    );
    let compliance_page = compliance_list(&agent.get("/compliance").await.body);
    assert_eq!(compliance_page.matches("Missing").count(), 3, "{compliance_page}");
    let (ok, out) = portico_check(&app);
    assert!(
        ok && out.contains("Every derived structure agrees with its rows."),
        "{out}"
    );

    if !app.postgres {
        execute(&app, "DELETE FROM landlord_search").await;
        assert!(listed_names(&agent.get("/landlords?q=marsh").await.body).is_empty());
    }
    execute(&app, "DELETE FROM compliance_items").await;
    execute(&app, "UPDATE landlord_portal_tokens SET last_message_at = NULL").await;
    let mut expected = vec![Structure::ComplianceList, Structure::PortalInbox];
    if !app.postgres {
        expected.insert(0, Structure::LandlordSearch);
    }
    assert_eq!(structures(&derived::check(&app.db).await.expect("check")), expected);

    let (ok, out) = portico_check(&app);
    assert!(ok, "{out}");
    for structure in &expected {
        assert!(out.contains(&format!("Rebuilt {structure}.")), "{out}");
    }
    assert!(out.contains("Found: the compliance list:"), "{out}");
    assert!(derived::check(&app.db).await.expect("check").is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM compliance_items").await,
        compliance_rows
    );
    assert_eq!(compliance_list(&agent.get("/compliance").await.body), compliance_page);
    assert_eq!(
        listed_names(&agent.get("/landlords?q=marsh").await.body),
        vec!["Helen Marsh".to_string()]
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM landlord_portal_tokens WHERE last_message_at IS NOT NULL")
            .await,
        1
    );
    let (ok, out) = portico_check(&app);
    assert!(
        ok && out.contains("Every derived structure agrees with its rows."),
        "{out}"
    );
}

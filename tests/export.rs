//! Lists as CSV downloads: the list as filtered, every row, cells a
//! spreadsheet would run defused, and at agency scale streamed a page at a
//! time rather than built in memory.

mod common;

use common::*;
use portico::seed_bench::{self, Scale};

/// A CSV body's records (the csv crate reads quoted cells back).
fn records(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn a_list_downloads_as_csv_as_filtered_with_formulas_defused() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = app
        .property(agency.org.id, |p| {
            p.address_line1 = "=HYPERLINK(\"http://evil.example\")".into()
        })
        .await;
    let mut tx = app.db.begin().await.unwrap();
    portico::store::tasks::create(
        &mut tx,
        agency.org.id,
        home,
        "the property",
        &portico::domain::tasks::TaskFields {
            title: "Fix the \"front\" door, please".into(),
            description: None,
            assignee_kind: portico::domain::tasks::AssigneeKind::Agent,
            assignee_user_id: None,
            due_on: None,
        },
        &portico::domain::audit::Actor::system(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let theirs = app.property(other.org.id, |_| {}).await;
    let mut tx = app.db.begin().await.unwrap();
    portico::store::tasks::create(
        &mut tx,
        other.org.id,
        theirs,
        "the property",
        &portico::domain::tasks::TaskFields {
            title: "Zzother chore".into(),
            description: None,
            assignee_kind: portico::domain::tasks::AssigneeKind::Agent,
            assignee_user_id: None,
            due_on: None,
        },
        &portico::domain::audit::Actor::system(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let page = admin.get("/tasks?q=front").await;
    assert!(
        page.body.contains(r#"href="/tasks.csv?q=front&amp;status=pending""#),
        "{}",
        page.body
    );
    let csv = admin.get("/tasks.csv?q=front&status=pending").await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        csv.header("content-disposition")
            .is_some_and(|d| d.contains("tasks.csv"))
    );
    let rows = records(&csv.body);
    assert_eq!(rows[0], ["Task", "Property", "Landlord", "For", "Due", "Status"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[1][0], "Fix the \"front\" door, please",
        "quotes survive the round trip"
    );
    assert!(
        rows[1][1].starts_with("'=HYPERLINK"),
        "a formula is defused: {:?}",
        rows[1][1]
    );
    assert!(!csv.body.contains("Zzother"));
    let nothing = records(&admin.get("/tasks.csv?q=nowhere").await.body);
    assert_eq!(nothing.len(), 1, "only the header");
    assert_eq!(
        app.client().get("/tasks.csv").await.location(),
        Some("/login?next=%2Ftasks.csv")
    );
}

#[tokio::test]
async fn twenty_thousand_tenancies_stream_out_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    // 7,000 landlords hold 14,000 properties, each with a current tenancy
    // and half with an ended one before it: 21,000 tenancies.
    let seeded = seed_bench::seed(
        &app.db,
        &app.state.settings.secret_key,
        Scale {
            landlords: 7_000,
            small_agencies: 0,
        },
        ADMIN_PASSWORD,
    )
    .await
    .expect("seed the agency");
    // As `portico seed-bench` does after a bulk load: the planner's statistics.
    app.db.refresh_planner_statistics(true).await.expect("statistics");
    let tenancies = seeded
        .counts
        .iter()
        .find(|(table, _)| *table == "tenancies")
        .map(|(_, n)| *n)
        .expect("a tenancy count");
    assert!(tenancies >= 20_000, "{tenancies} tenancies");
    let admin = app.signed_in(seed_bench::ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let started = std::time::Instant::now();
    let mut response = admin
        .http
        .get(app.url("/tenancies.csv"))
        .send()
        .await
        .expect("the download");
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers().get("content-length").is_none(),
        "a streamed body has no length known in advance"
    );
    let mut chunks = 0;
    let mut lines = 0;
    let mut last = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("a chunk") {
        chunks += 1;
        lines += chunk.iter().filter(|b| **b == b'\n').count();
        last = chunk.to_vec();
    }
    eprintln!(
        "export: {lines} lines in {chunks} chunks, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(lines, tenancies + 1, "the header and every tenancy");
    assert!(
        chunks >= tenancies / portico::web::ui::export::ROWS_PER_CHUNK as usize,
        "sent a page at a time: {chunks} chunks"
    );
    assert!(last.ends_with(b"\n"));
}

#[tokio::test]
async fn landlords_and_properties_download_as_csv_and_a_list_narrowed_to_a_landlord_says_so() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let crescent = app.property(agency.org.id, |_| {}).await;
    app.property(agency.org.id, |p| {
        p.address_line1 = "2 Park Row".into();
        p.bedrooms = "0".into();
    })
    .await;
    app.landlord(other.org.id, "Zzother", "Owner").await;

    let landlords = admin.get("/landlords").await;
    assert!(
        landlords.body.contains(r#"href="/landlords.csv?""#),
        "{}",
        landlords.body
    );
    let rows = records(&admin.get("/landlords.csv").await.body);
    assert_eq!(
        rows[0],
        [
            "Name", "Email", "Phone", "Type", "Address", "Town", "Postcode", "Country", "Status"
        ]
    );
    assert_eq!(rows.len(), 3, "two landlords: {rows:?}");
    assert!(rows[1..].iter().all(|r| r[0] == "Jane Smith" && r[8] == "Active"));
    assert!(!rows.iter().flatten().any(|cell| cell.contains("Zzother")));

    let rows = records(&admin.get("/properties.csv?q=park").await.body);
    assert_eq!(rows[0][..3], ["Address", "Town", "Postcode"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], "2 Park Row");
    assert_eq!(rows[1][4], "0", "bedrooms as a number a spreadsheet can add up");

    // Narrowed to one landlord: the filter form says whose, and links to everyone's.
    let property = portico::store::properties::get(&app.db, agency.org.id, crescent)
        .await
        .unwrap()
        .unwrap();
    let narrowed = admin
        .get(&format!("/properties?landlord={}&sort=-address", property.landlord_id))
        .await;
    let text = without_cell_labels(&narrowed.body);
    assert!(text.contains("Only <a href=\"/landlords/"), "{text}");
    assert!(text.contains("Jane Smith</a>\u{2019}s properties"), "{text}");
    assert!(
        text.contains(r#"href="/properties?sort=-address">Every landlord’s</a>"#),
        "the way back keeps the order: {text}"
    );
    assert_eq!(narrowed.body.matches("Royal York").count(), 1);
    assert!(!narrowed.body.contains("Park Row"));
    let tasks = admin.get(&format!("/tasks?landlord={}", property.landlord_id)).await;
    assert!(tasks.body.contains("\u{2019}s tasks"), "every list says so");
    // Another agency's landlord narrows to nothing and names no one.
    let theirs = app.landlord(other.org.id, "Secret", "Owner").await;
    let foreign = admin.get(&format!("/properties?landlord={theirs}")).await;
    assert_eq!(foreign.status(), 200);
    assert!(!foreign.body.contains("Secret"));
    assert!(foreign.body.contains("No properties match these filters."));
}

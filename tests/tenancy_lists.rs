//! The agency's tenancies and tenants as lists: every property's tenancies in
//! address order, and each tenant once with the tenancy they are on now.

mod common;

use common::*;
use uuid::Uuid;

struct Tenant<'a> {
    first: &'a str,
    last: &'a str,
    email: &'a str,
}

async fn tenancy(admin: &mut Client, property: Uuid, status: &str, end: &str, tenants: &[Tenant<'_>]) -> Uuid {
    let new = format!("/properties/{property}/tenancies/new");
    admin.get(&new).await;
    let mut fields: Vec<(String, String)> = [
        ("rent", "1,300"),
        ("rent_frequency", "monthly"),
        ("start_date", "2025-03-01"),
        ("end_date", end),
        ("status", status),
        ("deposit", "1,300"),
        ("deposit_scheme", "dps"),
        ("deposit_reference", "DPS-1"),
        ("deposit_protected_on", "2025-03-05"),
        ("primary_tenant", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (n, tenant) in tenants.iter().enumerate() {
        let n = n + 1;
        fields.push((format!("tenant_{n}_first_name"), tenant.first.into()));
        fields.push((format!("tenant_{n}_last_name"), tenant.last.into()));
        fields.push((format!("tenant_{n}_email"), tenant.email.into()));
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let made = admin.post(&new, &borrowed).await;
    assert_eq!(made.status(), 303, "{}", made.body);
    made.location()
        .and_then(|l| l.trim_start_matches("/tenancies/").parse().ok())
        .expect("the tenancy's page")
}

/// The first cell's text of each row.
fn first_cells(body: &str) -> Vec<String> {
    let body = &without_cell_labels(body);
    body.split("<tr><td>")
        .skip(1)
        .map(|row| {
            let text = if row.starts_with("<a") {
                &row[row.find('>').map_or(0, |i| i + 1)..]
            } else {
                row
            };
            text.split('<').next().unwrap_or_default().to_string()
        })
        .collect()
}

#[tokio::test]
async fn agents_list_every_tenancy_and_each_tenant_once() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let mut theirs = app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    let ben = Tenant {
        first: "Ben",
        last: "Okafor",
        email: "ben@example.com",
    };
    let zoe = Tenant {
        first: "Zoe",
        last: "Adams",
        email: "zoe@example.com",
    };
    let amy = Tenant {
        first: "Amy",
        last: "Lee",
        email: "amy@example.com",
    };
    let carl = Tenant {
        first: "Carl",
        last: "Moss",
        email: "carl@example.com",
    };

    let abbey = app
        .property(agency.org.id, |p| p.address_line1 = "1 Abbey Road".into())
        .await;
    let bridge = app
        .property(agency.org.id, |p| p.address_line1 = "2 Bridge Street".into())
        .await;
    let canal = app
        .property(agency.org.id, |p| p.address_line1 = "3 Canal Walk".into())
        .await;
    tenancy(&mut admin, abbey, "active", "", &[ben]).await;
    tenancy(&mut admin, bridge, "ended", "2025-09-01", &[zoe]).await;
    tenancy(&mut admin, bridge, "active", "", &[amy]).await;
    let ben_again = Tenant {
        first: "Ben",
        last: "Okafor",
        email: "ben@example.com",
    };
    tenancy(&mut admin, canal, "draft", "", &[carl, ben_again]).await;
    let elsewhere = app.property(other.org.id, |_| {}).await;
    let zed = Tenant {
        first: "Zed",
        last: "Zzother",
        email: "zed@example.com",
    };
    tenancy(&mut theirs, elsewhere, "active", "", &[zed]).await;

    let all = admin.get("/tenancies").await;
    assert_eq!(all.status(), 200, "{}", all.body);
    assert_eq!(page_position(&all.body).as_deref(), Some("1–4 of 4"));
    // Sorted by a column, either way: the ended tenancy has the only end date.
    let by_end = first_cells(&admin.get("/tenancies?sort=end").await.body);
    assert!(by_end[0].starts_with("2 Bridge Street"), "{by_end:?}");
    let by_end_descending = admin.get("/tenancies?sort=-end").await.body;
    assert!(by_end_descending.contains(r#"aria-sort="descending""#));
    let cells = first_cells(&by_end_descending);
    assert!(
        cells[3].starts_with("2 Bridge Street"),
        "periodic tenancies first when descending: {cells:?}"
    );
    let by_address_descending = first_cells(&admin.get("/tenancies?sort=-property").await.body);
    assert!(
        by_address_descending[0].starts_with("3 Canal Walk"),
        "{by_address_descending:?}"
    );
    assert_eq!(
        page_position(&admin.get("/tenancies?sort=-rent&status=active").await.body).as_deref(),
        Some("1–2 of 2"),
        "sorting keeps the filters"
    );
    assert_eq!(
        first_cells(&all.body),
        [
            "1 Abbey Road, Bristol",
            "2 Bridge Street, Bristol",
            "2 Bridge Street, Bristol",
            "3 Canal Walk, Bristol"
        ]
    );
    assert!(all.body.contains("Carl Moss"), "the primary tenant is named");
    assert!(!all.body.contains("Zzother"));
    let active = admin.get("/tenancies?status=active").await;
    assert_eq!(page_position(&active.body).as_deref(), Some("1–2 of 2"));
    let zoes = admin.get("/tenancies?q=zoe").await;
    assert_eq!(first_cells(&zoes.body), ["2 Bridge Street, Bristol"]);
    assert!(zoes.body.contains("Ended"));
    let by_address = admin.get("/tenancies?q=canal").await;
    assert_eq!(page_position(&by_address.body).as_deref(), Some("1–1 of 1"));

    let tenants = admin.get("/tenants").await;
    assert_eq!(tenants.status(), 200, "{}", tenants.body);
    assert_eq!(
        first_cells(&tenants.body),
        ["Zoe Adams", "Amy Lee", "Carl Moss", "Ben Okafor"]
    );
    assert_eq!(page_position(&tenants.body).as_deref(), Some("1–4 of 4"), "Ben once");
    let by_email = admin.get("/tenants?sort=email").await.body;
    assert_eq!(
        first_cells(&by_email),
        ["Amy Lee", "Ben Okafor", "Carl Moss", "Zoe Adams"]
    );
    let by_name_descending = admin.get("/tenants?sort=-name").await.body;
    assert_eq!(
        first_cells(&by_name_descending),
        ["Ben Okafor", "Carl Moss", "Amy Lee", "Zoe Adams"]
    );
    assert!(by_name_descending.contains(r#"aria-sort="descending""#));
    let current = admin.get("/tenants?status=active").await;
    assert_eq!(
        first_cells(&current.body),
        ["Amy Lee", "Ben Okafor"],
        "Ben by his active tenancy"
    );
    let found = admin.get("/tenants?q=ben%40example").await;
    assert_eq!(first_cells(&found.body), ["Ben Okafor"]);
    assert!(
        admin
            .get("/tenants?q=nobody")
            .await
            .body
            .contains("No tenants match these filters")
    );

    let home = admin.get("/").await;
    assert!(home.body.contains(r#"href="/tenancies?status=active""#));
}

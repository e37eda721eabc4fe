//! Tenants and tenancies through the real app on both databases.

mod common;

use common::*;

/// A landlord and a property of this agency, made directly; returns the property id.
async fn property(app: &TestApp, org_id: uuid::Uuid, kind: &str) -> uuid::Uuid {
    app.property(org_id, |p| p.property_type = kind.into()).await
}

fn tenancy<'a>(rent: &'a str, start: &'a str, status: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("rent", rent),
        ("rent_frequency", "monthly"),
        ("start_date", start),
        ("status", status),
        ("tenant_1_first_name", "Amy"),
        ("tenant_1_last_name", "Lee"),
        ("tenant_1_email", "amy.lee@example.com"),
        ("primary_tenant", "1"),
    ]
}

async fn post_tenancy(client: &mut Client, property: uuid::Uuid, fields: &[(&str, &str)]) -> Page {
    client.get(&format!("/properties/{property}/tenancies/new")).await;
    client
        .post(&format!("/properties/{property}/tenancies/new"), fields)
        .await
}

#[tokio::test]
async fn a_tenancy_with_two_tenants_keeps_exactly_one_primary_and_reuses_known_tenants() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id, "house").await;
    let mut fields = tenancy("1,200", "2026-03-01", "active");
    fields.extend([
        ("tenant_2_first_name", "Ben"),
        ("tenant_2_last_name", "Okafor"),
        ("tenant_2_email", "ben.okafor@example.com"),
        ("tenant_2_phone", "07700 900555"),
        ("deposit", "1384.61"),
        ("deposit_scheme", "tds"),
        ("deposit_protected_on", "2026-03-10"),
    ]);
    fields.retain(|(k, _)| *k != "primary_tenant");
    fields.push(("primary_tenant", "2"));
    let page = post_tenancy(&mut admin, home, &fields).await;
    assert_eq!(page.status(), 303, "{}", page.body);
    let location = page.location().unwrap().to_string();
    let shown = admin.get(&location).await;
    assert!(shown.body.contains("£1,200.00 per month"));
    assert!(shown.body.contains("Amy Lee") && shown.body.contains("Ben Okafor"));
    assert!(!shown.body.contains("flash warning"), "protected in time: no warning");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenancy_tenants WHERE is_primary = TRUE")
            .await,
        1
    );
    let primary: String = portico::on_pool!(&app.db, |pool| {
        sqlx::query_scalar("SELECT t.first_name FROM tenancy_tenants tt JOIN tenants t ON t.id = tt.tenant_id WHERE tt.is_primary = TRUE")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(primary, "Ben");
    let property_page = admin.get(&format!("/properties/{home}")).await;
    assert!(property_page.body.contains("Tenancies (1)"));

    // An ended earlier tenancy with the same tenant reuses the person.
    let mut earlier = tenancy("1000", "2024-01-01", "ended");
    earlier.push(("end_date", "2025-12-31"));
    assert_eq!(post_tenancy(&mut admin, home, &earlier).await.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM tenants").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM tenancies").await, 2);
    // The property's tenancies, newest start first, each with its own tenants, primary first.
    let listed = portico::store::tenancies::for_property(&app.db, agency.org.id, home)
        .await
        .unwrap();
    let summary: Vec<(String, Vec<String>)> = listed
        .iter()
        .map(|t| {
            (
                t.tenancy.start_date.to_string(),
                t.tenants.iter().map(|tenant| tenant.name()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "2026-03-01".to_string(),
                vec!["Ben Okafor".to_string(), "Amy Lee".to_string()]
            ),
            ("2024-01-01".to_string(), vec!["Amy Lee".to_string()]),
        ]
    );
    assert!(
        listed
            .iter()
            .all(|t| t.tenants.iter().all(|tenant| tenant.tenancy_id == t.tenancy.id))
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'tenancy'")
            .await,
        2
    );
}

#[tokio::test]
async fn each_tenancy_rule_has_a_clear_message_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id, "flat").await;
    let mut bad = tenancy("1200", "2026-03-01", "draft");
    bad.extend([("end_date", "2026-02-01"), ("deposit", "1400")]);
    let page = post_tenancy(&mut admin, home, &bad).await;
    assert_eq!(page.status(), 422);
    assert!(page.body.contains("The end date must be after the start date"));
    assert!(
        page.body
            .contains("The deposit can be at most 5 weeks&#39; rent: £1,384.61 for this rent")
            || page
                .body
                .contains("The deposit can be at most 5 weeks' rent: £1,384.61 for this rent")
    );
    assert!(page.body.contains(r#"value="1400""#), "typed deposit kept");
    // Six weeks are allowed from £50,000 a year.
    let mut high = tenancy("5000", "2026-03-01", "draft");
    high.push(("deposit", "6923.07"));
    assert_eq!(post_tenancy(&mut admin, home, &high).await.status(), 303);
    let no_tenant: Vec<(&str, &str)> = tenancy("1200", "2026-03-01", "draft")
        .into_iter()
        .filter(|(k, _)| !k.starts_with("tenant_"))
        .collect();
    let page = post_tenancy(&mut admin, home, &no_tenant).await;
    assert!(page.body.contains("Add at least one tenant"));
    assert!(
        post_tenancy(&mut admin, home, &tenancy("0", "2026-03-01", "draft"))
            .await
            .body
            .contains("Enter a rent above £0")
    );
    assert!(
        post_tenancy(&mut admin, home, &tenancy("1200", "", "draft"))
            .await
            .body
            .contains("Enter the start date")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM tenancies").await, 1);
}

#[tokio::test]
async fn a_property_has_one_active_tenancy_unless_it_is_a_room_in_a_shared_house() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let flat = property(&app, agency.org.id, "flat").await;
    assert_eq!(
        post_tenancy(&mut admin, flat, &tenancy("900", "2026-01-01", "active"))
            .await
            .status(),
        303
    );
    let second = post_tenancy(&mut admin, flat, &tenancy("950", "2026-02-01", "active")).await;
    assert_eq!(second.status(), 422);
    assert!(second.body.contains("This property already has an active tenancy"));
    assert_eq!(
        post_tenancy(&mut admin, flat, &tenancy("950", "2026-02-01", "draft"))
            .await
            .status(),
        303,
        "a draft is fine"
    );
    let room = property(&app, agency.org.id, "room").await;
    assert_eq!(
        post_tenancy(&mut admin, room, &tenancy("500", "2026-01-01", "active"))
            .await
            .status(),
        303
    );
    assert_eq!(
        post_tenancy(&mut admin, room, &tenancy("520", "2026-01-15", "active"))
            .await
            .status(),
        303
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenancies WHERE status = 'active'")
            .await,
        3
    );
}

#[tokio::test]
async fn an_unprotected_deposit_is_flagged_after_thirty_days_and_edits_are_audited() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id, "flat").await;
    let start = (chrono::Utc::now().date_naive() - chrono::TimeDelta::days(60)).to_string();
    let mut fields = tenancy("1200", &start, "active");
    fields.push(("deposit", "1000"));
    let page = post_tenancy(&mut admin, home, &fields).await;
    let location = page.location().unwrap().to_string();
    let shown = admin.get(&location).await;
    assert!(
        shown.body.contains("The deposit has not been protected within 30 days"),
        "{}",
        shown.body
    );

    let edit = admin.get(&format!("{location}/edit")).await;
    assert!(edit.body.contains(r#"value="1200.00""#));
    fields.extend([("deposit_scheme", "dps"), ("deposit_protected_on", start.as_str())]);
    assert_eq!(admin.post(&format!("{location}/edit"), &fields).await.status(), 303);
    let shown = admin.get(&location).await;
    assert!(!shown.body.contains("has not been protected"));
    let id: uuid::Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    let rows = portico::store::audit::for_entity(&app.db, agency.org.id, "tenancy", id, 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let changed: Vec<String> = rows[0].changes().0.into_iter().map(|c| c.field).collect();
    assert_eq!(changed, vec!["deposit_scheme", "deposit_protected_on"]);
}

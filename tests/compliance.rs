//! Compliance certificates and their indicators through the real app, with
//! dates computed from today.

mod common;

use chrono::{NaiveDate, TimeDelta, Utc};
use common::*;

/// A landlord and a property of this agency; returns the property id.
async fn property(
    app: &TestApp,
    org_id: uuid::Uuid,
    line1: &str,
    status: &str,
    has_gas: bool,
    branch: Option<uuid::Uuid>,
) -> uuid::Uuid {
    app.property(org_id, |p| {
        p.address_line1 = line1.into();
        p.status = status.into();
        p.has_gas = has_gas.then(|| "on".into());
        p.branch_id = branch.map(|b| b.to_string()).unwrap_or_default();
    })
    .await
}

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + TimeDelta::days(offset)).to_string()
}

async fn add(client: &mut Client, property: uuid::Uuid, fields: &[(&str, &str)]) -> Page {
    client.get(&format!("/properties/{property}/certificates/new")).await;
    client
        .post(&format!("/properties/{property}/certificates/new"), fields)
        .await
}

/// The (state, certificate, address) rows of the compliance page.
fn rows(body: &str) -> Vec<(String, String, String)> {
    let body = &without_cell_labels(body);
    body.split("<tr><td><span class=\"badge")
        .skip(1)
        .map(|row| {
            let cell = |i: usize| -> String {
                let part = row.split("<td>").nth(i).unwrap_or_default();
                let text: String = part
                    .split('<')
                    .map(|s| s.rsplit('>').next().unwrap_or_default())
                    .collect();
                text.trim().to_string()
            };
            let state = row[row.find('>').unwrap() + 1..row.find("</span>").unwrap()].to_string();
            (state, cell(1), cell(2))
        })
        .collect()
}

#[tokio::test]
async fn a_gas_safety_record_gets_twelve_months_and_a_valid_indicator() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id, "14 Royal York Crescent", "let", true, None).await;
    let page = admin.get(&format!("/properties/{home}")).await;
    assert_eq!(
        page.body.matches(">Missing<").count(),
        3,
        "gas, EICR and EPC are missing"
    );
    let issued = day(-10);
    let response = add(
        &mut admin,
        home,
        &[
            ("kind", "gas_safety"),
            ("issued_on", &issued),
            ("reference", "CP12-001"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303, "{}", response.body);
    let certificate = portico::on_pool!(&app.db, |pool| {
        sqlx::query_as::<_, (NaiveDate, NaiveDate)>("SELECT issued_on, expires_on FROM certificates")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(
        certificate.1,
        certificate.0.checked_add_months(chrono::Months::new(12)).unwrap()
    );
    let page = admin.get(&format!("/properties/{home}")).await;
    assert_eq!(page.body.matches(">Missing<").count(), 2);
    assert!(page.body.contains(">Valid<"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'certificate'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_form_explains_each_mistake_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id, "14 Royal York Crescent", "let", true, None).await;
    let page = add(&mut admin, home, &[("kind", ""), ("issued_on", "")]).await;
    assert_eq!(page.status(), 422);
    assert!(
        page.body.contains("Choose the kind of certificate")
            && page.body.contains("Enter the date the certificate was issued")
    );
    let page = add(&mut admin, home, &[("kind", "legionella"), ("issued_on", &day(-5))]).await;
    assert!(page.body.contains("has no fixed validity"));
    let page = add(&mut admin, home, &[("kind", "epc"), ("issued_on", &day(-5))]).await;
    assert!(page.body.contains("Enter the EPC&#39;s rating") || page.body.contains("Enter the EPC's rating"));
    let page = add(
        &mut admin,
        home,
        &[("kind", "eicr"), ("issued_on", &day(-5)), ("expires_on", &day(-6))],
    )
    .await;
    assert!(page.body.contains("The expiry date must be after the issue date"));
    assert_eq!(app.count("SELECT COUNT(*) FROM certificates").await, 0);
}

#[tokio::test]
async fn the_compliance_page_shows_every_state_most_urgent_first_and_filters() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut tx = app.db.begin().await.unwrap();
    let bath = portico::store::orgs::create_branch(&mut tx, agency.org.id, "Bath")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let a = property(&app, agency.org.id, "1 Alpha Road", "let", true, None).await;
    let b = property(&app, agency.org.id, "2 Beta Road", "let", false, Some(bath.id)).await;
    let c = property(&app, agency.org.id, "3 Gamma Road", "available", true, None).await;
    // Alpha: gas expired, EICR expiring in 10 days, EPC valid.
    add(
        &mut admin,
        a,
        &[
            ("kind", "gas_safety"),
            ("issued_on", &day(-400)),
            ("expires_on", &day(-35)),
        ],
    )
    .await;
    add(
        &mut admin,
        a,
        &[("kind", "eicr"), ("issued_on", &day(-1800)), ("expires_on", &day(10))],
    )
    .await;
    add(
        &mut admin,
        a,
        &[("kind", "epc"), ("issued_on", &day(-100)), ("epc_rating", "C")],
    )
    .await;
    // Beta (no gas): EPC below minimum, EICR missing; gas is not required.
    add(
        &mut admin,
        b,
        &[("kind", "epc"), ("issued_on", &day(-100)), ("epc_rating", "F")],
    )
    .await;
    // Gamma is not let: a gas record expiring in 45 days is still flagged (60-day window), nothing is missing.
    add(
        &mut admin,
        c,
        &[
            ("kind", "gas_safety"),
            ("issued_on", &day(-320)),
            ("expires_on", &day(45)),
        ],
    )
    .await;

    let page = admin.get("/compliance").await;
    let found = rows(&page.body);
    assert_eq!(
        found.iter().map(|(state, _, _)| state.as_str()).collect::<Vec<_>>(),
        vec!["Missing", "Expired", "Below minimum", "Expiring soon", "Expiring soon"],
        "{found:?}"
    );
    assert!(found[0].1 == "EICR" && found[0].2.starts_with("2 Beta Road"));
    assert!(found[1].1 == "Gas Safety" && found[1].2.starts_with("1 Alpha Road"));
    assert!(
        found[3].1 == "EICR" && found[3].2.starts_with("1 Alpha Road"),
        "soonest expiry first"
    );
    assert!(found[4].1 == "Gas Safety" && found[4].2.starts_with("3 Gamma Road"));
    assert!(
        !found
            .iter()
            .any(|(_, k, a)| k == "Gas Safety" && a.starts_with("2 Beta")),
        "no gas, no gas record needed"
    );

    let home = admin.get("/").await;
    assert!(
        home.body
            .contains("1 expired, 2 expiring soon, 1 missing, 1 below the minimum EPC rating."),
        "{}",
        home.body
    );
    assert!(
        home.body
            .contains(r#"<span class="number">3</span><span class="what">properties</span>"#)
    );
    let by_branch = rows(&admin.get(&format!("/compliance?branch={}", bath.id)).await.body);
    assert_eq!(by_branch.len(), 2);
    let by_kind = rows(&admin.get("/compliance?kind=gas_safety").await.body);
    assert_eq!(by_kind.len(), 2);
    let soon = rows(&admin.get("/compliance?state=expiring_soon").await.body);
    assert_eq!(soon.len(), 2, "{soon:?}");
    assert!(soon.iter().all(|(state, _, _)| state == "Expiring soon"));
    let expired_gas = admin.get("/compliance?state=expired&kind=gas_safety").await.body;
    assert_eq!(rows(&expired_gas).len(), 1);
    assert!(expired_gas.contains("35 days overdue"), "how late it is");
    assert!(expired_gas.contains("Jane Smith"), "whose property it is");
    assert!(page.body.contains("in 10 days"));
    let unknown = rows(&admin.get("/compliance?state=valid").await.body);
    assert_eq!(unknown.len(), 5, "a state that needs no attention is no filter");

    // Renewing Alpha's gas record clears the expired one.
    add(&mut admin, a, &[("kind", "gas_safety"), ("issued_on", &day(-1))]).await;
    let after = rows(&admin.get("/compliance?kind=gas_safety").await.body);
    assert_eq!(after.len(), 1);
    assert!(after[0].2.starts_with("3 Gamma Road"));
}

#[tokio::test]
async fn editing_a_certificate_is_audited_and_other_agencies_get_404() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id, "14 Royal York Crescent", "let", true, None).await;
    add(&mut admin, home, &[("kind", "eicr"), ("issued_on", &day(-30))]).await;
    let id: uuid::Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM certificates")
        .fetch_one(pool)
        .await)
    .unwrap();
    let edit = admin.get(&format!("/certificates/{id}/edit")).await;
    assert_eq!(edit.status(), 200);
    let expires = day(20);
    let saved = admin
        .post(
            &format!("/certificates/{id}/edit"),
            &[("kind", "eicr"), ("issued_on", &day(-30)), ("expires_on", &expires)],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let rows = portico::store::audit::for_entity(&app.db, agency.org.id, "certificate", id, 10)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].changes().0.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
        vec!["expires_on"]
    );

    let other = app.agency("Other Homes", "olga@other.example").await;
    let mut olga = app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    olga.get("/").await;
    let before = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(olga.get(&format!("/certificates/{id}/edit")).await.status(), 404);
    assert_eq!(
        olga.get(&format!("/properties/{home}/certificates/new")).await.status(),
        404
    );
    assert_eq!(
        olga.post(
            &format!("/certificates/{id}/edit"),
            &[("kind", "eicr"), ("issued_on", &day(-1))]
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        olga.post(
            &format!("/properties/{home}/certificates/new"),
            &[("kind", "eicr"), ("issued_on", &day(-1))]
        )
        .await
        .status(),
        404
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, before);
    assert!(olga.get("/compliance").await.body.contains("Nothing needs attention"));
}

#[tokio::test]
async fn a_property_shows_one_epc_rating_its_certificates_everywhere() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = app
        .property(agency.org.id, |p| {
            p.status = "let".into();
            p.epc_rating = "C".into();
        })
        .await;
    let (_, portal) = app.portal_for(agency.org.id, home).await;
    let added = add(
        &mut admin,
        home,
        &[("kind", "epc"), ("issued_on", &day(-30)), ("epc_rating", "D")],
    )
    .await;
    assert_eq!(added.status(), 303, "{}", added.body);

    let page = admin.get(&format!("/properties/{home}")).await.body;
    assert!(
        page.contains("<dt>EPC rating</dt><dd>D</dd>"),
        "the certificate's rating: {page}"
    );
    let landlord = app.client().get(&portal).await.body;
    assert!(
        landlord.contains("EPC D") && !landlord.contains("EPC C"),
        "the portal agrees"
    );

    let edit = format!("/properties/{home}/edit");
    let form = admin.get(&edit).await.body;
    assert!(form.contains(r#"data-testid="epc-from-certificate""#) && !form.contains(r#"name="epc_rating""#));
    let mut fields = [
        ("landlord_id", String::new()),
        ("address_line1", "14 Royal York Crescent".to_string()),
        ("city", "Bristol".to_string()),
        ("postcode", "BS8 4JX".to_string()),
        ("bedrooms", "1".to_string()),
        ("bathrooms", "1".to_string()),
        ("status", "let".to_string()),
        ("epc_rating", "A".to_string()),
    ];
    let owner = portico::store::properties::get(&app.db, agency.org.id, home)
        .await
        .unwrap()
        .unwrap()
        .landlord_id;
    fields[0].1 = owner.to_string();
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = admin.post(&edit, &borrowed).await;
    assert_eq!(saved.status(), 303, "{}", saved.body);
    let stored = portico::store::properties::get(&app.db, agency.org.id, home)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.epc_rating.as_deref(),
        Some("D"),
        "a typed rating cannot contradict the certificate"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'property.epc_from_certificate'")
            .await,
        1,
        "taking the certificate's rating is on the property's audit trail"
    );
}

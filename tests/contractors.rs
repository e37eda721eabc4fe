//! Contractors in the back-office (issue 15): added and edited with the
//! registrations their trades need, listed with search, trade and status
//! filters and sorting, their insurance flagged when it lapses, archived and
//! restored, every change in their history, another agency's never reachable.

mod common;

use common::*;

/// The form of a gas and heating firm, as typed.
fn gas_firm<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("company_name", "Avon Gas & Heating"),
        ("contact_name", "Maria Lopez"),
        ("email", "Office@AvonGas.example"),
        ("phone", "0117 496 0789"),
        ("trades", "gas"),
        ("trades", "heating"),
        ("gas_safe_number", "548 213"),
        ("insurance_expires_on", "2099-03-31"),
    ]
}

#[tokio::test]
async fn an_agent_adds_a_contractor_with_the_registrations_their_trades_need() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    assert!(admin.get("/contractors").await.body.contains("No contractors yet."));
    assert!(
        admin
            .get("/contractors/new")
            .await
            .body
            .contains(r#"name="trades" value="gas""#)
    );

    // Gas work without a Gas Safe number: refused next to the field, input kept.
    let mut missing = gas_firm();
    missing.retain(|(name, _)| *name != "gas_safe_number");
    missing.push(("electrical_registration", ""));
    let refused = admin.post("/contractors", &missing).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused.body.contains("gas work needs a Gas Safe registered engineer"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(r#"value="Avon Gas &amp; Heating""#),
        "the input is kept"
    );
    assert!(
        refused
            .body
            .contains(r#"id="trade-heating" name="trades" value="heating" checked"#),
        "the trades chosen stay chosen: {}",
        refused.body
    );
    let none = admin
        .post(
            "/contractors",
            &[("company_name", "Nobody Ltd"), ("email", "x@y.example")],
        )
        .await;
    assert_eq!(none.status(), 422);
    assert!(none.body.contains("Choose at least one trade"));
    let forged = admin
        .post(
            "/contractors",
            &[
                ("company_name", "Odd Ltd"),
                ("email", "x@y.example"),
                ("trades", "astrology"),
            ],
        )
        .await;
    assert_eq!(forged.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM contractors").await, 0, "nothing stored");

    let added = admin.post("/contractors", &gas_firm()).await;
    assert_eq!(added.status(), 303);
    let record = admin.get(added.location().expect("to the record")).await;
    assert!(record.body.contains("Avon Gas &amp; Heating has been added."));
    assert!(record.body.contains("Gas, Heating"));
    assert!(record.body.contains("548213"), "the number without its space");
    assert!(record.body.contains("office@avongas.example"), "email lower-cased");
    assert!(record.body.contains("Insured"));
    assert!(
        record.body.contains("<strong>Trades</strong>: set to Gas, Heating"),
        "the history reads in words: {}",
        record.body
    );
}

#[tokio::test]
async fn the_contractor_list_finds_by_trade_and_phone_flags_lapsed_insurance_and_hides_the_archived() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/contractors/new").await;
    let gas = admin.post("/contractors", &gas_firm()).await;
    let gas_path = gas.location().expect("added").to_string();
    let roofer = admin
        .post(
            "/contractors",
            &[
                ("company_name", "Clifton Roofing"),
                ("email", "sam@cliftonroofing.example"),
                ("phone", "07700 900123"),
                ("trades", "roofing"),
                ("insurance_expires_on", "2020-01-31"),
            ],
        )
        .await;
    let roofer_path = roofer.location().expect("added").to_string();
    admin
        .post(
            "/contractors",
            &[
                ("company_name", "Spotless Cleaning"),
                ("email", "ann@spotless.example"),
                ("trades", "cleaning"),
            ],
        )
        .await;

    let all = admin.get("/contractors").await.body;
    assert_eq!(page_position(&all).as_deref(), Some("1–3 of 3"));
    assert!(all.contains("Insurance expired"), "the roofer's lapsed cover shows");
    assert!(all.contains("Insurance not recorded"));
    let roofing = admin.get("/contractors?trade=roofing").await.body;
    assert!(roofing.contains("Clifton Roofing") && !roofing.contains("Avon Gas"));
    let by_digits = admin.get("/contractors?q=07700900123").await.body;
    assert!(by_digits.contains("Clifton Roofing") && !by_digits.contains("Spotless"));
    let lapsed_first = admin.get("/contractors?sort=insurance").await.body;
    let unrecorded = lapsed_first.find("Spotless").expect("listed");
    let lapsed = lapsed_first.find("Clifton Roofing").expect("listed");
    let insured = lapsed_first.find("Avon Gas").expect("listed");
    assert!(
        unrecorded < lapsed && lapsed < insured,
        "no cover on record, then the oldest expiry"
    );
    let record = admin.get(&roofer_path).await.body;
    assert!(record.contains("Their public liability insurance has expired."));

    // Archived: out of the default list, back with "all", restored again.
    let id = roofer_path.rsplit('/').next().unwrap().to_string();
    let archived = admin
        .post(&format!("/contractors/{id}/status"), &[("status", "archived")])
        .await;
    assert_eq!(archived.status(), 303);
    let said = admin.get(archived.location().expect("to the record")).await.body;
    assert!(said.contains("Clifton Roofing has been archived."));
    assert!(!admin.get("/contractors").await.body.contains("Clifton Roofing"));
    assert!(
        admin
            .get("/contractors?status=all")
            .await
            .body
            .contains("Clifton Roofing")
    );
    admin
        .post(&format!("/contractors/{id}/status"), &[("status", "active")])
        .await;
    let history = admin.get(&roofer_path).await.body;
    assert!(history.contains("archived the contractor Clifton Roofing"));
    assert!(history.contains("restored the contractor Clifton Roofing"));
    assert!(admin.get("/contractors").await.body.contains("Clifton Roofing"));

    let csv = admin.get("/contractors.csv?trade=gas").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.body.starts_with("Company,Contact,Email,Phone,Trades,"));
    assert!(csv.body.contains("Avon Gas & Heating") && !csv.body.contains("Clifton"));

    // Editing: nothing changed says so; a change is recorded.
    let edit_path = format!("{gas_path}/edit");
    assert!(admin.get(&edit_path).await.body.contains(r#"value="548213""#));
    let same = admin.post(&edit_path, &gas_firm()).await;
    assert!(
        admin
            .get(same.location().unwrap())
            .await
            .body
            .contains("Nothing was changed.")
    );
    let mut plumber_too = gas_firm();
    plumber_too.push(("trades", "plumbing"));
    admin.post(&edit_path, &plumber_too).await;
    let edited = admin.get(&gas_path).await.body;
    assert!(edited.contains("Gas, Plumbing, Heating"));
    assert!(edited.contains("Gas, Heating → Gas, Plumbing, Heating"), "{edited}");
}

#[tokio::test]
async fn another_agencys_contractor_answers_404_and_stays_unchanged() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let mut theirs = app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    theirs.get("/contractors/new").await;
    let added = theirs.post("/contractors", &gas_firm()).await;
    let path = added.location().expect("added").to_string();
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    admin.get("/contractors").await;
    assert_eq!(admin.get(&path).await.status(), 404);
    assert_eq!(admin.get(&format!("{path}/edit")).await.status(), 404);
    let mut renamed = gas_firm();
    renamed[0] = ("company_name", "Taken Over Ltd");
    assert_eq!(admin.post(&format!("{path}/edit"), &renamed).await.status(), 404);
    assert_eq!(
        admin
            .post(&format!("{path}/status"), &[("status", "archived")])
            .await
            .status(),
        404
    );
    assert!(!admin.get("/contractors?status=all").await.body.contains("Avon Gas"));
    assert!(!admin.get("/contractors.csv?status=all").await.body.contains("Avon Gas"));
    let still = theirs.get(&path).await.body;
    assert!(still.contains("Avon Gas &amp; Heating") && !still.contains("Archived"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contractors WHERE status = 'active'")
            .await,
        1
    );
}

//! The agency's offer list: every property's offers, newest first, open ones
//! unless asked otherwise, narrowed by status, branch and landlord, searched
//! by applicant or address, counted and paged both ways.

mod common;

use common::*;
use portico::domain::audit::Actor;
use portico::domain::offers::{OfferFields, OfferStatus};
use portico::domain::validation::Email;
use uuid::Uuid;

async fn offer(app: &TestApp, org: Uuid, property: Uuid, applicant: &str, moves: &[OfferStatus]) -> Uuid {
    let mut tx = app.db.begin().await.unwrap();
    let id = portico::store::offers::create(
        &mut tx,
        org,
        property,
        "the property",
        &OfferFields {
            applicant_name: applicant.into(),
            applicant_email: Email::parse("applicant@example.com").unwrap(),
            applicant_phone: None,
            rent_pence: 120_000,
            move_in_on: None,
            term_months: Some(12),
            notes: None,
        },
        &Actor::system(),
    )
    .await
    .unwrap();
    for to in moves {
        let current = portico::store::offers::get_in_tx(&mut tx, org, id).await.unwrap();
        portico::store::offers::move_to(&mut tx, &current, *to, &Actor::system())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

/// The applicants of a list page, in order.
fn applicants(body: &str) -> Vec<String> {
    let body = &without_cell_labels(body);
    body.split("<tr><td><a href=\"/offers/")
        .skip(1)
        .map(|row| {
            let text = &row[row.find('>').map_or(0, |i| i + 1)..];
            text.split('<').next().unwrap_or_default().to_string()
        })
        .collect()
}

#[tokio::test]
async fn agents_find_every_offer_of_the_agency_newest_first_filtered_counted_and_paged() {
    use OfferStatus::*;
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let high_street = app
        .property(agency.org.id, |p| p.address_line1 = "5 High Street".into())
        .await;
    let quay = app
        .property(agency.org.id, |p| p.address_line1 = "8 The Quay".into())
        .await;
    let quay_landlord = portico::store::properties::get(&app.db, agency.org.id, quay)
        .await
        .unwrap()
        .unwrap()
        .landlord_id;
    for n in 0..26 {
        offer(&app, agency.org.id, high_street, &format!("Applicant {n:02}"), &[]).await;
    }
    offer(&app, agency.org.id, quay, "Quinn Waiting", &[WithAgent, SentToLandlord]).await;
    offer(&app, agency.org.id, quay, "Rita Waiting", &[WithAgent, SentToLandlord]).await;
    offer(&app, agency.org.id, quay, "Cass Cancelled", &[Cancelled]).await;
    let theirs = app.property(other.org.id, |_| {}).await;
    offer(&app, other.org.id, theirs, "Zzother Applicant", &[]).await;

    let first = admin.get("/offers").await;
    assert_eq!(first.status(), 200, "{}", first.body);
    assert_eq!(
        page_position(&first.body).as_deref(),
        Some("1–25 of 28"),
        "open offers only"
    );
    let names = applicants(&first.body);
    assert_eq!(
        names[..3],
        ["Rita Waiting", "Quinn Waiting", "Applicant 25"],
        "newest first"
    );
    assert!(!first.body.contains("Cass Cancelled") && !first.body.contains("Zzother"));
    assert!(!first.body.contains(r#"rel="prev""#));
    let second = admin.get(&rel_link(&first.body, "next")).await;
    assert_eq!(page_position(&second.body).as_deref(), Some("26–28 of 28"));
    assert_eq!(
        applicants(&second.body),
        ["Applicant 02", "Applicant 01", "Applicant 00"]
    );
    let back = admin.get(&rel_link(&second.body, "prev")).await;
    assert_eq!(applicants(&back.body), names);
    assert_eq!(page_position(&back.body).as_deref(), Some("1–25 of 28"));

    // Sorted by applicant, A to Z and back, paging in that order.
    let by_name = admin.get("/offers?sort=applicant").await;
    let sorted = applicants(&by_name.body);
    assert_eq!(sorted[..2], ["Applicant 00", "Applicant 01"]);
    assert!(by_name.body.contains(r#"aria-sort="ascending""#));
    let rest = admin.get(&rel_link(&by_name.body, "next")).await;
    assert_eq!(
        applicants(&rest.body),
        ["Applicant 25", "Quinn Waiting", "Rita Waiting"]
    );
    assert_eq!(page_position(&rest.body).as_deref(), Some("26–28 of 28"));
    let reversed = admin.get("/offers?sort=-applicant").await;
    assert_eq!(applicants(&reversed.body)[..2], ["Rita Waiting", "Quinn Waiting"]);
    assert!(reversed.body.contains(r#"aria-sort="descending""#));
    let oldest_first = admin.get("/offers?sort=received").await;
    assert_eq!(applicants(&oldest_first.body)[0], "Applicant 00");
    let awaiting = admin.get("/offers?status=sent_to_landlord").await;
    assert_eq!(applicants(&awaiting.body), ["Rita Waiting", "Quinn Waiting"]);
    let every = admin.get("/offers?status=any").await;
    assert_eq!(page_position(&every.body).as_deref(), Some("1–25 of 29"));
    let quays = admin.get(&format!("/offers?status=any&landlord={quay_landlord}")).await;
    assert_eq!(
        applicants(&quays.body),
        ["Cass Cancelled", "Rita Waiting", "Quinn Waiting"]
    );
    let searched = admin.get("/offers?q=quay+rita").await;
    assert_eq!(applicants(&searched.body), ["Rita Waiting"]);
    assert!(
        admin
            .get("/offers?status=no-such-status")
            .await
            .body
            .contains("No offers match these filters")
    );

    let home = admin.get("/").await;
    assert!(
        home.body.contains(r#"href="/offers?status=sent_to_landlord""#),
        "the home page's count links to the offers it counts"
    );
}

//! The back-office lists stay bounded at agency scale: compliance, the inbox and
//! Portal access come a page at a time (each item once, in order, filters kept),
//! the compliance counts come from the same rows as the pages, the landlord
//! picker lists matches rather than every landlord, and no page grows with the
//! size of the agency.

mod common;

use std::collections::{BTreeSet, HashSet};

use chrono::{NaiveDate, TimeDelta};
use common::*;
use portico::domain::audit::Actor;
use portico::domain::choice::Choice;
use portico::domain::compliance::{CertificateFields, CertificateKind, Indicator};
use portico::domain::properties::{EpcRating, PropertyForm, PropertyStatus};
use portico::store::compliance::{self, ComplianceItem, Filter};
use portico::store::{Cursor, PageAt, certificates, landlords, portal, portal_messages, properties};
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Adds `n` landlords ("Owner 000 Surname" …) with one property each (status and
/// gas varied) in one transaction; returns (landlord id, property id) pairs.
async fn portfolio(app: &TestApp, org_id: Uuid, prefix: &str, n: usize) -> Vec<(Uuid, Uuid)> {
    let mut tx = app.db.begin().await.unwrap();
    let mut made = Vec::new();
    for i in 0..n {
        let form = portico::domain::landlords::LandlordForm {
            first_name: format!("{prefix}{i:03}"),
            last_name: "Surname".into(),
            email: format!("{}{i:03}@example.com", prefix.to_lowercase()),
            ..portico::domain::landlords::LandlordForm::with_defaults()
        };
        let landlord = landlords::create(&mut tx, org_id, &form.parse().unwrap(), None, &Actor::system())
            .await
            .unwrap();
        let status = [PropertyStatus::Let, PropertyStatus::Available, PropertyStatus::Archived][i % 3];
        let property = PropertyForm {
            landlord_id: landlord.to_string(),
            address_line1: format!("{} {prefix} Street", i % 7),
            city: "Bristol".into(),
            postcode: "BS8 4JX".into(),
            status: status.as_str().into(),
            has_gas: (i % 2 == 0).then(|| "on".into()),
            ..PropertyForm::with_defaults()
        };
        let property = properties::create(&mut tx, org_id, &property.parse().unwrap(), &Actor::system())
            .await
            .unwrap();
        made.push((landlord, property));
    }
    tx.commit().await.unwrap();
    made
}

/// Certificates of every kind around today's windows (and an older and a newer
/// one of some kinds), so every indicator and every boundary occurs.
async fn certificates_around(app: &TestApp, org_id: Uuid, properties: &[(Uuid, Uuid)], today: NaiveDate) {
    let offsets = [-400, -1, 0, 1, 29, 30, 31, 59, 60, 61, 400];
    let mut tx = app.db.begin().await.unwrap();
    for (i, (_, property)) in properties.iter().enumerate() {
        for (k, kind) in CertificateKind::ALL.iter().enumerate() {
            if (i + k) % 3 == 0 {
                continue; // some kinds missing
            }
            let expires_on = today + TimeDelta::days(offsets[(i * 7 + k) % offsets.len()]);
            let epc_rating = (*kind == CertificateKind::Epc).then(|| EpcRating::ALL[(i + k) % EpcRating::ALL.len()]);
            let fields = CertificateFields {
                kind: *kind,
                issued_on: expires_on - TimeDelta::days(365),
                expires_on,
                reference: None,
                epc_rating,
            };
            certificates::create(&mut tx, org_id, *property, "an address", &fields, &Actor::system())
                .await
                .unwrap();
            if (i + k) % 4 == 0 {
                // An older certificate of the same kind never counts.
                let older = CertificateFields {
                    expires_on: expires_on - TimeDelta::days(500),
                    issued_on: expires_on - TimeDelta::days(900),
                    ..fields
                };
                certificates::create(&mut tx, org_id, *property, "an address", &older, &Actor::system())
                    .await
                    .unwrap();
            }
        }
    }
    tx.commit().await.unwrap();
}

/// Every item of the list, walking the pages of `limit` items.
async fn walk(app: &TestApp, org_id: Uuid, filter: &Filter, today: NaiveDate, limit: u32) -> Vec<ComplianceItem> {
    let filter = Filter {
        today: Some(today),
        ..filter.clone()
    };
    let mut all = Vec::new();
    let mut at = PageAt::First;
    loop {
        let page = compliance::list(&app.db, org_id, &filter, &at, limit).await.unwrap();
        assert!(page.rows.len() <= limit as usize);
        all.extend(page.rows.into_iter().map(|row| row.item));
        match page.next {
            Some(next) => at = PageAt::After(Cursor::decode(&next.encode()).expect("the cursor survives the URL")),
            None => return all,
        }
    }
}

/// What the domain rules say needs attention, computed in Rust from every
/// property and certificate (the way the page used to be built).
async fn expected(
    app: &TestApp,
    org_id: Uuid,
    made: &[(Uuid, Uuid)],
    today: NaiveDate,
) -> Vec<(Indicator, String, Uuid, Option<NaiveDate>)> {
    let mut items = Vec::new();
    for (_, id) in made {
        let p = properties::get(&app.db, org_id, *id).await.unwrap().unwrap();
        if p.status() == PropertyStatus::Archived {
            continue;
        }
        let own = certificates::for_property(&app.db, org_id, p.id).await.unwrap();
        for kind in portico::domain::compliance::missing(p.status(), p.has_gas, &own) {
            items.push((Indicator::Missing, kind.as_str().to_string(), p.id, None));
        }
        for c in portico::domain::compliance::current(&own) {
            let state = c.indicator(today);
            if state.needs_attention() {
                items.push((state, c.kind.as_str().to_string(), p.id, Some(c.expires_on)));
            }
        }
    }
    items.sort();
    items
}

fn key(item: &ComplianceItem) -> (Indicator, String, Uuid, Option<NaiveDate>) {
    (
        item.indicator,
        item.kind.as_str().to_string(),
        item.property_id,
        item.expires_on,
    )
}

#[tokio::test]
async fn the_compliance_list_agrees_with_the_domain_rules_on_every_page_and_in_its_counts() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let made = portfolio(&app, agency.org.id, "Acme", 40).await;
    let today = d("2026-06-15");
    certificates_around(&app, agency.org.id, &made, today).await;

    let want = expected(&app, agency.org.id, &made, today).await;
    assert!(
        [
            Indicator::Missing,
            Indicator::Expired,
            Indicator::BelowMinimum,
            Indicator::ExpiringSoon
        ]
        .iter()
        .all(|state| want.iter().any(|w| w.0 == *state)),
        "the data covers every indicator"
    );
    let walked = walk(&app, agency.org.id, &Filter::default(), today, 7).await;
    let mut got: Vec<_> = walked.iter().map(key).collect();
    let unique: BTreeSet<_> = got.iter().cloned().collect();
    assert_eq!(unique.len(), got.len(), "no item twice");
    got.sort();
    assert_eq!(got, want, "the SQL and the domain rules agree");

    let order: Vec<_> = walked
        .iter()
        .map(|i| (i.indicator, i.expires_on, i.address.clone(), i.kind_rank, i.property_id))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(
        order, sorted,
        "most urgent first, then soonest expiry, then address (then certificate and property)"
    );

    let counts = compliance::counts(&app.db, agency.org.id, &Filter::default(), today)
        .await
        .unwrap();
    for state in [
        Indicator::Missing,
        Indicator::Expired,
        Indicator::BelowMinimum,
        Indicator::ExpiringSoon,
    ] {
        assert_eq!(
            counts.of(state),
            want.iter().filter(|w| w.0 == state).count() as i64,
            "{state:?}"
        );
    }

    // The same a day later, without any write: the list follows the calendar.
    let tomorrow = today + TimeDelta::days(1);
    let mut later: Vec<_> = walk(&app, agency.org.id, &Filter::default(), tomorrow, 50)
        .await
        .iter()
        .map(key)
        .collect();
    later.sort();
    assert_eq!(later, expected(&app, agency.org.id, &made, tomorrow).await);

    // A filter keeps to its kind across pages.
    let gas = Filter {
        kind: Some(CertificateKind::GasSafety),
        ..Filter::default()
    };
    let gas_items = walk(&app, agency.org.id, &gas, today, 3).await;
    assert_eq!(gas_items.len(), want.iter().filter(|w| w.1 == "gas_safety").count());
    assert!(gas_items.iter().all(|i| i.kind == CertificateKind::GasSafety));
}

#[tokio::test]
async fn the_derived_list_is_rebuilt_from_the_records_after_a_bulk_load() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let made = portfolio(&app, agency.org.id, "Acme", 12).await;
    let today = d("2026-06-15");
    certificates_around(&app, agency.org.id, &made, today).await;
    let before = walk(&app, agency.org.id, &Filter::default(), today, 100).await;
    // Twelve properties with certificates around today: the list must have rows
    // for the comparison below to mean anything.
    assert!(before.len() >= 12, "{before:?}");
    portico::on_pool!(&app.db, |pool| sqlx::query("DELETE FROM compliance_items")
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
    assert!(
        walk(&app, agency.org.id, &Filter::default(), today, 100)
            .await
            .is_empty()
    );
    compliance::rebuild_org(&app.db, agency.org.id).await.unwrap();
    assert_eq!(walk(&app, agency.org.id, &Filter::default(), today, 100).await, before);
}

/// The rows of a compliance page as (state, certificate, address) text.
fn compliance_rows(body: &str) -> Vec<String> {
    let body = &without_cell_labels(body);
    body.split("<tr><td><span class=\"badge")
        .skip(1)
        .map(|row| row.split("</tr>").next().unwrap_or_default().to_string())
        .collect()
}

/// The `href` of the "Next page" link, if any.
fn next_link(body: &str) -> Option<String> {
    let end = body.find(r#"rel="next""#)?;
    let start = body[..end].rfind("href=\"")? + 6;
    let href = &body[start..];
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

#[tokio::test]
async fn the_compliance_page_continues_on_a_second_page_with_its_filter_and_the_dashboard_counts_match() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olga@other.example").await;
    let made = portfolio(&app, agency.org.id, "Acme", 240).await;
    let theirs = portfolio(&app, other.org.id, "Zzother", 9).await;
    let today = chrono::Utc::now().date_naive();
    certificates_around(&app, agency.org.id, &made, today).await;
    certificates_around(&app, other.org.id, &theirs, today).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;

    let counts = compliance::counts(&app.db, agency.org.id, &Filter::default(), today)
        .await
        .unwrap();
    assert!(counts.total() > 100, "more than two pages: {counts:?}");
    let mut path = "/compliance".to_string();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = admin.get(&path).await;
        assert_eq!(page.status(), 200);
        assert!(!page.body.contains("Zzother"), "another agency's rows never appear");
        let rows = compliance_rows(&page.body);
        assert!(rows.len() <= 50);
        seen.extend(rows);
        pages += 1;
        match next_link(&page.body) {
            Some(next) => path = next,
            None => break,
        }
    }
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(seen.len() as i64, counts.total(), "no item lost");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "no item twice");

    let home = admin.get("/").await;
    let sentence = format!(
        "{} expired, {} expiring soon, {} missing, {} below the minimum EPC rating.",
        counts.expired, counts.expiring_soon, counts.missing, counts.below_minimum
    );
    assert!(home.body.contains(&sentence), "the dashboard shows the same counts");
    assert!(admin.get("/compliance").await.body.contains(&sentence));
    assert_eq!(compliance_rows(&home.body).len(), 8, "the first 8 items");
    assert!(!home.body.contains("Zzother"));

    let first = admin.get("/compliance?kind=eicr").await;
    let next = next_link(&first.body).expect("EICR items fill more than a page");
    assert!(next.contains("kind=eicr"), "the filter is kept: {next}");
    let second = admin.get(&next).await;
    let rows = compliance_rows(&second.body);
    assert!(!rows.is_empty() && rows.iter().all(|r| r.contains("<td>EICR</td>")));
    assert!(
        compliance_rows(&first.body).iter().all(|r| !rows.contains(r)),
        "the second page holds the next items"
    );
}

/// Gives the landlord of each property portal access and writes `messages`
/// landlord messages in each thread; returns the token ids in creation order.
async fn threads(app: &TestApp, org_id: Uuid, made: &[(Uuid, Uuid)], messages: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for (_, property) in made {
        let (token_id, _) = app.portal_for(org_id, *property).await;
        let token = portal::get(&app.db, org_id, token_id).await.unwrap().unwrap();
        let mut tx = app.db.begin().await.unwrap();
        for m in 0..messages {
            portal_messages::send_from_landlord(&mut tx, &token, &format!("Message {m}"))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        ids.push(token_id);
    }
    ids
}

/// Every thread link (`/messages/{id}`) of an inbox page, in order.
fn thread_ids(body: &str) -> Vec<String> {
    body.split("href=\"/messages/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|id| id.len() == 36)
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn the_inbox_pages_newest_first_with_correct_unread_counts() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olga@other.example").await;
    let made = portfolio(&app, agency.org.id, "Acme", 60).await;
    let theirs = portfolio(&app, other.org.id, "Zzother", 3).await;
    let ids = threads(&app, agency.org.id, &made, 2).await;
    threads(&app, other.org.id, &theirs, 1).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;

    // The oldest thread gets a new message: it moves to the top.
    let oldest = portal::get(&app.db, agency.org.id, ids[0]).await.unwrap().unwrap();
    let mut tx = app.db.begin().await.unwrap();
    portal_messages::send_from_landlord(&mut tx, &oldest, "Anyone there?")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let first = admin.get("/messages").await;
    let page1 = thread_ids(&first.body);
    assert_eq!(page1.len(), 50);
    assert_eq!(page1[0], ids[0].to_string(), "newest activity first");
    assert_eq!(page1[1], ids[59].to_string());
    assert_eq!(first.body.matches("2 new").count(), 49);
    assert_eq!(first.body.matches("3 new").count(), 1);
    assert!(!first.body.contains("Zzother"));
    let second = admin.get(&next_link(&first.body).expect("a second page")).await;
    let page2 = thread_ids(&second.body);
    assert_eq!(page2.len(), 10);
    let all: HashSet<_> = page1.iter().chain(&page2).collect();
    assert_eq!(all.len(), 60, "every thread once");
    assert_eq!(page2.last(), Some(&ids[1].to_string()));
    assert!(next_link(&second.body).is_none());

    // Opening a thread reads it: its count goes, the others stay.
    admin.get(&format!("/messages/{}", ids[0])).await;
    let again = admin.get("/messages").await;
    assert_eq!(again.body.matches("2 new").count(), 49);
    assert_eq!(again.body.matches("3 new").count(), 0);
}

#[tokio::test]
async fn portal_access_pages_by_landlord_name_and_searches_name_or_email() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olga@other.example").await;
    let made = portfolio(&app, agency.org.id, "Acme", 70).await;
    let theirs = portfolio(&app, other.org.id, "Zzother", 3).await;
    threads(&app, agency.org.id, &made, 0).await;
    threads(&app, other.org.id, &theirs, 0).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;

    let names = |body: &str| -> Vec<String> {
        body.split("Acme")
            .skip(1)
            .filter_map(|s| s.get(..3))
            .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let first = admin.get("/portal-access").await;
    assert!(!first.body.contains("Zzother"));
    let rows = first.body.matches("/portal-access/").count();
    assert_eq!(rows, 50, "a page of tokens");
    let second = admin.get(&next_link(&first.body).expect("a second page")).await;
    assert_eq!(second.body.matches("/portal-access/").count(), 20);
    let mut all: Vec<String> = names(&first.body);
    all.extend(names(&second.body));
    all.dedup();
    let expected: Vec<String> = (0..70).map(|i| format!("{i:03}")).collect();
    assert_eq!(all, expected, "by landlord name, each once");

    let found = admin.get("/portal-access?q=acme007%40example").await;
    assert_eq!(found.body.matches("/portal-access/").count(), 1, "by email");
    let found = admin.get("/portal-access?q=Acme01").await;
    assert_eq!(found.body.matches("/portal-access/").count(), 10, "by name");
    let none = admin.get("/portal-access?q=Zzother").await;
    assert_eq!(none.body.matches("/portal-access/").count(), 0);
}

/// How many landlords a list of `<option>`s offers (the empty prompt aside).
fn landlord_options(body: &str) -> usize {
    body.matches("<option value=\"").count() - body.matches("<option value=\"\"").count()
}

#[tokio::test]
async fn the_property_form_offers_only_landlords_matching_the_search_and_keeps_the_choice() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olga@other.example").await;
    let made = portfolio(&app, agency.org.id, "Acme", 30).await;
    portfolio(&app, other.org.id, "Acmeother", 3).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;

    let form = admin.get("/properties/new").await;
    assert!(!form.body.contains("Acme001"), "no landlord is listed before a search");

    let options = admin
        .get_with("/landlord-picker?landlord_q=acme01", &[("HX-Request", "true")])
        .await;
    assert_eq!(options.status(), 200);
    assert_eq!(landlord_options(&options.body), 10, "Acme010 to Acme019");
    assert!(
        !options.body.contains("Acmeother"),
        "another agency's landlords never appear"
    );
    assert!(!options.body.contains("<html"), "a fragment for htmx");

    let page = admin.get("/landlord-picker?landlord_q=acme012").await;
    assert!(page.body.contains("<html") && page.body.contains(&format!("/properties/new?landlord={}", made[12].0)));

    // Without JavaScript: the search comes back with the matches and the typed input.
    let back = admin
        .post(
            "/properties",
            &[
                ("landlord_q", "acme02"),
                ("landlord_id", ""),
                ("address_line1", "1 New Road"),
                ("city", "Bath"),
            ],
        )
        .await;
    assert_eq!(back.status(), 422);
    assert!(back.body.contains("Choose the landlord who owns the property"));
    assert!(back.body.contains(&format!("<option value=\"{}\">", made[25].0)));
    assert!(back.body.contains(r#"value="1 New Road""#) && back.body.contains(r#"value="acme02""#));

    // A chosen landlord stays chosen when another field is wrong.
    let chosen = made[25].0.to_string();
    let back = admin
        .post(
            "/properties",
            &[
                ("landlord_id", &chosen),
                ("address_line1", ""),
                ("city", "Bath"),
                ("postcode", "BA2 4BU"),
            ],
        )
        .await;
    assert_eq!(back.status(), 422);
    assert!(back.body.contains(&format!("<option value=\"{chosen}\" selected>")));
}

#[tokio::test]
async fn every_list_page_stays_small_however_many_rows_the_agency_has() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let made = portfolio(&app, agency.org.id, "Acme", 300).await;
    certificates_around(&app, agency.org.id, &made, chrono::Utc::now().date_naive()).await;
    threads(&app, agency.org.id, &made[..120], 1).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let counts = compliance::counts(
        &app.db,
        agency.org.id,
        &Filter::default(),
        chrono::Utc::now().date_naive(),
    )
    .await
    .unwrap();
    assert!(counts.total() > 300, "{counts:?}");
    const BOUND: usize = 60_000;
    for path in [
        "/",
        "/compliance",
        "/messages",
        "/portal-access",
        "/properties",
        "/properties/new",
        "/landlords",
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert!(
            page.body.len() < BOUND,
            "{path} is {} bytes with 300 landlords",
            page.body.len()
        );
    }
    let edit = admin.get(&format!("/properties/{}/edit", made[0].1)).await;
    assert!(edit.body.len() < BOUND);
}

/// The records of a CSV body, header first.
fn csv_records(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn the_compliance_list_sorts_by_its_columns_counts_its_rows_and_pages_both_ways() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olga@other.example").await;
    let made = portfolio(&app, agency.org.id, "Acme", 60).await;
    let theirs = portfolio(&app, other.org.id, "Zzother", 6).await;
    let today = chrono::Utc::now().date_naive();
    certificates_around(&app, agency.org.id, &made, today).await;
    certificates_around(&app, other.org.id, &theirs, today).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let counts = compliance::counts(&app.db, agency.org.id, &Filter::default(), today)
        .await
        .unwrap();
    let total = counts.total();
    assert!(total > 50, "more than two pages of 25: {counts:?}");

    // Counted, and the previous page of the second page is the first.
    let first = admin.get("/compliance").await;
    assert_eq!(
        page_position(&first.body).as_deref(),
        Some(format!("1–25 of {total}").as_str())
    );
    assert!(
        first.body.contains(r#"aria-sort="ascending""#),
        "most urgent first is the State column's order"
    );
    let second = admin.get(&rel_link(&first.body, "next")).await;
    assert_eq!(
        page_position(&second.body).as_deref(),
        Some(format!("26–50 of {total}").as_str())
    );
    let back = admin.get(&rel_link(&second.body, "prev")).await;
    assert_eq!(
        compliance_rows(&back.body),
        compliance_rows(&first.body),
        "the previous page is the first again"
    );
    assert_eq!(page_position(&back.body), page_position(&first.body));

    // Every column sorts both ways; the CSV follows the same order.
    let expires = csv_records(&admin.get("/compliance.csv?sort=expires").await.body);
    assert_eq!(expires[0], ["State", "Certificate", "Property", "Landlord", "Expires"]);
    assert_eq!(expires.len() as i64 - 1, total, "every row, once");
    assert!(
        !expires.iter().any(|r| r[3].contains("Zzother")),
        "never another agency's"
    );
    let dates: Vec<&str> = expires[1..].iter().map(|r| r[4].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "missing first (no date), then the longest overdue");
    assert_eq!(dates[0], "", "a missing certificate is the most overdue");
    let latest_first = csv_records(&admin.get("/compliance.csv?sort=-expires").await.body);
    let reversed: Vec<&str> = latest_first[1..].iter().map(|r| r[4].as_str()).collect();
    let mut descending = dates.clone();
    descending.reverse();
    assert_eq!(reversed, descending);
    let page = admin.get("/compliance?sort=-expires").await.body;
    assert!(page.contains(r#"aria-sort="descending""#));
    assert!(
        rel_link(&page, "next").contains("sort=-expires"),
        "paging keeps the order"
    );

    let by_landlord = csv_records(&admin.get("/compliance.csv?sort=landlord").await.body);
    let names: Vec<String> = by_landlord[1..].iter().map(|r| r[3].to_lowercase()).collect();
    let mut sorted_names = names.clone();
    sorted_names.sort();
    assert_eq!(names, sorted_names, "by landlord");
    let by_kind = csv_records(&admin.get("/compliance.csv?sort=certificate&state=expired").await.body);
    let kinds: Vec<usize> = by_kind[1..]
        .iter()
        .map(|r| {
            CertificateKind::ALL
                .iter()
                .position(|k| k.label() == r[1])
                .expect("a kind's label")
        })
        .collect();
    assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "by certificate: {kinds:?}");
    assert!(
        by_kind[1..].iter().all(|r| r[0] == Indicator::Expired.label()),
        "the state filter holds"
    );
    assert_eq!(by_kind.len() as i64 - 1, counts.expired);

    // A search narrows the rows and the counts alike; nonsense sorts as usual.
    let searched = admin.get("/compliance?q=3+acme").await.body;
    assert!(compliance_rows(&searched).iter().all(|r| r.contains("3 Acme Street")));
    assert!(!compliance_rows(&searched).is_empty());
    let odd = admin.get("/compliance?sort=-%00drop&per_page=7").await;
    assert_eq!(odd.status(), 200);
    assert_eq!(compliance_rows(&odd.body), compliance_rows(&first.body));
}

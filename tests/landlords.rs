//! Landlord management (seed 001) through the real app on both databases.

mod common;

use common::*;
use portico::domain::choice::Choice;
use portico::store::landlords as store;

/// The minimum valid landlord form.
fn person<'a>(first: &'a str, last: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("first_name", first), ("last_name", last), ("email", email)]
}

/// Adds a landlord through the form; returns its id.
async fn add(client: &mut Client, fields: &[(&str, &str)]) -> uuid::Uuid {
    client.get("/landlords/new").await;
    let page = client.post("/landlords", fields).await;
    assert_eq!(page.status(), 303, "create failed: {}", page.body);
    let location = page.location().unwrap().to_string();
    client.get(&location).await;
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// The landlord names a list page shows, in order.
fn listed_names(body: &str) -> Vec<String> {
    let body = &without_cell_labels(body);
    body.split(r#"<td><a href="/landlords/"#)
        .skip(1)
        .map(|s| s[s.find('>').unwrap() + 1..s.find("</a>").unwrap()].to_string())
        .collect()
}

async fn admin_of(app: &TestApp, name: &str, email: &str) -> (portico::provision::NewAgency, Client) {
    let agency = app.agency(name, email).await;
    let client = app.signed_in(email, ADMIN_PASSWORD).await;
    (agency, client)
}

#[tokio::test]
async fn a_new_landlord_gets_the_seeds_defaults() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let id = add(&mut admin, &person("Jane", "Smith", "jane@example.com")).await;
    let landlord = store::get(&app.db, agency.org.id, id).await.unwrap().unwrap();
    assert_eq!(landlord.landlord_type.as_str(), "individual");
    assert_eq!(landlord.country, "GB");
    assert_eq!(landlord.preferred_contact_method.as_str(), "email");
    assert!(
        !landlord.email_notifications_enabled,
        "an unticked box on a posted form means off"
    );
    assert!(!landlord.sms_notifications_enabled && !landlord.portal_access_enabled && !landlord.is_overseas);
    assert_eq!(landlord.status.as_str(), "active");
    assert_eq!(landlord.created_by_user_id, Some(agency.admin.id));
    // The form itself starts with the defaults ticked and chosen.
    let form = admin.get("/landlords/new").await;
    assert!(
        form.body
            .contains(r#"id="email_notifications_enabled" name="email_notifications_enabled" value="on" checked"#)
    );
    assert!(form.body.contains(r#"<option value="individual" selected>"#));
    assert!(form.body.contains(r#"value="GB""#));
}

#[tokio::test]
async fn every_limit_and_rule_is_enforced_with_a_clear_message_and_the_input_kept() {
    let app = TestApp::spawn().await;
    let (_, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    admin.get("/landlords/new").await;
    let long = "x".repeat(101);
    let notes = "n".repeat(5001);
    let page = admin
        .post(
            "/landlords",
            &[
                ("first_name", &long),
                ("last_name", ""),
                ("email", "jane-at-example"),
                ("landlord_type", "company"),
                ("company_name", ""),
                ("postcode", "NOT A CODE"),
                ("bank_sort_code", "12-34-56-7890"),
                ("bank_account_number", "123456789012345678901"),
                ("notes", &notes),
                ("status", "deleted"),
            ],
        )
        .await;
    assert_eq!(page.status(), 422);
    for message in [
        "First name must be 100 characters or fewer (it is 101)",
        "Enter a last name",
        "Enter an email address in the correct format",
        "Enter the company name (required for a company landlord)",
        "Enter a real UK postcode, like SW1A 1AA",
        "Sort code must be 10 characters or fewer",
        "Account number must be 20 characters or fewer",
        "Notes must be 5000 characters or fewer",
        "Choose active, inactive or archived",
    ] {
        assert!(page.body.contains(message), "missing message {message:?}");
    }
    assert!(page.body.contains(r#"value="jane-at-example""#), "typed email kept");
    assert!(page.body.contains(r#"value="NOT A CODE""#), "typed postcode kept");
    assert!(page.body.contains(r#"id="first_name-error""#));
    assert_eq!(app.count("SELECT COUNT(*) FROM landlords").await, 0);
}

#[tokio::test]
async fn postcodes_are_normalised_and_company_landlords_keep_their_details() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let mut fields = person("Karen", "Lewis", "karen@avon.example");
    fields.extend([
        ("landlord_type", "company"),
        ("company_name", "Avon Residential Ltd"),
        ("company_registration_number", "08412345"),
        ("postcode", "sw1a1aa"),
        ("bank_account_number", "12345678"),
        ("bank_sort_code", "20-00-00"),
        ("is_overseas", "on"),
        ("sms_notifications_enabled", "on"),
    ]);
    let id = add(&mut admin, &fields).await;
    let landlord = store::get(&app.db, agency.org.id, id).await.unwrap().unwrap();
    assert_eq!(landlord.postcode.as_deref(), Some("SW1A 1AA"));
    assert_eq!(landlord.company_name.as_deref(), Some("Avon Residential Ltd"));
    assert!(landlord.is_overseas && landlord.sms_notifications_enabled);
    // Bank details are masked outside the edit form.
    let record = admin.get(&format!("/landlords/{id}")).await;
    assert!(record.body.contains("••••5678") && !record.body.contains("12345678"));
    let list = admin.get("/landlords").await;
    assert!(!list.body.contains("12345678"));
    let edit = admin.get(&format!("/landlords/{id}/edit")).await;
    assert!(edit.body.contains(r#"value="12345678""#));
    let audit = admin.get("/audit").await;
    assert!(
        !audit.body.contains("12345678"),
        "the audit trail keeps only masked bank details"
    );
}

#[tokio::test]
async fn the_same_email_needs_a_different_person_confirmation_within_an_agency_only() {
    let app = TestApp::spawn().await;
    let (_, mut acme) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let (_, mut other) = admin_of(&app, "Other Homes", "olga@other.example").await;
    add(&mut acme, &person("Jane", "Smith", "jane@example.com")).await;
    // Another agency: no question asked.
    add(&mut other, &person("Jane", "Smith", "jane@example.com")).await;
    // Same agency: asked to confirm.
    acme.get("/landlords/new").await;
    let page = acme
        .post("/landlords", &person("Jane", "Smithson", "JANE@example.com"))
        .await;
    assert_eq!(page.status(), 422);
    assert!(
        page.body
            .contains("Another landlord in your agency already has this email address")
    );
    assert!(
        page.body
            .contains("This is a different person with the same email address")
    );
    assert!(page.body.contains(r#"value="Smithson""#));
    let mut confirmed = person("Jane", "Smithson", "jane@example.com");
    confirmed.push(("confirm_duplicate_email", "on"));
    let page = acme.post("/landlords", &confirmed).await;
    assert_eq!(page.status(), 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM landlords WHERE email = 'jane@example.com'")
            .await,
        3
    );
}

#[tokio::test]
async fn search_finds_each_searched_field_case_insensitively_and_combines_with_filters() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let mut company = person("Karen", "Lewis", "karen@avonres.example");
    company.extend([
        ("landlord_type", "company"),
        ("company_name", "Quayside Holdings Ltd"),
        ("postcode", "BS1 6DZ"),
    ]);
    add(&mut admin, &company).await;
    let admin_id = agency.admin.id.to_string();
    let mut jane = person("Jane", "Whitfield", "jane.w@mailbox.example");
    jane.extend([("postcode", "BA2 4BU"), ("managed_by_user_id", admin_id.as_str())]);
    add(&mut admin, &jane).await;
    let mut archived = person("Peter", "Whitfield", "peter@old.example");
    archived.push(("status", "archived"));
    add(&mut admin, &archived).await;
    add(&mut admin, &person("Zoë", "Ångström", "zoe@unicode.example")).await;

    for (term, expected) in [
        ("karen", "Quayside Holdings Ltd (Karen Lewis)"),    // first name
        ("LEWIS", "Quayside Holdings Ltd (Karen Lewis)"),    // last name
        ("mailbox.example", "Jane Whitfield"),               // email
        ("quayside", "Quayside Holdings Ltd (Karen Lewis)"), // company name
        ("ba2 4bu", "Jane Whitfield"),                       // postcode
        ("ba24bu", "Jane Whitfield"),                        // postcode without its space
        ("jane whitfield", "Jane Whitfield"),                // several words
        ("zoë", "Zoë Ångström"),                             // beyond ASCII
    ] {
        let page = admin
            .get(&format!(
                "/landlords?q={}",
                form_urlencoded::byte_serialize(term.as_bytes()).collect::<String>()
            ))
            .await;
        assert_eq!(listed_names(&page.body), vec![expected.to_string()], "search {term:?}");
    }
    let hidden = admin.get("/landlords?q=whitfield").await;
    assert_eq!(
        listed_names(&hidden.body),
        vec!["Jane Whitfield"],
        "archived hidden by default"
    );
    let with_archived = admin.get("/landlords?q=whitfield&status=all").await;
    assert_eq!(listed_names(&with_archived.body).len(), 2);
    let only_archived = admin.get("/landlords?q=whitfield&status=archived").await;
    assert_eq!(listed_names(&only_archived.body), vec!["Peter Whitfield"]);
    let companies = admin.get("/landlords?landlord_type=company&q=l").await;
    assert_eq!(
        listed_names(&companies.body),
        vec!["Quayside Holdings Ltd (Karen Lewis)"]
    );
    let mine = admin.get(&format!("/landlords?managed_by={}", agency.admin.id)).await;
    assert_eq!(listed_names(&mine.body), vec!["Jane Whitfield"]);
    let mine_searched = admin
        .get(&format!("/landlords?managed_by={}&q=karen", agency.admin.id))
        .await;
    assert!(mine_searched.body.contains("No landlords match these filters."));
    let nothing = admin.get("/landlords?q=%25").await;
    assert!(
        nothing.body.contains("No landlords match these filters."),
        "% is searched literally"
    );
}

#[tokio::test]
async fn search_follows_edits_and_forgets_an_anonymised_landlord() {
    let app = TestApp::spawn().await;
    let (_, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let id = add(&mut admin, &person("Helen", "Marsh", "helen@marshfield.example")).await;
    add(&mut admin, &person("Ivo", "Marshall", "ivo@example.com")).await;
    assert_eq!(
        listed_names(&admin.get("/landlords?q=marsh").await.body),
        vec!["Helen Marsh", "Ivo Marshall"]
    );

    admin.get(&format!("/landlords/{id}/edit")).await;
    let edited = admin
        .post(
            &format!("/landlords/{id}/edit"),
            &person("Helen", "Fairweather", "helen@fairweather.example"),
        )
        .await;
    assert_eq!(edited.status(), 303);
    assert_eq!(
        listed_names(&admin.get("/landlords?q=fairweather").await.body),
        vec!["Helen Fairweather"]
    );
    assert_eq!(
        listed_names(&admin.get("/landlords?q=marsh").await.body),
        vec!["Ivo Marshall"]
    );

    admin.get(&format!("/landlords/{id}/anonymise")).await;
    let anonymised = admin
        .post(&format!("/landlords/{id}/anonymise"), &[("confirm", "on")])
        .await;
    assert_eq!(anonymised.status(), 303);
    assert!(listed_names(&admin.get("/landlords?q=fairweather&status=all").await.body).is_empty());
    if let portico::db::Db::Sqlite(pool, _) = &app.db {
        // The trigram index itself holds nothing of the old name.
        let left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM landlord_search WHERE landlord_search MATCH '\"fairweather\"'")
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(left, 0);
    }
}

/// Every landlord of `org` that `term` finds, following the pages' cursors.
async fn search_all(app: &TestApp, org: uuid::Uuid, term: &str) -> Vec<String> {
    let filter = store::ListFilter {
        search: vec![term.to_string()],
        ..Default::default()
    };
    let mut found = Vec::new();
    let mut at = portico::store::PageAt::First;
    loop {
        let page = store::list(&app.db, org, &filter, &at, 50).await.unwrap();
        found.extend(page.rows.into_iter().map(|l| l.email));
        match page.next {
            Some(cursor) => at = portico::store::PageAt::After(cursor),
            None => return found,
        }
    }
}

#[tokio::test]
async fn search_pages_are_whole_for_rare_and_common_terms_and_stay_in_the_agency() {
    let app = TestApp::spawn().await;
    let ours = app.agency("Acme Lettings", "ada@acme.example").await.org.id;
    let theirs = app.agency("Other Lettings", "bo@other.example").await.org.id;
    let actor = portico::domain::audit::Actor::system();
    let mut tx = app.db.begin().await.unwrap();
    // 130 Walkers (more trigram candidates than the list reads one by one), 4 of
    // them Walkertons, and 3 Walkertons at another agency.
    for (org, n, last) in [(ours, 126, "Walker"), (ours, 4, "Walkerton"), (theirs, 3, "Walkerton")] {
        for i in 0..n {
            let form = portico::domain::landlords::LandlordForm {
                first_name: format!("Person{i:03}"),
                last_name: last.into(),
                email: format!("{}{i:03}@example.com", last.to_lowercase()),
                ..portico::domain::landlords::LandlordForm::with_defaults()
            };
            store::create(&mut tx, org, &form.parse().unwrap(), None, &actor)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();

    let walkers = search_all(&app, ours, "walker").await;
    assert_eq!(walkers.len(), 130);
    let mut sorted = walkers.clone();
    sorted.sort_by_key(|email| (email.starts_with("walkerton"), email.clone()));
    assert_eq!(walkers, sorted, "name order: Walker before Walkerton, then first name");
    assert_eq!(
        search_all(&app, ours, "walkerton").await,
        vec![
            "walkerton000@example.com",
            "walkerton001@example.com",
            "walkerton002@example.com",
            "walkerton003@example.com"
        ]
    );
    assert_eq!(search_all(&app, theirs, "walkerton").await.len(), 3);
    assert!(search_all(&app, ours, "zzz").await.is_empty());
}

#[tokio::test]
async fn pages_follow_a_cursor_that_misses_and_repeats_nothing_while_rows_are_added() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let actor = portico::domain::audit::Actor::system();
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..60 {
        let form = portico::domain::landlords::LandlordForm {
            first_name: format!("Person{i:02}"),
            last_name: format!("Surname{:02}", (i * 7) % 60),
            email: format!("p{i}@example.com"),
            ..portico::domain::landlords::LandlordForm::with_defaults()
        };
        store::create(&mut tx, agency.org.id, &form.parse().unwrap(), None, &actor)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let ids = |body: &str| -> Vec<String> {
        without_cell_labels(body)
            .split(r#"<td><a href="/landlords/"#)
            .skip(1)
            .map(|s| s[..36].to_string())
            .collect()
    };
    let next_link = |body: &str| -> Option<String> {
        let rel = body.find(r#"rel="next""#)?;
        let start = body[..rel].rfind(r#"href=""#)?;
        let rest = &body[start + 6..];
        Some(rest[..rest.find('"').unwrap()].replace("&amp;", "&"))
    };
    let mut seen = Vec::new();
    let mut page = admin.get("/landlords?per_page=25").await;
    let mut loads = 0;
    loop {
        let on_page = ids(&page.body);
        assert!(on_page.len() <= 25);
        seen.extend(on_page);
        loads += 1;
        // Between page loads someone adds landlords at the very start and very end of the order.
        let mut tx = app.db.begin().await.unwrap();
        for (last, email) in [
            (format!("Aaa{loads}"), format!("a{loads}@example.com")),
            (format!("Zzz{loads}"), format!("z{loads}@example.com")),
        ] {
            let form = portico::domain::landlords::LandlordForm {
                first_name: "Late".into(),
                last_name: last,
                email,
                ..portico::domain::landlords::LandlordForm::with_defaults()
            };
            store::create(&mut tx, agency.org.id, &form.parse().unwrap(), None, &actor)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        match next_link(&page.body) {
            Some(link) => page = admin.get(&link).await,
            None => break,
        }
        assert!(loads < 20, "pagination does not end");
    }
    let unique: std::collections::HashSet<_> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a row was repeated");
    let originals: Vec<uuid::Uuid> = portico::on_pool!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM landlords WHERE first_name LIKE 'Person%'")
            .fetch_all(pool)
            .await
    })
    .unwrap();
    assert_eq!(originals.len(), 60);
    for id in originals {
        assert!(unique.contains(&id.to_string()), "row {id} was missed");
    }
    assert!(loads >= 3, "60 rows at 25 a page take at least three pages");
    let page_50 = admin.get("/landlords?per_page=50").await;
    assert_eq!(ids(&page_50.body).len(), 50);
}

#[tokio::test]
async fn archive_and_restore_move_through_the_lifecycle_with_audit_rows() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let id = add(&mut admin, &person("Jane", "Smith", "jane@example.com")).await;
    let status = || async { store::get(&app.db, agency.org.id, id).await.unwrap().unwrap().status };
    let audit_rows = || app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'landlord'");
    assert_eq!(audit_rows().await, 1);
    // active → inactive through the edit form.
    let edit = admin.get(&format!("/landlords/{id}/edit")).await;
    assert_eq!(edit.status(), 200);
    let mut fields = person("Jane", "Smith", "jane@example.com");
    fields.push(("status", "inactive"));
    assert_eq!(
        admin.post(&format!("/landlords/{id}/edit"), &fields).await.status(),
        303
    );
    assert_eq!(status().await.as_str(), "inactive");
    // inactive → archived with a confirmation.
    let confirm = admin.get(&format!("/landlords/{id}/archive")).await;
    assert!(confirm.body.contains("Archive Jane Smith?"));
    assert_eq!(admin.post(&format!("/landlords/{id}/archive"), &[]).await.status(), 303);
    assert_eq!(status().await.as_str(), "archived");
    assert!(!admin.get("/landlords").await.body.contains(">Jane Smith</a>"));
    // archived → active.
    admin.get(&format!("/landlords/{id}")).await;
    admin
        .post(&format!("/landlords/{id}/restore"), &[("status", "active")])
        .await;
    assert_eq!(status().await.as_str(), "active");
    // active → archived directly, then restored as inactive.
    admin.post(&format!("/landlords/{id}/archive"), &[]).await;
    assert_eq!(status().await.as_str(), "archived");
    admin
        .post(&format!("/landlords/{id}/restore"), &[("status", "inactive")])
        .await;
    assert_eq!(status().await.as_str(), "inactive");
    assert_eq!(audit_rows().await, 6);
    let bad = admin
        .post(&format!("/landlords/{id}/restore"), &[("status", "archived")])
        .await;
    assert_eq!(bad.status(), 400);
    let history = admin.get(&format!("/landlords/{id}")).await;
    assert!(history.body.contains("Ada Admin (agent) archived landlord Jane Smith"));
    assert!(history.body.contains("Ada Admin (agent) restored landlord Jane Smith"));
}

#[tokio::test]
async fn editing_saves_a_partial_change_and_records_only_what_changed() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let mut fields = person("Jane", "Smith", "jane@example.com");
    fields.push(("phone", "07700 900123"));
    let id = add(&mut admin, &fields).await;
    let edit = admin.get(&format!("/landlords/{id}/edit")).await;
    assert!(edit.body.contains(r#"value="07700 900123""#));
    let mut changed = person("Jane", "Smith-Jones", "jane@example.com");
    changed.push(("phone", "07700 900123"));
    admin.post(&format!("/landlords/{id}/edit"), &changed).await;
    let landlord = store::get(&app.db, agency.org.id, id).await.unwrap().unwrap();
    assert_eq!(landlord.last_name, "Smith-Jones");
    let rows = portico::store::audit::for_entity(&app.db, agency.org.id, "landlord", id, 10)
        .await
        .unwrap();
    let fields: Vec<String> = rows[0].changes().0.into_iter().map(|c| c.field).collect();
    assert_eq!(fields, vec!["last_name"]);
    // Saving without changes writes nothing.
    admin.get(&format!("/landlords/{id}/edit")).await;
    admin.post(&format!("/landlords/{id}/edit"), &changed).await;
    assert_eq!(
        portico::store::audit::for_entity(&app.db, agency.org.id, "landlord", id, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    // A validation error on edit keeps what was typed.
    let page = admin
        .post(
            &format!("/landlords/{id}/edit"),
            &person("", "Smith", "jane@example.com"),
        )
        .await;
    assert_eq!(page.status(), 422);
    assert!(page.body.contains("Enter a first name"));
}

#[tokio::test]
async fn anonymise_leaves_no_trace_of_the_old_personal_data_anywhere() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let fields = vec![
        ("title", "Dr"),
        ("first_name", "Evangeline"),
        ("last_name", "Quixotica"),
        ("email", "evangeline.quixotica@secretmail.example"),
        ("phone", "07700 911222"),
        ("alt_phone", "0117 496 0777"),
        ("landlord_type", "company"),
        ("company_name", "Quixotica Estates Ltd"),
        ("company_registration_number", "ZX998877"),
        ("address_line1", "77 Marchmont Terrace"),
        ("address_line2", "Flat Zephyr"),
        ("city", "Farquharton"),
        ("county", "Wessexshire"),
        ("postcode", "BS8 4JX"),
        ("bank_account_name", "Evangeline Q Trading"),
        ("bank_sort_code", "98-76-54"),
        ("bank_account_number", "55667788"),
        ("tax_reference", "UTR4433221100"),
        ("notes", "Prefers calls about the Zanzibar cottage"),
        ("portal_access_enabled", "on"),
    ];
    let id = add(&mut admin, &fields).await;
    // An edit, so older audit rows hold old values too.
    let mut edited = fields.clone();
    edited.retain(|(k, _)| *k != "phone");
    edited.push(("phone", "07700 933444"));
    admin.get(&format!("/landlords/{id}/edit")).await;
    admin.post(&format!("/landlords/{id}/edit"), &edited).await;

    let confirm = admin.get(&format!("/landlords/{id}/anonymise")).await;
    assert!(confirm.body.contains("This cannot be undone."));
    let unconfirmed = admin.post(&format!("/landlords/{id}/anonymise"), &[]).await;
    assert_eq!(unconfirmed.status(), 422);
    assert!(
        app.count("SELECT COUNT(*) FROM landlords WHERE first_name = 'Evangeline'")
            .await
            == 1
    );
    let done = admin
        .post(&format!("/landlords/{id}/anonymise"), &[("confirm", "on")])
        .await;
    assert_eq!(done.status(), 303);
    let record = admin.get(&format!("/landlords/{id}")).await;
    assert!(record.body.contains("This landlord was anonymised"));

    for old in [
        "Evangeline",
        "Quixotica",
        "secretmail",
        "07700 911222",
        "07700 933444",
        "0117 496 0777",
        "ZX998877",
        "Marchmont",
        "Zephyr",
        "Farquharton",
        "Wessexshire",
        "BS8 4JX",
        "Trading",
        "98-76-54",
        "55667788",
        "5678",
        "UTR4433221100",
        "Zanzibar",
    ] {
        let hits = app.columns_containing(old).await;
        assert!(hits.is_empty(), "{old:?} is still in {hits:?}");
        for path in [
            format!("/landlords/{id}"),
            "/landlords?status=all".to_string(),
            "/audit".to_string(),
        ] {
            assert!(
                !admin.get(&path).await.body.contains(old),
                "{old:?} still shown on {path}"
            );
        }
    }
    let landlord = store::get(&app.db, agency.org.id, id).await.unwrap().unwrap();
    assert!(!landlord.portal_access_enabled && landlord.portal_token_id.is_none());
    assert!(landlord.anonymised_at.is_some());
    assert_eq!(
        admin.get(&format!("/landlords/{id}/edit")).await.status(),
        303,
        "no editing an anonymised record"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'landlord.anonymise'")
            .await,
        1
    );
}

#[tokio::test]
async fn agents_are_refused_anonymise_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let id = add(&mut admin, &person("Jane", "Smith", "jane@example.com")).await;
    let mut agent = app.agent(&mut admin, "Ben Agent", "ben@acme.example").await;
    let record = agent.get(&format!("/landlords/{id}")).await;
    assert!(!record.body.contains("Anonymise"), "no anonymise button for agents");
    let audit = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(agent.get(&format!("/landlords/{id}/anonymise")).await.status(), 403);
    assert_eq!(
        agent
            .post(&format!("/landlords/{id}/anonymise"), &[("confirm", "on")])
            .await
            .status(),
        403
    );
    let landlord = store::get(&app.db, agency.org.id, id).await.unwrap().unwrap();
    assert_eq!(landlord.first_name, "Jane");
    assert!(landlord.anonymised_at.is_none());
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit);
}

#[tokio::test]
async fn the_list_answers_htmx_with_just_the_results() {
    let app = TestApp::spawn().await;
    let (_, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    add(&mut admin, &person("Jane", "Smith", "jane@example.com")).await;
    let fragment = admin
        .get_with(
            "/landlords?q=jane",
            &[("HX-Request", "true"), ("HX-Target", "landlord-results")],
        )
        .await;
    assert!(fragment.body.starts_with(r#"<div id="landlord-results""#));
    assert!(fragment.body.contains("Jane Smith"));
    let empty = admin
        .get_with(
            "/landlords?q=nobody",
            &[("HX-Request", "true"), ("HX-Target", "landlord-results")],
        )
        .await;
    assert!(empty.body.contains("No landlords match these filters."));
}

#[tokio::test]
async fn anonymising_a_landlord_keeps_the_emails_of_another_landlord_with_the_same_address() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let jane = add(&mut admin, &person("Jane", "Hart", "home@hart.example")).await;
    let mut second = person("Jon", "Hart", "home@hart.example");
    second.push(("confirm_duplicate_email", "on"));
    add(&mut admin, &second).await;
    let mut tx = app.db.begin().await.unwrap();
    portico::store::outbox::enqueue(
        &mut tx,
        Some(agency.org.id),
        "test",
        "home@hart.example",
        &portico::store::outbox::EmailContent {
            sender_name: Some("Acme Lettings".into()),
            subject: "Your statement".into(),
            text: "For Jon".into(),
            html: "<p>For Jon</p>".into(),
            secrets: Vec::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    admin.get(&format!("/landlords/{jane}/anonymise")).await;
    let anonymised = admin
        .post(&format!("/landlords/{jane}/anonymise"), &[("confirm", "on")])
        .await;
    assert_eq!(anonymised.status(), 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE to_address = 'home@hart.example'")
            .await,
        1,
        "Jon still has that address, so its emails are his history too"
    );
}

#[tokio::test]
async fn landlord_search_finds_a_town_and_a_phone_number_also_in_records_made_before() {
    let app = TestApp::spawn().await;
    let (_, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    let mut fields = person("Jane", "Smith", "jane@example.com");
    fields.push(("city", "Bath"));
    fields.push(("phone", "0117 496 0123"));
    add(&mut admin, &fields).await;
    add(&mut admin, &person("Omar", "Farouk", "omar@example.com")).await;
    for query in ["bath", "01174960123", "0117+496", "0117%20496%200123"] {
        let found = admin.get(&format!("/landlords?q={query}")).await.body;
        assert_eq!(listed_names(&found), ["Jane Smith"], "searching {query}");
    }

    // A record whose stored text predates the town and phone (as an older
    // version wrote it) is rebuilt at the next start and found too.
    let old = add(&mut admin, &person("Ola", "Adeyemi", "ola@example.com")).await;
    portico::on_pool!(&app.db, |pool| sqlx::query(
        "UPDATE landlords SET city = 'Frome', search_text = 'ola\nadeyemi\nola@example.com' WHERE id = $1"
    )
    .bind(old)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))
    .unwrap();
    portico::on_pool!(&app.db, |pool| sqlx::query(
        "UPDATE derived_state SET fingerprint = 'an older recipe' WHERE name = 'landlord_search_text'"
    )
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))
    .unwrap();
    assert!(listed_names(&admin.get("/landlords?q=frome").await.body).is_empty());
    assert!(
        store::ensure_search_text_current(&app.db).await.unwrap(),
        "an older recipe is rebuilt"
    );
    assert!(!store::ensure_search_text_current(&app.db).await.unwrap(), "once");
    assert_eq!(
        listed_names(&admin.get("/landlords?q=frome").await.body),
        ["Ola Adeyemi"]
    );
}

#[tokio::test]
async fn the_landlord_list_counts_its_rows_and_pages_both_ways_with_the_filters_kept() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    for n in 0..30 {
        app.landlord(agency.org.id, "Pat", &format!("Row{:02}", n + 10)).await;
    }
    app.landlord(agency.org.id, "Zed", "Other").await;
    app.landlord(other.org.id, "Pat", "Row99").await;

    let first = admin.get("/landlords?q=pat").await.body;
    assert_eq!(
        page_position(&first).as_deref(),
        Some("1–25 of 30"),
        "this agency's matches only"
    );
    assert!(first.contains("Row10") && !first.contains("Row35") && !first.contains("Row99"));
    assert!(!first.contains(r#"rel="prev""#), "no page before the first");
    let next = rel_link(&first, "next");
    assert!(next.contains("q=pat"), "the search is kept: {next}");
    let second = admin.get(&next).await.body;
    assert_eq!(page_position(&second).as_deref(), Some("26–30 of 30"));
    assert!(second.contains("Row35") && !second.contains("Row10"));
    let back = admin.get(&rel_link(&second, "prev")).await.body;
    assert_eq!(page_position(&back).as_deref(), Some("1–25 of 30"));
    assert!(back.contains("Row10") && back.contains("Row34"));

    let everyone = admin.get("/landlords").await.body;
    assert_eq!(page_position(&everyone).as_deref(), Some("1–25 of 31"));
    // Sorted by name the other way, and by email, paging in that order.
    let reversed = admin.get("/landlords?q=pat&sort=-name").await.body;
    assert!(reversed.contains(r#"aria-sort="descending""#));
    assert!(reversed.contains("Row39") && !reversed.contains("Row14"));
    let rest = admin.get(&rel_link(&reversed, "next")).await.body;
    assert_eq!(page_position(&rest).as_deref(), Some("26–30 of 30"));
    assert!(rest.contains("Row10") && !rest.contains("Row39"));
    let by_email = admin.get("/landlords?sort=-email").await.body;
    assert_eq!(page_position(&by_email).as_deref(), Some("1–25 of 31"));
    assert_eq!(listed_names(&by_email)[0], "Zed Other", "zed.… sorts after pat.…");
    let again = admin.get(&rel_link(&by_email, "next")).await.body;
    assert_eq!(page_position(&again).as_deref(), Some("26–31 of 31"));
    assert!(!again.contains("Zed Other"));
    let searched_by_email = admin.get("/landlords?q=pat&sort=email").await.body;
    assert_eq!(
        page_position(&searched_by_email).as_deref(),
        Some("1–25 of 30"),
        "a narrowed search sorts by email too"
    );
    let nobody = admin.get("/landlords?q=nobody-by-this-name").await.body;
    assert_eq!(page_position(&nobody), None);
    assert!(nobody.contains("No landlords match these filters."));
}

#[tokio::test]
async fn a_landlords_repair_approval_limit_defaults_to_250_pounds_and_must_be_sensible_money() {
    let app = TestApp::spawn().await;
    let (agency, mut admin) = admin_of(&app, "Acme Lettings", "ada@acme.example").await;
    assert!(
        admin
            .get("/landlords/new")
            .await
            .body
            .contains(r#"name="repair_approval_limit" value="250.00""#),
        "the form starts at the default"
    );
    let id = add(&mut admin, &person("Jane", "Smith", "jane@example.com")).await;
    let landlord = store::get(&app.db, agency.org.id, id).await.unwrap().unwrap();
    assert_eq!(landlord.repair_approval_limit_pence, 25_000, "left empty: the default");

    let edit = format!("/landlords/{id}/edit");
    let form = admin.get(&edit).await.body;
    assert!(form.contains(r#"name="repair_approval_limit" value="250.00""#));
    for (typed, message) in [
        ("lots", "Enter an amount in pounds"),
        ("-10", "Enter an amount in pounds"),
        ("2,000,000", "Enter an amount up to £1,000,000"),
    ] {
        let mut fields = person("Jane", "Smith", "jane@example.com");
        fields.push(("repair_approval_limit", typed));
        let refused = admin.post(&edit, &fields).await;
        assert_eq!(refused.status(), 422, "{typed}");
        assert!(refused.body.contains(message), "{typed}: {}", refused.body);
        assert!(
            refused.body.contains(&format!(r#"value="{typed}""#)),
            "the input is kept"
        );
    }
    let mut fields = person("Jane", "Smith", "jane@example.com");
    fields.push(("repair_approval_limit", "£500"));
    assert_eq!(admin.post(&edit, &fields).await.status(), 303);
    let page = admin.get(&format!("/landlords/{id}")).await.body;
    assert!(page.contains("£500.00"));
    assert!(
        page.contains("<strong>Repair approval limit</strong>: £250.00 → £500.00"),
        "the history reads in words: {page}"
    );
}

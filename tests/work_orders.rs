//! Work orders in the back-office (issue 15): raised on a property with a
//! priority that sets the target, numbered per agency, listed with filters
//! and an overdue count on the dashboard, cancelled only with a reason after
//! asking, closed only when finished, every step on the timeline, another
//! agency's never reachable.

mod common;

use chrono::{TimeDelta, Utc};
use common::*;

/// The raise form of an emergency, as typed.
fn boiler<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "Boiler not firing, no hot water"),
        ("description", "Pressure gauge at zero since Sunday."),
        ("priority", "emergency"),
        ("raised_by", "tenant"),
        ("reporter_name", "Ben Tenant"),
        ("access_instructions", "Key safe by the door, code 1234"),
        ("occupier_contact", "Ben, 07700 900777"),
        ("budget", "450"),
    ]
}

#[tokio::test]
async fn an_agent_raises_a_work_order_whose_priority_sets_its_target() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let theirs = app.property(other.org.id, |_| {}).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let new = format!("/properties/{property}/work-orders/new");
    assert!(
        admin
            .get(&new)
            .await
            .body
            .contains("Raise a work order at 14 Royal York Crescent")
    );

    // Bad input: each message beside its field, what was typed kept, nothing stored.
    let refused = admin
        .post(
            &new,
            &[
                ("title", ""),
                ("priority", "whenever"),
                ("raised_by", "tenant"),
                ("budget", "2,000,000"),
                ("description", "Leak under the sink"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    for message in [
        "Enter a title",
        "Choose emergency, urgent or routine",
        "Enter the name of the person who reported it",
        "Enter an amount up to £1,000,000",
    ] {
        assert!(refused.body.contains(message), "{message}: {}", refused.body);
    }
    assert!(
        refused.body.contains("Leak under the sink"),
        "the details typed are kept"
    );
    assert!(refused.body.contains(r#"value="2,000,000""#));
    let negative = admin.post(&new, &[("title", "Fence"), ("budget", "-50")]).await;
    assert_eq!(negative.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM work_orders").await, 0);
    assert_eq!(
        admin
            .post(&format!("/properties/{theirs}/work-orders/new"), &boiler())
            .await
            .status(),
        404,
        "not on another agency's property"
    );

    let before = Utc::now();
    let raised = admin.post(&new, &boiler()).await;
    assert_eq!(raised.status(), 303);
    let page = admin.get(raised.location().expect("to the work order")).await.body;
    assert!(page.contains("WO-1 has been raised."), "{page}");
    assert!(page.contains("WO-1 · Boiler not firing, no hot water"));
    assert!(page.contains("Emergency (24 hours)"));
    assert!(page.contains("£450.00"));
    assert!(page.contains("A tenant: Ben Tenant"));
    assert!(page.contains("Key safe by the door, code 1234"));
    assert!(page.contains(
        "raised WO-1 “Boiler not firing, no hot water” at 14 Royal York Crescent, reported by a tenant (Ben Tenant)"
    ));
    let target: String = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT CAST(target_at AS TEXT) FROM work_orders"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let due = chrono::DateTime::parse_from_str(&target.replace(' ', "T"), "%Y-%m-%dT%H:%M:%S%.f%#z")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(&target.replace(' ', "T")))
        .unwrap_or_else(|e| panic!("{target}: {e}"))
        .with_timezone(&Utc);
    let allowed = due - before;
    assert!(
        allowed >= TimeDelta::hours(24) && allowed < TimeDelta::hours(24) + TimeDelta::minutes(5),
        "an emergency is due 24 hours after it was raised: {allowed:?}"
    );

    // Numbered per agency: the next is WO-2, another agency starts at WO-1.
    let routine = admin
        .post(&new, &[("title", "Garden gate sticks"), ("priority", "routine")])
        .await;
    assert!(
        admin
            .get(routine.location().unwrap())
            .await
            .body
            .contains("WO-2 has been raised.")
    );
    let mut them = app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    them.get(&format!("/properties/{theirs}/work-orders/new")).await;
    let their_first = them
        .post(&format!("/properties/{theirs}/work-orders/new"), &boiler())
        .await;
    assert!(
        them.get(their_first.location().unwrap())
            .await
            .body
            .contains("WO-1 has been raised.")
    );

    let property_page = admin.get(&format!("/properties/{property}")).await.body;
    assert!(property_page.contains("Work orders (2 open)"));
    assert!(property_page.contains("WO-2 · Garden gate sticks"));
}

#[tokio::test]
async fn overdue_work_shows_on_the_dashboard_and_in_the_filtered_list() {
    // Three days from now: the emergency (24 hours) is overdue, the routine
    // job (14 days) is not.
    let later = Utc::now() + TimeDelta::days(3);
    let app = TestApp::spawn_with(|settings| settings.clock = portico::clock::Clock::Fixed(later)).await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let new = format!("/properties/{property}/work-orders/new");
    admin.get(&new).await;
    admin.post(&new, &boiler()).await;
    admin
        .post(&new, &[("title", "Garden gate sticks"), ("priority", "routine")])
        .await;

    let home = admin.get("/").await.body;
    let card = home.split("overdue work orders").next().unwrap_or_default();
    assert!(
        card.ends_with(r#"<span class="number">1</span><span class="what">"#),
        "{home}"
    );
    assert!(home.contains(r#"href="/work-orders?overdue=1""#));

    let overdue = admin.get("/work-orders?overdue=1").await.body;
    assert_eq!(page_position(&overdue).as_deref(), Some("1–1 of 1"));
    assert!(overdue.contains("Boiler not firing") && !overdue.contains("Garden gate"));
    assert!(overdue.contains("Overdue"));
    let all = admin.get("/work-orders").await.body;
    assert_eq!(page_position(&all).as_deref(), Some("1–2 of 2"));
    let emergencies = admin.get("/work-orders?priority=emergency").await.body;
    assert!(!emergencies.contains("Garden gate"));
    let by_number = admin.get("/work-orders?sort=-number").await.body;
    assert!(by_number.find("WO-2").unwrap() < by_number.find("WO-1").unwrap());
    let searched = admin.get("/work-orders?q=wo-2").await.body;
    assert!(searched.contains("Garden gate") && !searched.contains("Boiler not firing"));
    let csv = admin.get("/work-orders.csv?sort=number").await.body;
    assert!(csv.starts_with("Ref,Work,Property,Landlord,Priority,Raised,Due,Status,Contractor,Budget"));
    assert!(csv.contains("WO-1,\"Boiler not firing, no hot water\""), "{csv}");
    assert!(csv.contains("£450.00"));
}

#[tokio::test]
async fn a_work_order_is_cancelled_only_with_a_reason_and_closed_only_when_finished() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let new = format!("/properties/{property}/work-orders/new");
    admin.get(&new).await;
    let raised = admin.post(&new, &boiler()).await;
    let path = raised.location().expect("raised").to_string();
    admin.get(&path).await;

    // Another agency can neither see nor change it.
    let mut them = app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    them.get("/work-orders").await;
    assert_eq!(them.get(&path).await.status(), 404);
    assert_eq!(them.get(&format!("{path}/cancel")).await.status(), 404);
    assert_eq!(
        them.post(&format!("{path}/cancel"), &[("reason", "mine now"), ("confirm", "yes")])
            .await
            .status(),
        404
    );
    assert_eq!(them.post(&format!("{path}/close"), &[]).await.status(), 404);
    assert!(!them.get("/work-orders?status=any").await.body.contains("Boiler"));

    // New work cannot be closed: nothing was done.
    let refused = admin.post(&format!("{path}/close"), &[]).await;
    assert_eq!(refused.status(), 303);
    let said = admin.get(&path).await.body;
    assert!(said.contains("WO-1 is new and cannot become closed."), "{said}");
    assert!(
        !said.contains("Close work order"),
        "no button for a move the rules refuse"
    );

    // Cancelling asks first and needs a reason; the reason typed is kept.
    let question = admin.get(&format!("{path}/cancel")).await.body;
    assert!(question.contains("Cancel WO-1?"));
    let no_reason = admin
        .post(&format!("{path}/cancel"), &[("reason", "  "), ("confirm", "yes")])
        .await;
    assert_eq!(no_reason.status(), 422);
    assert!(no_reason.body.contains("Enter the reason"));
    let cancelled = admin
        .post(
            &format!("{path}/cancel"),
            &[("reason", "The tenant reset the boiler"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(cancelled.status(), 303);
    let page = admin.get(&path).await.body;
    assert!(page.contains("WO-1 is now cancelled."));
    assert!(page.contains("The tenant reset the boiler"));
    assert!(
        page.contains("moved WO-1 to “Cancelled”: The tenant reset the boiler"),
        "on the timeline"
    );
    assert!(page.contains("<strong>Status</strong>: New → Cancelled"), "{page}");
    assert!(!page.contains("Cancel work order…"), "cancelled is final");
    admin
        .post(&format!("{path}/cancel"), &[("reason", "again"), ("confirm", "yes")])
        .await;
    assert!(
        admin
            .get(&path)
            .await
            .body
            .contains("WO-1 is cancelled and cannot become cancelled.")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'work_order'")
            .await,
        2,
        "raised and cancelled, nothing else"
    );
    assert!(
        !admin.get("/work-orders").await.body.contains("Boiler"),
        "cancelled is not open"
    );
    assert!(admin.get("/work-orders?status=cancelled").await.body.contains("Boiler"));
}

#[tokio::test]
async fn a_landlord_sees_the_repairs_on_their_linked_properties_and_no_one_elses() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let theirs = app.property(agency.org.id, |_| {}).await;
    let someone_elses = app
        .property(agency.org.id, |p| p.address_line1 = "9 Other Street".into())
        .await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    for (property, title) in [(theirs, "Boiler not firing"), (someone_elses, "Broken window")] {
        let new = format!("/properties/{property}/work-orders/new");
        admin.get(&new).await;
        let raised = admin
            .post(&new, &[("title", title), ("priority", "urgent"), ("budget", "300")])
            .await;
        assert_eq!(raised.status(), 303);
    }
    let (_, home) = app.portal_for(agency.org.id, theirs).await;
    let mut landlord = app.client();
    let repairs = landlord.get(&format!("{home}/properties/{theirs}/repairs")).await;
    assert_eq!(repairs.status(), 200);
    assert!(repairs.body.contains("WO-1 · Boiler not firing"), "{}", repairs.body);
    assert!(repairs.body.contains("Up to £300.00"));
    assert!(repairs.body.contains(">Urgent<"));
    assert!(!repairs.body.contains("Broken window"));
    assert_eq!(
        landlord
            .get(&format!("{home}/properties/{someone_elses}/repairs"))
            .await
            .status(),
        404,
        "another landlord's property is not there"
    );
}

/// A JPEG as a phone writes it: the picture, and an EXIF block whose GPS
/// section gives the position it was taken at (`N`, and the marker text
/// `GPSMARK` that must not survive).
fn phone_jpeg(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 120])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&picture)
        .unwrap();
    // TIFF (big-endian): IFD0 with a pointer to the GPS IFD, which holds
    // GPSLatitudeRef = "N" and a private tag carrying the marker.
    let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0xC0, 0x00, 0, 2, 0, 0, 0, 8, 0, 0, 0, 56]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPSMARK\0");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let length = u16::try_from(app1.len() + 2).unwrap();
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    jpeg.extend_from_slice(&length.to_be_bytes());
    jpeg.extend_from_slice(&app1);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

/// Posts photos to a work order as the browser's multipart form does.
async fn upload(app: &TestApp, client: &mut Client, path: &str, files: Vec<(&str, Vec<u8>)>) -> (u16, String) {
    let csrf = client.csrf.clone().expect("a CSRF token");
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "photos",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    let response = client
        .http
        .post(app.url(&format!("{path}/photos?csrf_token={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Every file under the test app's file store, with its bytes.
fn stored_files(app: &TestApp) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.state.settings.documents_dir, &mut out);
    out
}

#[tokio::test]
async fn photos_from_a_phone_lose_their_location_are_resized_and_show_as_thumbnails_first() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let new = format!("/properties/{property}/work-orders/new");
    admin.get(&new).await;
    let raised = admin.post(&new, &[("title", "Damp in the bathroom")]).await;
    let path = raised.location().expect("raised").to_string();
    admin.get(&path).await;

    let original = phone_jpeg(2000, 1500);
    assert!(
        original.windows(7).any(|w| w == b"GPSMARK"),
        "the test photo carries a location"
    );
    // Refused files: nothing kept, the reason next to the field.
    let (status, body) = upload(
        &app,
        &mut admin,
        &path,
        vec![("notes.jpg", b"%PDF-1.7 not a photo".to_vec())],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("notes.jpg: Choose a photo: a JPEG, PNG or WebP image."),
        "{body}"
    );
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    let (status, body) = upload(
        &app,
        &mut admin,
        &path,
        vec![("good.jpg", original.clone()), ("IMG_0001.HEIC", heic)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("Most Compatible"), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM work_order_photos").await, 0);
    assert!(stored_files(&app).is_empty(), "a refused upload leaves no file behind");

    let (status, _) = upload(&app, &mut admin, &path, vec![("IMG_0002.jpg", original)]).await;
    assert_eq!(status, 303);
    let page = admin.get(&path).await.body;
    assert!(page.contains("1 photo added."));
    assert!(page.contains("added 1 photo to WO-1"), "on the timeline");
    let thumb_src = page
        .split("<img src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a thumbnail")
        .to_string();
    assert!(thumb_src.ends_with("/thumb"));
    assert!(page.contains(r#"width="320" height="240""#), "{page}");
    let thumb = admin.get(&thumb_src).await;
    assert_eq!(thumb.header("content-type"), Some("image/jpeg"));
    let full_src = thumb_src.trim_end_matches("/thumb").to_string();
    let full = admin
        .http
        .get(app.url(&full_src))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let decoded = image::load_from_memory(&full).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1600, 1200), "at most 1600 px");

    let files = stored_files(&app);
    assert_eq!(files.len(), 2, "the photo and its thumbnail");
    for (file, bytes) in &files {
        assert!(
            !bytes.windows(7).any(|w| w == b"GPSMARK"),
            "{file:?} keeps the location"
        );
        assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"), "{file:?} keeps EXIF");
    }

    let mut them = app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    them.get("/work-orders").await;
    assert_eq!(them.get(&full_src).await.status(), 404);
    assert_eq!(them.get(&thumb_src).await.status(), 404);
    let (status, _) = upload(&app, &mut them, &path, vec![("x.jpg", phone_jpeg(10, 10))]).await;
    assert_eq!(status, 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM work_order_photos").await, 1);
}

#[tokio::test]
async fn editing_a_work_order_moves_its_target_with_its_priority_and_final_ones_stay_as_they_are() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let new = format!("/properties/{property}/work-orders/new");
    admin.get(&new).await;
    let raised = admin
        .post(&new, &[("title", "Gate latch"), ("priority", "routine")])
        .await;
    let path = raised.location().expect("raised").to_string();
    let due = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let (raised, target): (chrono::DateTime<Utc>, chrono::DateTime<Utc>) =
                portico::on_pool!(&db, |pool| sqlx::query_as(
                    "SELECT raised_at, target_at FROM work_orders"
                )
                .fetch_one(pool)
                .await)
                .unwrap();
            target - raised
        }
    };
    assert_eq!(due(&app).await, TimeDelta::days(14));

    let form = admin.get(&format!("{path}/edit")).await.body;
    assert!(form.contains(r#"value="Gate latch""#) && form.contains(r#"<option value="routine" selected>"#));
    let refused = admin
        .post(&format!("{path}/edit"), &[("title", "Gate latch"), ("budget", "a lot")])
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.body.contains(r#"value="a lot""#));
    let same = admin
        .post(
            &format!("{path}/edit"),
            &[("title", "Gate latch"), ("priority", "routine")],
        )
        .await;
    assert!(
        admin
            .get(same.location().unwrap())
            .await
            .body
            .contains("Nothing was changed.")
    );
    admin
        .post(
            &format!("{path}/edit"),
            &[
                ("title", "Gate latch broken, gate swings open"),
                ("priority", "emergency"),
                ("budget", "95.50"),
            ],
        )
        .await;
    assert_eq!(
        due(&app).await,
        TimeDelta::hours(24),
        "the target follows the new priority"
    );
    let page = admin.get(&path).await.body;
    assert!(page.contains("Changes saved."));
    assert!(
        page.contains("<strong>Priority</strong>: Routine (14 days) → Emergency (24 hours)"),
        "{page}"
    );
    assert!(page.contains("<strong>Not to exceed</strong>: set to £95.50"));

    admin.get(&format!("{path}/cancel")).await;
    admin
        .post(
            &format!("{path}/cancel"),
            &[("reason", "Duplicate"), ("confirm", "yes")],
        )
        .await;
    let page = admin.get(&path).await.body;
    assert!(!page.contains("Edit details"), "a cancelled work order is final");
    assert_eq!(admin.get(&format!("{path}/edit")).await.status(), 303);
    let late = admin
        .post(
            &format!("{path}/edit"),
            &[("title", "Changed after"), ("priority", "urgent")],
        )
        .await;
    assert_eq!(late.status(), 303);
    assert!(
        admin
            .get(&path)
            .await
            .body
            .contains("WO-1 is cancelled and can no longer be edited.")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM work_orders WHERE title = 'Changed after'")
            .await,
        0
    );
}

/// Adds an active contractor of `trade` to the agency; returns its id.
async fn contractor(app: &TestApp, org_id: uuid::Uuid, name: &str, email: &str) -> uuid::Uuid {
    let fields = portico::domain::contractors::ContractorForm {
        company_name: name.into(),
        email: email.into(),
        trades: vec!["plumbing".into()],
        insurance_expires_on: "2099-01-01".into(),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let id = portico::store::contractors::create(&mut tx, org_id, &fields, &portico::domain::audit::Actor::system())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn quotes_are_compared_and_one_above_the_landlords_limit_waits_for_their_approval_in_the_portal() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let other_property = app
        .property(agency.org.id, |p| p.address_line1 = "9 Other Street".into())
        .await;
    let cheap = contractor(&app, agency.org.id, "Budget Plumbing", "jobs@budget.example").await;
    let dear = contractor(&app, agency.org.id, "Premium Pipes", "jobs@premium.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let new = format!("/properties/{property}/work-orders/new");
    admin.get(&new).await;
    let raised = admin
        .post(&new, &[("title", "Leaking cistern"), ("priority", "urgent")])
        .await;
    let path = raised.location().expect("raised").to_string();
    let record = format!("{path}/quotes/new");
    assert!(admin.get(&record).await.body.contains("Budget Plumbing (Plumbing)"));

    // Bad input: messages next to the fields, what was typed kept, nothing stored.
    let refused = admin
        .post(
            &record,
            &[
                ("line1_description", "Replace valve"),
                ("line1_amount", "-3"),
                ("vat_rate", "standard"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.body.contains("Choose a contractor from the list"));
    assert!(refused.body.contains(r#"value="Replace valve""#));
    assert_eq!(app.count("SELECT COUNT(*) FROM quotes").await, 0);

    let cheap_id = cheap.to_string();
    let dear_id = dear.to_string();
    for (who, description, amount) in [
        (&cheap_id, "Replace fill valve", "150"),
        (&dear_id, "New cistern and valve", "375"),
    ] {
        let saved = admin
            .post(
                &record,
                &[
                    ("contractor_id", who.as_str()),
                    ("line1_kind", "labour"),
                    ("line1_description", description),
                    ("line1_amount", amount),
                    ("vat_rate", "standard"),
                    ("lead_time_days", "2"),
                ],
            )
            .await;
        assert_eq!(saved.status(), 303);
    }
    let page = admin.get(&path).await.body;
    assert!(page.contains("The quote of £450.00 from Premium Pipes is recorded."));
    assert!(
        page.contains("£180.00") && page.contains("£450.00"),
        "side by side with VAT"
    );
    assert!(page.contains(">Quotes requested<"), "the work order moved on");
    assert!(page.contains("recorded a quotation of £180.00 from Budget Plumbing for WO-1"));

    // The dearer one is above the landlord's £250.00: it waits for them.
    let dear_quote: String = portico::on_pool!(&app.db, |pool| sqlx::query_scalar::<_, uuid::Uuid>(
        "SELECT id FROM quotes WHERE total_pence = 45000"
    )
    .fetch_one(pool)
    .await)
    .unwrap()
    .to_string();
    let accept = format!("{path}/quotes/{dear_quote}/accept");
    let question = admin.get(&accept).await.body;
    assert!(
        question.contains("above the landlord's repair approval limit of £250.00"),
        "{question}"
    );
    assert_eq!(admin.post(&accept, &[]).await.status(), 303);
    let page = admin.get(&path).await.body;
    assert!(page.contains("now waits for the landlord's approval (above their £250.00 limit)"));
    assert!(page.contains("Awaiting the landlord's approval"));
    assert!(page.contains(">Quotes requested<"), "not accepted yet");

    // The landlord answers in their portal, asked first.
    let (_, home) = app.portal_for(agency.org.id, property).await;
    let (_, other_home) = app.portal_for(agency.org.id, other_property).await;
    let mut landlord = app.client();
    let first_screen = landlord.get(&home).await.body;
    assert!(
        first_screen.contains("A quote of £450.00 from Premium Pipes waits for your approval"),
        "the portal opens on it: {first_screen}"
    );
    assert!(
        !landlord.get(&other_home).await.body.contains("Premium Pipes"),
        "not on another landlord's"
    );
    let repairs = landlord
        .get(&format!("{home}/properties/{property}/repairs"))
        .await
        .body;
    assert!(repairs.contains("A quote for you to approve"), "{repairs}");
    assert!(repairs.contains("Premium Pipes quoted <strong>£450.00</strong>"));
    let decision = format!("{home}/properties/{property}/quotes/{dear_quote}");
    let mut stranger = app.client();
    assert_eq!(
        stranger
            .post(
                &format!("{other_home}/properties/{property}/quotes/{dear_quote}"),
                &[("decision", "approve"), ("confirm", "yes")]
            )
            .await
            .status(),
        404,
        "another landlord's link cannot answer"
    );
    let asked = landlord.post(&decision, &[("decision", "approve")]).await;
    assert!(
        asked.body.contains("Approve the quote of £450.00 from Premium Pipes?"),
        "{}",
        asked.body
    );
    assert!(asked.body.contains("This cannot be undone."));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM quotes WHERE status = 'accepted'").await,
        0,
        "asking changes nothing"
    );
    let answered = landlord
        .post(&decision, &[("decision", "approve"), ("confirm", "yes")])
        .await;
    assert!(answered.body.contains("You approved the quote from Premium Pipes."));
    let page = admin.get(&path).await.body;
    assert!(page.contains(">Quote accepted<"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM quotes WHERE status = 'declined'").await,
        1,
        "the other one"
    );
    assert!(
        page.contains("approved the quotation of £450.00 from Premium Pipes"),
        "on the timeline"
    );
    assert!(
        !page.contains("Record a quote"),
        "an accepted work order takes no more quotes"
    );
    let late = admin
        .post(
            &record,
            &[
                ("contractor_id", cheap_id.as_str()),
                ("line1_description", "x"),
                ("line1_amount", "10"),
            ],
        )
        .await;
    assert_eq!(late.status(), 303);
    assert!(
        admin
            .get(&path)
            .await
            .body
            .contains("WO-1 is quote accepted and takes no more quotes.")
    );

    // Within the limit an accepted quote needs no one else.
    admin.get(&new).await;
    let second = admin.post(&new, &[("title", "Dripping tap")]).await;
    let second_path = second.location().unwrap().to_string();
    admin
        .post(
            &format!("{second_path}/quotes/new"),
            &[
                ("contractor_id", cheap_id.as_str()),
                ("line1_description", "New washer"),
                ("line1_amount", "60"),
                ("vat_rate", "none"),
            ],
        )
        .await;
    let small: String = portico::on_pool!(&app.db, |pool| sqlx::query_scalar::<_, uuid::Uuid>(
        "SELECT id FROM quotes WHERE total_pence = 6000"
    )
    .fetch_one(pool)
    .await)
    .unwrap()
    .to_string();
    admin.post(&format!("{second_path}/quotes/{small}/accept"), &[]).await;
    let page = admin.get(&second_path).await.body;
    assert!(page.contains("The quote from Budget Plumbing is accepted."));
    assert!(page.contains(">Quote accepted<"));
}

#[tokio::test]
async fn cancelling_a_work_order_declines_the_quote_waiting_for_the_landlord_and_a_late_approval_changes_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let dear = contractor(&app, agency.org.id, "Premium Pipes", "jobs@premium.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let new = format!("/properties/{property}/work-orders/new");
    admin.get(&new).await;
    let path = admin
        .post(&new, &[("title", "New boiler")])
        .await
        .location()
        .expect("raised")
        .to_string();
    let dear_id = dear.to_string();
    admin
        .post(
            &format!("{path}/quotes/new"),
            &[
                ("contractor_id", dear_id.as_str()),
                ("line1_description", "Boiler"),
                ("line1_amount", "2000"),
            ],
        )
        .await;
    let quote: String = portico::on_pool!(&app.db, |pool| sqlx::query_scalar::<_, uuid::Uuid>(
        "SELECT id FROM quotes"
    )
    .fetch_one(pool)
    .await)
    .unwrap()
    .to_string();
    admin.post(&format!("{path}/quotes/{quote}/accept"), &[]).await;
    admin.get(&format!("{path}/cancel")).await;
    admin
        .post(
            &format!("{path}/cancel"),
            &[("reason", "The landlord is selling"), ("confirm", "yes")],
        )
        .await;

    assert_eq!(
        app.count("SELECT COUNT(*) FROM quotes WHERE status = 'declined'").await,
        1,
        "cancelling declines the quote that waited"
    );

    let (_, home) = app.portal_for(agency.org.id, property).await;
    let mut landlord = app.client();
    assert!(!landlord.get(&home).await.body.contains("waits for your approval"));
    let late = landlord
        .post(
            &format!("{home}/properties/{property}/quotes/{quote}"),
            &[("decision", "approve"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(late.status(), 303, "to the repairs, as they now are");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM quotes WHERE status = 'accepted'").await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM work_orders WHERE status = 'cancelled'")
            .await,
        1
    );
}

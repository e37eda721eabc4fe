//! ContractorPort end to end on a 390 px phone, JavaScript on and off: the
//! quote request goes out through a real SMTP server process, its link is
//! opened in Chromium and spent by the button, a quote with two lines is sent,
//! and once instructed the job is reported complete with a photo from disk.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::browser::launch_phone;
use common::smtp::{SmtpServer, free_port, smtp_available};
use common::*;
use portico::domain::audit::Actor;
use portico::mail::Mailer;
use portico::mail::outbox;

/// The contractor link in a delivered message (quoted-printable soft breaks undone).
fn contractor_link(message: &str) -> String {
    let unfolded = message.replace("=\r\n", "").replace("=\n", "");
    let start = unfolded.find("/contractor/").expect("a contractor link in the email");
    unfolded[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'))
        .collect()
}

async fn journey(js: bool) {
    if !smtp_available() {
        return;
    }
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let form = portico::domain::contractors::ContractorForm {
        company_name: "Pipes Ltd".into(),
        email: "office@pipes.example".into(),
        trades: vec!["plumbing".into()],
        ..Default::default()
    }
    .parse()
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let pipes = portico::store::contractors::create(&mut tx, agency.org.id, &form, &Actor::system())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let new = format!("/properties/{property}/work-orders/new");
    admin.get(&new).await;
    let raised = admin
        .post(
            &new,
            &[
                ("title", "Kitchen tap dripping"),
                ("priority", "routine"),
                ("raised_by", "agent"),
                ("access_instructions", "Key with the neighbour at number 12"),
            ],
        )
        .await;
    let order = raised.location().expect("the work order").to_string();
    admin.get(&format!("{order}/request-quotes")).await;
    let asked = admin
        .post(
            &format!("{order}/request-quotes"),
            &[("contractor", &pipes.to_string())],
        )
        .await;
    assert_eq!(asked.status(), 303, "{}", asked.body);

    let port = free_port();
    let mailer = Mailer::from_config(Some(&format!("smtp://127.0.0.1:{port}?tls=none")), Path::new("unused")).unwrap();
    let server = SmtpServer::start(port, &app.database.dir.path().join("smtp"));
    let worker = tokio::spawn(outbox::run(app.db.clone(), mailer, test_outbox_settings()));
    let started = Instant::now();
    while server.messages().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "the email never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("office@pipes.example"));
    let link = contractor_link(&messages[0]);

    let Some(browser) = launch_phone(&app.base_url, js).await else {
        worker.abort();
        return;
    };
    browser.goto(&link).await;
    browser.wait_for_text("Open this job").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_text("The agency would like your quotation.").await;
    assert!(
        !browser.text().await.contains("neighbour at number 12"),
        "no access details yet"
    );
    browser.fill("#line1_description", "Replace the tap cartridge").await;
    browser.fill("#line1_amount", "85").await;
    browser.choose("#line2_kind", "materials").await;
    browser.fill("#line2_description", "Cartridge").await;
    browser.fill("#line2_amount", "22.50").await;
    browser.choose("#vat_rate", "none").await;
    browser.click("#quote form.stack button[type=submit]").await;
    browser.wait_for_text("Your quote has been sent to the agency").await;
    browser.wait_for_text("£107.50").await;

    // The agent accepts (below the landlord's limit) and instructs.
    let quote: uuid::Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM quotes")
        .fetch_one(pool)
        .await)
    .unwrap();
    let accept = format!("{order}/quotes/{quote}/accept");
    admin.get(&accept).await;
    assert_eq!(admin.post(&accept, &[]).await.status(), 303);
    admin.get(&format!("{order}/instruct")).await;
    assert_eq!(admin.post(&format!("{order}/instruct"), &[]).await.status(), 303);

    let job = browser.path().await;
    browser.goto(&job).await;
    browser.wait_for_text("Key with the neighbour at number 12").await;
    // `PORTICO_SCREENSHOTS=dir` keeps the instructed job's page as a phone shows it.
    if let Some(dir) = std::env::var_os("PORTICO_SCREENSHOTS") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let name = format!("390{}-contractor-job-instructed.png", if js { "" } else { "-nojs" });
        browser.full_page_screenshot(&dir.join(name)).await;
    }
    let photo = app.database.dir.path().join("tap.jpg");
    let picture = image::RgbImage::from_pixel(80, 60, image::Rgb([90, 140, 200]));
    image::DynamicImage::ImageRgb8(picture)
        .save_with_format(&photo, image::ImageFormat::Jpeg)
        .unwrap();
    browser.fill("#time_on_site", "1 hour").await;
    browser.fill("#notes", "New cartridge fitted; no drips.").await;
    browser.type_into("#photos", photo.to_str().unwrap()).await;
    browser.click("#invoice_not_required").await;
    browser.click("#complete form button[type=submit]").await;
    browser.wait_for_text("Thank you: the job is reported complete.").await;
    browser.wait_for_text("No invoice required.").await;
    if js {
        browser.assert_clean_console().await;
    }
    browser.close().await;
    worker.abort();
    assert_eq!(app.count("SELECT COUNT(*) FROM work_order_photos").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM work_orders WHERE status = 'completed'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_contractor_opens_the_emailed_link_quotes_and_completes_on_a_phone() {
    journey(true).await;
}

#[tokio::test]
async fn the_contractor_journey_works_without_javascript() {
    journey(false).await;
}

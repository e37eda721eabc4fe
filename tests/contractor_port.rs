//! ContractorPort (issue 15) by HTTP: agents ask contractors to quote and
//! instruct one, each by an email carrying a single-use link to that one work
//! order; the link survives mail scanners and is spent by its button; the
//! session it opens reaches that job and nothing else; quotes, refusals,
//! appointments and messages land on the work order's timeline as the
//! contractor's, via ContractorPort; spent links ask for fresh ones without
//! saying whether an address matched.

mod common;

use chrono::TimeDelta;
use common::*;
use portico::domain::audit::Actor;
use uuid::Uuid;

/// A contractor of the agency, made as an agent would.
async fn contractor(app: &TestApp, org: Uuid, company: &str, email: &str) -> Uuid {
    let form = portico::domain::contractors::ContractorForm {
        company_name: company.into(),
        email: email.into(),
        trades: vec!["plumbing".into()],
        ..Default::default()
    }
    .parse()
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let id = portico::store::contractors::create(&mut tx, org, &form, &Actor::system())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The ContractorPort path in an email's text (its absolute link, made relative).
fn link_in(text: &str) -> String {
    let start = text
        .find("/contractor/")
        .unwrap_or_else(|| panic!("a contractor link in: {text}"));
    text[start..].split_whitespace().next().expect("the link").to_string()
}

/// The agency, its work order (raised by HTTP) and two contractors.
struct World {
    app: TestApp,
    org: Uuid,
    property: Uuid,
    admin: Client,
    order: String,
    sparks: Uuid,
    pipes: Uuid,
    /// How many delivered emails the test has read.
    read: usize,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let property = app.property(agency.org.id, |_| {}).await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let new = format!("/properties/{property}/work-orders/new");
    admin.get(&new).await;
    let raised = admin
        .post(
            &new,
            &[
                ("title", "Boiler not firing"),
                ("description", "No hot water since Sunday."),
                ("priority", "urgent"),
                ("raised_by", "agent"),
                ("access_instructions", "Key safe by the door, code 4821"),
                ("occupier_contact", "Ben, 07700 900777"),
            ],
        )
        .await;
    assert_eq!(raised.status(), 303, "{}", raised.body);
    let order = raised.location().expect("the work order's page").to_string();
    let sparks = contractor(&app, agency.org.id, "Sparks Heating", "jobs@sparks.example").await;
    let pipes = contractor(&app, agency.org.id, "Pipes Ltd", "office@pipes.example").await;
    World {
        org: agency.org.id,
        app,
        property,
        admin,
        order,
        sparks,
        pipes,
        read: 0,
    }
}

impl World {
    /// Instructs Sparks, as an agent does from the work order.
    async fn instruct_sparks(&mut self) {
        let instruct = format!("{}/instruct", self.order);
        self.admin.get(&instruct).await;
        let sparks = self.sparks.to_string();
        let instructed = self.admin.post(&instruct, &[("contractor_id", &sparks)]).await;
        assert_eq!(instructed.status(), 303, "{}", instructed.body);
    }

    /// The emails delivered since the last call, to one address.
    async fn mail_to(&mut self, to: &str) -> Vec<portico::mail::DeliveredEmail> {
        self.app.deliver_mail().await;
        let all = self.app.mailbox.delivered();
        let new: Vec<_> = all[self.read..].to_vec();
        self.read = all.len();
        new.into_iter().filter(|m| m.to == to).collect()
    }

    /// The emails delivered since the last call, by address.
    async fn new_mail(&mut self) -> Vec<portico::mail::DeliveredEmail> {
        self.app.deliver_mail().await;
        let all = self.app.mailbox.delivered();
        let new: Vec<_> = all[self.read..].to_vec();
        self.read = all.len();
        new
    }

    /// Asks both contractors to quote; returns their emailed links.
    async fn ask_both(&mut self) -> (String, String) {
        let ask = format!("{}/request-quotes", self.order);
        let form = self.admin.get(&ask).await;
        assert!(form.body.contains("Sparks Heating") && form.body.contains("Pipes Ltd"));
        let asked = self
            .admin
            .post(
                &ask,
                &[
                    ("contractor", &self.sparks.to_string()),
                    ("contractor", &self.pipes.to_string()),
                ],
            )
            .await;
        assert_eq!(asked.status(), 303, "{}", asked.body);
        let mail = self.new_mail().await;
        let sparks: Vec<_> = mail.iter().filter(|m| m.to == "jobs@sparks.example").collect();
        let pipes: Vec<_> = mail.iter().filter(|m| m.to == "office@pipes.example").collect();
        assert_eq!((sparks.len(), pipes.len()), (1, 1), "one email each");
        assert!(
            sparks[0].subject.contains("Request for a quote: WO-1"),
            "{}",
            sparks[0].subject
        );
        assert!(sparks[0].text.contains("Boiler not firing"));
        assert!(
            !sparks[0].text.contains("4821"),
            "no access details before the contractor is instructed"
        );
        (link_in(&sparks[0].text), link_in(&pipes[0].text))
    }

    /// Opens a link as its contractor would: the page, then its button.
    async fn open(&self, link: &str) -> (Client, String) {
        let mut browser = self.app.client();
        let page = browser.get(link).await;
        assert_eq!(page.status(), 200, "{}", page.body);
        assert!(page.body.contains("Open this job"), "{}", page.body);
        let opened = browser.post_raw(link, &[]).await;
        assert_eq!(opened.status(), 303, "{}", opened.body);
        let job = opened.location().expect("to the job").to_string();
        assert!(
            opened
                .header("set-cookie")
                .is_some_and(|c| c.contains("HttpOnly") && c.contains(&format!("Path={job}"))),
            "the session cookie is the job's alone: {:?}",
            opened.header("set-cookie")
        );
        (browser, job)
    }

    async fn timeline(&mut self) -> String {
        let order = self.order.clone();
        self.admin.get(&order).await.body
    }
}

#[tokio::test]
async fn a_quote_request_a_landlords_approval_an_instruction_and_an_appointment_by_http() {
    let mut w = world().await;
    let (sparks_link, pipes_link) = w.ask_both().await;

    // Mail scanners fetch every link (three GETs and a HEAD): it stays unspent.
    let mut scanner = w.app.client();
    for _ in 0..3 {
        assert!(scanner.get(&sparks_link).await.body.contains("Open this job"));
    }
    let head = reqwest::Client::new()
        .head(w.app.url(&sparks_link))
        .send()
        .await
        .unwrap();
    assert!(head.status().is_success(), "{}", head.status());
    let (mut sparks, job) = w.open(&sparks_link).await;

    // Spent: the same link now asks for a fresh one.
    let again = w.app.client().get(&sparks_link).await;
    assert!(
        again.body.contains("This link has been used or has expired"),
        "{}",
        again.body
    );
    assert!(!again.body.contains("Open this job"));

    let page = sparks.get(&job).await;
    assert_eq!(page.status(), 200);
    assert!(page.body.contains("WO-1: Boiler not firing"), "{}", page.body);
    assert!(page.body.contains("shown here once you are instructed"));
    assert!(!page.body.contains("4821") && !page.body.contains("07700 900777"));

    // Bad input: beside the field, input kept, nothing stored.
    let refused = sparks
        .post(
            &format!("{job}/quote"),
            &[
                ("line1_kind", "labour"),
                ("line1_description", "Replace the diverter valve"),
                ("line1_amount", "-5"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422, "{}", refused.body);
    assert!(refused.body.contains("Replace the diverter valve"));
    assert!(refused.body.contains(r#"value="-5""#));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM quotes").await, 0);

    let quote = [
        ("line1_kind", "labour"),
        ("line1_description", "Replace the diverter valve"),
        ("line1_amount", "300"),
        ("line2_kind", "materials"),
        ("line2_description", "Valve"),
        ("line2_amount", "150"),
        ("vat_rate", "none"),
        ("lead_time_days", "2"),
    ];
    let sent = sparks.post(&format!("{job}/quote"), &quote).await;
    assert_eq!(sent.status(), 303, "{}", sent.body);
    assert!(
        sparks
            .get(sent.location().unwrap())
            .await
            .body
            .contains("Your quote has been sent")
    );
    // The same form twice: still one quote.
    sparks.get(&job).await;
    assert_eq!(sparks.post(&format!("{job}/quote"), &quote).await.status(), 303);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM quotes").await, 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM quote_lines").await, 2);
    // Its PDF: a file that is not one is refused and leaves nothing behind.
    let not_pdf = send_form(
        &w,
        &mut sparks,
        &job,
        "quote-file",
        reqwest::multipart::Form::new().part(
            "quote_file",
            reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("quote.pdf"),
        ),
    )
    .await;
    assert_eq!(not_pdf.status(), 422, "{}", not_pdf.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM work_order_files").await, 0);
    let attached = send_form(
        &w,
        &mut sparks,
        &job,
        "quote-file",
        reqwest::multipart::Form::new().part(
            "quote_file",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("quote.pdf"),
        ),
    )
    .await;
    assert_eq!(attached.status(), 303, "{}", attached.body);
    assert!(w.timeline().await.contains("The quote (PDF)"));
    let replaced = send_form(
        &w,
        &mut sparks,
        &job,
        "quote-file",
        reqwest::multipart::Form::new().part(
            "quote_file",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("quote-v2.pdf"),
        ),
    )
    .await;
    assert_eq!(replaced.status(), 303);
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM work_order_files").await,
        1,
        "the replaced PDF goes"
    );

    // Pipes declines, with its reason.
    // Having quoted, Sparks cannot also decline.
    sparks.get(&job).await;
    let both = sparks.post(&format!("{job}/decline"), &[("reason", "Busy")]).await;
    assert_eq!(both.status(), 422, "{}", both.body);
    assert!(both.body.contains("You have sent a quote for this job"));
    let (mut pipes, pipes_job) = w.open(&pipes_link).await;
    pipes.get(&pipes_job).await;
    let empty = pipes.post(&format!("{pipes_job}/decline"), &[("reason", " ")]).await;
    assert_eq!(empty.status(), 422);
    let declined = pipes
        .post(
            &format!("{pipes_job}/decline"),
            &[("reason", "Fully booked until March")],
        )
        .await;
    assert_eq!(declined.status(), 303, "{}", declined.body);

    let timeline = w.timeline().await;
    for said in [
        "Sparks Heating (contractor) opened WO-1 via ContractorPort",
        "Sparks Heating (contractor) submitted a quotation of £450.00 for WO-1 via ContractorPort",
        "Pipes Ltd (contractor) declined to quote for WO-1 via ContractorPort: Fully booked until March",
        "Declined to quote: Fully booked until March",
    ] {
        assert!(timeline.contains(said), "{said}: {timeline}");
    }

    // Above the landlord's £250 limit: the landlord approves it in their portal.
    let quote_id: Uuid = portico::on_pool!(&w.app.db, |pool| sqlx::query_scalar("SELECT id FROM quotes")
        .fetch_one(pool)
        .await)
    .unwrap();
    let accept = format!("{}/quotes/{quote_id}/accept", w.order);
    w.admin.get(&accept).await;
    assert_eq!(w.admin.post(&accept, &[]).await.status(), 303);
    let instruct = format!("{}/instruct", w.order);
    assert_eq!(
        w.admin.get(&instruct).await.status(),
        303,
        "no instruction while the landlord has not decided"
    );
    let (_, portal) = w.app.portal_for(w.org, w.property).await;
    let decision = format!("{portal}/properties/{}/quotes/{quote_id}", w.property);
    let mut landlord = w.app.client();
    landlord.get(&portal).await;
    let approved = landlord
        .post_raw(&decision, &[("decision", "approve"), ("confirm", "yes")])
        .await;
    assert!(
        approved.body.contains("You approved the quote from Sparks Heating"),
        "{}",
        approved.body
    );

    // Instructed: the contractor's session now shows the access details.
    let form = w.admin.get(&instruct).await;
    assert!(
        form.body.contains("Instruct <strong>Sparks Heating</strong>"),
        "{}",
        form.body
    );
    let instructed = w
        .admin
        .post(&instruct, &[("contractor_id", &w.sparks.to_string())])
        .await;
    assert_eq!(instructed.status(), 303, "{}", instructed.body);
    let email = w.mail_to("jobs@sparks.example").await;
    assert_eq!(email.len(), 1, "the instruction");
    assert!(email[0].subject.contains("Instruction: WO-1"));
    let page = sparks.get(&job).await.body;
    assert!(
        page.contains("Key safe by the door, code 4821") && page.contains("07700 900777"),
        "{page}"
    );
    assert!(page.contains("Propose an appointment"));

    let today = chrono::Utc::now().date_naive();
    let yesterday = (today - TimeDelta::days(1)).to_string();
    let early = sparks
        .post(
            &format!("{job}/appointment"),
            &[("date", &yesterday), ("window", "morning")],
        )
        .await;
    assert_eq!(early.status(), 422);
    assert!(early.body.contains("Choose today or a later day") && early.body.contains(&yesterday));
    let day = (today + TimeDelta::days(3)).to_string();
    let booked = sparks
        .post(&format!("{job}/appointment"), &[("date", &day), ("window", "morning")])
        .await;
    assert_eq!(booked.status(), 303, "{}", booked.body);
    let timeline = w.timeline().await;
    assert!(timeline.contains("Scheduled"), "{timeline}");
    assert!(timeline.contains("Morning, 8 am – 12 noon"));
    assert!(timeline.contains("proposed an appointment for WO-1"));

    // Messages both ways, each in its own thread.
    sparks.get(&job).await;
    assert_eq!(
        sparks
            .post(&format!("{job}/comments"), &[("body", "Is there parking on site?")])
            .await
            .status(),
        303
    );
    let timeline = w.timeline().await;
    assert!(timeline.contains("Is there parking on site?"));
    let sparks_job_id = job.trim_start_matches("/contractor/jobs/");
    let reply = format!("{}/contractors/{sparks_job_id}/comments", w.order);
    // Too long: refused beside the box, what was typed kept, nothing sent.
    let long = format!("Bay 4. {}", "x".repeat(2001));
    let refused = w.admin.post(&reply, &[("body", &long)]).await;
    assert_eq!(refused.status(), 422, "{}", refused.body);
    assert!(refused.body.contains(&long) && refused.body.contains("field-error"));
    assert!(!refused.body.contains("Bay 4. xxxxxxxxxx</li>"));
    w.new_mail().await;
    w.admin.get(&w.order.clone()).await;
    assert_eq!(w.admin.post(&reply, &[("body", "Yes, bay 4.")]).await.status(), 303);
    let told = w.mail_to("jobs@sparks.example").await;
    assert_eq!(told.len(), 1, "the contractor hears of the reply");
    assert!(told[0].subject.contains("A message about WO-1") && !told[0].text.contains("bay 4"));
    assert!(sparks.get(&job).await.body.contains("Yes, bay 4."));
    assert!(
        !pipes.get(&pipes_job).await.body.contains("Yes, bay 4."),
        "another contractor's thread"
    );
}

#[tokio::test]
async fn a_session_reaches_its_own_job_only_and_dies_with_its_access() {
    let mut w = world().await;
    let (sparks_link, pipes_link) = w.ask_both().await;
    let (mut sparks, job) = w.open(&sparks_link).await;
    let (mut pipes, pipes_job) = w.open(&pipes_link).await;

    // Pipes' cookie sent to Sparks' job (by hand, as a browser would not): 404.
    let cookie = pipes.cookie_header_for(&pipes_job).expect("a session cookie");
    let stolen = reqwest::Client::new()
        .get(w.app.url(&job))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status().as_u16(), 404);
    assert_eq!(pipes.get(&job).await.status(), 404);
    let unknown = pipes.get(&format!("/contractor/jobs/{}", Uuid::now_v7())).await;
    assert_eq!(unknown.status(), 404);
    assert!(
        unknown.body.contains("That is not part of your job"),
        "{}",
        unknown.body
    );
    assert_eq!(unknown.header("x-robots-tag"), Some("noindex, nofollow"));
    let nowhere = pipes.get("/contractor/jobs/not/a/page/at/all").await;
    assert_eq!(nowhere.status(), 404);
    assert!(
        nowhere.body.contains("That page is not part of your job"),
        "{}",
        nowhere.body
    );

    // A planted cookie (another live session, its own token) beside the real
    // session: the token must be the session's the request runs as.
    let pipes_token = csrf_in(&pipes.get(&pipes_job).await.body).expect("Pipes' form token");
    let sparks_cookie = sparks.cookie_header_for(&job).expect("Sparks' session");
    let planted = format!(
        "{}; {sparks_cookie}",
        pipes.cookie_header_for(&pipes_job).expect("Pipes' session")
    );
    let before = w.app.count("SELECT COUNT(*) FROM contractor_comments").await;
    let mixed = reqwest::Client::new()
        .post(w.app.url(&format!("{job}/comments")))
        .header("cookie", planted)
        .form(&[("body", "planted"), ("csrf_token", pipes_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(mixed.status().as_u16(), 403);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM contractor_comments").await, before);

    // A forged form (right cookie, wrong token) changes nothing.
    let before = w.app.count("SELECT COUNT(*) FROM contractor_comments").await;
    let forged = sparks
        .post_raw(
            &format!("{job}/comments"),
            &[("body", "forged"), ("csrf_token", "nope")],
        )
        .await;
    assert_eq!(forged.status(), 403);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM contractor_comments").await, before);

    // Withdrawn: the session is dead at once.
    let pipes_id = pipes_job.trim_start_matches("/contractor/jobs/");
    let revoke = format!("{}/contractors/{pipes_id}/revoke", w.order);
    assert!(w.admin.get(&revoke).await.body.contains("Withdraw Pipes Ltd"));
    assert_eq!(w.admin.post(&revoke, &[]).await.status(), 303);
    assert_eq!(pipes.get(&pipes_job).await.status(), 404);
    assert_eq!(
        sparks.get(&job).await.status(),
        200,
        "the other contractor keeps theirs"
    );
    assert!(w.timeline().await.contains("withdrew Pipes Ltd"));
    let told = w.mail_to("office@pipes.example").await;
    assert_eq!(told.len(), 1, "Pipes is told, once");
    assert!(
        told[0].subject.contains("No longer needed: WO-1"),
        "{}",
        told[0].subject
    );

    // Called off: no quote is taken any more, whatever is posted.
    let cancel = format!("{}/cancel", w.order);
    w.admin.get(&cancel).await;
    assert_eq!(
        w.admin
            .post(&cancel, &[("reason", "Tenant fixed it"), ("confirm", "yes")])
            .await
            .status(),
        303
    );
    sparks.get(&job).await;
    let late = sparks
        .post(
            &format!("{job}/quote"),
            &[
                ("line1_kind", "labour"),
                ("line1_description", "Valve"),
                ("line1_amount", "90"),
            ],
        )
        .await;
    assert_eq!(late.status(), 422, "{}", late.body);
    let mail = w.new_mail().await;
    assert_eq!(
        mail.iter().filter(|m| m.subject.contains("WO-1 is called off")).count(),
        1,
        "Sparks is told the job is off; Pipes, withdrawn already, is not"
    );
    assert_eq!(mail.iter().filter(|m| m.to == "office@pipes.example").count(), 0);
    assert!(late.body.contains("takes no more quotes"), "{}", late.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM quotes").await, 0);

    // Another agency's agent cannot reach the access records.
    let other = w.app.agency("Bravo Homes", "bo@bravo.example").await;
    let mut bravo = w.app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    assert_eq!(bravo.get(&revoke).await.status(), 404);
    assert_eq!(bravo.get(&format!("{}/request-quotes", w.order)).await.status(), 404);
}

#[tokio::test]
async fn a_spent_link_asks_for_a_fresh_one_without_saying_whether_the_address_matched() {
    let mut w = world().await;
    let (sparks_link, _) = w.ask_both().await;
    w.open(&sparks_link).await;
    let fresh = format!("{sparks_link}/fresh");
    let mut visitor = w.app.client();
    visitor.get(&sparks_link).await;
    let invalid = visitor.post_raw(&fresh, &[("email", "not an address")]).await;
    assert_eq!(invalid.status(), 422);
    assert!(invalid.body.contains("not an address"), "the input is kept");

    let wrong = visitor.post_raw(&fresh, &[("email", "someone@else.example")]).await;
    let right = visitor.post_raw(&fresh, &[("email", "Jobs@Sparks.example")]).await;
    let said = |body: &str| body.contains("If that is the address Acme Lettings holds for you");
    assert!(said(&wrong.body) && said(&right.body));
    let mail = w.mail_to("jobs@sparks.example").await;
    assert_eq!(mail.len(), 1, "one fresh link, to the address held");
    assert!(mail[0].subject.contains("Your new link for WO-1"));
    let new_link = link_in(&mail[0].text);
    assert_ne!(new_link, sparks_link);
    assert_eq!(
        w.app.client().get(&sparks_link).await.status(),
        404,
        "the old link is dead"
    );
    // Asked again at once: no second email.
    visitor
        .post_raw(
            &fresh.replace(&sparks_link, &new_link),
            &[("email", "jobs@sparks.example")],
        )
        .await;
    assert!(w.mail_to("jobs@sparks.example").await.is_empty());
    let (_, job) = w.open(&new_link).await;
    assert!(job.starts_with("/contractor/jobs/"));
    assert!(
        w.timeline()
            .await
            .contains("asked for a fresh link to WO-1 via ContractorPort")
    );
}

#[tokio::test]
async fn an_expired_or_withdrawn_link_opens_nothing_and_a_withdrawn_one_gets_no_fresh_link() {
    let mut w = world().await;
    let (sparks_link, pipes_link) = w.ask_both().await;
    // Sparks' link passes its expiry unopened.
    portico::on_pool!(&w.app.db, |pool| sqlx::query(
        "UPDATE contractor_links SET link_expires_at = $1 WHERE contractor_id = $2"
    )
    .bind(chrono::Utc::now() - TimeDelta::minutes(1))
    .bind(w.sparks)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    let mut visitor = w.app.client();
    let expired = visitor.get(&sparks_link).await;
    assert!(
        expired.body.contains("This link has been used or has expired"),
        "{}",
        expired.body
    );
    let spent = visitor.post_raw(&sparks_link, &[]).await;
    assert!(
        spent
            .header("set-cookie")
            .is_none_or(|c| !c.contains("portico_contractor")),
        "no session"
    );
    assert!(spent.body.contains("This link has been used or has expired"));

    // Pipes' access is withdrawn before the link is opened: it opens nothing,
    // and asking for a fresh one sends nothing (the page says the same).
    let pipes_id: Uuid = portico::on_pool!(&w.app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM contractor_links WHERE contractor_id = $1"
    )
    .bind(w.pipes)
    .fetch_one(pool)
    .await)
    .unwrap();
    let revoke = format!("{}/contractors/{pipes_id}/revoke", w.order);
    w.admin.get(&revoke).await;
    assert_eq!(w.admin.post(&revoke, &[]).await.status(), 303);
    let stood_down = w.mail_to("office@pipes.example").await;
    assert!(
        stood_down.iter().all(|m| m.subject.contains("No longer needed")),
        "only the stand-down"
    );
    let withdrawn = visitor.get(&pipes_link).await;
    assert!(
        withdrawn.body.contains("This link has been used or has expired"),
        "{}",
        withdrawn.body
    );
    assert!(!withdrawn.body.contains("Open this job"));
    let asked = visitor
        .post_raw(&format!("{pipes_link}/fresh"), &[("email", "office@pipes.example")])
        .await;
    assert!(
        asked
            .body
            .contains("If that is the address Acme Lettings holds for you")
    );
    assert!(
        w.mail_to("office@pipes.example").await.is_empty(),
        "no link for a withdrawn access"
    );
    // A made-up link is the plain 404.
    let made_up = visitor.get(&format!("/contractor/{}", "A".repeat(64))).await;
    assert_eq!(made_up.status(), 404);
}

/// A PNG photo with a GPS position in its EXIF, as a phone takes one.
fn phone_photo() -> Vec<u8> {
    let picture = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 120, 40]));
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    // An APP1 Exif segment naming a GPS IFD, right after the JPEG's SOI.
    let mut exif =
        b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1a\0\0\0\0GPSLatitude51.5".to_vec();
    exif.resize(64, 0);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend(exif);
    out.extend(&jpeg[2..]);
    out
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Posts a multipart form to a job's action with the page's token.
async fn send_form(w: &World, browser: &mut Client, job: &str, action: &str, form: reqwest::multipart::Form) -> Page {
    let page = browser.get(job).await;
    let token = csrf_in(&page.body).expect("the job's form token");
    let response = browser
        .http
        .post(w.app.url(&format!("{job}/{action}?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    Page {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

#[tokio::test]
async fn an_instructed_contractor_sends_a_certificate_and_completes_with_photos_and_an_invoice() {
    let mut w = world().await;
    w.instruct_sparks().await;
    let mail = w.mail_to("jobs@sparks.example").await;
    let (mut sparks, job) = w.open(&link_in(&mail[0].text)).await;

    // A certificate: refused without its PDF (input kept), then received.
    let refused = send_form(
        &w,
        &mut sparks,
        &job,
        "certificates",
        reqwest::multipart::Form::new()
            .text("kind", "gas_safety")
            .text("issued_on", "2026-01-10")
            .text("reference", "GS-778"),
    )
    .await;
    assert_eq!(refused.status(), 422, "{}", refused.body);
    assert!(refused.body.contains("Choose the certificate"), "{}", refused.body);
    assert!(refused.body.contains("GS-778"));
    let wrong_type = send_form(
        &w,
        &mut sparks,
        &job,
        "certificates",
        reqwest::multipart::Form::new()
            .text("kind", "gas_safety")
            .text("issued_on", "2026-01-10")
            .part(
                "certificate_file",
                reqwest::multipart::Part::bytes(phone_photo()).file_name("gas.pdf"),
            ),
    )
    .await;
    assert_eq!(wrong_type.status(), 422);
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM work_order_files").await,
        0,
        "nothing stored"
    );
    let sent = send_form(
        &w,
        &mut sparks,
        &job,
        "certificates",
        reqwest::multipart::Form::new()
            .text("kind", "gas_safety")
            .text("issued_on", "2026-01-10")
            .text("reference", "GS-778")
            .part(
                "certificate_file",
                reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("gas.pdf"),
            ),
    )
    .await;
    assert_eq!(sent.status(), 303, "{}", sent.body);
    assert!(sparks.get(&job).await.body.contains("Gas Safety, issued 10 Jan 2026"));
    assert!(sparks.get(&job).await.body.contains("received, awaiting the agency"));

    // The agent accepts it: it is the property's Gas Safety certificate.
    let page = w.timeline().await;
    assert!(
        page.contains("Received from the contractor, awaiting your check."),
        "{page}"
    );
    let received: Uuid = portico::on_pool!(&w.app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM contractor_certificates"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(w.app.count("SELECT COUNT(*) FROM certificates").await, 0);
    let accepted = w
        .admin
        .post(&format!("{}/certificates/{received}/accept", w.order), &[])
        .await;
    assert_eq!(accepted.status(), 303);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM certificates WHERE kind = 'gas_safety'")
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM compliance_items WHERE kind = 'gas_safety' AND certificate_id IS NOT NULL")
            .await,
        1,
        "the Compliance page counts it at once"
    );
    let property_page = w.admin.get(&format!("/properties/{}", w.property)).await.body;
    assert!(property_page.contains("GS-778"), "{property_page}");

    // Completion: bad input kept and nothing stored; then photos and the invoice.
    let before = w.app.count("SELECT COUNT(*) FROM work_order_photos").await;
    let tomorrow = (chrono::Utc::now().date_naive() + TimeDelta::days(2)).to_string();
    let bad = send_form(
        &w,
        &mut sparks,
        &job,
        "complete",
        reqwest::multipart::Form::new()
            .text("completed_on", tomorrow.clone())
            .text("notes", "Valve replaced")
            .text("invoice_number", "INV-31")
            .text("invoice_amount", "abc")
            .part(
                "photos",
                reqwest::multipart::Part::bytes(phone_photo()).file_name("after.jpg"),
            ),
    )
    .await;
    assert_eq!(bad.status(), 422, "{}", bad.body);
    assert!(bad.body.contains("Valve replaced") && bad.body.contains(&tomorrow));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM work_order_photos").await, before);
    let today = chrono::Utc::now().date_naive().to_string();
    let done = send_form(
        &w,
        &mut sparks,
        &job,
        "complete",
        reqwest::multipart::Form::new()
            .text("completed_on", today.clone())
            .text("time_on_site", "3 hours")
            .text("notes", "Valve replaced")
            .text("invoice_number", "INV-31")
            .text("invoice_amount", "480")
            .part(
                "photos",
                reqwest::multipart::Part::bytes(phone_photo()).file_name("after.jpg"),
            )
            .part(
                "invoice_file",
                reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("inv-31.pdf"),
            ),
    )
    .await;
    assert_eq!(done.status(), 303, "{}", done.body);
    let status: String = portico::on_pool!(&w.app.db, |pool| sqlx::query_scalar("SELECT status FROM work_orders")
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(status, "invoiced");
    // The stored photo carries no EXIF (no GPS position of the home).
    let photo: Uuid = portico::on_pool!(&w.app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM work_order_photos ORDER BY created_at DESC LIMIT 1"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let stored = sparks
        .http
        .get(w.app.url(&format!("{job}/photos/{photo}")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(stored.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(
        !stored.windows(4).any(|w| w == b"Exif") && !stored.windows(11).any(|w| w == b"GPSLatitude"),
        "EXIF stripped"
    );

    // A second completion is refused; the agent sees the report and the invoice.
    let again = send_form(
        &w,
        &mut sparks,
        &job,
        "complete",
        reqwest::multipart::Form::new()
            .text("completed_on", today)
            .text("invoice_not_required", "on"),
    )
    .await;
    assert_eq!(again.status(), 422);
    assert!(again.body.contains("cannot be reported complete now"), "{}", again.body);
    let page = w.timeline().await;
    for said in [
        "reported WO-1 complete on",
        "invoice INV-31 for £480.00 via ContractorPort",
        "Sparks Heating (contractor) added 1 photo to WO-1 via ContractorPort",
        "3 hours",
        "Valve replaced",
    ] {
        assert!(page.contains(said), "{said}: {page}");
    }
    let invoice: Uuid = portico::on_pool!(&w.app.db, |pool| sqlx::query_scalar(
        "SELECT invoice_file_id FROM work_orders"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let download = w.admin.get(&format!("{}/files/{invoice}", w.order)).await;
    assert_eq!(download.status(), 200);
    assert!(download.body.starts_with("%PDF-"));
    let close = format!("{}/close", w.order);
    w.admin.get(&w.order.clone()).await;
    assert_eq!(w.admin.post(&close, &[]).await.status(), 303);
    assert!(w.timeline().await.contains("Closed"));
}

#[tokio::test]
async fn reminders_go_at_most_once_a_day_and_stop_when_answered() {
    let mut w = world().await;
    let (sparks_link, _) = w.ask_both().await;
    let state = w.app.state.clone();
    let now = chrono::Utc::now();
    let run = |at: chrono::DateTime<chrono::Utc>| {
        let state = state.clone();
        async move { portico::contractor_reminders::run_once(&state, at).await.unwrap().sent }
    };
    assert_eq!(run(now + TimeDelta::days(2)).await, 0, "not yet: 3 days after the ask");
    assert_eq!(
        run(now + TimeDelta::days(3) + TimeDelta::minutes(1)).await,
        2,
        "both unanswered"
    );
    assert_eq!(
        run(now + TimeDelta::days(3) + TimeDelta::hours(5)).await,
        0,
        "once a day at most"
    );
    let reminders = w.new_mail().await;
    let mail: Vec<_> = reminders.iter().filter(|m| m.to == "jobs@sparks.example").collect();
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].subject.contains("Reminder: your quote for WO-1"),
        "{}",
        mail[0].subject
    );
    let reminder_link = link_in(&mail[0].text);
    assert_ne!(reminder_link, sparks_link, "a fresh link");

    // Sparks quotes, Pipes declines: no more quote reminders.
    let (mut sparks, job) = w.open(&reminder_link).await;
    sparks.get(&job).await;
    let quoted = sparks
        .post(
            &format!("{job}/quote"),
            &[
                ("line1_kind", "labour"),
                ("line1_description", "Valve"),
                ("line1_amount", "120"),
            ],
        )
        .await;
    assert_eq!(quoted.status(), 303, "{}", quoted.body);
    let pipes_link = link_in(
        &reminders
            .iter()
            .find(|m| m.to == "office@pipes.example")
            .expect("Pipes' reminder")
            .text,
    );
    let (mut pipes, pipes_job) = w.open(&pipes_link).await;
    pipes.get(&pipes_job).await;
    assert_eq!(
        pipes
            .post(&format!("{pipes_job}/decline"), &[("reason", "No")])
            .await
            .status(),
        303
    );
    assert_eq!(run(now + TimeDelta::days(5)).await, 0, "answered");

    // Instructed without an appointment: reminded after 2 days, once a day.
    w.instruct_sparks().await;
    w.new_mail().await;
    assert_eq!(run(now + TimeDelta::days(1)).await, 0);
    assert_eq!(run(now + TimeDelta::days(2) + TimeDelta::minutes(1)).await, 1);
    let mail = w.mail_to("jobs@sparks.example").await;
    assert!(
        mail[0].subject.contains("Reminder: an appointment for WO-1"),
        "{}",
        mail[0].subject
    );
    // Past the target (urgent: 72 hours) and not complete: overdue.
    assert_eq!(run(now + TimeDelta::days(4)).await, 1);
    let mail = w.mail_to("jobs@sparks.example").await;
    assert!(mail[0].subject.contains("Overdue: WO-1"), "{}", mail[0].subject);
    assert_eq!(
        run(now + TimeDelta::days(4) + TimeDelta::hours(23)).await,
        0,
        "once a day at most"
    );
    assert_eq!(sparks.get(&job).await.status(), 200, "the open session keeps working");
}

#[tokio::test]
async fn the_work_order_list_narrows_to_a_contractor() {
    let mut w = world().await;
    w.instruct_sparks().await;
    let theirs = w.admin.get(&format!("/contractors/{}", w.sparks)).await.body;
    let link = format!("/work-orders?contractor={}&amp;status=any", w.sparks);
    assert!(theirs.contains(&link), "{theirs}");
    let sparks = w
        .admin
        .get(&format!("/work-orders?contractor={}&status=any", w.sparks))
        .await
        .body;
    assert!(sparks.contains("Boiler not firing"), "{sparks}");
    let pipes = w
        .admin
        .get(&format!("/work-orders?contractor={}&status=any", w.pipes))
        .await
        .body;
    assert!(!pipes.contains("Boiler not firing"), "{pipes}");
    assert!(pipes.contains("Any contractor"), "the filter offers every contractor");
}

#[tokio::test]
async fn a_completion_with_too_many_bytes_of_files_is_refused_and_stores_nothing() {
    let mut w = world().await;
    w.instruct_sparks().await;
    let mail = w.mail_to("jobs@sparks.example").await;
    let (mut sparks, job) = w.open(&link_in(&mail[0].text)).await;
    let big = vec![0xFFu8; 17 * 1024 * 1024];
    let mut form = reqwest::multipart::Form::new()
        .text("completed_on", chrono::Utc::now().date_naive().to_string())
        .text("invoice_not_required", "on");
    for n in 0..3 {
        form = form.part(
            "photos",
            reqwest::multipart::Part::bytes(big.clone()).file_name(format!("{n}.jpg")),
        );
    }
    let refused = send_form(&w, &mut sparks, &job, "complete", form).await;
    assert_eq!(refused.status(), 422, "{}", refused.body);
    assert!(
        refused.body.contains("The files together are larger than 48 MB"),
        "{}",
        refused.body
    );
    assert_eq!(w.app.count("SELECT COUNT(*) FROM work_order_photos").await, 0);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM work_orders WHERE status = 'instructed'")
            .await,
        1
    );
}

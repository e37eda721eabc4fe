//! The tenant portal through the real app on both databases: an agent proposes
//! a deposit release, the tenant follows the emailed link (a GET spends nothing;
//! only the button's POST accepts), answers in the portal, signs in later with
//! an emailed code under its limits, and cannot reach anyone else's records.

mod common;

use common::*;
use uuid::Uuid;

async fn propose(admin: &mut Client, tenancy: Uuid) -> Page {
    admin.get(&format!("/tenancies/{tenancy}")).await;
    admin
        .post(
            &format!("/tenancies/{tenancy}/deposit-release"),
            &[
                ("to_tenant", "1,100"),
                ("to_landlord", "200"),
                ("deduction_1_reason", "Carpet cleaning"),
                ("deduction_1_amount", "150"),
                ("deduction_2_reason", "Missing keys"),
                ("deduction_2_amount", "50"),
            ],
        )
        .await
}

async fn notify(app: &TestApp) {
    portico::deposit_notify::run_once(&app.db, &app.state.settings, chrono::TimeDelta::milliseconds(1))
        .await
        .unwrap();
    app.deliver_mail().await;
}

fn link_in(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).expect("link in the email");
    let end = start + text[start..].find(char::is_whitespace).unwrap_or(text.len() - start);
    text[start..end].to_string()
}

#[tokio::test]
async fn a_proposed_release_reaches_the_tenant_who_accepts_the_invite_and_disputes_a_deduction() {
    let app = TestApp::spawn().await;
    let (mut admin, tenancy, _) = deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;

    admin.get(&format!("/tenancies/{tenancy}")).await;
    let wrong = admin
        .post(
            &format!("/tenancies/{tenancy}/deposit-release"),
            &[
                ("to_tenant", "1,000"),
                ("to_landlord", "200"),
                ("deduction_1_reason", "Cleaning"),
                ("deduction_1_amount", "200"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.body.contains("must add up to the deposit held, £1,300.00"));
    assert!(wrong.body.contains(r#"value="1,000""#), "the input is kept");
    assert_eq!(app.count("SELECT COUNT(*) FROM deposit_release_proposals").await, 0);

    assert_eq!(propose(&mut admin, tenancy).await.status(), 303);
    let page = admin.get(&format!("/tenancies/{tenancy}")).await.body;
    assert!(page.contains("Waiting for the tenant") && page.contains("Waiting 0 days"));
    notify(&app).await;
    let mail = app.mailbox.delivered();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, "ben@example.com");
    let link = link_in(&mail[0].text, "http://")
        .trim_start_matches(&app.base_url)
        .to_string();
    assert!(link.starts_with("/tenant-portal/invite/"));

    // A mail scanner fetching the link spends nothing.
    let mut scanner = app.client();
    for _ in 0..2 {
        let page = scanner.get(&link).await;
        assert_eq!(page.status(), 200);
        assert!(page.body.contains("Continue to your portal"));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenant_portal_invites WHERE status = 'present'")
            .await,
        1
    );

    let mut tenant = app.client();
    tenant.get(&link).await;
    let accepted = tenant.post(&link, &[]).await;
    assert_eq!(accepted.location(), Some("/tenant-portal"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenant_portal_invites WHERE status = 'accepted'")
            .await,
        1
    );
    assert_eq!(
        app.client().post_raw(&link, &[]).await.status(),
        403,
        "no CSRF token, nothing happens"
    );
    assert_eq!(scanner.get(&link).await.status(), 404, "a spent invite link is dead");

    let portal = tenant.get("/tenant-portal").await;
    assert_eq!(portal.status(), 200);
    assert!(portal.body.contains("Welcome, Ben Okafor") && portal.body.contains("Carpet cleaning"));
    assert!(portal.body.contains("£1,300.00") && portal.body.contains("DPS-1"));
    assert!(
        portal.body.contains("<h1>Your tenancy</h1>"),
        "the page has its heading"
    );
    assert!(
        portal.body.contains("We are waiting for your answer")
            && !portal.body.contains("Waiting for the tenant")
            && !portal.body.contains("days-waiting"),
        "the page speaks to the tenant, not about them"
    );
    assert!(
        portal.body.contains(r#"class="field dispute-only""#),
        "the dispute boxes are marked to show only when disputing"
    );
    let proposal: Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM deposit_release_proposals"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let answer = format!("/tenant-portal/proposals/{proposal}/answer");
    let empty = tenant.post(&answer, &[("answer", "dispute")]).await;
    assert_eq!(empty.status(), 422);
    assert!(empty.body.contains("Say what you disagree with"));
    let disputed = tenant
        .post(
            &answer,
            &[
                ("answer", "dispute"),
                ("dispute_1", "The carpet was stained when I moved in"),
            ],
        )
        .await;
    assert_eq!(disputed.status(), 303);
    let after = tenant.get("/tenant-portal").await.body;
    assert!(after.contains("You disputed it") && after.contains("Your answer has been sent"));
    let agent_view = admin.get(&format!("/tenancies/{tenancy}")).await.body;
    assert!(agent_view.contains("Disputed by the tenant") && agent_view.contains("The carpet was stained"));
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'deposit_release.dispute' AND actor_type = 'tenant' AND actor_name = 'Ben Okafor'")
        .await;
    assert_eq!(audited, 1);

    // A tenancy still marked active whose end date has passed reads as ended.
    assert!(after.contains(r#"<span class="badge ok">Active</span>"#));
    let yesterday = app.state.settings.clock.today() - chrono::TimeDelta::days(1);
    portico::on_pool!(&app.db, |pool| sqlx::query(
        "UPDATE tenancies SET end_date = $1 WHERE id = $2"
    )
    .bind(yesterday)
    .bind(tenancy)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))
    .unwrap();
    let ended = tenant.get("/tenant-portal").await.body;
    assert!(ended.contains(r#"<span class="badge muted">Ended</span>"#), "{ended}");

    // The footer's phone number is a tap-to-call link.
    portico::on_pool!(&app.db, |pool| sqlx::query(
        "UPDATE organisations SET support_phone = '0117 496 0000'"
    )
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))
    .unwrap();
    let footer = tenant.get("/tenant-portal").await.body;
    assert!(
        footer.contains(r#"<a href="tel:01174960000">0117 496 0000</a>"#),
        "{footer}"
    );
}

#[tokio::test]
async fn tenants_sign_in_later_with_an_emailed_code_within_its_limits() {
    let app = TestApp::spawn().await;
    let (mut admin, tenancy, _) = deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;
    admin.get(&format!("/tenancies/{tenancy}")).await;
    let tenant_id: Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM tenants")
        .fetch_one(pool)
        .await)
    .unwrap();
    admin
        .post(
            &format!("/tenancies/{tenancy}/invites"),
            &[("tenant_id", &tenant_id.to_string())],
        )
        .await;
    app.deliver_mail().await;
    let link = link_in(&app.mailbox.delivered()[0].text, "http://")
        .trim_start_matches(&app.base_url)
        .to_string();
    let mut first = app.client();
    first.get(&link).await;
    first.post(&link, &[]).await;

    let mut later = app.client();
    let bounced = later.get("/tenant-portal").await;
    assert_eq!(bounced.location(), Some("/tenant-portal/login"));
    later.get("/tenant-portal/login").await;
    let known = later
        .post("/tenant-portal/login", &[("email", "ben@example.com")])
        .await;
    let unknown = later
        .post("/tenant-portal/login", &[("email", "nobody@example.com")])
        .await;
    let strip = |body: &str, email: &str| {
        body.replace(email, "EMAIL")
            .replace(&csrf_in(body).unwrap_or_default(), "")
    };
    assert_eq!(
        strip(&known.body, "ben@example.com"),
        strip(&unknown.body, "nobody@example.com"),
        "the same answer whether or not the email is known"
    );
    app.deliver_mail().await;
    let codes: Vec<_> = app
        .mailbox
        .delivered()
        .into_iter()
        .filter(|m| m.subject.contains("sign-in code"))
        .collect();
    assert_eq!(codes.len(), 1, "only the known address gets a code");
    assert!(
        known
            .body
            .contains(r#"autocomplete="one-time-code" inputmode="numeric""#),
        "a phone offers the code from the email and a number pad"
    );
    let code = code_in(&codes[0].text);
    assert!(
        !codes[0].subject.contains(&code),
        "the code is not in the subject, which the Email page lists"
    );
    assert_eq!(code.len(), 6);

    // Five wrong tries use the code up; then even the right code fails.
    for _ in 0..5 {
        let wrong = later
            .post(
                "/tenant-portal/login/code",
                &[("email", "ben@example.com"), ("code", "000000")],
            )
            .await;
        assert_eq!(wrong.status(), 422);
    }
    let spent = later
        .post(
            "/tenant-portal/login/code",
            &[("email", "ben@example.com"), ("code", &code)],
        )
        .await;
    assert_eq!(spent.status(), 422);

    // Two more codes may be sent in the window, not a third.
    // Delivered one at a time, so the mailbox order is the order they were sent.
    for _ in 0..3 {
        later
            .post("/tenant-portal/login", &[("email", "ben@example.com")])
            .await;
        app.deliver_mail().await;
    }
    app.deliver_mail().await;
    let codes: Vec<_> = app
        .mailbox
        .delivered()
        .into_iter()
        .filter(|m| m.subject.contains("sign-in code"))
        .collect();
    assert_eq!(codes.len(), 3, "at most 3 codes per 15 minutes");
    let fresh = code_in(&codes[2].text);
    let signed_in = later
        .post(
            "/tenant-portal/login/code",
            &[("email", "ben@example.com"), ("code", &fresh)],
        )
        .await;
    assert_eq!(signed_in.location(), Some("/tenant-portal"));
    assert!(later.get("/tenant-portal").await.body.contains("Welcome, Ben Okafor"));
    let again = later
        .post(
            "/tenant-portal/login/code",
            &[("email", "ben@example.com"), ("code", &fresh)],
        )
        .await;
    assert_eq!(again.status(), 422, "a code works once");
    // An older code, sent before the one used and never tried, is dead too.
    let older = code_in(&codes[1].text);
    if older != fresh {
        let mut elsewhere = app.client();
        elsewhere.get("/tenant-portal/login").await;
        let refused = elsewhere
            .post(
                "/tenant-portal/login/code",
                &[("email", "ben@example.com"), ("code", &older)],
            )
            .await;
        assert_eq!(refused.status(), 422, "only the newest code signs in");
        assert_eq!(
            elsewhere.get("/tenant-portal").await.location(),
            Some("/tenant-portal/login")
        );
    }
}

#[tokio::test]
async fn a_tenant_reaches_only_their_own_tenancy_and_a_revoked_invite_is_dead() {
    let app = TestApp::spawn().await;
    let (mut admin, mine, _) = deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;
    let (mut other_admin, theirs, other_org) =
        deposit_tenancy(&app, "Other Lets", "olu@other.example", "zoe@example.com").await;
    propose(&mut admin, mine).await;
    propose(&mut other_admin, theirs).await;
    notify(&app).await;
    let mail = app.mailbox.delivered();
    let ben_link = link_in(
        &mail.iter().find(|m| m.to == "ben@example.com").unwrap().text,
        "http://",
    )
    .trim_start_matches(&app.base_url)
    .to_string();
    let mut ben = app.client();
    ben.get(&ben_link).await;
    ben.post(&ben_link, &[]).await;
    let portal = ben.get("/tenant-portal").await.body;
    assert!(portal.contains("Welcome, Ben Okafor"));
    let theirs_proposal: Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM deposit_release_proposals WHERE org_id = $1"
    )
    .bind(other_org)
    .fetch_one(pool)
    .await)
    .unwrap();
    let refused = ben
        .post(
            &format!("/tenant-portal/proposals/{theirs_proposal}/answer"),
            &[("answer", "accept")],
        )
        .await;
    assert_eq!(refused.status(), 404);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM deposit_release_proposals WHERE status = 'open'")
            .await,
        2,
        "nothing changed"
    );
    assert_eq!(
        ben.get(&format!("/tenant-portal/documents/{}", Uuid::now_v7()))
            .await
            .status(),
        404
    );
    let own: Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM deposit_release_proposals WHERE org_id <> $1"
    )
    .bind(other_org)
    .fetch_one(pool)
    .await)
    .unwrap();
    let accepted = ben
        .post(
            &format!("/tenant-portal/proposals/{own}/answer"),
            &[("answer", "accept")],
        )
        .await;
    assert_eq!(accepted.status(), 303);
    assert!(ben.get("/tenant-portal").await.body.contains("You accepted it"));
    let accept_audit = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'tenant_invite.accept' AND actor_name = 'Ben Okafor'")
        .await;
    assert_eq!(accept_audit, 1);

    // An agent revokes Zoe's unused invite: her link is dead.
    let zoe_link = link_in(
        &mail.iter().find(|m| m.to == "zoe@example.com").unwrap().text,
        "http://",
    )
    .trim_start_matches(&app.base_url)
    .to_string();
    let invite: Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM tenant_portal_invites WHERE org_id = $1"
    )
    .bind(other_org)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(
        admin
            .post(&format!("/tenancies/{theirs}/invites/{invite}/revoke"), &[])
            .await
            .status(),
        404,
        "another agency cannot revoke it"
    );
    other_admin.get(&format!("/tenancies/{theirs}")).await;
    other_admin
        .post(&format!("/tenancies/{theirs}/invites/{invite}/revoke"), &[])
        .await;
    assert_eq!(app.client().get(&zoe_link).await.status(), 404);
}

#[tokio::test]
async fn a_landlord_proposes_a_release_from_their_portal_and_sees_the_answer() {
    let app = TestApp::spawn().await;
    let (_admin, tenancy_id, org_id) =
        deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;
    let row = portico::store::tenancies::get(&app.db, org_id, tenancy_id)
        .await
        .unwrap()
        .unwrap();
    let (_, link) = app.portal_for(org_id, row.tenancy.property_id).await;
    let mut landlord = app.client();
    let view = format!("{link}/properties/{}/tenancies", row.tenancy.property_id);
    assert!(
        landlord
            .get(&view)
            .await
            .body
            .contains("Propose how the deposit is released")
    );
    let action = format!("{link}/tenancies/{tenancy_id}/deposit-release");
    let wrong = landlord
        .post_raw(&action, &[("to_tenant", "1,300"), ("to_landlord", "100")])
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.body.contains("must add up to the deposit held"));
    let made = landlord
        .post_raw(
            &action,
            &[
                ("to_tenant", "1,250"),
                ("to_landlord", "50"),
                ("deduction_1_reason", "Lost fob"),
                ("deduction_1_amount", "50"),
            ],
        )
        .await;
    assert_eq!(made.status(), 303);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM deposit_release_proposals WHERE proposed_by_type = 'landlord' AND status = 'open'"
        )
        .await,
        1
    );
    assert!(landlord.get(&view).await.body.contains("Waiting for the tenant"));

    // Another agency's tenancy is not reachable through this portal.
    let (_other, theirs, _) = deposit_tenancy(&app, "Other Lets", "olu@other.example", "zoe@example.com").await;
    let refused = landlord
        .post_raw(
            &format!("{link}/tenancies/{theirs}/deposit-release"),
            &[("to_tenant", "1,300"), ("to_landlord", "0")],
        )
        .await;
    assert_eq!(refused.status(), 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM deposit_release_proposals").await, 1);
}

/// Uploads a PDF for the property, shared with tenants; returns its id.
async fn shared_pdf(admin: &mut Client, app: &TestApp, property: Uuid, title: &str) -> Uuid {
    admin.get(&format!("/properties/{property}")).await;
    let token = admin.csrf.clone().expect("a CSRF token");
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("title", title.to_string())
        .text("category", "certificate")
        .text("visibility", "tenant")
        .part("file", reqwest::multipart::Part::bytes(pdf).file_name("doc.pdf"));
    let response = admin
        .http
        .post(app.url(&format!("/properties/{property}/documents?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM documents WHERE title = $1"
    )
    .bind(title)
    .fetch_one(pool)
    .await)
    .unwrap()
}

#[tokio::test]
async fn a_former_tenant_sees_only_what_was_shared_during_their_tenancy_and_revoked_access_ends_at_once() {
    let app = TestApp::spawn().await;
    let (mut admin, tenancy, _) = deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;
    let (tenant_id, property): (Uuid, Uuid) = portico::on_pool!(&app.db, |pool| sqlx::query_as(
        "SELECT tt.tenant_id, t.property_id FROM tenancy_tenants tt JOIN tenancies t ON t.id = tt.tenancy_id"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    admin.get(&format!("/tenancies/{tenancy}")).await;
    admin
        .post(
            &format!("/tenancies/{tenancy}/invites"),
            &[("tenant_id", &tenant_id.to_string())],
        )
        .await;
    app.deliver_mail().await;
    let link = link_in(&app.mailbox.delivered()[0].text, "http://")
        .trim_start_matches(&app.base_url)
        .to_string();
    let mut ben = app.client();
    ben.get(&link).await;
    ben.post(&link, &[]).await;
    assert!(ben.get("/tenant-portal").await.body.contains("Welcome, Ben Okafor"));

    // The tenancy ended on 31 January; one document was shared before, one after.
    let inventory = shared_pdf(&mut admin, &app, property, "Check-out inventory").await;
    let next = shared_pdf(&mut admin, &app, property, "Gas safety for the next tenant").await;
    portico::on_pool!(&app.db, |pool| sqlx::query(
        "UPDATE tenancies SET status = 'ended', end_date = $1 WHERE id = $2"
    )
    .bind(chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap())
    .bind(tenancy)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    portico::on_pool!(&app.db, |pool| sqlx::query(
        "UPDATE documents SET created_at = $1 WHERE id = $2"
    )
    .bind(
        chrono::DateTime::parse_from_rfc3339("2026-01-20T10:00:00Z")
            .unwrap()
            .to_utc()
    )
    .bind(inventory)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    let home = ben.get("/tenant-portal").await.body;
    assert!(home.contains("Check-out inventory"), "{home}");
    assert!(!home.contains("Gas safety for the next tenant"), "{home}");
    assert_eq!(
        ben.get(&format!("/tenant-portal/documents/{inventory}")).await.status(),
        200
    );
    assert_eq!(ben.get(&format!("/tenant-portal/documents/{next}")).await.status(), 404);

    // Revoking the accepted invite ends the tenant's access at their next request.
    let invite: Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM tenant_portal_invites WHERE status = 'accepted'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let page = admin.get(&format!("/tenancies/{tenancy}")).await.body;
    assert!(page.contains("Revoke access"));
    let revoked = admin
        .post(&format!("/tenancies/{tenancy}/invites/{invite}/revoke"), &[])
        .await;
    assert_eq!(revoked.status(), 303);
    assert!(
        admin
            .get(&format!("/tenancies/{tenancy}"))
            .await
            .body
            .contains("Portal access revoked")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenant_portal_invites WHERE status = 'revoked'")
            .await,
        1
    );
    assert_eq!(ben.get("/tenant-portal").await.location(), Some("/tenant-portal/login"));
    assert_ne!(
        ben.get(&format!("/tenant-portal/documents/{inventory}")).await.status(),
        200
    );
}

#[tokio::test]
async fn inviting_a_tenant_again_leaves_one_live_link_and_keeps_an_accepted_invite() {
    let app = TestApp::spawn().await;
    let (mut admin, tenancy, _) = deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;
    let tenant_id: Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM tenants")
        .fetch_one(pool)
        .await)
    .unwrap();
    let invite = async |admin: &mut Client| {
        admin.get(&format!("/tenancies/{tenancy}")).await;
        let sent = admin
            .post(
                &format!("/tenancies/{tenancy}/invites"),
                &[("tenant_id", &tenant_id.to_string())],
            )
            .await;
        assert_eq!(sent.status(), 303);
        app.deliver_mail().await;
        let mail = app.mailbox.delivered();
        link_in(&mail.last().unwrap().text, "http://")
            .trim_start_matches(&app.base_url)
            .to_string()
    };
    let first = invite(&mut admin).await;
    let second = invite(&mut admin).await;
    assert_ne!(first, second);
    let mut ben = app.client();
    assert_eq!(ben.get(&first).await.status(), 404, "the first link died");
    assert_eq!(ben.get(&second).await.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenant_portal_invites WHERE status = 'present'")
            .await,
        1
    );
    ben.post(&second, &[]).await;
    assert!(ben.get("/tenant-portal").await.body.contains("Welcome, Ben Okafor"));
    // A third invite does not take the accepted one's access away.
    invite(&mut admin).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tenant_portal_invites WHERE status = 'accepted'")
            .await,
        1
    );
    assert!(ben.get("/tenant-portal").await.body.contains("Welcome, Ben Okafor"));
}

#[tokio::test]
async fn the_sign_in_page_wears_the_agencys_brand() {
    let app = TestApp::spawn().await;
    let acme = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut visitor = app.client();
    let only = visitor.get("/tenant-portal/login").await;
    assert_eq!(only.status(), 200);
    assert!(
        only.body.contains("Sign in to your Acme Lettings tenant portal") && only.body.contains("portal-name"),
        "the installation's one agency brands its sign-in page"
    );

    let other = app.agency("Other Homes", "olu@other.example").await;
    let plain = visitor.get("/tenant-portal/login").await.body;
    assert!(
        plain.contains("Sign in to your tenant portal") && !plain.contains("Acme Lettings"),
        "with two agencies and no link to say whose, the page is plain"
    );
    let theirs = visitor
        .get(&format!("/tenant-portal/login?agency={}", other.org.id))
        .await
        .body;
    assert!(theirs.contains("Sign in to your Other Homes tenant portal") && !theirs.contains("Acme"));
    assert!(
        theirs.contains(&format!(r#"name="agency" value="{}""#, other.org.id)),
        "the brand is kept through the form"
    );
    let asked = visitor
        .post(
            "/tenant-portal/login",
            &[("email", "nobody@example.com"), ("agency", &acme.org.id.to_string())],
        )
        .await;
    assert!(asked.body.contains("Sign in to your Acme Lettings tenant portal"));
    let nonsense = visitor.get("/tenant-portal/login?agency=%00not-an-id").await;
    assert_eq!(nonsense.status(), 200, "a bad agency id is just a plain page");
}

//! Landlord management in real headless Chromium, with JavaScript on and off:
//! create with a validation error then fix it, search as you type, filter, open,
//! edit, archive and restore.

mod common;

use common::browser::launch;
use common::*;

async fn landlord_journey(js: bool) {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    // Some landlords already on the books.
    let actor = portico::domain::audit::Actor::system();
    let mut tx = app.db.begin().await.unwrap();
    for (first, last, email, kind, company) in [
        (
            "Karen",
            "Lewis",
            "karen@avon.example",
            "company",
            "Avon Residential Ltd",
        ),
        ("David", "Patel", "david.patel@example.com", "individual", ""),
        ("Helen", "Marsh", "helen.marsh@example.com", "individual", ""),
    ] {
        let form = portico::domain::landlords::LandlordForm {
            first_name: first.into(),
            last_name: last.into(),
            email: email.into(),
            landlord_type: kind.into(),
            company_name: company.into(),
            ..portico::domain::landlords::LandlordForm::with_defaults()
        };
        portico::store::landlords::create(&mut tx, agency.org.id, &form.parse().unwrap(), None, &actor)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let Some(browser) = launch(&app.base_url, js).await else {
        return;
    };
    browser.sign_in(&agency.admin.email, ADMIN_PASSWORD).await;

    // Create, with a mistake first.
    browser.click("nav a[href='/landlords']").await;
    browser.wait_for_text("Add a landlord").await;
    browser.click("a.button[href='/landlords/new']").await;
    browser.fill("input[name=first_name]", "Sarah").await;
    browser.fill("input[name=last_name]", "Okonkwo").await;
    browser.fill("input[name=email]", "sarah.okonkwo@example").await;
    browser.fill("input[name=postcode]", "bs83au").await;
    browser.allow_status("422");
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for_text("There is a problem").await;
    browser
        .wait_for_text("Enter an email address in the correct format")
        .await;
    let kept = browser
        .find("input[name=first_name]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Sarah"), "what was typed is kept");
    browser.fill("input[name=email]", "sarah.okonkwo@example.com").await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for_text("Sarah Okonkwo has been added.").await;
    browser.wait_for_text("BS8 3AU").await;
    browser.assert_clean_console().await;

    // Search as you type (with JavaScript) or by submitting (without).
    browser.click("nav a[href='/landlords']").await;
    browser.wait_for_text("Helen Marsh").await;
    browser.type_into("#q", "okon").await;
    if !js {
        browser.click("form.filters button[type=submit]").await;
    }
    browser.wait_for_no_text("Helen Marsh").await;
    browser.wait_for_text("Sarah Okonkwo").await;
    browser.wait_for_path("q=okon").await;
    if js {
        // The back button returns to the unfiltered list.
        browser.client.back().await.expect("back");
        browser.wait_for_text("Helen Marsh").await;
        assert!(!browser.path().await.contains("q=okon"));
    }
    // Filter by type, at once with JavaScript.
    browser.fill("#q", "").await;
    browser.choose("select[name=landlord_type]", "company").await;
    if !js {
        browser.click("form.filters button[type=submit]").await;
    }
    browser.wait_for_no_text("Sarah Okonkwo").await;
    browser.wait_for_text("Avon Residential Ltd (Karen Lewis)").await;
    browser.wait_for_path("landlord_type=company").await;
    browser.assert_clean_console().await;

    // Open and edit.
    browser.goto("/landlords?q=okonkwo").await;
    browser.click("#landlord-results a[href^='/landlords/']").await;
    browser.wait_for_text("Contact details").await;
    browser.click("a.button[href$='/edit']").await;
    browser.fill("input[name=phone]", "07700 900123").await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for_text("Changes saved.").await;
    browser.wait_for_text("07700 900123").await;

    // Archive (with its confirmation) and restore.
    browser.click("a.button[href$='/archive']").await;
    browser.wait_for_text("Archive Sarah Okonkwo?").await;
    browser.click("form[action$='/archive'] button[type=submit]").await;
    browser.wait_for_text("Sarah Okonkwo has been archived.").await;
    browser.goto("/landlords").await;
    browser.wait_for_text("Helen Marsh").await;
    assert!(
        !browser.text().await.contains("Sarah Okonkwo"),
        "archived landlords are hidden"
    );
    browser.goto("/landlords?status=archived").await;
    browser.click("#landlord-results a[href^='/landlords/']").await;
    browser.click("form[action$='/restore'] button[type=submit]").await;
    browser
        .wait_for_text("Sarah Okonkwo has been restored as active.")
        .await;
    browser
        .wait_for_text("Ada Admin (agent) restored landlord Sarah Okonkwo")
        .await;
    browser.assert_clean_console().await;
    browser.close().await;
}

#[tokio::test]
async fn an_agent_manages_a_landlord_from_creation_to_restore_with_javascript() {
    landlord_journey(true).await;
}

#[tokio::test]
async fn an_agent_manages_a_landlord_from_creation_to_restore_without_javascript() {
    landlord_journey(false).await;
}

//! The landlord portal in real headless Chromium on a phone-sized window, with
//! JavaScript on and off: open the demo link, switch tabs, drill into a property
//! and its three sub-views, complete a task and watch the bar move, review an
//! offer, send a message and see the agent's reply arrive (by polling with
//! JavaScript, by the Refresh link without).

mod common;

use std::time::{Duration, Instant};

use common::browser::{Browser, launch_phone};
use common::*;

/// The "N of M tasks done" numbers on the Tasks tab.
async fn tasks_done(browser: &Browser) -> (u32, u32) {
    let text = browser.text().await;
    let at = text.find(" tasks done").expect("progress shown");
    let words: Vec<&str> = text[..at].split_whitespace().rev().take(3).collect();
    (words[2].parse().unwrap(), words[0].parse().unwrap())
}

/// Marks the page so a later check can tell htmx swapped content in place
/// (the mark survives) from a full page load (it is gone).
async fn mark_page(browser: &Browser) {
    browser
        .client
        .execute("window.__portico_mark = 42;", vec![])
        .await
        .unwrap();
}

async fn page_is_marked(browser: &Browser) -> bool {
    let value = browser
        .client
        .execute("return window.__portico_mark || 0;", vec![])
        .await
        .unwrap();
    value.as_i64() == Some(42)
}

/// The compliance sub-view: certificates with expiry dates, missing ones, or the empty state.
async fn wait_for_compliance(browser: &Browser) {
    let started = Instant::now();
    loop {
        let text = browser.text().await;
        if ["Expires", "Not on record", "No certificates on record."]
            .iter()
            .any(|t| text.contains(t))
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no compliance view: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn portal_journey(js: bool) {
    let app = TestApp::spawn().await;
    portico::demo::ensure(&app.db, app.state.files.as_ref())
        .await
        .expect("demo data");
    let token = portico::demo::portal_token(&app.db)
        .await
        .unwrap()
        .expect("demo portal");
    let url = portico::web::links::link_url(&app.state, &token);
    let link = url.trim_start_matches(&app.base_url).to_string();
    let Some(browser) = launch_phone(&app.base_url, js).await else {
        return;
    };

    browser.goto(&link).await;
    browser
        .wait_for_text(&format!("Welcome, {}", token.landlord_name))
        .await;
    browser.wait_for_text("Harbour & Hearth Lettings").await;
    browser.wait_for_text("hello@harbourandhearth.example").await;
    if js {
        assert!(browser.htmx_loaded().await);
        mark_page(&browser).await;
    }

    // Tabs.
    browser.click("nav.tabs a[href$='/tasks']").await;
    browser.wait_for_path("/tasks").await;
    browser.wait_for_text("Pending").await;
    browser.click("nav.tabs a[href$='/offers']").await;
    browser.wait_for_path("/offers").await;
    browser.wait_for_text("Awaiting Your Review").await;
    browser.click("nav.tabs a[href$='/properties']").await;
    browser.wait_for_path("/properties").await;

    // A property and its three sub-views.
    browser.click("a.property-card").await;
    browser.wait_for_path("/tenancies").await;
    browser.wait_for_text("All properties").await;
    browser.click("nav[aria-label=Property] a[href$='/compliance']").await;
    browser.wait_for_path("/compliance").await;
    wait_for_compliance(&browser).await;
    browser.click("nav[aria-label=Property] a[href$='/documents']").await;
    browser.wait_for_path("/documents").await;
    browser.wait_for_text("Gas Safety record").await;
    let text = browser.text().await;
    assert!(!text.contains("Internal inspection notes") && !text.contains("Tenant's copy"));
    if js {
        assert!(
            page_is_marked(&browser).await,
            "tabs and sub-views were swapped in place"
        );
    }
    // Back works (htmx keeps no page cache, so it reloads the page from the server).
    browser.client.back().await.unwrap();
    browser.wait_for_path("/compliance").await;
    wait_for_compliance(&browser).await;
    if js {
        mark_page(&browser).await;
    }

    // Complete a task: the bar moves.
    browser.click("nav.tabs a[href$='/tasks']").await;
    browser.wait_for_text("tasks done").await;
    let (done, total) = tasks_done(&browser).await;
    assert!(done < total, "the demo has a pending task");
    browser.click("#pending-tasks button[type=submit]").await;
    browser.wait_for_text("as complete?").await;
    browser.click("#confirm-complete button[type=submit]").await;
    browser
        .wait_for_text(&format!("{} of {total} tasks done", done + 1))
        .await;
    browser.wait_for_text("as complete. Thank you").await;
    let bar = browser.find("progress#completion").await;
    assert_eq!(
        bar.attr("value").await.unwrap().as_deref(),
        Some((done + 1).to_string().as_str())
    );

    // Review an offer.
    browser.click("nav.tabs a[href$='/offers']").await;
    browser.wait_for_text("Awaiting Your Review").await;
    browser.click("#awaiting-offers input[value=decline]").await;
    browser
        .fill(
            "#awaiting-offers textarea[name=comment]",
            "Rent is too low for a 12-month let",
        )
        .await;
    browser.click("#awaiting-offers button[type=submit]").await;
    browser.wait_for_text("Do you want to decline the offer from").await;
    browser.click("#confirm-decision button[type=submit]").await;
    browser.wait_for_text("You declined the offer from").await;
    browser.wait_for_text("You declined this offer").await;
    browser.wait_for_text("Rent is too low for a 12-month let").await;

    // Messages: send one, then the agent replies.
    browser.click("nav.tabs a[href$='/messages']").await;
    browser.wait_for_path("/messages").await;
    assert_eq!(
        browser.text().await.contains("New messages appear here by themselves"),
        js,
        "only a page with script promises messages that arrive by themselves"
    );
    let mine = if js {
        "Sent with JavaScript"
    } else {
        "Sent without JavaScript"
    };
    browser.fill("textarea[name=body]", mine).await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for_text(mine).await;
    let reply = format!("Agent reply to: {mine}");
    let mut tx = app.db.begin().await.unwrap();
    portico::store::portal_messages::send_from_agent(
        &mut tx,
        &token,
        &portico::domain::audit::Actor::system(),
        &reply,
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    if js {
        // The 15-second refresh brings it in without a page load.
        let started = Instant::now();
        while !browser.text().await.contains(&reply) {
            assert!(
                started.elapsed() < Duration::from_secs(40),
                "the reply never arrived by polling"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert!(
            page_is_marked(&browser).await,
            "everything happened without a full page load"
        );
        browser.assert_clean_console().await;
    } else {
        browser.click("p.hint a[href$='/messages']").await;
        browser.wait_for_text(&reply).await;
    }
    let new_marker = browser.find("#thread li.new").await;
    assert!(new_marker.text().await.unwrap().contains(&reply));
    browser.close().await;
}

#[tokio::test]
async fn a_landlord_uses_the_portal_on_a_phone_with_javascript() {
    portal_journey(true).await;
}

#[tokio::test]
async fn a_landlord_uses_the_portal_on_a_phone_without_javascript() {
    portal_journey(false).await;
}

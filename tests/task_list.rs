//! The agency's task list: every property's tasks in one queue, soonest due
//! first, narrowed by status, overdue, assignee, branch and landlord, searched
//! by title or address, counted ("26–34 of 34") and paged both ways.

mod common;

use chrono::{NaiveDate, TimeDelta};
use common::*;
use portico::domain::audit::Actor;
use portico::domain::tasks::{AssigneeKind, TaskFields};
use uuid::Uuid;

async fn task(
    app: &TestApp,
    org: Uuid,
    property: Uuid,
    title: &str,
    kind: AssigneeKind,
    due: Option<NaiveDate>,
) -> Uuid {
    let mut tx = app.db.begin().await.unwrap();
    let id = portico::store::tasks::create(
        &mut tx,
        org,
        property,
        "the property",
        &TaskFields {
            title: title.into(),
            description: None,
            assignee_kind: kind,
            assignee_user_id: None,
            due_on: due,
        },
        &Actor::system(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The task titles of a list page, in order.
fn titles(body: &str) -> Vec<String> {
    let body = &without_cell_labels(body);
    body.split("<tr><td>")
        .skip(1)
        .map(|row| row.split('<').next().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn agents_find_every_task_of_the_agency_filtered_counted_and_paged_both_ways() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let other = app.agency("Other Homes", "olu@other.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let today = app.state.settings.clock.today();
    let day = |n: i64| Some(today + TimeDelta::days(n));

    let main_street = app
        .property(agency.org.id, |p| p.address_line1 = "1 Main Street".into())
        .await;
    let mill_lane = app
        .property(agency.org.id, |p| p.address_line1 = "9 Mill Lane".into())
        .await;
    let mill_landlord = portico::store::properties::get(&app.db, agency.org.id, mill_lane)
        .await
        .unwrap()
        .unwrap()
        .landlord_id;
    for n in 0..30 {
        let due = if n < 4 { day(-10 + n) } else { day(n) };
        task(
            &app,
            agency.org.id,
            main_street,
            &format!("Chore {n:02}"),
            AssigneeKind::Agent,
            due,
        )
        .await;
    }
    for n in 0..3 {
        task(
            &app,
            agency.org.id,
            mill_lane,
            &format!("Sign lease {n}"),
            AssigneeKind::Landlord,
            None,
        )
        .await;
    }
    let done = task(
        &app,
        agency.org.id,
        mill_lane,
        "Already done",
        AssigneeKind::Agent,
        day(-1),
    )
    .await;
    let done_task = portico::store::tasks::get(&app.db, agency.org.id, done)
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    portico::store::tasks::complete(&mut tx, &done_task, &Actor::system())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let north = portico::store::orgs::create_branch(&mut tx, agency.org.id, "North")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let north_house = app
        .property(agency.org.id, |p| {
            p.address_line1 = "3 North Road".into();
            p.branch_id = north.id.to_string();
        })
        .await;
    task(
        &app,
        agency.org.id,
        north_house,
        "Chase the gas engineer",
        AssigneeKind::Agent,
        day(40),
    )
    .await;
    let theirs = app.property(other.org.id, |_| {}).await;
    task(
        &app,
        other.org.id,
        theirs,
        "Zzother agency chore",
        AssigneeKind::Agent,
        day(-5),
    )
    .await;

    // The queue: pending only, soonest due first, undated last.
    let first = admin.get("/tasks").await;
    assert_eq!(first.status(), 200, "{}", first.body);
    assert_eq!(page_position(&first.body).as_deref(), Some("1–25 of 34"));
    let first_titles = titles(&first.body);
    assert_eq!(first_titles.len(), 25);
    assert_eq!(first_titles[..4], ["Chore 00", "Chore 01", "Chore 02", "Chore 03"]);
    assert!(!first.body.contains("Zzother") && !first.body.contains("Already done"));
    assert!(!first.body.contains(r#"rel="prev""#), "no page before the first");
    assert_eq!(first.body.matches("Overdue</span>").count(), 4);

    let second = admin.get(&rel_link(&first.body, "next")).await;
    assert_eq!(page_position(&second.body).as_deref(), Some("26–34 of 34"));
    let second_titles = titles(&second.body);
    assert_eq!(second_titles.len(), 9);
    assert_eq!(
        second_titles[5..],
        ["Chase the gas engineer", "Sign lease 0", "Sign lease 1", "Sign lease 2"]
    );
    assert!(!second.body.contains(r#"rel="next""#), "no page after the last");
    let back = admin.get(&rel_link(&second.body, "prev")).await;
    assert_eq!(page_position(&back.body).as_deref(), Some("1–25 of 34"));
    assert_eq!(
        titles(&back.body),
        first_titles,
        "the previous page is the first page again"
    );

    // Filters, alone and together.
    let overdue = admin.get("/tasks?overdue=1").await;
    assert_eq!(titles(&overdue.body), ["Chore 00", "Chore 01", "Chore 02", "Chore 03"]);
    let for_landlord = admin.get("/tasks?assignee=landlord").await;
    assert_eq!(page_position(&for_landlord.body).as_deref(), Some("1–3 of 3"));
    let landlords = admin.get(&portico::web::paths::landlord_tasks(mill_landlord)).await;
    assert_eq!(page_position(&landlords.body).as_deref(), Some("1–4 of 4"));
    assert!(landlords.body.contains("Already done") && landlords.body.contains("Completed"));
    let northern = admin.get(&format!("/tasks?branch={}", north.id)).await;
    assert_eq!(titles(&northern.body), ["Chase the gas engineer"]);
    let searched = admin.get("/tasks?q=mill+sign").await;
    assert_eq!(page_position(&searched.body).as_deref(), Some("1–3 of 3"));
    let nothing = admin.get("/tasks?q=nowhere").await;
    assert!(nothing.body.contains("No tasks match these filters"));
    assert_eq!(page_position(&nothing.body), None);

    // htmx asks for the results only.
    let fragment = admin
        .get_with(
            "/tasks?overdue=1",
            &[("HX-Request", "true"), ("HX-Target", "task-results")],
        )
        .await;
    assert!(fragment.body.starts_with(r#"<div id="task-results""#));

    // The home page's count is a link to exactly these.
    let home = admin.get("/").await;
    assert!(home.body.contains(r#"href="/tasks?overdue=1""#), "{}", home.body);

    // A cursor that does not decode is the first page, never an error.
    let odd = admin.get("/tasks?after=garbage&before=%00").await;
    assert_eq!(odd.status(), 200, "{}", odd.body);
}

#[tokio::test]
async fn the_task_list_sorts_by_its_columns_both_ways_and_pages_in_that_order() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let today = app.state.settings.clock.today();
    let home = app
        .property(agency.org.id, |p| p.address_line1 = "1 Main Street".into())
        .await;
    // Titles in the reverse order of their due dates.
    for n in 0..30 {
        task(
            &app,
            agency.org.id,
            home,
            &format!("Chore {n:02}"),
            AssigneeKind::Agent,
            Some(today + TimeDelta::days(60 - n)),
        )
        .await;
    }
    let by_due = admin.get("/tasks").await.body;
    assert_eq!(titles(&by_due)[0], "Chore 29", "soonest due first by default");
    assert!(by_due.contains(r#"aria-sort="ascending""#));

    let by_title = admin.get("/tasks?sort=title").await.body;
    let first_page = titles(&by_title);
    assert_eq!(first_page.first().map(String::as_str), Some("Chore 00"));
    assert_eq!(first_page.last().map(String::as_str), Some("Chore 24"));
    assert!(
        by_title.contains(r#"href="/tasks?status=pending&amp;sort=-title""#),
        "the sorted column's heading sorts the other way"
    );
    let next = rel_link(&by_title, "next");
    assert!(next.contains("sort=title"), "paging keeps the order: {next}");
    let second = admin.get(&next).await.body;
    assert_eq!(titles(&second).first().map(String::as_str), Some("Chore 25"));
    assert_eq!(page_position(&second).as_deref(), Some("26–30 of 30"));
    let back = admin.get(&rel_link(&second, "prev")).await.body;
    assert_eq!(titles(&back), first_page);

    let descending = admin.get("/tasks?sort=-title").await.body;
    assert_eq!(titles(&descending).first().map(String::as_str), Some("Chore 29"));
    assert!(descending.contains(r#"aria-sort="descending""#));
    assert_eq!(page_position(&descending).as_deref(), Some("1–25 of 30"));
    let nonsense = admin.get("/tasks?sort=-%00drop").await;
    assert_eq!(nonsense.status(), 200, "an unknown sort is the list's own order");
    assert_eq!(titles(&nonsense.body)[0], "Chore 29");
}

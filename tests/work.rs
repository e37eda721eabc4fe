//! Tasks and offers on properties through the real app on both databases.

mod common;

use chrono::{TimeDelta, Utc};
use common::*;

async fn property(app: &TestApp, org_id: uuid::Uuid) -> uuid::Uuid {
    app.property(org_id, |_| {}).await
}

#[tokio::test]
async fn tasks_are_created_for_landlords_or_agents_stand_out_when_overdue_and_complete_once() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id).await;
    let yesterday = (Utc::now().date_naive() - TimeDelta::days(1)).to_string();
    let new = format!("/properties/{home}/tasks/new");
    admin.get(&new).await;
    let page = admin.post(&new, &[("title", ""), ("assignee_kind", "agent")]).await;
    assert_eq!(page.status(), 422);
    assert!(page.body.contains("Enter a title") && page.body.contains("Choose the agent the task is for"));
    let created = admin
        .post(
            &new,
            &[
                ("title", "Sign the renewal"),
                ("assignee_kind", "landlord"),
                ("due_on", &yesterday),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let admin_id = agency.admin.id.to_string();
    admin
        .post(
            &new,
            &[
                ("title", "Book the inventory clerk"),
                ("assignee_kind", "agent"),
                ("assignee_user_id", &admin_id),
            ],
        )
        .await;
    let page = admin.get(&format!("/properties/{home}")).await;
    assert!(page.body.contains("Tasks (2 pending)"));
    assert_eq!(page.body.matches(">Overdue<").count(), 1);
    let dashboard = admin.get("/").await;
    assert!(
        dashboard
            .body
            .contains(r#"<span class="number">1</span><span class="what">overdue tasks</span>"#)
    );

    let id: uuid::Uuid = portico::on_pool!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM tasks WHERE title = 'Sign the renewal'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(admin.post(&format!("/tasks/{id}/complete"), &[]).await.status(), 303);
    assert_eq!(admin.post(&format!("/tasks/{id}/complete"), &[]).await.status(), 303);
    let page = admin.get(&format!("/properties/{home}")).await;
    assert!(page.body.contains("Tasks (1 pending)") && page.body.contains("by Ada Admin"));
    assert_eq!(
        page.body.matches(">Overdue<").count(),
        0,
        "a completed task is not overdue"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'task.complete'")
            .await,
        1,
        "completed once"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'task.create'")
            .await,
        2
    );
}

#[tokio::test]
async fn offers_move_only_along_allowed_transitions_and_each_move_is_audited() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id).await;
    let new = format!("/properties/{home}/offers/new");
    admin.get(&new).await;
    let bad = admin
        .post(
            &new,
            &[
                ("applicant_name", "Amy Lee"),
                ("applicant_email", "amy"),
                ("rent", "lots"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.body.contains("Enter an email address in the correct format")
            && bad.body.contains("Enter an amount in pounds")
    );
    let created = admin
        .post(
            &new,
            &[
                ("applicant_name", "Amy Lee"),
                ("applicant_email", "amy@example.com"),
                ("rent", "1,150"),
                ("term_months", "12"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let offer = created.location().unwrap().to_string();
    let page = admin.get(&offer).await;
    assert!(page.body.contains("£1,150.00 per month") && page.body.contains(">Invited<"));
    let status = || async {
        portico::on_pool!(&app.db, |pool| sqlx::query_scalar::<_, String>(
            "SELECT status FROM offers"
        )
        .fetch_one(pool)
        .await)
        .unwrap()
    };
    // Refused: straight from invited to accepted.
    let audit = app.count("SELECT COUNT(*) FROM audit_log").await;
    admin.post(&format!("{offer}/status"), &[("status", "accepted")]).await;
    assert_eq!(status().await, "invited");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit);
    assert!(admin.get(&offer).await.body.contains("cannot become"));
    // Allowed: in progress, with agent, then "Send to landlord".
    for step in ["in_progress", "with_agent", "sent_to_landlord"] {
        admin.get(&offer).await;
        assert_eq!(
            admin
                .post(&format!("{offer}/status"), &[("status", step)])
                .await
                .status(),
            303
        );
        assert_eq!(status().await, step);
    }
    let page = admin.get(&offer).await;
    assert!(page.body.contains(">Awaiting Your Review<"));
    assert!(
        admin
            .get("/")
            .await
            .body
            .contains(r#"<span class="number">1</span><span class="what">offers awaiting landlords</span>"#)
    );
    admin.post(&format!("{offer}/status"), &[("status", "accepted")]).await;
    assert_eq!(status().await, "accepted");
    // Final: nothing moves an accepted offer.
    admin.get(&offer).await;
    admin.post(&format!("{offer}/status"), &[("status", "cancelled")]).await;
    assert_eq!(status().await, "accepted");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'offer.status'")
            .await,
        4
    );
    assert_eq!(
        admin
            .post(&format!("{offer}/status"), &[("status", "bogus")])
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn today_is_londons_day_so_a_task_due_yesterday_is_overdue_at_half_past_midnight_in_summer() {
    // 23:30 UTC on 1 July is 00:30 BST on 2 July.
    let at = chrono::DateTime::parse_from_rfc3339("2026-07-01T23:30:00Z")
        .unwrap()
        .to_utc();
    let app = TestApp::spawn_with(|settings| settings.clock = portico::clock::Clock::Fixed(at)).await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id).await;
    let new = format!("/properties/{home}/tasks/new");
    admin.get(&new).await;
    let created = admin
        .post(
            &new,
            &[
                ("title", "Sign the renewal"),
                ("assignee_kind", "landlord"),
                ("due_on", "2026-07-01"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let dashboard = admin.get("/").await.body;
    assert!(
        dashboard.contains(r#"<span class="number">1</span><span class="what">overdue tasks</span>"#),
        "{dashboard}"
    );
}

//! Fault test (issue 7): `portico serve` killed with SIGKILL, again and again,
//! in the middle of writes — landlord portal messages, task completions and
//! deposit release proposals. After every restart each acknowledged write is
//! there, each change has its audit row (and its queued job) or none of them,
//! and SQLite's `integrity_check` says ok. On SQLite by default; on PostgreSQL
//! too when `PORTICO_TEST_POSTGRES_URL` is set.

mod common;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::process::{Portico, ServeConfig};
use common::*;
use portico::db::Db;
use portico::on_pool;
use uuid::Uuid;

const SECRET: &str = "test-secret-key-test-secret-key-0123";
const ROUNDS: usize = 6;

/// What the writers saw: writes the server acknowledged, and any answer that
/// is neither an acknowledgement nor a dropped connection.
#[derive(Default)]
struct Seen {
    messages: Vec<String>,
    tasks: Vec<Uuid>,
    proposals: Vec<String>,
    unacknowledged: usize,
    unexpected: Vec<String>,
}

#[derive(Clone, Copy)]
enum Writer {
    Message,
    Task,
    Proposal,
}

/// What every writer of a round shares.
struct Round {
    base: String,
    portal: String,
    tenancy: Uuid,
    tasks: Arc<Mutex<VecDeque<Uuid>>>,
    seen: Arc<Mutex<Seen>>,
    stop: AtomicBool,
}

/// Writes until the round stops, recording what was acknowledged (a 303).
async fn write(kind: Writer, name: String, round: Arc<Round>) {
    let Round {
        base,
        portal,
        tenancy,
        tasks,
        seen,
        stop,
    } = &*round;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let marker = format!("fault-kill {name} #{n} {}", Uuid::new_v4().simple());
        let (url, form): (String, Vec<(&str, String)>) = match kind {
            Writer::Message => (format!("{base}{portal}/messages"), vec![("body", marker.clone())]),
            Writer::Task => {
                let next = tasks.lock().expect("tasks").pop_front();
                let Some(task) = next else { break };
                (
                    format!("{base}{portal}/tasks/{task}/complete"),
                    vec![("n", task.to_string()), ("confirm", "yes".into())],
                )
            }
            Writer::Proposal => (
                format!("{base}{portal}/tenancies/{tenancy}/deposit-release"),
                vec![
                    ("to_tenant", "1,000".into()),
                    ("to_landlord", "300".into()),
                    ("deduction_1_reason", "Cleaning".into()),
                    ("deduction_1_amount", "300".into()),
                    ("note", marker.clone()),
                ],
            ),
        };
        let answer = http.post(&url).form(&form).send().await;
        let mut seen = seen.lock().expect("seen");
        match answer {
            Ok(response) if response.status() == 303 => match kind {
                Writer::Message => seen.messages.push(marker),
                Writer::Task => seen.tasks.push(form[0].1.parse().expect("task id")),
                Writer::Proposal => seen.proposals.push(marker),
            },
            Ok(response) => {
                seen.unacknowledged += 1;
                let what = match kind {
                    Writer::Message => "message",
                    Writer::Task => "task completion",
                    Writer::Proposal => "deposit release proposal",
                };
                seen.unexpected.push(format!("{what}: {}", response.status()));
            }
            // The server was killed under this request: not acknowledged.
            Err(_) => seen.unacknowledged += 1,
        }
    }
}

async fn scalar(db: &Db, sql: &'static str) -> i64 {
    on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).expect(sql)
}

async fn texts(db: &Db, sql: &'static str) -> Vec<String> {
    on_pool!(db, |pool| sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await).expect(sql)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_writes_loses_no_acknowledged_write_and_leaves_no_half_change() {
    let app = TestApp::spawn().await;
    let (_, tenancy, org_id) = deposit_tenancy(&app, "Acme Lettings", "ada@acme.example", "ben@example.com").await;
    let property: Uuid = on_pool!(&app.db, |pool| sqlx::query_scalar(
        "SELECT property_id FROM tenancies WHERE id = $1"
    )
    .bind(tenancy)
    .fetch_one(pool)
    .await)
    .expect("the tenancy's property");
    let (_, portal) = app.portal_for(org_id, property).await;
    let mut task_ids = VecDeque::new();
    let mut tx = app.db.begin().await.expect("begin");
    for n in 0..400 {
        let fields = portico::domain::tasks::TaskFields {
            title: format!("Task {n}"),
            description: None,
            assignee_kind: portico::domain::tasks::AssigneeKind::Landlord,
            assignee_user_id: None,
            due_on: None,
        };
        let id = portico::store::tasks::create(
            &mut tx,
            org_id,
            property,
            "14 Royal York Crescent",
            &fields,
            &portico::domain::audit::Actor::system(),
        )
        .await
        .expect("task");
        task_ids.push_back(id);
    }
    tx.commit().await.expect("commit");
    let tasks = Arc::new(Mutex::new(task_ids));

    let dir = app.database.dir.path();
    let config = ServeConfig::new(&app.database.url, dir, SECRET, &dir.join("portico.log"));
    let base = config.base_url();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let started = Instant::now();
    let mut kills = 0;
    for round in 0..ROUNDS {
        let mut server = Portico::serve(&config).await;
        let shared = Arc::new(Round {
            base: base.clone(),
            portal: portal.clone(),
            tenancy,
            tasks: tasks.clone(),
            seen: seen.clone(),
            stop: AtomicBool::new(false),
        });
        let mut writers = Vec::new();
        for (n, kind) in [
            Writer::Message,
            Writer::Message,
            Writer::Task,
            Writer::Task,
            Writer::Proposal,
            Writer::Proposal,
        ]
        .into_iter()
        .enumerate()
        {
            writers.push(tokio::spawn(write(
                kind,
                format!("round {round} writer {n}"),
                shared.clone(),
            )));
        }
        tokio::time::sleep(Duration::from_millis(rand::random_range(150..700))).await;
        server.kill();
        kills += 1;
        shared.stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.await.expect("writer");
        }
    }
    // After the last kill the server starts on the same data and serves.
    let server = Portico::serve(&config).await;
    let mut landlord = Client::new(&base);
    assert_eq!(landlord.get(&format!("{portal}/messages")).await.status(), 200);
    drop(server);

    let seen = std::mem::take(&mut *seen.lock().expect("seen"));
    assert!(
        seen.unexpected.is_empty(),
        "answers other than 303: {:?}",
        seen.unexpected
    );
    let db = &app.db;

    // Every acknowledged write is there, once.
    let mut bodies: HashMap<String, usize> = HashMap::new();
    for body in texts(db, "SELECT body FROM landlord_messages").await {
        *bodies.entry(body).or_default() += 1;
    }
    for marker in &seen.messages {
        assert_eq!(bodies.get(marker), Some(&1), "acknowledged message {marker}");
    }
    let completed_ids: HashSet<Uuid> = on_pool!(db, |pool| sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM tasks WHERE status = 'completed'"
    )
    .fetch_all(pool)
    .await)
    .expect("completed tasks")
    .into_iter()
    .collect();
    for task in &seen.tasks {
        assert!(completed_ids.contains(task), "acknowledged completion of {task}");
    }
    let notes: HashSet<String> = texts(db, "SELECT note FROM deposit_release_proposals WHERE note IS NOT NULL")
        .await
        .into_iter()
        .collect();
    for marker in &seen.proposals {
        assert!(notes.contains(marker), "acknowledged proposal {marker}");
    }

    // Each change with its audit row (and job) or none of them.
    for (what, sql) in [
        (
            "landlord messages without exactly one audit row",
            "SELECT COUNT(*) FROM landlord_messages m WHERE m.sender_type = 'landlord' AND (SELECT COUNT(*) FROM \
             audit_log a WHERE a.entity_id = m.id AND a.action = 'landlord_portal.send_message') <> 1",
        ),
        (
            "message audit rows without their message",
            "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'landlord_portal.send_message' AND NOT EXISTS \
             (SELECT 1 FROM landlord_messages m WHERE m.id = a.entity_id)",
        ),
        (
            "completed tasks without exactly one completion audit row",
            "SELECT COUNT(*) FROM tasks t WHERE t.status = 'completed' AND (SELECT COUNT(*) FROM audit_log a \
             WHERE a.entity_id = t.id AND a.action = 'task.complete') <> 1",
        ),
        (
            "completion audit rows of tasks not completed",
            "SELECT COUNT(*) FROM audit_log a WHERE a.action = 'task.complete' AND NOT EXISTS \
             (SELECT 1 FROM tasks t WHERE t.id = a.entity_id AND t.status = 'completed')",
        ),
        (
            "proposals without exactly one proposal audit row",
            "SELECT COUNT(*) FROM deposit_release_proposals p WHERE (SELECT COUNT(*) FROM audit_log a \
             WHERE a.entity_id = p.id AND a.action = 'deposit_release.propose') <> 1",
        ),
        (
            "proposals without exactly one notification job",
            "SELECT COUNT(*) FROM deposit_release_proposals p WHERE (SELECT COUNT(*) FROM jobs j \
             WHERE j.subject_id = p.id AND j.kind = 'deposit_release_proposed_notify') <> 1",
        ),
        (
            "proposals without their deduction line",
            "SELECT COUNT(*) FROM deposit_release_proposals p WHERE (SELECT COUNT(*) FROM deposit_deductions d \
             WHERE d.proposal_id = p.id) <> 1",
        ),
        (
            "withdrawn proposals without exactly one withdrawal audit row, or open ones with one",
            "SELECT COUNT(*) FROM deposit_release_proposals p WHERE (SELECT COUNT(*) FROM audit_log a \
             WHERE a.entity_id = p.id AND a.action = 'deposit_release.withdraw') <> \
             CASE WHEN p.status = 'withdrawn' THEN 1 ELSE 0 END",
        ),
        (
            "proposal audit rows or jobs without their proposal",
            "SELECT (SELECT COUNT(*) FROM audit_log a WHERE a.action IN ('deposit_release.propose', \
             'deposit_release.withdraw') AND NOT EXISTS (SELECT 1 FROM deposit_release_proposals p \
             WHERE p.id = a.entity_id)) + (SELECT COUNT(*) FROM jobs j WHERE j.kind = \
             'deposit_release_proposed_notify' AND NOT EXISTS (SELECT 1 FROM deposit_release_proposals p \
             WHERE p.id = j.subject_id))",
        ),
    ] {
        assert_eq!(scalar(db, sql).await, 0, "{what}");
    }
    assert!(
        scalar(
            db,
            "SELECT COUNT(*) FROM deposit_release_proposals WHERE status = 'open'"
        )
        .await
            <= 1,
        "at most one open proposal"
    );
    if let Db::Sqlite(pool, _) = db {
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(pool)
            .await
            .expect("integrity_check");
        assert_eq!(integrity, vec!["ok".to_string()]);
        let foreign: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(pool)
            .await
            .expect("foreign_key_check");
        assert!(foreign.is_empty(), "foreign keys: {foreign:?}");
    }
    let log = config.log_text();
    assert!(!log.contains("panicked"), "no panic in the server log:\n{log}");
    let stored_messages = scalar(db, "SELECT COUNT(*) FROM landlord_messages").await;
    let stored_tasks = completed_ids.len();
    let stored_proposals = scalar(db, "SELECT COUNT(*) FROM deposit_release_proposals").await;
    println!(
        "fault_kill ({}): {kills} SIGKILLs in {:?}; acknowledged {} messages, {} task completions, {} proposals \
         ({} requests cut off); stored {stored_messages} messages, {stored_tasks} completions, {stored_proposals} proposals",
        if app.postgres { "PostgreSQL" } else { "SQLite" },
        started.elapsed(),
        seen.messages.len(),
        seen.tasks.len(),
        seen.proposals.len(),
        seen.unacknowledged,
    );
}

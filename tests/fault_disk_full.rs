//! Fault test (issue 7): a full disk under the data dir (a small tmpfs holding
//! the SQLite database and the documents folder). Writes and uploads answer a
//! clear 507 page, not a 500; nothing is half-written (no document row without
//! its file or file without its row, no message without its audit row); once
//! space is freed the same write and upload succeed without a restart.
//!
//! This is about the SQLite data dir, so it runs in the SQLite pass only.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::process::{Portico, ServeConfig};
use common::tmpfs::Tmpfs;
use common::*;

const SECRET: &str = "test-secret-key-test-secret-key-0123";
const FULL: &str = "The server has run out of disk space. Nothing was saved; please try again later.";

/// A PDF of about `kb` kilobytes.
fn pdf(kb: usize) -> Vec<u8> {
    let mut bytes =
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'%', kb * 1024));
    bytes.extend_from_slice(b"\ntrailer<</Root 1 0 R>>\n%%EOF\n");
    bytes
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

async fn upload(agent: &mut Client, base: &str, property: uuid::Uuid, title: &str) -> (u16, Option<String>, String) {
    agent.get(&format!("/properties/{property}")).await;
    let token = agent.csrf.clone().expect("a CSRF token on the property page");
    let form = reqwest::multipart::Form::new()
        .text("title", title.to_string())
        .text("category", "certificate")
        .text("visibility", "all")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf(300)).file_name("gas-safety.pdf"),
        );
    let response = agent
        .http
        .post(format!("{base}/properties/{property}/documents?csrf_token={token}"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, retry, response.text().await.expect("body"))
}

/// No document row without its file, no file (staged or final) without its row.
async fn documents_whole(app: &TestApp) -> usize {
    let rows: Vec<(uuid::Uuid, uuid::Uuid)> =
        portico::on_pool!(&app.db, |pool| sqlx::query_as("SELECT id, org_id FROM documents")
            .fetch_all(pool)
            .await)
        .expect("documents");
    let documents = app.database.dir.path().join("documents");
    // A refused upload's staging file is removed in the background: allow it a moment.
    let started = Instant::now();
    loop {
        let files = files_under(&documents);
        let expected: Vec<PathBuf> = rows
            .iter()
            .map(|(id, org)| documents.join(portico::store::documents::storage_path(*org, *id).to_string()))
            .collect();
        let all_there = expected.iter().all(|p| files.contains(p));
        if all_there && files.len() == expected.len() {
            return rows.len();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "documents {rows:?} and files {files:?} do not match"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The database is whole after `step`; the server's log is shown when it is not.
async fn assert_whole(app: &TestApp, config: &ServeConfig, step: &str) {
    let problems = app
        .db
        .sqlite_integrity_check()
        .await
        .expect("integrity_check")
        .expect("SQLite");
    assert!(
        problems.is_empty(),
        "integrity_check after {step}: {problems:?}; server log:\n{}",
        config.log_text()
    );
    let findings = portico::store::derived::check(&app.db)
        .await
        .expect("check the derived structures");
    assert!(findings.is_empty(), "derived structures after {step}: {findings:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_and_uploads_with_a_clear_page_and_serves_again_once_space_is_freed() {
    if postgres_admin_url().is_some() {
        skipped("the full-disk test is about the SQLite data dir; it runs in the SQLite pass");
        return;
    }
    if !required(is_root(), "the full-disk test needs root to mount a tmpfs") {
        return;
    }
    let (disk, dir) = match Tmpfs::mount("8m") {
        Ok(mounted) => mounted,
        Err(reason) => {
            required(false, &format!("could not mount a tmpfs: {reason}"));
            return;
        }
    };
    let app = TestApp::spawn_on(TestDatabase::sqlite_in(dir), |_| {}).await;
    let agency = app.agency("Harbour Lettings", "ada@harbour.example").await;
    let home = app.property(agency.org.id, |_| {}).await;
    let (_, portal) = app.portal_for(agency.org.id, home).await;
    let logs = tempfile::tempdir().expect("log dir");
    let config = ServeConfig::new(&app.database.url, disk.path(), SECRET, &logs.path().join("portico.log"));
    let server = Portico::serve(&config).await;
    let base = config.base_url();
    let mut agent = Client::new(&base);
    assert_eq!(agent.login(&agency.admin.email, ADMIN_PASSWORD).await.status(), 303);
    let mut landlord = Client::new(&base);
    assert_eq!(landlord.get(&format!("{portal}/messages")).await.status(), 200);
    let (status, _, body) = upload(&mut agent, &base, home, "Before").await;
    assert_eq!(status, 303, "an upload with space works: {body}");

    // Empty the write-ahead log so that the next write needs new space, then fill the disk.
    portico::on_pool!(&app.db, |pool| sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await
        .map(|_| ()))
    .expect("checkpoint");
    let filler = disk.fill("filler");
    let messages = app.count("SELECT COUNT(*) FROM landlord_messages").await;
    let audit = app.count("SELECT COUNT(*) FROM audit_log").await;
    let landlords = app.count("SELECT COUNT(*) FROM landlords").await;

    // A portal message, as a form and through htmx.
    let message = "Boiler fixed on Tuesday — disk-full marker";
    let refused = landlord
        .post_raw(&format!("{portal}/messages"), &[("body", message)])
        .await;
    assert_eq!(refused.status(), 507, "{}", refused.body);
    assert!(
        refused.body.contains(FULL) && refused.body.contains("<!DOCTYPE html>"),
        "{}",
        refused.body
    );
    assert!(refused.header("retry-after").is_some());
    assert_whole(&app, &config, "a refused portal message").await;
    let fragment = landlord
        .http
        .post(format!("{base}{portal}/messages"))
        .header("HX-Request", "true")
        .form(&[("body", message)])
        .send()
        .await
        .expect("htmx post");
    assert_eq!(fragment.status(), 507);
    assert!(fragment.headers().contains_key("hx-retarget"));
    let fragment = fragment.text().await.expect("body");
    assert!(fragment.contains(FULL) && !fragment.contains("<!DOCTYPE"), "{fragment}");
    assert_whole(&app, &config, "a refused htmx portal message").await;
    // A back-office form.
    agent.get("/landlords/new").await;
    let refused = agent
        .post(
            "/landlords",
            &[
                ("first_name", "Nadia"),
                ("last_name", "Full"),
                ("email", "nadia@example.com"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 507, "{}", refused.body);
    assert!(refused.body.contains(FULL), "{}", refused.body);
    assert_whole(&app, &config, "a refused new landlord").await;
    // An upload.
    let (status, retry, body) = upload(&mut agent, &base, home, "Gas safety 2026").await;
    assert_eq!(status, 507, "{body}");
    assert!(body.contains(FULL) && retry.is_some(), "{body}");
    assert_whole(&app, &config, "a refused upload").await;

    // Room for the file but not for the database: the row's COMMIT fails and
    // the stored file must go with it. Free the file's pages, one more each try,
    // until the upload gets past the file and fails at the database.
    // (The file needs a page or so more than its size.)
    let pages = pdf(300).len().div_ceil(4096) as u64;
    let mut documents = 1;
    let mut commit_refused = false;
    let mut tries = 0;
    for extra in 0..16 {
        tries += 1;
        let filler_file = std::fs::OpenOptions::new()
            .write(true)
            .open(disk.path().join("filler"))
            .expect("open the filler");
        let filled = filler_file.metadata().expect("filler size").len();
        filler_file
            .set_len(filled - if extra == 0 { pages + 1 } else { 1 } * 4096)
            .expect("free room for one file");
        drop(filler_file);
        let logged = config.log_text().len();
        let (status, _, body) = upload(&mut agent, &base, home, "Gas safety 2026").await;
        let log = config.log_text();
        let new_lines = &log[logged..];
        if status == 303 {
            documents += 1;
            break;
        }
        assert_eq!(status, 507, "{body}");
        assert!(body.contains(FULL), "{body}");
        assert_whole(&app, &config, &format!("an upload refused on try {tries}")).await;
        let refused_by_database = new_lines.lines().any(|line| {
            line.contains("a write was refused")
                && line.contains("error returned from database: (code: 13)")
                && !line.contains("storage full: error returned")
        });
        if refused_by_database && !new_lines.contains("LocalFileSystem") {
            commit_refused = true;
            break;
        }
    }
    assert!(
        commit_refused,
        "an upload whose file fitted was refused at the database"
    );

    // Nothing half-written.
    assert_eq!(app.count("SELECT COUNT(*) FROM landlord_messages").await, messages);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit);
    assert_eq!(app.count("SELECT COUNT(*) FROM landlords").await, landlords);
    assert_eq!(documents_whole(&app).await, documents);
    // Reading still works on a full disk.
    assert_eq!(agent.get(&format!("/properties/{home}")).await.status(), 200);

    // Space freed: the same writes succeed, on the same process.
    std::fs::remove_file(disk.path().join("filler")).expect("remove the filler");
    let sent = landlord
        .post_raw(&format!("{portal}/messages"), &[("body", message)])
        .await;
    assert_eq!(sent.status(), 303, "{}", sent.body);
    agent.get("/landlords/new").await;
    let created = agent
        .post(
            "/landlords",
            &[
                ("first_name", "Nadia"),
                ("last_name", "Full"),
                ("email", "nadia@example.com"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303, "{}", created.body);
    let (status, _, body) = upload(&mut agent, &base, home, "Gas safety 2026").await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(documents_whole(&app).await, documents + 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM landlord_messages m WHERE NOT EXISTS (SELECT 1 FROM audit_log a \
             WHERE a.entity_id = m.id AND a.action = 'landlord_portal.send_message')"
        )
        .await,
        0
    );
    assert_whole(&app, &config, "the writes that succeeded once space was freed").await;
    // The server checked its derived structures after the refused writes, on its own.
    let started = Instant::now();
    while !config.log_text().contains("occasion=\"after a storage-full event\"") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no check of the derived structures after a storage-full event:\n{}",
            config.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = config.log_text();
    assert!(
        log.lines().any(|line| line.contains("after a storage-full event")
            && line.contains("derived structures checked: consistent")),
        "{log}"
    );
    assert!(!log.contains("rebuilt"), "nothing needed rebuilding:\n{log}");
    assert!(!log.contains("panicked"), "{log}");
    assert!(log.contains("storage full"), "the operator is told in the log");
    println!(
        "fault_disk_full: filled {} KB of an 8 MB tmpfs; message, landlord and upload refused with 507; \
         an upload whose file fitted refused at COMMIT on try {tries}; all three succeeded after freeing it",
        filler / 1024
    );
    drop(server);
    drop(app);
}

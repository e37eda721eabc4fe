//! Documents: uploads checked by content and size, stored by id, downloaded as
//! attachments; every refused upload leaves no row and no file.

mod common;

use common::*;

async fn property(app: &TestApp, org_id: uuid::Uuid) -> uuid::Uuid {
    app.property(org_id, |_| {}).await
}

/// A small but real PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// Files stored under the documents folder.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found)
                } else {
                    found.push(path)
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&app.database.dir.path().join("documents"), &mut found);
    found
}

async fn upload(
    client: &mut Client,
    app: &TestApp,
    property: uuid::Uuid,
    title: &str,
    visibility: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    client.get(&format!("/properties/{property}")).await;
    let token = client.csrf.clone().unwrap();
    let form = reqwest::multipart::Form::new()
        .text("title", title.to_string())
        .text("category", "certificate")
        .text("visibility", visibility.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let response = client
        .http
        .post(app.url(&format!("/properties/{property}/documents?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn a_pdf_is_uploaded_stored_by_id_and_downloaded_as_an_attachment() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id).await;
    let (status, body) = upload(
        &mut admin,
        &app,
        home,
        "Gas Safety 2026",
        "landlord",
        "gas \"safety\"; 2026.pdf",
        pdf(),
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let files = stored_files(&app);
    assert_eq!(files.len(), 1);
    assert!(
        !files[0].to_string_lossy().contains("gas"),
        "stored by id, not by the uploader's name: {files:?}"
    );
    let id: uuid::Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM documents")
        .fetch_one(pool)
        .await)
    .unwrap();
    let page = admin.get(&format!("/properties/{home}")).await;
    assert!(page.body.contains("Gas Safety 2026") && page.body.contains("Landlord"));
    let response = admin
        .http
        .get(app.url(&format!("/documents/{id}/download")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"gas _safety__ 2026.pdf\""
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.upload'")
            .await,
        1
    );

    // Delete, with its confirmation: the row and the file go, the audit row stays.
    let confirm = admin.get(&format!("/documents/{id}/delete")).await;
    assert!(
        confirm.body.contains("Delete \"Gas Safety 2026\"?")
            || confirm.body.contains("Delete &quot;Gas Safety 2026&quot;?")
    );
    assert_eq!(admin.post(&format!("/documents/{id}/delete"), &[]).await.status(), 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM documents").await, 0);
    assert!(stored_files(&app).is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.delete'")
            .await,
        1
    );
    assert_eq!(admin.get(&format!("/documents/{id}/download")).await.status(), 404);
}

#[tokio::test]
async fn every_bad_upload_gets_a_clear_message_and_leaves_nothing_behind() {
    let app = TestApp::spawn_with(|settings| settings.max_upload_bytes = 10 * 1024).await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id).await;
    let mut too_large = pdf();
    too_large.extend(vec![b'x'; 20 * 1024]);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let cases: Vec<(&str, &str, &str, Vec<u8>, &str)> = vec![
        (
            "Too large",
            "landlord",
            "big.pdf",
            too_large,
            "larger than the 10 KB limit",
        ),
        (
            "Wrong type",
            "landlord",
            "notes.pdf",
            b"just some text, not a pdf".to_vec(),
            "not accepted",
        ),
        ("Lying type", "landlord", "lease.pdf", png, "does not match its name"),
        ("Empty", "landlord", "empty.pdf", Vec::new(), "The file is empty"),
        (
            "Path parts",
            "landlord",
            "../../etc/lease.pdf",
            pdf(),
            "must not contain folders",
        ),
        (
            "Direction override",
            "landlord",
            "report\u{202e}fdp.exe.pdf",
            pdf(),
            "contains unusual characters",
        ),
        ("", "landlord", "lease.pdf", pdf(), "Enter a title"),
        (
            "No visibility",
            "",
            "lease.pdf",
            pdf(),
            "Choose who can see the document",
        ),
    ];
    for (title, visibility, name, bytes, message) in cases {
        let (status, body) = upload(&mut admin, &app, home, title, visibility, name, bytes).await;
        assert_eq!(status, 422, "{title:?}: {body}");
        assert!(body.contains(message), "{title:?} should say {message:?}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM documents").await,
            0,
            "{title:?} left a row"
        );
        assert!(
            stored_files(&app).is_empty(),
            "{title:?} left a file: {:?}",
            stored_files(&app)
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity_type = 'document'")
            .await,
        0
    );
}

#[tokio::test]
async fn uploads_need_the_csrf_token_and_other_agencies_get_404() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id).await;
    let form = reqwest::multipart::Form::new()
        .text("title", "Sneaky")
        .text("visibility", "all")
        .part("file", reqwest::multipart::Part::bytes(pdf()).file_name("x.pdf"));
    let response = admin
        .http
        .post(app.url(&format!("/properties/{home}/documents")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(stored_files(&app).is_empty());

    let (status, _) = upload(&mut admin, &app, home, "Inventory", "internal", "inventory.pdf", pdf()).await;
    assert_eq!(status, 303);
    let id: uuid::Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM documents")
        .fetch_one(pool)
        .await)
    .unwrap();
    let other = app.agency("Other Homes", "olga@other.example").await;
    let mut olga = app.signed_in(&other.admin.email, ADMIN_PASSWORD).await;
    olga.get("/").await;
    assert_eq!(olga.get(&format!("/documents/{id}/download")).await.status(), 404);
    assert_eq!(olga.get(&format!("/documents/{id}/delete")).await.status(), 404);
    assert_eq!(olga.post(&format!("/documents/{id}/delete"), &[]).await.status(), 404);
    let (status, _) = upload(&mut olga, &app, home, "Theirs", "all", "x.pdf", pdf()).await;
    assert_eq!(status, 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM documents").await, 1);
    assert_eq!(stored_files(&app).len(), 1);
}

#[tokio::test]
async fn a_legacy_word_file_is_served_as_msword_not_as_docx() {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = property(&app, agency.org.id).await;
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0u8; 2048]);
    for (name, expected) in [
        ("inventory.doc", "application/msword"),
        ("rent.xls", "application/vnd.ms-excel"),
    ] {
        let (status, body) = upload(&mut admin, &app, home, name, "landlord", name, ole.clone()).await;
        assert_eq!(status, 303, "{body}");
        let id: uuid::Uuid = portico::on_pool!(&app.db, |pool| sqlx::query_scalar(
            "SELECT id FROM documents WHERE file_name = $1"
        )
        .bind(name)
        .fetch_one(pool)
        .await)
        .unwrap();
        let response = admin
            .http
            .get(app.url(&format!("/documents/{id}/download")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], expected, "{name}");
    }
}

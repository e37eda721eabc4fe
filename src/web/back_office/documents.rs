//! Documents on a property: streaming upload (size limit, type checked by
//! content, stored by id through object_store), download as an attachment,
//! and delete with a confirmation. A failed upload leaves no row and no file.

use maud::{Markup, html};
use object_store::{ObjectStoreExt, WriteMultipart};
use poem::http::StatusCode;
use poem::web::{Multipart, Path};
use poem::{Response, handler};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

use super::{see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::documents::{Category, DocumentForm, SNIFF_BYTES, Visibility, check_file_name, sniff};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::certificates::Certificate;
use crate::store::documents::{self as store, Document, Upload, storage_path};
use crate::store::properties::{self, Property};
use crate::store::tenancies::TenancyWithTenants;
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::ui::files::{size_label, stream};
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select};
use crate::web::ui::format;
use crate::web::{paths, ui};

fn upload_form(
    ctx: &Ctx,
    property: &Property,
    form: &DocumentForm,
    errors: &FieldErrors,
    tenancies: &[TenancyWithTenants],
    certificates: &[Certificate],
) -> Markup {
    let action = format!(
        "{}?csrf_token={}",
        paths::property_documents(property.id),
        form_urlencoded::byte_serialize(ctx.csrf.as_bytes()).collect::<String>()
    );
    let mut tenancy_options = vec![(String::new(), "None".to_string())];
    tenancy_options.extend(tenancies.iter().map(|t| {
        (
            t.tenancy.id.to_string(),
            format!("{} from {}", t.primary_name(), format::date(t.tenancy.start_date)),
        )
    }));
    let mut certificate_options = vec![(String::new(), "None".to_string())];
    certificate_options.extend(certificates.iter().map(|c| {
        (
            c.id.to_string(),
            format!("{} to {}", c.kind().label(), format::date(c.expires_on)),
        )
    }));
    let visibility = choice_options::<Visibility>(Some(("", "Choose…")));
    html! {
        form class="stack" id="upload" method="post" action=(action) enctype="multipart/form-data" novalidate {
            (csrf_input(&ctx.csrf))
            (error_summary(errors, &["title", "category", "visibility", "tenancy_id", "certificate_id", "file"]))
            (Input::text("title", "Title", &form.title).required().render(errors))
            (select("category", "Category", &choice_options::<Category>(None), &form.category, errors))
            (select("visibility", "Who can see it", &visibility, &form.visibility, errors))
            (select("tenancy_id", "Tenancy (optional)", &tenancy_options, &form.tenancy_id, errors))
            (select("certificate_id", "Certificate (optional)", &certificate_options, &form.certificate_id, errors))
            (Input::text("file", "File", "").kind("file")
                .hint("PDF, JPEG, PNG, WebP, Word or Excel, up to the size limit").required().render(errors))
            div class="actions" { button type="submit" { "Upload" } }
        }
    }
}

/// A property's documents and the upload form (on the property page).
pub fn property_section(
    ctx: &Ctx,
    property: &Property,
    documents: &[Document],
    tenancies: &[TenancyWithTenants],
    certificates: &[Certificate],
) -> Markup {
    html! {
        section class="card" id="documents" {
            h2 { "Documents (" (documents.len()) ")" }
            @if documents.is_empty() { p class="empty" { "No documents yet." } } @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th { "Title" } th { "Category" } th { "Who can see it" } th { "Size" } th { "Uploaded" } th { span class="skip-link" { "Actions" } } } }
                        tbody {
                            @for d in documents {
                                tr {
                                    td data-label="Title" { a href=(paths::document_download(d.id)) { (d.title) } br; span class="hint" { (d.file_name) } }
                                    td data-label="Category" { (Category::parse(&d.category).map_or("Other", |c| c.label())) }
                                    td data-label="Who can see it" { (d.visibility().label()) }
                                    td data-label="Size" class="nowrap" { (size_label(d.size_bytes)) }
                                    td data-label="Uploaded" class="nowrap" { (format::date(crate::clock::local_date(d.created_at))) }
                                    td { a href=(paths::document_delete(d.id)) { "Delete…" } }
                                }
                            }
                        }
                    }
                }
            }
            details {
                summary { "Upload a document" }
                (upload_form(ctx, property, &DocumentForm::default(), &FieldErrors::new(), tenancies, certificates))
            }
        }
    }
}

async fn find_property(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<Property, AppError> {
    properties::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The outcome of streaming the file part.
enum Stored {
    /// Stored under the new id.
    Ok(Upload),
    /// Refused with this message; nothing kept.
    Refused(String),
}

/// Streams one file field into the object store under `id`, checking its name,
/// its type (from its first bytes) and its size as it goes. On any refusal the
/// partial upload is aborted.
async fn store_file(ctx: &Ctx, org_id: Uuid, id: Uuid, field: poem::web::Field) -> Result<Stored, AppError> {
    let name = match check_file_name(field.file_name().unwrap_or_default()) {
        Ok(name) => name,
        Err(message) => return Ok(Stored::Refused(message)),
    };
    let limit = ctx.state.settings.max_upload_bytes;
    let mut reader = field.into_async_read();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut buffer = vec![0u8; 64 * 1024];
    // Read enough to recognise the type.
    while head.len() < SNIFF_BYTES {
        let n = reader
            .read(&mut buffer[..SNIFF_BYTES - head.len()])
            .await
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..n]);
    }
    if head.is_empty() {
        return Ok(Stored::Refused("The file is empty. Choose another file.".into()));
    }
    let kind = match sniff(&head, &name) {
        Ok(kind) => kind,
        Err(message) => return Ok(Stored::Refused(message)),
    };
    let path = storage_path(org_id, id);
    let multipart_upload = ctx
        .state
        .files
        .put_multipart(&path)
        .await
        .map_err(AppError::file_store)?;
    let mut writer = WriteMultipart::new(multipart_upload);
    let mut total = head.len() as u64;
    writer.write(&head);
    loop {
        if total > limit {
            writer.abort().await.map_err(AppError::internal)?;
            return Ok(Stored::Refused(format!(
                "The file is larger than the {} limit. Choose a smaller file.",
                size_label(limit as i64)
            )));
        }
        let n = match reader.read(&mut buffer).await {
            Ok(n) => n,
            Err(err) => {
                writer.abort().await.map_err(AppError::internal)?;
                return Err(AppError::BadRequest(err.to_string()));
            }
        };
        if n == 0 {
            break;
        }
        total += n as u64;
        writer.write(&buffer[..n]);
    }
    // On a full disk this fails with `StorageFull`; the staging file is removed
    // (object_store aborts the upload), so nothing is left behind.
    writer.finish().await.map_err(AppError::file_store)?;
    Ok(Stored::Ok(Upload {
        id,
        file_name: name,
        content_type: kind.content_type(),
        size_bytes: total as i64,
    }))
}

/// `POST /properties/{id}/documents` (multipart): upload a document.
#[handler]
pub async fn upload(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    multipart: poem::Result<Multipart>,
) -> Result<Response, AppError> {
    // The property first: another agency's id is the plain 404 whatever the body.
    let property = find_property(&ctx, &viewer, id).await?;
    let mut multipart = multipart.map_err(|err| AppError::BadRequest(err.to_string()))?;
    let document_id = crate::store::new_id();
    let mut form = DocumentForm::default();
    let mut stored: Option<Stored> = None;
    let mut failure: Option<AppError> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                failure = Some(AppError::BadRequest(err.to_string()));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            if stored.is_some() {
                continue;
            }
            match store_file(&ctx, viewer.org.id, document_id, field).await {
                Ok(result) => stored = Some(result),
                Err(err) => {
                    failure = Some(err);
                    break;
                }
            }
            continue;
        }
        let value = field.text().await.unwrap_or_default();
        match name.as_str() {
            "title" => form.title = value,
            "category" => form.category = value,
            "visibility" => form.visibility = value,
            "tenancy_id" => form.tenancy_id = value,
            "certificate_id" => form.certificate_id = value,
            _ => {}
        }
    }
    let remove_file = || async {
        if let Err(err) = ctx.state.files.delete(&storage_path(viewer.org.id, document_id)).await
            && !matches!(err, object_store::Error::NotFound { .. })
        {
            tracing::warn!(error = %err, "could not remove a refused upload");
        }
    };
    if let Some(err) = failure {
        remove_file().await;
        return Err(err);
    }
    let tenancies = crate::store::tenancies::for_property(&ctx.state.db, viewer.org.id, id).await?;
    let certificates = crate::store::certificates::for_property(&ctx.state.db, viewer.org.id, id).await?;
    let mut errors = match form.parse() {
        Ok(fields) => {
            let mut errors = FieldErrors::new();
            if fields
                .tenancy_id
                .is_some_and(|t| !tenancies.iter().any(|x| x.tenancy.id == t))
            {
                errors.add("tenancy_id", "Choose a tenancy of this property");
            }
            if fields
                .certificate_id
                .is_some_and(|c| !certificates.iter().any(|x| x.id == c))
            {
                errors.add("certificate_id", "Choose a certificate of this property");
            }
            match (&stored, errors.is_empty()) {
                (Some(Stored::Ok(upload)), true) => {
                    let mut tx = ctx.state.db.begin().await?;
                    let saved = store::create(
                        &mut tx,
                        viewer.org.id,
                        property.id,
                        &property.address_line1,
                        &fields,
                        upload,
                        Some(viewer.user.id),
                        &viewer.user.actor(),
                    )
                    .await;
                    // The row or its commit can fail (a full disk fails at COMMIT,
                    // when SQLite writes the log): the stored file goes too.
                    match saved {
                        Ok(()) => {
                            if let Err(err) = tx.commit().await {
                                remove_file().await;
                                return Err(err.into());
                            }
                        }
                        Err(err) => {
                            drop(tx);
                            remove_file().await;
                            return Err(err.into());
                        }
                    }
                    ctx.set_flash("success", format!("\"{}\" has been uploaded.", fields.title))
                        .await?;
                    return Ok(see_other(&format!("{}#documents", paths::property(property.id))));
                }
                _ => errors,
            }
        }
        Err(errors) => errors,
    };
    match &stored {
        Some(Stored::Refused(message)) => errors.add("file", message.clone()),
        None => errors.add("file", "Choose a file to upload"),
        Some(Stored::Ok(_)) => errors.add("file", "Choose the file again: nothing was saved."),
    }
    remove_file().await;
    let content = html! {
        p { a href=(paths::property(property.id)) { "← " (property.address()) } }
        h1 { "Upload a document to " (property.address_line1) }
        div class="card" { (upload_form(&ctx, &property, &form, &errors, &tenancies, &certificates)) }
    };
    Ok(with_status(
        ui::page(&ctx, "Upload a document", content),
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<Document, AppError> {
    store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /documents/{id}/download`: streamed as an attachment under a safe name.
#[handler]
pub async fn download(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let document = find(&ctx, &viewer, id).await?;
    stream(&ctx.state, &document).await
}

/// `GET /documents/{id}/delete`: asks for confirmation.
#[handler]
pub async fn confirm_delete(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let document = find(&ctx, &viewer, id).await?;
    let content = html! {
        div class="card narrow" {
            h1 { "Delete \"" (document.title) "\"?" }
            p { "The file " strong { (document.file_name) } " will be deleted for good. The audit trail keeps a record that it existed." }
            form class="actions" method="post" action=(paths::document_delete(id)) {
                (csrf_input(&ctx.csrf))
                button type="submit" class="danger" { "Delete document" }
                a href=(paths::property(document.property_id)) { "Cancel" }
            }
        }
    };
    Ok(ui::page(&ctx, "Delete document", content))
}

/// `POST /documents/{id}/delete`.
#[handler]
pub async fn delete(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let document = find(&ctx, &viewer, id).await?;
    let mut tx = ctx.state.db.begin().await?;
    store::delete(&mut tx, &document, &viewer.user.actor()).await?;
    tx.commit().await?;
    if let Err(err) = ctx.state.files.delete(&document.storage_path()).await {
        tracing::warn!(error = %err, document = %document.id, "document row deleted but its file could not be removed");
    }
    ctx.set_flash("success", format!("\"{}\" has been deleted.", document.title))
        .await?;
    Ok(see_other(&format!(
        "{}#documents",
        paths::property(document.property_id)
    )))
}

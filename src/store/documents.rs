//! Document records; the files themselves live in the object store under
//! `org/<org id>/<document id>`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::documents::{DocumentFields, Visibility};
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of documents.
pub const ENTITY: &str = "document";

/// A document record.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Document {
    pub id: Uuid,
    pub org_id: Uuid,
    pub property_id: Uuid,
    pub tenancy_id: Option<Uuid>,
    pub certificate_id: Option<Uuid>,
    pub title: String,
    pub category: String,
    #[sqlx(try_from = "String")]
    pub visibility: Visibility,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

impl Document {
    /// Whether a tenant of `tenancy` (at this document's property) may see it:
    /// shared with tenants, and either filed on this tenancy, or property-wide
    /// and uploaded before the tenancy ended — a former tenant does not see
    /// what was uploaded for the next one.
    pub fn tenant_may_see(&self, tenancy: &crate::store::tenancies::Tenancy) -> bool {
        self.visibility().tenant_can_see()
            && self.property_id == tenancy.property_id
            && match self.tenancy_id {
                Some(filed_on) => filed_on == tenancy.id,
                None => tenancy.ended_at().is_none_or(|ended| self.created_at < ended),
            }
    }

    /// Who may see it.
    pub fn visibility(&self) -> Visibility {
        self.visibility
    }

    /// Where its bytes are in the object store.
    pub fn storage_path(&self) -> object_store::path::Path {
        storage_path(self.org_id, self.id)
    }
}

/// Where a document's bytes are kept: by id, never by the uploader's file name.
pub fn storage_path(org_id: Uuid, id: Uuid) -> object_store::path::Path {
    object_store::path::Path::from(format!("org/{}/{}", org_id.simple(), id.simple()))
}

/// `SELECT <every Document column> FROM documents <tail>`.
macro_rules! select_document {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, property_id, tenancy_id, certificate_id, title, category, visibility, file_name, \
             content_type, size_bytes, created_at FROM documents ",
            $tail
        )
    };
}

/// What was uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The new document's id (its bytes are already stored under it).
    pub id: Uuid,
    /// The checked file name.
    pub file_name: String,
    /// The type recognised from the content.
    pub content_type: &'static str,
    /// Its size.
    pub size_bytes: i64,
}

/// Records an uploaded document and writes the audit row.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    property_id: Uuid,
    address: &str,
    f: &DocumentFields,
    upload: &Upload,
    uploaded_by: Option<Uuid>,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO documents (id, org_id, property_id, tenancy_id, certificate_id, title, category, visibility, \
             file_name, content_type, size_bytes, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(upload.id)
        .bind(org_id)
        .bind(property_id)
        .bind(f.tenancy_id)
        .bind(f.certificate_id)
        .bind(&f.title)
        .bind(f.category.as_str())
        .bind(f.visibility.as_str())
        .bind(&upload.file_name)
        .bind(upload.content_type)
        .bind(upload.size_bytes)
        .bind(uploaded_by)
        .bind(super::now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "document.upload",
            entity_type: ENTITY,
            entity_id: Some(upload.id),
            description: format!("uploaded the document \"{}\" to {address}", f.title),
            changes: Changes::new()
                .field("title", None, Some(&f.title))
                .field("visibility", None, Some(f.visibility.as_str()))
                .field("file", None, Some(&upload.file_name)),
        },
    )
    .await
}

/// Deletes a document record and writes the audit row (the caller removes the bytes).
pub async fn delete(tx: &mut Tx, d: &Document, actor: &Actor) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM documents WHERE id = $1 AND org_id = $2")
            .bind(d.id)
            .bind(d.org_id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    audit::record(
        tx,
        audit::Entry {
            org_id: d.org_id,
            actor,
            action: "document.delete",
            entity_type: ENTITY,
            entity_id: Some(d.id),
            description: format!("deleted the document \"{}\"", d.title),
            changes: Changes::new().field("file", Some(&d.file_name), None),
        },
    )
    .await
}

/// One document of this agency.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<Document>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_document!(
        "WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(pool)
    .await)
}

/// A property's documents, newest first.
pub async fn for_property(db: &Db, org_id: Uuid, property_id: Uuid) -> Result<Vec<Document>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_document!(
            "WHERE org_id = $1 AND property_id = $2 ORDER BY id DESC"
        ))
        .bind(org_id)
        .bind(property_id)
        .fetch_all(pool)
        .await
    })
}

//! Compliance certificates of properties, and the agency-wide compliance view.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::compliance::{
    CertificateFields, CertificateForm, CertificateKind, CertificateOnRecord, Indicator, indicator,
};
use crate::domain::properties::EpcRating;
use crate::store::{audit, compliance};
use crate::{on_pool, on_tx};

/// The audit entity type of certificates.
pub const ENTITY: &str = "certificate";

/// A certificate as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Certificate {
    pub id: Uuid,
    pub org_id: Uuid,
    pub property_id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: CertificateKind,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub reference: Option<String>,
    pub epc_rating: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Certificate {
    /// The kind as a value.
    pub fn kind(&self) -> CertificateKind {
        self.kind
    }

    /// The EPC rating as a value.
    pub fn rating(&self) -> Option<EpcRating> {
        self.epc_rating.as_deref().and_then(|r| EpcRating::parse(r).ok())
    }

    /// Its indicator as of `today`.
    pub fn indicator(&self, today: NaiveDate) -> Indicator {
        indicator(self.kind, self.expires_on, self.rating(), today)
    }

    /// The record as an edit form.
    pub fn to_form(&self) -> CertificateForm {
        CertificateForm {
            kind: self.kind.as_str().to_string(),
            issued_on: self.issued_on.to_string(),
            expires_on: self.expires_on.to_string(),
            reference: self.reference.clone().unwrap_or_default(),
            epc_rating: self.epc_rating.clone().unwrap_or_default(),
        }
    }
}

/// `SELECT <every Certificate column> FROM certificates <tail>`.
macro_rules! select_certificate {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, property_id, kind, issued_on, expires_on, reference, epc_rating, created_at, updated_at \
             FROM certificates ",
            $tail
        )
    };
}

fn values(f: &CertificateFields) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("kind", Some(f.kind.as_str().into())),
        ("issued_on", Some(f.issued_on.to_string())),
        ("expires_on", Some(f.expires_on.to_string())),
        ("reference", f.reference.clone()),
        ("epc_rating", f.epc_rating.map(|r| r.as_str().to_string())),
    ]
}

fn diff(before: Option<&CertificateFields>, after: &CertificateFields) -> Changes {
    Changes::between(before.map(values).as_deref(), &values(after))
}

/// Adds a certificate to a property (the caller checked the property is the agency's).
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    property_id: Uuid,
    address: &str,
    f: &CertificateFields,
    actor: &Actor,
) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO certificates (id, org_id, property_id, kind, issued_on, expires_on, reference, epc_rating, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id)
        .bind(org_id)
        .bind(property_id)
        .bind(f.kind.as_str())
        .bind(f.issued_on)
        .bind(f.expires_on)
        .bind(&f.reference)
        .bind(f.epc_rating.map(|r| r.as_str()))
        .bind(super::now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    compliance::refresh_property(tx, org_id, property_id).await?;
    sync_property_epc(tx, org_id, property_id, address, actor).await?;
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "certificate.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("added a {} certificate to {address}", f.kind.label()),
            changes: diff(None, f),
        },
    )
    .await?;
    Ok(id)
}

/// Saves new fields; false (writing nothing) when nothing changed.
pub async fn update(
    tx: &mut Tx,
    c: &Certificate,
    address: &str,
    f: &CertificateFields,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let before = c.to_form().parse().ok();
    let changes = diff(before.as_ref(), f);
    if changes.is_empty() {
        return Ok(false);
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE certificates SET kind = $1, issued_on = $2, expires_on = $3, reference = $4, epc_rating = $5, \
             updated_at = $6 WHERE id = $7 AND org_id = $8",
        )
        .bind(f.kind.as_str())
        .bind(f.issued_on)
        .bind(f.expires_on)
        .bind(&f.reference)
        .bind(f.epc_rating.map(|r| r.as_str()))
        .bind(super::now())
        .bind(c.id)
        .bind(c.org_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    compliance::refresh_property(tx, c.org_id, c.property_id).await?;
    sync_property_epc(tx, c.org_id, c.property_id, address, actor).await?;
    audit::record(
        tx,
        audit::Entry {
            org_id: c.org_id,
            actor,
            action: "certificate.update",
            entity_type: ENTITY,
            entity_id: Some(c.id),
            description: format!("updated the {} certificate of {address}", f.kind.label()),
            changes,
        },
    )
    .await?;
    Ok(true)
}

/// The SQL of a property's current EPC certificate rating ($1 org, $2 property).
macro_rules! current_epc_sql {
    () => {
        "SELECT c.epc_rating FROM certificates c WHERE c.org_id = $1 AND c.property_id = $2 AND c.kind = 'epc' \
         AND c.epc_rating IS NOT NULL ORDER BY c.expires_on DESC, c.id DESC LIMIT 1"
    };
}

/// The rating of a property's current EPC certificate (the latest expiry
/// with a rating), if it has one: the property's one EPC rating.
pub async fn current_epc_rating(db: &Db, org_id: Uuid, property_id: Uuid) -> Result<Option<EpcRating>, sqlx::Error> {
    let rating: Option<String> = on_pool!(db, |pool| sqlx::query_scalar(current_epc_sql!())
        .bind(org_id)
        .bind(property_id)
        .fetch_optional(pool)
        .await)?;
    Ok(rating.and_then(|r| EpcRating::parse(&r).ok()))
}

/// Makes the property's EPC rating its current EPC certificate's, in the
/// transaction that changed a certificate or the property, with a line in
/// the property's audit trail when it changes: the property page, the portal
/// and the compliance list then show one rating.
pub async fn sync_property_epc(
    tx: &mut Tx,
    org_id: Uuid,
    property_id: Uuid,
    address: &str,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    let certified: Option<String> = on_tx!(tx, |conn| sqlx::query_scalar(current_epc_sql!())
        .bind(org_id)
        .bind(property_id)
        .fetch_optional(conn)
        .await)?;
    let Some(certified) = certified else {
        return Ok(());
    };
    let recorded: Option<String> = on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT epc_rating FROM properties WHERE id = $1 AND org_id = $2"
    )
    .bind(property_id)
    .bind(org_id)
    .fetch_one(conn)
    .await)?;
    if recorded.as_deref() == Some(certified.as_str()) {
        return Ok(());
    }
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE properties SET epc_rating = $1, updated_at = $2 WHERE id = $3 AND org_id = $4"
    )
    .bind(&certified)
    .bind(super::now())
    .bind(property_id)
    .bind(org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "property.epc_from_certificate",
            entity_type: super::properties::ENTITY,
            entity_id: Some(property_id),
            description: format!("took the EPC rating of {address} from its EPC certificate"),
            changes: Changes::new().field("epc_rating", recorded.as_deref(), Some(&certified)),
        },
    )
    .await
}

/// One certificate of this agency; another agency's id gives `None`.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<Certificate>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_certificate!("WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(pool)
            .await
    })
}

/// A property's certificates, latest expiry first.
pub async fn for_property(db: &Db, org_id: Uuid, property_id: Uuid) -> Result<Vec<Certificate>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_certificate!(
            "WHERE org_id = $1 AND property_id = $2 ORDER BY kind, expires_on DESC, id"
        ))
        .bind(org_id)
        .bind(property_id)
        .fetch_all(pool)
        .await
    })
}

impl CertificateOnRecord for Certificate {
    fn kind(&self) -> CertificateKind {
        Certificate::kind(self)
    }
    fn expires_on(&self) -> NaiveDate {
        self.expires_on
    }
}

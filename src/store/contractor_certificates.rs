//! Certificates a contractor produced on a job (a Gas Safety record, an
//! EICR, …), sent through ContractorPort with their PDF: each waits for an
//! agent's check, and the agent's acceptance makes it the property's current
//! certificate, with the indicators the Compliance page already uses.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::compliance::{CertificateFields, CertificateKind};
use crate::domain::properties::EpcRating;
use crate::store::work_orders::{ENTITY, WorkOrder};
use crate::store::{audit, certificates};
use crate::{on_pool, on_tx};

/// A certificate as the contractor sent it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReceivedCertificate {
    pub id: Uuid,
    pub org_id: Uuid,
    pub work_order_id: Uuid,
    pub contractor_id: Uuid,
    /// The contractor's company name.
    pub company_name: String,
    pub kind: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub reference: Option<String>,
    pub epc_rating: Option<String>,
    /// Its PDF (a work order file).
    pub file_id: Uuid,
    /// `awaiting_check` or `accepted`.
    pub status: String,
    /// The property's certificate it became.
    pub certificate_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub decided_by_name: Option<String>,
}

impl ReceivedCertificate {
    /// The kind's label ("Gas Safety").
    pub fn kind_label(&self) -> &'static str {
        CertificateKind::parse(&self.kind).map_or("Certificate", |k| k.label())
    }

    /// Whether it still waits for an agent's check.
    pub fn awaiting_check(&self) -> bool {
        self.status == "awaiting_check"
    }

    /// Its fields as the property's certificate will hold them.
    fn fields(&self) -> Option<CertificateFields> {
        Some(CertificateFields {
            kind: CertificateKind::parse(&self.kind).ok()?,
            issued_on: self.issued_on,
            expires_on: self.expires_on,
            reference: self.reference.clone(),
            epc_rating: self.epc_rating.as_deref().and_then(|r| EpcRating::parse(r).ok()),
        })
    }
}

/// `SELECT <every ReceivedCertificate column> … <tail>`.
macro_rules! select_received {
    ($tail:literal) => {
        concat!(
            "SELECT r.id, r.org_id, r.work_order_id, r.contractor_id, c.company_name, r.kind, r.issued_on, \
             r.expires_on, r.reference, r.epc_rating, r.file_id, r.status, r.certificate_id, r.created_at, \
             r.decided_by_name FROM contractor_certificates r \
             JOIN contractors c ON c.id = r.contractor_id AND c.org_id = r.org_id ",
            $tail
        )
    };
}

/// Records a certificate the contractor sent (its PDF already stored as
/// `file_id`), awaiting an agent's check; audited on the work order.
pub async fn submit(
    tx: &mut Tx,
    order: &WorkOrder,
    contractor_id: Uuid,
    f: &CertificateFields,
    file_id: Uuid,
    actor: &Actor,
) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO contractor_certificates (id, org_id, work_order_id, contractor_id, kind, issued_on, expires_on, \
         reference, epc_rating, file_id, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'awaiting_check', $11)"
    )
    .bind(id)
    .bind(order.org_id)
    .bind(order.id)
    .bind(contractor_id)
    .bind(f.kind.as_str())
    .bind(f.issued_on)
    .bind(f.expires_on)
    .bind(&f.reference)
    .bind(f.epc_rating.map(|r| r.as_str()))
    .bind(file_id)
    .bind(super::now())
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.certificate_received",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!(
                "sent a {} certificate for {}, awaiting an agent's check{}",
                f.kind.label(),
                order.reference(),
                actor.via()
            ),
            changes: Changes::new(),
        },
    )
    .await?;
    Ok(id)
}

/// The certificates sent for a work order, oldest first; `contractor_id`
/// narrows them to one contractor's.
pub async fn for_work_order(
    db: &Db,
    org_id: Uuid,
    work_order_id: Uuid,
    contractor_id: Option<Uuid>,
) -> Result<Vec<ReceivedCertificate>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_received!(
        "WHERE r.org_id = $1 AND r.work_order_id = $2 AND ($3 IS NULL OR r.contractor_id = $3) \
         ORDER BY r.created_at, r.id"
    ))
    .bind(org_id)
    .bind(work_order_id)
    .bind(contractor_id)
    .fetch_all(pool)
    .await)
}

/// One of them.
pub async fn get(
    db: &Db,
    org_id: Uuid,
    work_order_id: Uuid,
    id: Uuid,
) -> Result<Option<ReceivedCertificate>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_received!(
        "WHERE r.org_id = $1 AND r.work_order_id = $2 AND r.id = $3"
    ))
    .bind(org_id)
    .bind(work_order_id)
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// An agent's acceptance: the certificate becomes the property's (through the
/// one path every certificate takes, so Compliance counts it at once). False
/// when it was already accepted.
pub async fn accept(
    tx: &mut Tx,
    order: &WorkOrder,
    received: &ReceivedCertificate,
    address: &str,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let Some(fields) = received.fields() else {
        return Ok(false);
    };
    let claimed = on_tx!(tx, |conn| sqlx::query(
        "UPDATE contractor_certificates SET status = 'accepted', decided_at = $1, decided_by_name = $2 \
         WHERE id = $3 AND status = 'awaiting_check'"
    )
    .bind(super::now())
    .bind(&actor.name)
    .bind(received.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if claimed == 0 {
        return Ok(false);
    }
    let certificate = certificates::create(tx, order.org_id, order.property_id, address, &fields, actor).await?;
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE contractor_certificates SET certificate_id = $1 WHERE id = $2"
    )
    .bind(certificate)
    .bind(received.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.certificate_accepted",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!(
                "accepted {}'s {} certificate for {} into the property's compliance record",
                received.company_name,
                fields.kind.label(),
                order.reference()
            ),
            changes: Changes::new(),
        },
    )
    .await?;
    Ok(true)
}

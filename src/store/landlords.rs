//! Landlords (seed 001). This module starts with what the demo data needs; the
//! landlord-management issue builds the pages on it.

use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of landlords.
pub const ENTITY: &str = "landlord";

/// A landlord to add. Fields follow the seed's Field Reference.
#[derive(Debug, Clone, Default)]
pub struct NewLandlord {
    /// Optional branch.
    pub branch_id: Option<Uuid>,
    /// Mr, Mrs, Dr…
    pub title: Option<String>,
    /// Required.
    pub first_name: String,
    /// Required.
    pub last_name: String,
    /// Required.
    pub email: String,
    /// Primary phone.
    pub phone: Option<String>,
    /// `individual` or `company`.
    pub landlord_type: String,
    /// Required for companies.
    pub company_name: Option<String>,
    /// Companies House number.
    pub company_registration_number: Option<String>,
    /// Address line 1.
    pub address_line1: Option<String>,
    /// Town or city.
    pub city: Option<String>,
    /// Normalised UK postcode.
    pub postcode: Option<String>,
    /// `email`, `phone` or `post`.
    pub preferred_contact_method: String,
    /// Non-resident landlord.
    pub is_overseas: bool,
    /// `active`, `inactive` or `archived`.
    pub status: String,
    /// Internal notes.
    pub notes: Option<String>,
    /// Responsible agent.
    pub managed_by_user_id: Option<Uuid>,
}

/// Adds a landlord and writes the audit row.
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    new: &NewLandlord,
    created_by: Option<Uuid>,
    actor: &Actor,
) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    let now = super::now();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO landlords (id, org_id, branch_id, title, first_name, last_name, email, phone, landlord_type, \
             company_name, company_registration_number, address_line1, city, postcode, preferred_contact_method, \
             is_overseas, status, notes, managed_by_user_id, created_by_user_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)",
        )
        .bind(id)
        .bind(org_id)
        .bind(new.branch_id)
        .bind(&new.title)
        .bind(&new.first_name)
        .bind(&new.last_name)
        .bind(&new.email)
        .bind(&new.phone)
        .bind(&new.landlord_type)
        .bind(&new.company_name)
        .bind(&new.company_registration_number)
        .bind(&new.address_line1)
        .bind(&new.city)
        .bind(&new.postcode)
        .bind(&new.preferred_contact_method)
        .bind(new.is_overseas)
        .bind(&new.status)
        .bind(&new.notes)
        .bind(new.managed_by_user_id)
        .bind(created_by)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    let name = format!("{} {}", new.first_name, new.last_name);
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "landlord.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("added landlord {name}"),
            changes: Changes::new()
                .field("name", None, Some(&name))
                .field("email", None, Some(&new.email))
                .field("status", None, Some(&new.status)),
        },
    )
    .await?;
    Ok(id)
}

/// How many landlords an agency has, in each status.
pub async fn count_by_status(db: &Db, org_id: Uuid) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as("SELECT status, COUNT(*) FROM landlords WHERE org_id = $1 GROUP BY status ORDER BY status")
            .bind(org_id)
            .fetch_all(pool)
            .await
    })
}

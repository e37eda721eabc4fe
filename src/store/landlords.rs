//! Landlords (seed 001): `landlord.list`, `get`, `create`, `update`, `archive`,
//! `listProperties` and `anonymise`, each scoped to one agency.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::landlords::{
    Choice, ContactMethod, LandlordFields, LandlordForm, LandlordStatus, LandlordType, mask,
};
use crate::domain::validation::Email;
use crate::store::audit;
pub use crate::store::{Cursor, like_pattern};
use crate::store::{PageAt, Paged};
use crate::{on_pool, on_tx};

/// The audit entity type of landlords.
pub const ENTITY: &str = "landlord";

/// A landlord record as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Landlord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub branch_id: Option<Uuid>,
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub alt_phone: Option<String>,
    #[sqlx(try_from = "String")]
    pub landlord_type: LandlordType,
    pub company_name: Option<String>,
    pub company_registration_number: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub postcode: Option<String>,
    pub country: String,
    #[sqlx(try_from = "String")]
    pub preferred_contact_method: ContactMethod,
    pub email_notifications_enabled: bool,
    pub sms_notifications_enabled: bool,
    pub portal_access_enabled: bool,
    pub portal_token_id: Option<Uuid>,
    pub bank_account_name: Option<String>,
    pub bank_sort_code: Option<String>,
    pub bank_account_number: Option<String>,
    pub tax_reference: Option<String>,
    pub is_overseas: bool,
    pub repair_approval_limit_pence: i64,
    #[sqlx(try_from = "String")]
    pub status: LandlordStatus,
    pub notes: Option<String>,
    pub managed_by_user_id: Option<Uuid>,
    pub created_by_user_id: Option<Uuid>,
    pub sort_key: String,
    pub anonymised_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `SELECT <every Landlord column> FROM landlords <tail>`, as one literal.
macro_rules! select_landlord {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, branch_id, title, first_name, last_name, email, phone, alt_phone, landlord_type, \
             company_name, company_registration_number, address_line1, address_line2, city, county, postcode, \
             country, preferred_contact_method, email_notifications_enabled, sms_notifications_enabled, \
             portal_access_enabled, portal_token_id, bank_account_name, bank_sort_code, bank_account_number, \
             tax_reference, is_overseas, repair_approval_limit_pence, status, notes, managed_by_user_id, \
             created_by_user_id, sort_key, anonymised_at, created_at, updated_at FROM landlords ",
            $tail
        )
    };
}

/// Binds the 31 writable columns, in the order the INSERT and UPDATE below name them.
macro_rules! bind_fields {
    ($query:expr, $f:expr) => {{
        let f: &LandlordFields = $f;
        $query
            .bind(f.branch_id)
            .bind(f.title.clone())
            .bind(f.first_name.clone())
            .bind(f.last_name.clone())
            .bind(f.email.as_str().to_string())
            .bind(f.phone.clone())
            .bind(f.alt_phone.clone())
            .bind(f.landlord_type.as_str())
            .bind(f.company_name.clone())
            .bind(f.company_registration_number.clone())
            .bind(f.address_line1.clone())
            .bind(f.address_line2.clone())
            .bind(f.city.clone())
            .bind(f.county.clone())
            .bind(f.postcode.clone())
            .bind(f.country.clone())
            .bind(f.preferred_contact_method.as_str())
            .bind(f.email_notifications_enabled)
            .bind(f.sms_notifications_enabled)
            .bind(f.portal_access_enabled)
            .bind(f.bank_account_name.clone())
            .bind(f.bank_sort_code.clone())
            .bind(f.bank_account_number.clone())
            .bind(f.tax_reference.clone())
            .bind(f.is_overseas)
            .bind(f.status.as_str())
            .bind(f.notes.clone())
            .bind(f.managed_by_user_id)
            .bind(sort_key(&f.first_name, &f.last_name))
            .bind(search_text(f))
            .bind(f.repair_approval_limit_pence)
    }};
}

const INSERT: &str = "INSERT INTO landlords (branch_id, title, first_name, last_name, email, phone, alt_phone, \
     landlord_type, company_name, company_registration_number, address_line1, address_line2, city, county, postcode, \
     country, preferred_contact_method, email_notifications_enabled, sms_notifications_enabled, portal_access_enabled, \
     bank_account_name, bank_sort_code, bank_account_number, tax_reference, is_overseas, status, notes, \
     managed_by_user_id, sort_key, search_text, repair_approval_limit_pence, id, org_id, created_by_user_id, \
     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
     $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $35)";

const UPDATE: &str = "UPDATE landlords SET branch_id = $1, title = $2, first_name = $3, last_name = $4, email = $5, \
     phone = $6, alt_phone = $7, landlord_type = $8, company_name = $9, company_registration_number = $10, \
     address_line1 = $11, address_line2 = $12, city = $13, county = $14, postcode = $15, country = $16, \
     preferred_contact_method = $17, email_notifications_enabled = $18, sms_notifications_enabled = $19, \
     portal_access_enabled = $20, bank_account_name = $21, bank_sort_code = $22, bank_account_number = $23, \
     tax_reference = $24, is_overseas = $25, status = $26, notes = $27, managed_by_user_id = $28, sort_key = $29, \
     search_text = $30, repair_approval_limit_pence = $31, updated_at = $32 WHERE id = $33 AND org_id = $34";

/// The byte-ordered sort key: last name, then first name, lower-cased.
pub fn sort_key(first_name: &str, last_name: &str) -> String {
    format!("{}\t{}", last_name.to_lowercase(), first_name.to_lowercase())
}

/// What search looks in: names, email, company name, postcode (also without
/// its space), town, and phone numbers (also as bare digits, so "0117 496"
/// and "01174960123" both find "0117 496 0123"), lower-cased. Change it and
/// [`SEARCH_TEXT_RECIPE`] together: every start after a change rewrites the
/// stored text of every landlord.
pub fn search_text(f: &LandlordFields) -> String {
    let postcode = f.postcode.clone().unwrap_or_default();
    let digits = |phone: &Option<String>| -> String {
        phone
            .as_deref()
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    };
    [
        f.first_name.as_str(),
        f.last_name.as_str(),
        f.email.as_str(),
        f.company_name.as_deref().unwrap_or(""),
        postcode.as_str(),
        &postcode.replace(' ', ""),
        f.city.as_deref().unwrap_or(""),
        f.phone.as_deref().unwrap_or(""),
        &digits(&f.phone),
        f.alt_phone.as_deref().unwrap_or(""),
        &digits(&f.alt_phone),
    ]
    .join("\n")
    .to_lowercase()
}

/// What [`search_text`] is built from, recorded in `derived_state` so that a
/// start after it changes rewrites every landlord's stored text.
pub const SEARCH_TEXT_RECIPE: &str = "names, email, company, postcode, town, phones (v2)";

/// At start-up (after migrations): when the stored search texts were built
/// by another recipe than [`SEARCH_TEXT_RECIPE`], rebuilds every landlord's
/// (anonymised ones keep their redacted text), a batch per transaction; the
/// SQLite index follows through its triggers. True when it rebuilt.
pub async fn ensure_search_text_current(db: &Db) -> Result<bool, sqlx::Error> {
    const NAME: &str = "landlord_search_text";
    const BATCH: i64 = 500;
    let stored: Option<String> = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT fingerprint FROM derived_state WHERE name = $1"
    )
    .bind(NAME)
    .fetch_optional(pool)
    .await)?;
    if stored.as_deref() == Some(SEARCH_TEXT_RECIPE) {
        return Ok(false);
    }
    let mut after = Uuid::nil();
    loop {
        let rows: Vec<Landlord> = on_pool!(db, |pool| sqlx::query_as(select_landlord!(
            "WHERE id > $1 AND anonymised_at IS NULL ORDER BY id LIMIT $2"
        ))
        .bind(after)
        .bind(BATCH)
        .fetch_all(pool)
        .await)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let mut batch = db.begin().await?;
        let tx = &mut batch;
        for landlord in &rows {
            let text = search_text(&landlord.fields());
            on_tx!(tx, |conn| sqlx::query(
                "UPDATE landlords SET search_text = $1 WHERE id = $2 AND search_text <> $1"
            )
            .bind(&text)
            .bind(landlord.id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        }
        batch.commit().await?;
    }
    on_pool!(db, |pool| sqlx::query(
        "INSERT INTO derived_state (name, fingerprint) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint"
    )
    .bind(NAME)
    .bind(SEARCH_TEXT_RECIPE)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(true)
}

impl Landlord {
    /// "Jane Smith", or for a company "Acme Ltd (Jane Smith)".
    pub fn display_name(&self) -> String {
        display_name(
            &self.first_name,
            &self.last_name,
            self.company_name.as_deref(),
            self.landlord_type == LandlordType::Company,
        )
    }

    /// The status as a value.
    pub fn status(&self) -> LandlordStatus {
        self.status
    }

    /// The record as an edit form, pre-filled.
    pub fn to_form(&self) -> LandlordForm {
        let flag = |on: bool| on.then(|| "on".to_string());
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        LandlordForm {
            title: text(&self.title),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: text(&self.phone),
            alt_phone: text(&self.alt_phone),
            landlord_type: self.landlord_type.as_str().to_string(),
            company_name: text(&self.company_name),
            company_registration_number: text(&self.company_registration_number),
            address_line1: text(&self.address_line1),
            address_line2: text(&self.address_line2),
            city: text(&self.city),
            county: text(&self.county),
            postcode: text(&self.postcode),
            country: self.country.clone(),
            preferred_contact_method: self.preferred_contact_method.as_str().to_string(),
            email_notifications_enabled: flag(self.email_notifications_enabled),
            sms_notifications_enabled: flag(self.sms_notifications_enabled),
            portal_access_enabled: flag(self.portal_access_enabled),
            is_overseas: flag(self.is_overseas),
            repair_approval_limit: crate::domain::tenancies::pounds_input(self.repair_approval_limit_pence),
            bank_account_name: text(&self.bank_account_name),
            bank_sort_code: text(&self.bank_sort_code),
            bank_account_number: text(&self.bank_account_number),
            tax_reference: text(&self.tax_reference),
            status: self.status.as_str().to_string(),
            notes: text(&self.notes),
            managed_by_user_id: self.managed_by_user_id.map(|id| id.to_string()).unwrap_or_default(),
            branch_id: self.branch_id.map(|id| id.to_string()).unwrap_or_default(),
            confirm_duplicate_email: None,
        }
    }

    /// The record's fields as checked values (for comparing before and after).
    pub fn fields(&self) -> LandlordFields {
        LandlordFields {
            title: self.title.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: Email::parse(&self.email)
                .unwrap_or_else(|_| Email::parse("redacted@invalid.example").expect("valid")),
            phone: self.phone.clone(),
            alt_phone: self.alt_phone.clone(),
            landlord_type: self.landlord_type,
            company_name: self.company_name.clone(),
            company_registration_number: self.company_registration_number.clone(),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone(),
            city: self.city.clone(),
            county: self.county.clone(),
            postcode: self.postcode.clone(),
            country: self.country.clone(),
            preferred_contact_method: self.preferred_contact_method,
            email_notifications_enabled: self.email_notifications_enabled,
            sms_notifications_enabled: self.sms_notifications_enabled,
            portal_access_enabled: self.portal_access_enabled,
            is_overseas: self.is_overseas,
            repair_approval_limit_pence: self.repair_approval_limit_pence,
            bank_account_name: self.bank_account_name.clone(),
            bank_sort_code: self.bank_sort_code.clone(),
            bank_account_number: self.bank_account_number.clone(),
            tax_reference: self.tax_reference.clone(),
            status: self.status(),
            notes: self.notes.clone(),
            managed_by_user_id: self.managed_by_user_id,
            branch_id: self.branch_id,
        }
    }
}

/// Field name and audit-safe value of every field (bank and tax details masked,
/// notes summarised by length).
fn audit_values(f: &LandlordFields) -> Vec<(&'static str, Option<String>)> {
    let yes_no = |b: bool| Some(if b { "yes" } else { "no" }.to_string());
    vec![
        ("title", f.title.clone()),
        ("first_name", Some(f.first_name.clone())),
        ("last_name", Some(f.last_name.clone())),
        ("email", Some(f.email.as_str().to_string())),
        ("phone", f.phone.clone()),
        ("alt_phone", f.alt_phone.clone()),
        ("landlord_type", Some(f.landlord_type.as_str().into())),
        ("company_name", f.company_name.clone()),
        ("company_registration_number", f.company_registration_number.clone()),
        ("address_line1", f.address_line1.clone()),
        ("address_line2", f.address_line2.clone()),
        ("city", f.city.clone()),
        ("county", f.county.clone()),
        ("postcode", f.postcode.clone()),
        ("country", Some(f.country.clone())),
        (
            "preferred_contact_method",
            Some(f.preferred_contact_method.as_str().into()),
        ),
        ("email_notifications_enabled", yes_no(f.email_notifications_enabled)),
        ("sms_notifications_enabled", yes_no(f.sms_notifications_enabled)),
        ("portal_access_enabled", yes_no(f.portal_access_enabled)),
        ("is_overseas", yes_no(f.is_overseas)),
        (
            "repair_approval_limit_pence",
            Some(crate::domain::money::money(f.repair_approval_limit_pence)),
        ),
        ("bank_account_name", f.bank_account_name.clone()),
        ("bank_sort_code", f.bank_sort_code.as_deref().map(mask)),
        ("bank_account_number", f.bank_account_number.as_deref().map(mask)),
        ("tax_reference", f.tax_reference.as_deref().map(mask)),
        ("status", Some(f.status.as_str().into())),
        (
            "notes",
            f.notes.as_ref().map(|n| format!("{} characters", n.chars().count())),
        ),
        ("managed_by_user_id", f.managed_by_user_id.map(|id| id.to_string())),
        ("branch_id", f.branch_id.map(|id| id.to_string())),
    ]
}

fn diff(before: Option<&LandlordFields>, after: &LandlordFields) -> Changes {
    Changes::between(before.map(audit_values).as_deref(), &audit_values(after))
}

fn full_name(f: &LandlordFields) -> String {
    format!("{} {}", f.first_name, f.last_name)
}

/// `landlord.create`: adds a landlord and writes the audit row.
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    fields: &LandlordFields,
    created_by: Option<Uuid>,
    actor: &Actor,
) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    let now = super::now();
    on_tx!(tx, |conn| {
        bind_fields!(sqlx::query(INSERT), fields)
            .bind(id)
            .bind(org_id)
            .bind(created_by)
            .bind(now)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "landlord.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("added landlord {}", full_name(fields)),
            changes: diff(None, fields),
        },
    )
    .await?;
    Ok(id)
}

/// `landlord.update`: writes the new fields and an audit row of what changed.
/// Returns false (and writes nothing) when nothing changed.
pub async fn update(
    tx: &mut Tx,
    landlord: &Landlord,
    fields: &LandlordFields,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let before = landlord.fields();
    let changes = diff(Some(&before), fields);
    if changes.is_empty() {
        return Ok(false);
    }
    on_tx!(tx, |conn| {
        bind_fields!(sqlx::query(UPDATE), fields)
            .bind(super::now())
            .bind(landlord.id)
            .bind(landlord.org_id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    // The portal greets, and emails, the landlord as their record says now.
    let name = display_name(
        &fields.first_name,
        &fields.last_name,
        fields.company_name.as_deref(),
        fields.landlord_type == LandlordType::Company,
    );
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE landlord_portal_tokens SET landlord_name = $1, landlord_email = $2, updated_at = $3 \
         WHERE org_id = $4 AND landlord_id = $5 AND (landlord_name <> $1 OR landlord_email <> $2)"
    )
    .bind(&name)
    .bind(fields.email.as_str())
    .bind(super::now())
    .bind(landlord.org_id)
    .bind(landlord.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let verb = match (before.status, fields.status) {
        (LandlordStatus::Archived, LandlordStatus::Active | LandlordStatus::Inactive) => "restored",
        (_, LandlordStatus::Archived) if before.status != LandlordStatus::Archived => "archived",
        _ => "updated",
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: landlord.org_id,
            actor,
            action: "landlord.update",
            entity_type: ENTITY,
            entity_id: Some(landlord.id),
            description: format!("{verb} landlord {}", full_name(fields)),
            changes,
        },
    )
    .await?;
    Ok(true)
}

/// How a landlord is named to others (portal greetings, emails, audit):
/// "Jane Smith", or for a company "Smith Holdings Ltd (Jane Smith)".
pub fn display_name(first_name: &str, last_name: &str, company_name: Option<&str>, is_company: bool) -> String {
    let person = format!("{first_name} {last_name}");
    match company_name {
        Some(company) if is_company => format!("{company} ({person})"),
        _ => person,
    }
}

/// `landlord.archive` and restore: moves a landlord to another status.
pub async fn set_status(
    tx: &mut Tx,
    landlord: &Landlord,
    status: LandlordStatus,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    if landlord.status() == status {
        return Ok(());
    }
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE landlords SET status = $1, updated_at = $2 WHERE id = $3 AND org_id = $4")
            .bind(status.as_str())
            .bind(super::now())
            .bind(landlord.id)
            .bind(landlord.org_id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    let (action, verb) = match status {
        LandlordStatus::Archived => ("landlord.archive", "archived"),
        _ if landlord.status() == LandlordStatus::Archived => ("landlord.restore", "restored"),
        _ => ("landlord.update", "changed the status of"),
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: landlord.org_id,
            actor,
            action,
            entity_type: ENTITY,
            entity_id: Some(landlord.id),
            description: format!("{verb} landlord {} {}", landlord.first_name, landlord.last_name),
            changes: Changes::new().field("status", Some(landlord.status.as_str()), Some(status.as_str())),
        },
    )
    .await
}

/// The placeholder every personal field becomes on anonymisation.
pub const REDACTED: &str = "Redacted";

/// The landlord portal side of anonymisation: the token is switched off and
/// forgets the name and email, the message thread and any email to the old
/// address are deleted, and audit rows and tasks the landlord completed lose their name.
async fn erase_portal(tx: &mut Tx, landlord: &Landlord, email: &str, name: &str) -> Result<(), sqlx::Error> {
    let now = super::now();
    on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM landlord_messages WHERE org_id = $1 AND token_id IN \
         (SELECT id FROM landlord_portal_tokens WHERE org_id = $1 AND landlord_id = $2)"
    )
    .bind(landlord.org_id)
    .bind(landlord.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    // Emails to the address go with it, unless another landlord record of the
    // agency still has that address: those emails are that landlord's too.
    on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM email_outbox WHERE org_id = $1 AND LOWER(to_address) = LOWER($2) \
         AND NOT EXISTS (SELECT 1 FROM landlords o WHERE o.org_id = $1 AND o.id <> $3 \
         AND LOWER(o.email) = LOWER($2))"
    )
    .bind(landlord.org_id)
    .bind(&landlord.email)
    .bind(landlord.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE landlord_portal_tokens SET is_active = FALSE, deactivated_at = $1, landlord_email = $2, \
         landlord_name = $3, last_message_at = NULL, updated_at = $1 WHERE org_id = $4 AND landlord_id = $5"
    )
    .bind(now)
    .bind(email)
    .bind(name)
    .bind(landlord.org_id)
    .bind(landlord.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE tasks SET completed_by_name = $1 WHERE org_id = $2 AND completed_by_type = 'landlord' \
         AND property_id IN (SELECT id FROM properties WHERE org_id = $2 AND landlord_id = $3)"
    )
    .bind(name)
    .bind(landlord.org_id)
    .bind(landlord.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE audit_log SET actor_name = $1 WHERE org_id = $2 AND actor_type = 'landlord' AND actor_id = $3"
    )
    .bind(name)
    .bind(landlord.org_id)
    .bind(landlord.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// `landlord.anonymise`: overwrites every piece of personal data, keeps the record
/// shell and its links, turns portal access off, and scrubs the landlord's
/// personal data from earlier audit rows. Irreversible.
pub async fn anonymise(tx: &mut Tx, landlord: &Landlord, actor: &Actor) -> Result<(), sqlx::Error> {
    let short = landlord.id.simple().to_string()[..8].to_string();
    let email = format!("redacted-{short}@redacted.invalid");
    let company = (landlord.landlord_type == LandlordType::Company).then(|| format!("{REDACTED} company"));
    let search = format!("{}\n{}\n{email}", REDACTED.to_lowercase(), short);
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE landlords SET title = NULL, first_name = $1, last_name = $2, email = $3, phone = NULL, \
             alt_phone = NULL, company_name = $4, company_registration_number = NULL, address_line1 = NULL, \
             address_line2 = NULL, city = NULL, county = NULL, postcode = NULL, bank_account_name = NULL, \
             bank_sort_code = NULL, bank_account_number = NULL, tax_reference = NULL, notes = NULL, \
             portal_access_enabled = FALSE, portal_token_id = NULL, email_notifications_enabled = FALSE, \
             sms_notifications_enabled = FALSE, sort_key = $5, search_text = $6, anonymised_at = $7, updated_at = $7 \
             WHERE id = $8 AND org_id = $9",
        )
        .bind(REDACTED)
        .bind(&short)
        .bind(&email)
        .bind(company)
        .bind(sort_key(REDACTED, &short))
        .bind(search)
        .bind(super::now())
        .bind(landlord.id)
        .bind(landlord.org_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    erase_portal(tx, landlord, &email, &format!("{REDACTED} {short}")).await?;
    // Earlier audit rows: field values go, and the old names and email are
    // replaced in every sentence of the agency that mentions them.
    audit::redact_entity(tx, landlord.org_id, ENTITY, landlord.id).await?;
    let placeholder = format!("[redacted landlord {short}]");
    let mut personal: Vec<String> = vec![
        landlord.display_name(),
        format!("{} {}", landlord.first_name, landlord.last_name),
        landlord.email.clone(),
    ];
    personal.extend(landlord.company_name.clone());
    personal.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for old in personal.into_iter().filter(|s| s.trim().len() >= 3) {
        audit::scrub_text(tx, landlord.org_id, &old, &placeholder).await?;
    }
    audit::record(
        tx,
        audit::Entry {
            org_id: landlord.org_id,
            actor,
            action: "landlord.anonymise",
            entity_type: ENTITY,
            entity_id: Some(landlord.id),
            description: format!("anonymised landlord {placeholder}"),
            changes: Changes::new(),
        },
    )
    .await
}

/// `landlord.get`: one landlord of this agency; another agency's id gives `None`.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<Landlord>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_landlord!("WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(pool)
            .await
    })
}

/// Whether another landlord of this agency already has this email.
pub async fn email_in_use(db: &Db, org_id: Uuid, email: &str, except: Option<Uuid>) -> Result<bool, sqlx::Error> {
    let found: Option<Uuid> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM landlords WHERE org_id = $1 AND email = $2 AND id <> $3 LIMIT 1")
            .bind(org_id)
            .bind(email)
            .bind(except.unwrap_or_else(Uuid::nil))
            .fetch_optional(pool)
            .await
    })?;
    Ok(found.is_some())
}

/// The filters of `landlord.list`.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Words that must each appear in a name, email, company name or postcode.
    pub search: Vec<String>,
    /// Only this status; `None` means active and inactive (archived hidden).
    pub status: Option<LandlordStatus>,
    /// Every status, archived included.
    pub all_statuses: bool,
    /// Only individuals or companies.
    pub landlord_type: Option<LandlordType>,
    /// Only this branch.
    pub branch_id: Option<Uuid>,
    /// Only landlords this agent manages.
    pub managed_by_user_id: Option<Uuid>,
    /// Leave out anonymised landlords (who can own nothing new).
    pub hide_anonymised: bool,
    /// The list's order (by name unless asked otherwise).
    pub order: super::Order<LandlordColumn>,
}

/// The columns the landlord list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LandlordColumn {
    /// Last name, then first name (the stored sort key, indexed).
    #[default]
    Name,
    /// Email address.
    Email,
    /// Postcode.
    Postcode,
}

impl super::SortColumn for LandlordColumn {
    const ALL: &'static [LandlordColumn] = &[LandlordColumn::Name, LandlordColumn::Email, LandlordColumn::Postcode];

    fn as_str(self) -> &'static str {
        match self {
            LandlordColumn::Name => "name",
            LandlordColumn::Email => "email",
            LandlordColumn::Postcode => "postcode",
        }
    }
}

impl LandlordColumn {
    /// The sort key's SQL, for the columns other than the stored name key.
    fn computed_sort_key(self) -> Option<&'static str> {
        match self {
            LandlordColumn::Name => None,
            LandlordColumn::Email => Some("LOWER(email)"),
            LandlordColumn::Postcode => Some("UPPER(COALESCE(postcode, ''))"),
        }
    }
}

/// Appends the filters of a landlord list to a query over landlord rows:
/// `$filters` is `(&ListFilter, &Option<Vec<Uuid>>)`, the filter and, on
/// SQLite, the few candidates the trigram index named for the search.
macro_rules! push_landlord_filters {
    ($query:expr, $filters:expr) => {{
        let (filter, candidates): (&ListFilter, &Option<Vec<Uuid>>) = $filters;
        if let Some(ids) = candidates {
            let mut listed = $query.push(" AND id IN (").separated(", ");
            for id in ids {
                listed.push_bind(*id);
            }
            $query.push(")");
        }
        for term in &filter.search {
            $query
                .push(" AND search_text LIKE ")
                .push_bind(like_pattern(term))
                .push(" ESCAPE '\\'");
        }
        match (filter.status, filter.all_statuses) {
            (Some(status), _) => {
                $query.push(" AND status = ").push_bind(status.as_str());
            }
            (None, true) => {}
            (None, false) => {
                $query.push(" AND status <> 'archived'");
            }
        }
        if let Some(kind) = filter.landlord_type {
            $query.push(" AND landlord_type = ").push_bind(kind.as_str());
        }
        if let Some(branch) = filter.branch_id {
            $query.push(" AND branch_id = ").push_bind(branch);
        }
        if let Some(agent) = filter.managed_by_user_id {
            $query.push(" AND managed_by_user_id = ").push_bind(agent);
        }
        if filter.hide_anonymised {
            $query.push(" AND anonymised_at IS NULL");
        }
    }};
}

/// The trigram candidates of a search, on SQLite (see [`narrow_by_trigrams`]).
async fn candidates_for(db: &Db, filter: &ListFilter) -> Result<Option<Vec<Uuid>>, sqlx::Error> {
    match db {
        Db::Sqlite(pool, _) => narrow_by_trigrams(pool, &filter.search).await,
        Db::Postgres(_) => Ok(None),
    }
}

/// `landlord.list`: one page in name order at `at` (first, after or before a
/// row), and where the pages beside it start. Keyset pagination: rows added
/// between page loads are neither skipped nor repeated.
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    at: &PageAt,
    limit: u32,
) -> Result<Paged<Landlord>, sqlx::Error> {
    // A substring search (LIKE '%term%') walks the agency's landlords in name
    // order until it has a page, which for a rare term means all of them.
    // PostgreSQL's trigram index serves the LIKE itself; on SQLite, when the
    // trigram index (migration 0014) names few enough candidates, the list
    // reads just those and sorts them instead (see `narrow_by_trigrams`).
    let candidates = candidates_for(db, filter).await?;
    if candidates.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Paged {
            rows: Vec::new(),
            previous: None,
            next: None,
        });
    }
    let select = match candidates {
        // `+org_id` keeps SQLite from walking the agency's name-order index
        // and checking each landlord against the few candidates.
        Some(_) => select_landlord!("WHERE +org_id = "),
        None => select_landlord!("WHERE org_id = "),
    };
    // By name the stored, indexed key serves; another column's key is
    // computed in a subquery the page condition then reads.
    let computed = filter.order.column.computed_sort_key();
    let select = match computed {
        Some(key) => format!(
            "SELECT * FROM ({}",
            select.replacen(" sort_key,", &format!(" {key} AS sort_key,"), 1)
        ),
        None => select.to_string(),
    };
    let rows: Vec<Landlord> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(select.as_str());
        query.push_bind(org_id);
        push_landlord_filters!(query, (filter, &candidates));
        if computed.is_some() {
            query.push(") q WHERE 1 = 1");
        }
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<Landlord>().fetch_all(pool).await
    })?;
    Ok(super::paged(rows, limit, at, |row| Cursor {
        sort_key: row.sort_key.clone(),
        id: row.id,
    }))
}

/// How many landlords the filter finds, and how many come before `first`
/// (the first row of a page), for "26–50 of 73".
pub async fn list_count(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    first: Option<&Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    let candidates = candidates_for(db, filter).await?;
    if candidates.as_ref().is_some_and(Vec::is_empty) {
        return Ok((0, 0));
    }
    let key = filter.order.column.computed_sort_key().unwrap_or("sort_key");
    crate::count_listed!(
        db,
        format!(
            "SELECT * FROM (SELECT id, {key} AS sort_key, status, search_text, landlord_type, branch_id, \
             managed_by_user_id, anonymised_at FROM landlords WHERE org_id = "
        ),
        org_id,
        push_landlord_filters,
        (filter, &candidates),
        first,
        filter.order.descending
    )
}

/// Below this many trigram candidates (landlords of every agency containing
/// the search terms), reading and sorting the candidates beats walking the
/// agency in name order; with more, matches are dense enough that the walk
/// soon fills a page. Measured at agency scale under load (BENCHMARKS.md):
/// reading 503 candidates was slower than the walk, each being a random read
/// by id; a few dozen were much faster.
const TRIGRAM_CANDIDATE_LIMIT: i64 = 100;

/// On SQLite: the landlords (of any agency) that the trigram index names for
/// the search terms, when the terms are long enough for trigrams and there are
/// fewer than [`TRIGRAM_CANDIDATE_LIMIT`]; otherwise `None` (walk in name order).
async fn narrow_by_trigrams(pool: &sqlx::SqlitePool, terms: &[String]) -> Result<Option<Vec<Uuid>>, sqlx::Error> {
    let Some(phrases) = trigram_phrases(terms) else {
        return Ok(None);
    };
    let candidates: Vec<Uuid> = sqlx::query_scalar(
        "SELECT k.landlord_id FROM landlord_search s JOIN landlord_search_keys k ON k.key = s.rowid \
         WHERE landlord_search MATCH $1 LIMIT $2",
    )
    .bind(&phrases)
    .bind(TRIGRAM_CANDIDATE_LIMIT)
    .fetch_all(pool)
    .await?;
    Ok((candidates.len() < TRIGRAM_CANDIDATE_LIMIT as usize).then_some(candidates))
}

/// The SQLite trigram index's query for search terms: each term of three
/// characters or more as a quoted phrase (a substring, all of them required),
/// or `None` when no term is long enough for trigrams to narrow anything.
fn trigram_phrases(terms: &[String]) -> Option<String> {
    let phrases: Vec<String> = terms
        .iter()
        .map(|term| term.to_lowercase())
        .filter(|term| term.chars().count() >= 3)
        .map(|term| format!("\"{}\"", term.replace('"', "\"\"")))
        .collect();
    (!phrases.is_empty()).then(|| phrases.join(" "))
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

#[cfg(test)]
mod tests {
    use super::trigram_phrases;

    #[test]
    fn only_terms_of_three_characters_or_more_go_to_the_trigram_index() {
        let terms = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(trigram_phrases(&terms(&["ab", "é"])), None);
        assert_eq!(trigram_phrases(&terms(&["Smith", "ba"])).as_deref(), Some("\"smith\""));
        assert_eq!(
            trigram_phrases(&terms(&["o\"brien", "BA2 4BU"])).as_deref(),
            Some("\"o\"\"brien\" \"ba2 4bu\"")
        );
    }
}

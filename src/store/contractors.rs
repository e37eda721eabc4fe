//! Contractors: add, edit, archive and restore (each audited), and the
//! agency's list with search, a trade filter, sorting and keyset pages.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::contractors::{ContractorFields, ContractorStatus, Trade, trades_from_stored, trades_to_stored};
use crate::domain::validation::Email;
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of contractors.
pub const ENTITY: &str = "contractor";

/// A contractor as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contractor {
    pub id: Uuid,
    pub org_id: Uuid,
    pub company_name: String,
    pub contact_name: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    /// As stored: `,gas,electrical,` (see [`Contractor::trades`]).
    pub trades: String,
    pub gas_safe_number: Option<String>,
    pub electrical_registration: Option<String>,
    pub insurance_expires_on: Option<NaiveDate>,
    pub notes: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ContractorStatus,
    /// The list's keyset sort key (company name unless sorted otherwise).
    pub sort_key: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contractor {
    /// The trades, in the form's order.
    pub fn trades(&self) -> Vec<Trade> {
        trades_from_stored(&self.trades)
    }

    /// The record's fields as checked values (for comparing with an edit).
    pub fn fields(&self) -> ContractorFields {
        ContractorFields {
            company_name: self.company_name.clone(),
            contact_name: self.contact_name.clone(),
            email: Email::parse(&self.email).unwrap_or_else(|_| Email::placeholder()),
            phone: self.phone.clone(),
            trades: self.trades(),
            gas_safe_number: self.gas_safe_number.clone(),
            electrical_registration: self.electrical_registration.clone(),
            insurance_expires_on: self.insurance_expires_on,
            notes: self.notes.clone(),
        }
    }

    /// "Gas, Electrical".
    pub fn trades_label(&self) -> String {
        self.trades().iter().map(|t| t.label()).collect::<Vec<_>>().join(", ")
    }
}

/// Every column of a contractor row, in [`Contractor`]'s order, with `$key`
/// as its sort key.
macro_rules! contractor_columns {
    ($key:expr) => {
        format!(
            "id, org_id, company_name, contact_name, email, phone, trades, gas_safe_number, electrical_registration, \
             insurance_expires_on, notes, status, {} AS sort_key, created_at, updated_at",
            $key
        )
    };
}

/// The stored sort key: the company name, lower case.
fn sort_key(f: &ContractorFields) -> String {
    f.company_name.to_lowercase()
}

/// What search looks in: company, contact, email, phone (also as bare
/// digits) and registration numbers, lower case.
fn search_text(f: &ContractorFields) -> String {
    let digits: String = f
        .phone
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    [
        f.company_name.as_str(),
        f.contact_name.as_deref().unwrap_or(""),
        f.email.as_str(),
        f.phone.as_deref().unwrap_or(""),
        digits.as_str(),
        f.gas_safe_number.as_deref().unwrap_or(""),
        f.electrical_registration.as_deref().unwrap_or(""),
    ]
    .join(" ")
    .to_lowercase()
}

/// The fields as the audit trail records them.
fn recorded(f: &ContractorFields) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("company_name", Some(f.company_name.clone())),
        ("contact_name", f.contact_name.clone()),
        ("email", Some(f.email.as_str().to_string())),
        ("phone", f.phone.clone()),
        ("trades", Some(trades_to_stored(&f.trades))),
        ("gas_safe_number", f.gas_safe_number.clone()),
        ("electrical_registration", f.electrical_registration.clone()),
        ("insurance_expires_on", f.insurance_expires_on.map(|d| d.to_string())),
        ("notes", f.notes.clone()),
    ]
}

/// Adds a contractor.
pub async fn create(tx: &mut Tx, org_id: Uuid, f: &ContractorFields, actor: &Actor) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO contractors (id, org_id, company_name, contact_name, email, phone, trades, gas_safe_number, \
             electrical_registration, insurance_expires_on, notes, status, sort_key, search_text, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, $13, $14, $14)",
        )
        .bind(id)
        .bind(org_id)
        .bind(&f.company_name)
        .bind(&f.contact_name)
        .bind(f.email.as_str())
        .bind(&f.phone)
        .bind(trades_to_stored(&f.trades))
        .bind(&f.gas_safe_number)
        .bind(&f.electrical_registration)
        .bind(f.insurance_expires_on)
        .bind(&f.notes)
        .bind(sort_key(f))
        .bind(search_text(f))
        .bind(super::now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    let changes = recorded(f)
        .into_iter()
        .fold(Changes::new(), |c, (field, to)| c.field(field, None, to.as_deref()));
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "contractor.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("added the contractor {}", f.company_name),
            changes,
        },
    )
    .await?;
    Ok(id)
}

/// Saves an edit; false when nothing changed (and nothing is recorded).
pub async fn update(
    tx: &mut Tx,
    before: &Contractor,
    f: &ContractorFields,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let changes = recorded(&before.fields())
        .into_iter()
        .zip(recorded(f))
        .fold(Changes::new(), |c, ((field, from), (_, to))| {
            c.field(field, from.as_deref(), to.as_deref())
        });
    if changes.is_empty() {
        return Ok(false);
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE contractors SET company_name = $1, contact_name = $2, email = $3, phone = $4, trades = $5, \
             gas_safe_number = $6, electrical_registration = $7, insurance_expires_on = $8, notes = $9, \
             sort_key = $10, search_text = $11, updated_at = $12 WHERE id = $13 AND org_id = $14",
        )
        .bind(&f.company_name)
        .bind(&f.contact_name)
        .bind(f.email.as_str())
        .bind(&f.phone)
        .bind(trades_to_stored(&f.trades))
        .bind(&f.gas_safe_number)
        .bind(&f.electrical_registration)
        .bind(f.insurance_expires_on)
        .bind(&f.notes)
        .bind(sort_key(f))
        .bind(search_text(f))
        .bind(super::now())
        .bind(before.id)
        .bind(before.org_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    audit::record(
        tx,
        audit::Entry {
            org_id: before.org_id,
            actor,
            action: "contractor.update",
            entity_type: ENTITY,
            entity_id: Some(before.id),
            description: format!("edited the contractor {}", f.company_name),
            changes,
        },
    )
    .await?;
    Ok(true)
}

/// Archives or restores a contractor; false when it already had that status.
pub async fn set_status(
    tx: &mut Tx,
    contractor: &Contractor,
    status: ContractorStatus,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let changed = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE contractors SET status = $1, updated_at = $2 WHERE id = $3 AND org_id = $4 AND status <> $1",
        )
        .bind(status.as_str())
        .bind(super::now())
        .bind(contractor.id)
        .bind(contractor.org_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if changed == 0 {
        return Ok(false);
    }
    let (action, verb) = match status {
        ContractorStatus::Archived => ("contractor.archive", "archived"),
        ContractorStatus::Active => ("contractor.restore", "restored"),
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: contractor.org_id,
            actor,
            action,
            entity_type: ENTITY,
            entity_id: Some(contractor.id),
            description: format!("{verb} the contractor {}", contractor.company_name),
            changes: Changes::new().field("status", Some(contractor.status.as_str()), Some(status.as_str())),
        },
    )
    .await?;
    Ok(true)
}

/// One contractor of this agency.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<Contractor>, sqlx::Error> {
    let sql = format!(
        "SELECT {} FROM contractors WHERE id = $1 AND org_id = $2",
        contractor_columns!("sort_key")
    );
    on_pool!(db, |pool| sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(id)
        .bind(org_id)
        .fetch_optional(pool)
        .await)
}

/// What the agency's contractor list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Words that must each appear in the company, contact, email, phone or
    /// registration numbers.
    pub search: Vec<String>,
    /// Only contractors of this trade.
    pub trade: Option<Trade>,
    /// Only this status (`None`: every status).
    pub status: Option<ContractorStatus>,
    /// The list's order (by company name unless asked otherwise).
    pub order: super::Order<ContractorColumn>,
}

/// The columns the contractor list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContractorColumn {
    /// Company name.
    #[default]
    Company,
    /// Email address.
    Email,
    /// Insurance expiry, unrecorded first.
    Insurance,
}

impl super::SortColumn for ContractorColumn {
    const ALL: &'static [ContractorColumn] = &[
        ContractorColumn::Company,
        ContractorColumn::Email,
        ContractorColumn::Insurance,
    ];

    fn as_str(self) -> &'static str {
        match self {
            ContractorColumn::Company => "company",
            ContractorColumn::Email => "email",
            ContractorColumn::Insurance => "insurance",
        }
    }
}

impl ContractorColumn {
    /// The sort key's SQL.
    fn sort_key_sql(self) -> &'static str {
        match self {
            ContractorColumn::Company => "sort_key",
            ContractorColumn::Email => "LOWER(email)",
            ContractorColumn::Insurance => "COALESCE(CAST(insurance_expires_on AS TEXT), '0000-00-00')",
        }
    }
}

/// The list query's rows with the sort key of `column`, ending in
/// `org_id = ` (the filters and the page condition follow the bound id).
fn list_rows(column: ContractorColumn) -> String {
    format!(
        "SELECT * FROM (SELECT {}, search_text FROM contractors WHERE org_id = ",
        contractor_columns!(column.sort_key_sql())
    )
}

/// Appends the filters of a [`ListFilter`] to a query over [`list_rows`].
macro_rules! push_contractor_filters {
    ($query:expr, $filter:expr) => {{
        let filter: &ListFilter = $filter;
        for term in &filter.search {
            $query
                .push(" AND search_text LIKE ")
                .push_bind(super::like_pattern(term))
                .push(" ESCAPE '\\'");
        }
        if let Some(trade) = filter.trade {
            $query
                .push(" AND trades LIKE ")
                .push_bind(format!("%,{},%", trade.as_str()));
        }
        if let Some(status) = filter.status {
            $query.push(" AND status = ").push_bind(status.as_str());
        }
    }};
}

/// One page of the agency's contractors in the filter's order.
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    at: &super::PageAt,
    limit: u32,
) -> Result<super::Paged<Contractor>, sqlx::Error> {
    let rows: Vec<Contractor> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(list_rows(filter.order.column));
        query.push_bind(org_id).push(") q WHERE 1 = 1");
        push_contractor_filters!(query, filter);
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<Contractor>().fetch_all(pool).await
    })?;
    Ok(super::paged(rows, limit, at, |row| super::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.id,
    }))
}

/// How many contractors the filter finds, and how many come before `first`.
pub async fn list_count(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    first: Option<&super::Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    crate::count_listed!(
        db,
        list_rows(filter.order.column),
        org_id,
        push_contractor_filters,
        filter,
        first,
        filter.order.descending
    )
}

/// Every contractor of the agency (id, company name), archived ones too, by
/// name: the choices of a filter.
pub async fn names(db: &Db, org_id: Uuid) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT id, company_name FROM contractors WHERE org_id = $1 ORDER BY LOWER(company_name), id"
    )
    .bind(org_id)
    .fetch_all(pool)
    .await)
}

/// How many contractors the agency has, archived ones too.
pub async fn count(db: &Db, org_id: Uuid) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM contractors WHERE org_id = $1"
    )
    .bind(org_id)
    .fetch_one(pool)
    .await)
}

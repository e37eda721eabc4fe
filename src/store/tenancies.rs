//! Tenants and tenancies. A tenant is a person kept once per agency (matched by
//! email) and reused across tenancies.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::money::money;
use crate::domain::properties::PropertyType;
use crate::domain::tenancies::{
    DepositScheme, MAX_TENANTS, RentFrequency, TenancyFields, TenancyForm, TenancyStatus, TenantFields, TenantRow,
    pounds_input,
};
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of tenancies.
pub const ENTITY: &str = "tenancy";

/// A tenancy as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tenancy {
    pub id: Uuid,
    pub org_id: Uuid,
    pub property_id: Uuid,
    pub rent_pence: i64,
    #[sqlx(try_from = "String")]
    pub rent_frequency: RentFrequency,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    pub status: TenancyStatus,
    pub deposit_pence: i64,
    #[sqlx(try_from = "String")]
    pub deposit_scheme: DepositScheme,
    pub deposit_reference: Option<String>,
    pub deposit_protected_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A tenant of a tenancy.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenancyTenant {
    pub tenancy_id: Uuid,
    pub tenant_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub is_primary: bool,
}

impl TenancyTenant {
    /// "Amy Lee".
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A tenancy with its tenants (primary first).
#[derive(Debug, Clone)]
pub struct TenancyWithTenants {
    /// The tenancy.
    pub tenancy: Tenancy,
    /// Its tenants, primary first.
    pub tenants: Vec<TenancyTenant>,
}

impl Tenancy {
    /// When the tenancy ended, if it has: the end of its end date, or (ended
    /// early or without one) when it was marked ended, whichever came first.
    pub fn ended_at(&self) -> Option<DateTime<Utc>> {
        if self.status() != TenancyStatus::Ended {
            return None;
        }
        let end_of_end_date = self
            .end_date
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc());
        Some(end_of_end_date.map_or(self.updated_at, |end| end.min(self.updated_at)))
    }

    /// The status as a value.
    pub fn status(&self) -> TenancyStatus {
        self.status
    }

    /// The status as its reader should see it on `today`: a tenancy still
    /// marked active whose end date has passed has ended.
    pub fn status_on(&self, today: NaiveDate) -> TenancyStatus {
        match (self.status, self.end_date) {
            (TenancyStatus::Active, Some(end)) if end < today => TenancyStatus::Ended,
            (status, _) => status,
        }
    }

    /// The rent frequency as a value.
    pub fn frequency(&self) -> RentFrequency {
        self.rent_frequency
    }

    /// The deposit scheme as a value.
    pub fn scheme(&self) -> DepositScheme {
        self.deposit_scheme
    }

    /// "£1,200.00 per month".
    pub fn rent_label(&self) -> String {
        format!("{} {}", money(self.rent_pence), self.frequency().label())
    }
}

impl TenancyWithTenants {
    /// The record as an edit form, pre-filled.
    pub fn to_form(&self) -> TenancyForm {
        let t = &self.tenancy;
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut tenants: Vec<TenantRow> = self
            .tenants
            .iter()
            .map(|x| TenantRow {
                first_name: x.first_name.clone(),
                last_name: x.last_name.clone(),
                email: x.email.clone(),
                phone: x.phone.clone().unwrap_or_default(),
            })
            .collect();
        tenants.resize(MAX_TENANTS.max(tenants.len()), TenantRow::default());
        TenancyForm {
            rent: pounds_input(t.rent_pence),
            rent_frequency: t.rent_frequency.as_str().to_string(),
            start_date: t.start_date.to_string(),
            end_date: date(t.end_date),
            status: t.status.as_str().to_string(),
            deposit: if t.deposit_pence > 0 {
                pounds_input(t.deposit_pence)
            } else {
                String::new()
            },
            deposit_scheme: t.deposit_scheme.as_str().to_string(),
            deposit_reference: t.deposit_reference.clone().unwrap_or_default(),
            deposit_protected_on: date(t.deposit_protected_on),
            tenants,
            primary_tenant: "1".into(),
        }
    }

    /// The primary tenant's name.
    pub fn primary_name(&self) -> String {
        self.tenants
            .iter()
            .find(|t| t.is_primary)
            .or(self.tenants.first())
            .map(|t| t.name())
            .unwrap_or_default()
    }
}

fn values(f: &TenancyFields) -> Vec<(&'static str, Option<String>)> {
    let tenants: Vec<String> = f
        .tenants
        .iter()
        .map(|t| format!("{} {}", t.first_name, t.last_name))
        .collect();
    vec![
        ("rent", Some(money(f.rent_pence))),
        ("rent_frequency", Some(f.rent_frequency.as_str().into())),
        ("start_date", Some(f.start_date.to_string())),
        ("end_date", f.end_date.map(|d| d.to_string())),
        ("status", Some(f.status.as_str().into())),
        ("deposit", Some(money(f.deposit_pence))),
        ("deposit_scheme", Some(f.deposit_scheme.as_str().into())),
        ("deposit_reference", f.deposit_reference.clone()),
        ("deposit_protected_on", f.deposit_protected_on.map(|d| d.to_string())),
        ("tenants", Some(tenants.join(", "))),
        (
            "primary_tenant",
            f.tenants
                .get(f.primary)
                .map(|t| format!("{} {}", t.first_name, t.last_name)),
        ),
    ]
}

fn diff(before: Option<&TenancyFields>, after: &TenancyFields) -> Changes {
    Changes::between(before.map(values).as_deref(), &values(after))
}

/// Finds the agency's tenant with this email, creating or refreshing them.
async fn upsert_tenant(tx: &mut Tx, org_id: Uuid, t: &TenantFields) -> Result<Uuid, sqlx::Error> {
    let existing: Option<Uuid> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT id FROM tenants WHERE org_id = $1 AND email = $2")
            .bind(org_id)
            .bind(t.email.as_str())
            .fetch_optional(conn)
            .await
    })?;
    let now = super::now();
    match existing {
        Some(id) => {
            on_tx!(tx, |conn| {
                sqlx::query(
                    "UPDATE tenants SET first_name = $1, last_name = $2, phone = $3, updated_at = $4 WHERE id = $5",
                )
                .bind(&t.first_name)
                .bind(&t.last_name)
                .bind(&t.phone)
                .bind(now)
                .bind(id)
                .execute(conn)
                .await
                .map(|r| r.rows_affected())
            })?;
            Ok(id)
        }
        None => {
            let id = super::new_id();
            on_tx!(tx, |conn| {
                sqlx::query(
                    "INSERT INTO tenants (id, org_id, first_name, last_name, email, phone, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(id)
                .bind(org_id)
                .bind(&t.first_name)
                .bind(&t.last_name)
                .bind(t.email.as_str())
                .bind(&t.phone)
                .bind(now)
                .execute(conn)
                .await
                .map(|r| r.rows_affected())
            })?;
            Ok(id)
        }
    }
}

async fn set_tenants(tx: &mut Tx, org_id: Uuid, tenancy_id: Uuid, f: &TenancyFields) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM tenancy_tenants WHERE tenancy_id = $1")
            .bind(tenancy_id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    for (position, tenant) in f.tenants.iter().enumerate() {
        let tenant_id = upsert_tenant(tx, org_id, tenant).await?;
        on_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO tenancy_tenants (tenancy_id, tenant_id, is_primary, position) VALUES ($1, $2, $3, $4)",
            )
            .bind(tenancy_id)
            .bind(tenant_id)
            .bind(position == f.primary)
            .bind(position as i32)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// A tenancy write the rules refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The property already has another active tenancy, and is not a room in
    /// a shared house (where each room has its own).
    AnotherActive,
}

/// The one-active-tenancy rule, inside the writing transaction: whether a
/// tenancy with `status` may be saved on the property, `except` being the
/// tenancy itself when it is edited. On PostgreSQL the property's row is
/// locked first, so two requests for one property take turns and the second
/// sees the first's tenancy; SQLite's writer already holds the database.
async fn one_active_rule(
    tx: &mut Tx,
    org_id: Uuid,
    property_id: Uuid,
    status: TenancyStatus,
    except: Option<Uuid>,
) -> Result<Result<(), Refused>, sqlx::Error> {
    if status != TenancyStatus::Active {
        return Ok(Ok(()));
    }
    let property_type: Option<String> = match tx {
        Tx::Sqlite(conn, _) => {
            sqlx::query_scalar("SELECT property_type FROM properties WHERE id = $1 AND org_id = $2")
                .bind(property_id)
                .bind(org_id)
                .fetch_optional(&mut **conn)
                .await?
        }
        Tx::Postgres(conn) => {
            sqlx::query_scalar("SELECT property_type FROM properties WHERE id = $1 AND org_id = $2 FOR UPDATE")
                .bind(property_id)
                .bind(org_id)
                .fetch_optional(&mut **conn)
                .await?
        }
    };
    if property_type.as_deref() == Some(PropertyType::Room.as_str()) {
        return Ok(Ok(()));
    }
    let others: i64 = on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM tenancies WHERE org_id = $1 AND property_id = $2 AND status = $3 AND id <> $4",
    )
    .bind(org_id)
    .bind(property_id)
    .bind(TenancyStatus::Active.as_str())
    .bind(except.unwrap_or_else(Uuid::nil))
    .fetch_one(conn)
    .await)?;
    Ok(if others > 0 {
        Err(Refused::AnotherActive)
    } else {
        Ok(())
    })
}

/// Adds a tenancy with its tenants and writes the audit row.
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    property_id: Uuid,
    address: &str,
    f: &TenancyFields,
    actor: &Actor,
) -> Result<Result<Uuid, Refused>, sqlx::Error> {
    if let Err(refused) = one_active_rule(tx, org_id, property_id, f.status, None).await? {
        return Ok(Err(refused));
    }
    let id = super::new_id();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO tenancies (id, org_id, property_id, rent_pence, rent_frequency, start_date, end_date, status, \
             deposit_pence, deposit_scheme, deposit_reference, deposit_protected_on, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(id)
        .bind(org_id)
        .bind(property_id)
        .bind(f.rent_pence)
        .bind(f.rent_frequency.as_str())
        .bind(f.start_date)
        .bind(f.end_date)
        .bind(f.status.as_str())
        .bind(f.deposit_pence)
        .bind(f.deposit_scheme.as_str())
        .bind(&f.deposit_reference)
        .bind(f.deposit_protected_on)
        .bind(super::now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    set_tenants(tx, org_id, id, f).await?;
    let primary = f
        .tenants
        .get(f.primary)
        .map(|t| format!("{} {}", t.first_name, t.last_name))
        .unwrap_or_default();
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "tenancy.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("added a tenancy at {address} for {primary}"),
            changes: diff(None, f),
        },
    )
    .await?;
    Ok(Ok(id))
}

/// Saves new fields and tenants; false (writing nothing) when nothing changed.
pub async fn update(
    tx: &mut Tx,
    current: &TenancyWithTenants,
    address: &str,
    f: &TenancyFields,
    actor: &Actor,
) -> Result<Result<bool, Refused>, sqlx::Error> {
    let before = current.to_form().parse().ok();
    let changes = diff(before.as_ref(), f);
    if changes.is_empty() {
        return Ok(Ok(false));
    }
    let t = &current.tenancy;
    if let Err(refused) = one_active_rule(tx, t.org_id, t.property_id, f.status, Some(t.id)).await? {
        return Ok(Err(refused));
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE tenancies SET rent_pence = $1, rent_frequency = $2, start_date = $3, end_date = $4, status = $5, \
             deposit_pence = $6, deposit_scheme = $7, deposit_reference = $8, deposit_protected_on = $9, updated_at = $10 \
             WHERE id = $11 AND org_id = $12",
        )
        .bind(f.rent_pence)
        .bind(f.rent_frequency.as_str())
        .bind(f.start_date)
        .bind(f.end_date)
        .bind(f.status.as_str())
        .bind(f.deposit_pence)
        .bind(f.deposit_scheme.as_str())
        .bind(&f.deposit_reference)
        .bind(f.deposit_protected_on)
        .bind(super::now())
        .bind(t.id)
        .bind(t.org_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    set_tenants(tx, t.org_id, t.id, f).await?;
    audit::record(
        tx,
        audit::Entry {
            org_id: t.org_id,
            actor,
            action: "tenancy.update",
            entity_type: ENTITY,
            entity_id: Some(t.id),
            description: format!("updated the tenancy at {address}"),
            changes,
        },
    )
    .await?;
    Ok(Ok(true))
}

/// `SELECT <every Tenancy column> FROM tenancies <tail>`.
macro_rules! select_tenancy {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, property_id, rent_pence, rent_frequency, start_date, end_date, status, deposit_pence, \
             deposit_scheme, deposit_reference, deposit_protected_on, created_at, updated_at FROM tenancies ",
            $tail
        )
    };
}

/// A tenancy row joined with one of its tenants (none for a tenancy without).
#[derive(sqlx::FromRow)]
struct TenancyAndTenant {
    #[sqlx(flatten)]
    tenancy: Tenancy,
    tenant_id: Option<Uuid>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    is_primary: Option<bool>,
}

/// `SELECT` of the tenancies matching `$where` (on `org_id = $1` and one more
/// bind, `$2`), each joined with its tenants, newest start first and the
/// primary tenant first within each: what [`with_tenants`] reads.
macro_rules! select_with_tenants {
    ($where:literal) => {
        concat!(
            "SELECT ty.*, tt.tenant_id, t.first_name, t.last_name, t.email, t.phone, tt.is_primary FROM (",
            select_tenancy!($where),
            ") ty LEFT JOIN tenancy_tenants tt ON tt.tenancy_id = ty.id LEFT JOIN tenants t ON t.id = tt.tenant_id \
             ORDER BY ty.start_date DESC, ty.id DESC, tt.is_primary DESC, tt.position"
        )
    };
}

/// Runs a [`select_with_tenants!`] query with `org_id` as `$1` and `key` as
/// `$2`, and gathers each tenancy's tenants: one query, however many tenancies.
async fn with_tenants(
    db: &Db,
    sql: &'static str,
    org_id: Uuid,
    key: Uuid,
) -> Result<Vec<TenancyWithTenants>, sqlx::Error> {
    let rows: Vec<TenancyAndTenant> = on_pool!(db, |pool| {
        sqlx::query_as(sql).bind(org_id).bind(key).fetch_all(pool).await
    })?;
    let mut tenancies: Vec<TenancyWithTenants> = Vec::new();
    for row in rows {
        let tenancy_id = row.tenancy.id;
        if tenancies.last().is_none_or(|last| last.tenancy.id != tenancy_id) {
            tenancies.push(TenancyWithTenants {
                tenancy: row.tenancy,
                tenants: Vec::new(),
            });
        }
        if let (Some(tenant_id), Some(first_name), Some(last_name), Some(email), Some(is_primary), Some(current)) = (
            row.tenant_id,
            row.first_name,
            row.last_name,
            row.email,
            row.is_primary,
            tenancies.last_mut(),
        ) {
            current.tenants.push(TenancyTenant {
                tenancy_id,
                tenant_id,
                first_name,
                last_name,
                email,
                phone: row.phone,
                is_primary,
            });
        }
    }
    Ok(tenancies)
}

/// One tenancy of this agency with its tenants; another agency's id gives `None`.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<TenancyWithTenants>, sqlx::Error> {
    let sql = select_with_tenants!("WHERE org_id = $1 AND id = $2");
    Ok(with_tenants(db, sql, org_id, id).await?.pop())
}

/// A property's tenancies, newest start first, with their tenants (the portal's
/// drill-down and the property page ask for this on every view).
pub async fn for_property(db: &Db, org_id: Uuid, property_id: Uuid) -> Result<Vec<TenancyWithTenants>, sqlx::Error> {
    let sql = select_with_tenants!("WHERE org_id = $1 AND property_id = $2");
    with_tenants(db, sql, org_id, property_id).await
}

/// How many active tenancies the agency has.
pub async fn active_count(db: &Db, org_id: Uuid) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM tenancies WHERE org_id = $1 AND status = 'active'")
            .bind(org_id)
            .fetch_one(pool)
            .await
    })
}

/// The tenancies a tenant may open in the tenant portal: those they are on
/// and hold an accepted invite for (revoking it ends that access), newest
/// start first, with their tenants.
pub async fn for_tenant_portal(db: &Db, org_id: Uuid, tenant_id: Uuid) -> Result<Vec<TenancyWithTenants>, sqlx::Error> {
    let sql = select_with_tenants!(
        "WHERE org_id = $1 AND id IN (SELECT tenancy_id FROM tenancy_tenants WHERE tenant_id = $2) \
         AND id IN (SELECT tenancy_id FROM tenant_portal_invites WHERE tenant_id = $2 AND status = 'accepted')"
    );
    with_tenants(db, sql, org_id, tenant_id).await
}

/// The tenancies a tenant is on, newest start first, with their tenants.
pub async fn for_tenant(db: &Db, org_id: Uuid, tenant_id: Uuid) -> Result<Vec<TenancyWithTenants>, sqlx::Error> {
    let sql = select_with_tenants!(
        "WHERE org_id = $1 AND id IN (SELECT tenancy_id FROM tenancy_tenants WHERE tenant_id = $2)"
    );
    with_tenants(db, sql, org_id, tenant_id).await
}

/// What the agency's tenancy list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Words that must each appear in the address or a tenant's name or email.
    pub search: Vec<String>,
    /// Only this status; `None` means every status.
    pub status: Option<TenancyStatus>,
    /// Only tenancies of properties of this branch.
    pub branch_id: Option<Uuid>,
    /// Only tenancies of this landlord's properties.
    pub landlord_id: Option<Uuid>,
    /// The list's order (the property's address unless asked otherwise).
    pub order: super::Order<TenancyColumn>,
}

/// The columns the tenancy list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TenancyColumn {
    /// The property's address.
    #[default]
    Property,
    /// The landlord's name (last name first).
    Landlord,
    /// The rent, as a monthly amount whatever its frequency.
    Rent,
    /// The start date.
    Start,
    /// The end date (periodic tenancies last).
    End,
}

impl super::SortColumn for TenancyColumn {
    const ALL: &'static [TenancyColumn] = &[
        TenancyColumn::Property,
        TenancyColumn::Landlord,
        TenancyColumn::Rent,
        TenancyColumn::Start,
        TenancyColumn::End,
    ];

    fn as_str(self) -> &'static str {
        match self {
            TenancyColumn::Property => "property",
            TenancyColumn::Landlord => "landlord",
            TenancyColumn::Rent => "rent",
            TenancyColumn::Start => "start",
            TenancyColumn::End => "end",
        }
    }
}

impl TenancyColumn {
    /// The sort key's SQL: text that sorts as the column does (ISO dates,
    /// monthly rent in pence zero-padded to 12 digits).
    fn sort_key_sql(self) -> &'static str {
        match self {
            TenancyColumn::Property => "p.sort_key",
            TenancyColumn::Landlord => "l.sort_key",
            TenancyColumn::Rent => {
                "substr('000000000000' || CAST((CASE t.rent_frequency WHEN 'weekly' THEN t.rent_pence * 52 / 12 \
                 WHEN 'quarterly' THEN t.rent_pence / 3 WHEN 'yearly' THEN t.rent_pence / 12 ELSE t.rent_pence END) AS TEXT), \
                 length(CAST((CASE t.rent_frequency WHEN 'weekly' THEN t.rent_pence * 52 / 12 \
                 WHEN 'quarterly' THEN t.rent_pence / 3 WHEN 'yearly' THEN t.rent_pence / 12 ELSE t.rent_pence END) AS TEXT)) + 1)"
            }
            TenancyColumn::Start => "CAST(t.start_date AS TEXT)",
            TenancyColumn::End => "COALESCE(CAST(t.end_date AS TEXT), '9999-12-31')",
        }
    }
}

/// A tenancy in the agency's list, with its property, landlord and first tenant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedTenancy {
    /// The tenancy.
    #[sqlx(flatten)]
    pub tenancy: Tenancy,
    /// The property's first address line and town.
    pub address: String,
    /// The landlord who owns the property.
    pub landlord_id: Uuid,
    /// Their name.
    pub landlord_name: String,
    /// The primary tenant's name (else the first tenant's).
    pub tenant_name: Option<String>,
    /// The keyset sort key of the list's order (by default the property's address order).
    pub sort_key: String,
}

/// The list's rows as a subquery up to `org_id = ` (closed by the caller
/// with `) q`): the tenancy, its property and landlord, the sort key of `column`.
fn tenancy_rows_from(column: TenancyColumn) -> String {
    format!(
        "(SELECT t.id, t.org_id, t.property_id, t.rent_pence, t.rent_frequency, t.start_date, \
         t.end_date, t.status, t.deposit_pence, t.deposit_scheme, t.deposit_reference, t.deposit_protected_on, \
         t.created_at, t.updated_at, p.address_line1 || ', ' || p.city AS address, p.landlord_id, \
         l.first_name || ' ' || l.last_name AS landlord_name, \
         {} AS sort_key, p.branch_id AS property_branch_id, p.search_text \
         FROM tenancies t JOIN properties p ON p.id = t.property_id AND p.org_id = t.org_id \
         JOIN landlords l ON l.id = p.landlord_id AND l.org_id = p.org_id WHERE t.org_id = ",
        column.sort_key_sql()
    )
}

/// The list query's rows (for counting), over which filters and the page
/// condition are added.
fn listed_tenancy_rows(column: TenancyColumn) -> String {
    format!("SELECT * FROM {}", tenancy_rows_from(column))
}

/// Appends the filters of a [`ListFilter`] to a query over [`listed_tenancy_rows`].
macro_rules! push_tenancy_filters {
    ($query:expr, $filter:expr) => {{
        let filter: &ListFilter = $filter;
        for term in &filter.search {
            let pattern = super::like_pattern(term);
            $query
                .push(" AND (search_text LIKE ")
                .push_bind(pattern.clone())
                .push(
                    " ESCAPE '\\' OR EXISTS (SELECT 1 FROM tenancy_tenants tt JOIN tenants n ON n.id = tt.tenant_id \
                     WHERE tt.tenancy_id = q.id AND LOWER(n.first_name || ' ' || n.last_name || ' ' || n.email) LIKE ",
                )
                .push_bind(pattern)
                .push(" ESCAPE '\\'))");
        }
        if let Some(status) = filter.status {
            $query.push(" AND status = ").push_bind(status.as_str());
        }
        if let Some(branch) = filter.branch_id {
            $query.push(" AND property_branch_id = ").push_bind(branch);
        }
        if let Some(landlord) = filter.landlord_id {
            $query.push(" AND landlord_id = ").push_bind(landlord);
        }
    }};
}

/// One page of the agency's tenancies, in the filter's order (by default the
/// property's address).
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    at: &super::PageAt,
    limit: u32,
) -> Result<super::Paged<ListedTenancy>, sqlx::Error> {
    let rows: Vec<ListedTenancy> = on_pool!(db, |pool| {
        // The first tenant's name is looked up in the outer select, so that
        // PostgreSQL runs it for the page's rows after the sort and limit
        // rather than for every tenancy of the agency on every page.
        let mut query = sqlx::QueryBuilder::new(format!(
            "SELECT q.*, (SELECT n.first_name || ' ' || n.last_name FROM tenancy_tenants tt \
             JOIN tenants n ON n.id = tt.tenant_id WHERE tt.tenancy_id = q.id \
             ORDER BY tt.is_primary DESC, tt.position LIMIT 1) AS tenant_name FROM {}",
            tenancy_rows_from(filter.order.column)
        ));
        query.push_bind(org_id).push(") q WHERE 1 = 1");
        push_tenancy_filters!(query, filter);
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<ListedTenancy>().fetch_all(pool).await
    })?;
    Ok(super::paged(rows, limit, at, |row| super::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.tenancy.id,
    }))
}

/// How many tenancies the filter finds, and how many come before `first`.
pub async fn list_count(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    first: Option<&super::Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    crate::count_listed!(
        db,
        listed_tenancy_rows(filter.order.column),
        org_id,
        push_tenancy_filters,
        filter,
        first,
        filter.order.descending
    )
}

//! The agency-wide compliance list: a derived table with one row per property and
//! certificate kind that is either required and missing or has a current
//! certificate. Rows are computed here in Rust with the rules of
//! [`crate::domain::compliance`] and rewritten in the same transaction as every
//! property or certificate write, so pages and counts read a few indexed rows
//! instead of every certificate of the agency. Whether a row needs attention
//! depends on today, so the SQL compares today with the stored expiry and the
//! first day of the kind's warning window; it restates no window or rating.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeDelta};
use sqlx::QueryBuilder;
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::choice::Choice;
use crate::domain::compliance::{
    CertificateKind, CertificateOnRecord, Indicator, below_minimum, current, expiring_soon_from, longest_warning_days,
    missing, rules_fingerprint,
};
use crate::domain::properties::{EpcRating, PropertyStatus};
use crate::{on_pool, on_tx};

/// The name of the compliance list in `derived_state`.
const DERIVED_NAME: &str = "compliance_items";
/// Rows per multi-row INSERT when rebuilding (10 columns each).
const ROWS_PER_INSERT: usize = 500;

/// One line of the agency's compliance page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceItem {
    /// How urgent.
    pub indicator: Indicator,
    /// Which certificate.
    pub kind: CertificateKind,
    /// The property.
    pub property_id: Uuid,
    /// Its one-line address.
    pub address: String,
    /// Its branch.
    pub branch_id: Option<Uuid>,
    /// The certificate, when there is one.
    pub certificate_id: Option<Uuid>,
    /// Its expiry, when there is one.
    pub expires_on: Option<NaiveDate>,
    /// The kind's place in [`CertificateKind::ALL`] (the last tie-break of the order).
    pub kind_rank: i32,
}

/// The columns of a [`Row`], in its order.
macro_rules! row_columns {
    () => {
        "property_id, kind, kind_rank, branch_id, address, certificate_id, expires_on, below_minimum, soon_from"
    };
}

/// [`row_columns!`] as a value, for queries built at run time.
const ROW_COLUMNS: &str = row_columns!();

/// A row of the derived table, as computed from a property and its certificates.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    property_id: Uuid,
    #[sqlx(try_from = "String")]
    kind: CertificateKind,
    kind_rank: i32,
    branch_id: Option<Uuid>,
    address: String,
    certificate_id: Option<Uuid>,
    expires_on: Option<NaiveDate>,
    below_minimum: bool,
    soon_from: Option<NaiveDate>,
}

/// What of a certificate the compliance list needs.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Certificate {
    id: Uuid,
    property_id: Uuid,
    #[sqlx(try_from = "String")]
    kind: CertificateKind,
    expires_on: NaiveDate,
    epc_rating: Option<String>,
}

impl CertificateOnRecord for Certificate {
    fn kind(&self) -> CertificateKind {
        self.kind
    }
    fn expires_on(&self) -> NaiveDate {
        self.expires_on
    }
}

impl Certificate {
    fn rating(&self) -> Option<EpcRating> {
        self.epc_rating.as_deref().and_then(|r| EpcRating::parse(r).ok())
    }
}

/// What of a property the compliance list needs.
#[derive(Debug, Clone, sqlx::FromRow)]
struct PropertyFacts {
    id: Uuid,
    branch_id: Option<Uuid>,
    address_line1: String,
    city: String,
    postcode: String,
    #[sqlx(try_from = "String")]
    status: PropertyStatus,
    has_gas: bool,
}

fn kind_rank(kind: CertificateKind) -> i32 {
    CertificateKind::ALL
        .iter()
        .position(|k| *k == kind)
        .and_then(|i| i32::try_from(i).ok())
        .unwrap_or(i32::MAX)
}

/// The rows of one property: its missing required kinds and its current
/// certificates (archived properties have none).
fn derive(p: &PropertyFacts, own: &[Certificate]) -> Vec<Row> {
    let status = p.status;
    if status == PropertyStatus::Archived {
        return Vec::new();
    }
    let address = format!("{}, {} {}", p.address_line1, p.city, p.postcode);
    let mut rows = Vec::new();
    for kind in missing(status, p.has_gas, own) {
        rows.push(Row {
            property_id: p.id,
            kind,
            kind_rank: kind_rank(kind),
            branch_id: p.branch_id,
            address: address.clone(),
            certificate_id: None,
            expires_on: None,
            below_minimum: false,
            soon_from: None,
        });
    }
    for c in current(own) {
        let kind = c.kind();
        rows.push(Row {
            property_id: p.id,
            kind,
            kind_rank: kind_rank(kind),
            branch_id: p.branch_id,
            address: address.clone(),
            certificate_id: Some(c.id),
            expires_on: Some(c.expires_on),
            below_minimum: below_minimum(kind, c.rating()),
            soon_from: Some(expiring_soon_from(kind, c.expires_on)),
        });
    }
    rows
}

const SELECT_FACTS: &str = "SELECT id, branch_id, address_line1, city, postcode, status, has_gas FROM properties WHERE id = $1 AND org_id = $2";

async fn insert(tx: &mut Tx, org_id: Uuid, rows: &[Row]) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        on_tx!(tx, |conn| {
            let mut query = QueryBuilder::new(
                "INSERT INTO compliance_items (property_id, kind, org_id, kind_rank, branch_id, address, \
                 certificate_id, expires_on, below_minimum, soon_from) ",
            );
            query.push_values(chunk, |mut b, r| {
                b.push_bind(r.property_id)
                    .push_bind(r.kind.as_str())
                    .push_bind(org_id)
                    .push_bind(r.kind_rank)
                    .push_bind(r.branch_id)
                    .push_bind(r.address.clone())
                    .push_bind(r.certificate_id)
                    .push_bind(r.expires_on)
                    .push_bind(r.below_minimum)
                    .push_bind(r.soon_from);
            });
            query.build().execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Rewrites the compliance rows of one property from what the transaction sees.
/// Every change to a property or to its certificates calls this before committing,
/// so the list is never behind the records it is derived from.
pub async fn refresh_property(tx: &mut Tx, org_id: Uuid, property_id: Uuid) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM compliance_items WHERE property_id = $1 AND org_id = $2"
    )
    .bind(property_id)
    .bind(org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let facts: Option<PropertyFacts> = on_tx!(tx, |conn| sqlx::query_as(SELECT_FACTS)
        .bind(property_id)
        .bind(org_id)
        .fetch_optional(conn)
        .await)?;
    let Some(facts) = facts else { return Ok(()) };
    let own: Vec<Certificate> = on_tx!(tx, |conn| {
        sqlx::query_as(
        "SELECT id, property_id, kind, expires_on, epc_rating FROM certificates WHERE org_id = $1 AND property_id = $2"
    )
    .bind(org_id)
    .bind(property_id)
    .fetch_all(conn)
    .await
    })?;
    insert(tx, org_id, &derive(&facts, &own)).await
}

/// An agency's whole compliance list as the rules derive it from the
/// properties and certificates the transaction sees, ordered by property and kind.
async fn derive_org(tx: &mut Tx, org_id: Uuid) -> Result<Vec<Row>, sqlx::Error> {
    let properties: Vec<PropertyFacts> = on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, branch_id, address_line1, city, postcode, status, has_gas FROM properties WHERE org_id = $1"
    )
    .bind(org_id)
    .fetch_all(conn)
    .await)?;
    let all: Vec<Certificate> = on_tx!(tx, |conn| {
        sqlx::query_as("SELECT id, property_id, kind, expires_on, epc_rating FROM certificates WHERE org_id = $1")
            .bind(org_id)
            .fetch_all(conn)
            .await
    })?;
    let mut by_property: HashMap<Uuid, Vec<Certificate>> = HashMap::new();
    for c in all {
        by_property.entry(c.property_id).or_default().push(c);
    }
    let mut rows: Vec<Row> = properties
        .iter()
        .flat_map(|p| derive(p, by_property.get(&p.id).map_or(&[][..], Vec::as_slice)))
        .collect();
    rows.sort_by(|a, b| (a.property_id, a.kind.as_str()).cmp(&(b.property_id, b.kind.as_str())));
    Ok(rows)
}

/// Rebuilds an agency's whole compliance list (after a bulk load that bypassed
/// the store, when the rules changed, or when a check found it behind).
///
/// The rows are derived inside the transaction that writes them, after it has
/// shut out every other writer of the list (SQLite has one writer; on
/// PostgreSQL the table lock waits for open writers and holds off new ones,
/// while reads go on), so a certificate saved meanwhile is never overwritten
/// with rows derived from before it.
pub async fn rebuild_org(db: &Db, org_id: Uuid) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    if let Tx::Postgres(conn) = &mut tx {
        sqlx::query("LOCK TABLE compliance_items IN EXCLUSIVE MODE")
            .execute(&mut **conn)
            .await?;
    }
    let rows = derive_org(&mut tx, org_id).await?;
    on_tx!(&mut tx, |conn| sqlx::query(
        "DELETE FROM compliance_items WHERE org_id = $1"
    )
    .bind(org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    insert(&mut tx, org_id, &rows).await?;
    tx.commit().await
}

/// How many of an agency's stored compliance rows differ from what the rules
/// derive from its records now (missing, extra or changed rows); zero when
/// the list is consistent. Both sides are read in one snapshot, so a write
/// committed meanwhile cannot make a consistent list look inconsistent.
pub async fn differences(db: &Db, org_id: Uuid) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin_snapshot().await?;
    let expected = derive_org(&mut tx, org_id).await?;
    let stored: Vec<Row> = on_tx!(&mut tx, |conn| sqlx::query_as(concat!(
        "SELECT ",
        row_columns!(),
        " FROM compliance_items WHERE org_id = $1"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await)?;
    tx.rollback().await?;
    let mut stored = stored;
    stored.sort_by(|a, b| (a.property_id, a.kind.as_str()).cmp(&(b.property_id, b.kind.as_str())));
    let mut expected_iter = expected.iter().peekable();
    let mut stored_iter = stored.iter().peekable();
    let mut differences = 0;
    loop {
        match (expected_iter.peek(), stored_iter.peek()) {
            (None, None) => break,
            (Some(e), Some(s)) if (e.property_id, e.kind) == (s.property_id, s.kind) => {
                if e != s {
                    differences += 1;
                }
                expected_iter.next();
                stored_iter.next();
            }
            (Some(e), Some(s)) if (e.property_id, e.kind.as_str()) < (s.property_id, s.kind.as_str()) => {
                differences += 1;
                expected_iter.next();
            }
            (Some(_), None) => {
                differences += 1;
                expected_iter.next();
            }
            (_, Some(_)) => {
                differences += 1;
                stored_iter.next();
            }
        }
    }
    Ok(differences)
}

/// Rebuilds every agency's compliance list, one agency at a time.
pub async fn rebuild_all(db: &Db) -> Result<(), sqlx::Error> {
    let orgs: Vec<Uuid> = on_pool!(db, |pool| sqlx::query_scalar("SELECT id FROM organisations")
        .fetch_all(pool)
        .await)?;
    for org in orgs {
        rebuild_org(db, org).await?;
    }
    Ok(())
}

/// At start-up (after migrations): rebuilds every agency's list when it was
/// derived under other rules than this build's, or never (a new table); true
/// when it rebuilt. Cheap when nothing changed: one row is read.
pub async fn ensure_current(db: &Db) -> Result<bool, sqlx::Error> {
    let fingerprint = rules_fingerprint();
    let stored: Option<String> = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT fingerprint FROM derived_state WHERE name = $1"
    )
    .bind(DERIVED_NAME)
    .fetch_optional(pool)
    .await)?;
    if stored.as_deref() == Some(fingerprint.as_str()) {
        return Ok(false);
    }
    rebuild_all(db).await?;
    on_pool!(db, |pool| sqlx::query(
        "INSERT INTO derived_state (name, fingerprint) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint"
    )
    .bind(DERIVED_NAME)
    .bind(&fingerprint)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(true)
}

/// The compliance page's filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this branch's properties.
    pub branch_id: Option<Uuid>,
    /// Only this kind of certificate.
    pub kind: Option<CertificateKind>,
    /// Only this state (the counts still give every state).
    pub indicator: Option<Indicator>,
    /// Words that must each appear in the property's address.
    pub search: Vec<String>,
    /// The order of [`list`] (most urgent first unless asked otherwise).
    pub order: super::Order<ComplianceColumn>,
    /// The day whose states are listed.
    pub today: Option<NaiveDate>,
}

/// The columns the compliance list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ComplianceColumn {
    /// Most urgent first: missing, expired, below minimum, expiring soon;
    /// then soonest expiry, then address.
    #[default]
    State,
    /// The kind of certificate, then address.
    Certificate,
    /// The property's address.
    Property,
    /// The landlord, then the property.
    Landlord,
    /// The expiry date, missing certificates first (most days overdue first).
    Expires,
}

impl super::SortColumn for ComplianceColumn {
    const ALL: &'static [ComplianceColumn] = &[
        ComplianceColumn::State,
        ComplianceColumn::Certificate,
        ComplianceColumn::Property,
        ComplianceColumn::Landlord,
        ComplianceColumn::Expires,
    ];

    fn as_str(self) -> &'static str {
        match self {
            ComplianceColumn::State => "state",
            ComplianceColumn::Certificate => "certificate",
            ComplianceColumn::Property => "property",
            ComplianceColumn::Landlord => "landlord",
            ComplianceColumn::Expires => "expires",
        }
    }
}

impl ComplianceColumn {
    /// The sort key's SQL over the listed rows (`u`, with `state_rank`), the
    /// property (`p`) and the landlord (`l`); the kind's rank ends every key,
    /// so a key and the property id name one row.
    fn sort_key_sql(self) -> &'static str {
        match self {
            ComplianceColumn::State => {
                "CAST(u.state_rank AS TEXT) || ' ' || COALESCE(CAST(u.expires_on AS TEXT), '') || ' ' || \
                 u.address || ' ' || CAST(u.kind_rank AS TEXT)"
            }
            ComplianceColumn::Certificate => "CAST(u.kind_rank AS TEXT) || ' ' || u.address",
            ComplianceColumn::Property => "p.sort_key || ' ' || CAST(u.kind_rank AS TEXT)",
            ComplianceColumn::Landlord => "l.sort_key || ' ' || p.sort_key || ' ' || CAST(u.kind_rank AS TEXT)",
            ComplianceColumn::Expires => {
                "COALESCE(CAST(u.expires_on AS TEXT), '0000-00-00') || ' ' || u.address || ' ' || \
                 CAST(u.kind_rank AS TEXT)"
            }
        }
    }
}

/// The indicators that need attention, in page order.
const GROUPS: [Indicator; 4] = [
    Indicator::Missing,
    Indicator::Expired,
    Indicator::BelowMinimum,
    Indicator::ExpiringSoon,
];

/// Appends ` WHERE …` selecting the agency's rows with this indicator as of
/// `today`, within the filters. The precedence is that of
/// [`crate::domain::compliance::indicator_of`] (expired beats below minimum, which
/// beats expiring soon); the dates compared are the stored expiry and the first
/// day of the warning window, so no window or rating is restated here. One
/// definition for the counts and the pages, so they cannot disagree.
macro_rules! push_where {
    ($query:expr, $org_id:expr, $group:expr, $today:expr, $filter:expr) => {{
        let today: NaiveDate = $today;
        let filter: &Filter = $filter;
        $query.push(" WHERE org_id = ").push_bind($org_id);
        match $group {
            Indicator::Missing => {
                $query.push(" AND expires_on IS NULL");
            }
            Indicator::Expired => {
                $query.push(" AND expires_on < ").push_bind(today);
            }
            Indicator::BelowMinimum => {
                $query
                    .push(" AND below_minimum = ")
                    .push_bind(true)
                    .push(" AND expires_on >= ")
                    .push_bind(today);
            }
            Indicator::ExpiringSoon => {
                // The upper bound only narrows the index range: a later expiry
                // cannot be within any kind's window.
                $query
                    .push(" AND expires_on >= ")
                    .push_bind(today)
                    .push(" AND expires_on <= ")
                    .push_bind(today + TimeDelta::days(longest_warning_days()))
                    .push(" AND below_minimum = ")
                    .push_bind(false)
                    .push(" AND soon_from <= ")
                    .push_bind(today);
            }
            Indicator::Valid => {
                $query
                    .push(" AND expires_on >= ")
                    .push_bind(today)
                    .push(" AND below_minimum = ")
                    .push_bind(false)
                    .push(" AND soon_from > ")
                    .push_bind(today);
            }
        }
        if let Some(branch) = filter.branch_id {
            $query.push(" AND branch_id = ").push_bind(branch);
        }
        if let Some(kind) = filter.kind {
            $query.push(" AND kind = ").push_bind(kind.as_str());
        }
        for term in &filter.search {
            $query
                .push(" AND LOWER(address) LIKE ")
                .push_bind(super::like_pattern(term))
                .push(" ESCAPE '\\'");
        }
    }};
}

fn item(row: Row, indicator: Indicator) -> ComplianceItem {
    ComplianceItem {
        indicator,
        kind: row.kind,
        property_id: row.property_id,
        address: row.address,
        branch_id: row.branch_id,
        certificate_id: row.certificate_id,
        expires_on: row.expires_on,
        kind_rank: row.kind_rank,
    }
}

/// A line of the compliance list with its property's landlord.
#[derive(Debug, Clone)]
pub struct ListedItem {
    /// The item.
    pub item: ComplianceItem,
    /// The landlord who owns the property.
    pub landlord_id: Uuid,
    /// Their name.
    pub landlord_name: String,
    /// The keyset sort key (see [`ComplianceColumn`]).
    pub sort_key: String,
}

/// A row of [`list`] as read.
#[derive(Debug, sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    row: Row,
    state_rank: i32,
    landlord_id: Uuid,
    landlord_name: String,
    sort_key: String,
}

/// Appends the list's rows: every row needing attention within the filter,
/// each with its state's rank in [`GROUPS`] (a `UNION ALL` of the states'
/// own conditions, the ones the counts use), its landlord and the sort key
/// of the filter's order; the page condition follows `WHERE 1 = 1`.
macro_rules! push_listed {
    ($query:expr, $org_id:expr, $filter:expr) => {{
        let filter: &Filter = $filter;
        let today = filter.today.unwrap_or_else(|| super::now().date_naive());
        $query.push(format!(
            "SELECT * FROM (SELECT u.property_id, u.kind, u.kind_rank, u.branch_id, u.address, u.certificate_id, \
             u.expires_on, u.below_minimum, u.soon_from, u.state_rank, p.landlord_id, \
             l.first_name || ' ' || l.last_name AS landlord_name, u.property_id AS id, {} AS sort_key FROM (",
            filter.order.column.sort_key_sql()
        ));
        let mut first = true;
        for (rank, group) in GROUPS.iter().enumerate() {
            if filter.indicator.is_some_and(|only| only != *group) {
                continue;
            }
            if !first {
                $query.push(" UNION ALL ");
            }
            first = false;
            $query.push(format!(
                "SELECT {ROW_COLUMNS}, {rank} AS state_rank FROM compliance_items"
            ));
            push_where!($query, $org_id, *group, today, filter);
        }
        if first {
            // A state that never needs attention: no rows.
            $query.push(format!(
                "SELECT {ROW_COLUMNS}, 0 AS state_rank FROM compliance_items WHERE 1 = 0"
            ));
        }
        $query.push(
            ") u JOIN properties p ON p.id = u.property_id JOIN landlords l ON l.id = p.landlord_id \
             AND l.org_id = p.org_id) q WHERE 1 = 1",
        );
    }};
}

/// One page of everything needing attention in the filter's order, pages
/// both ways.
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &Filter,
    at: &super::PageAt,
    limit: u32,
) -> Result<super::Paged<ListedItem>, sqlx::Error> {
    let rows: Vec<ListedRow> = on_pool!(db, |pool| {
        let mut query = QueryBuilder::new("");
        push_listed!(query, org_id, filter);
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<ListedRow>().fetch_all(pool).await
    })?;
    let items = rows
        .into_iter()
        .map(|listed| {
            let indicator = usize::try_from(listed.state_rank)
                .ok()
                .and_then(|rank| GROUPS.get(rank).copied())
                .unwrap_or(Indicator::Missing);
            ListedItem {
                item: item(listed.row, indicator),
                landlord_id: listed.landlord_id,
                landlord_name: listed.landlord_name,
                sort_key: listed.sort_key,
            }
        })
        .collect();
    Ok(super::paged(items, limit, at, |row| super::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.item.property_id,
    }))
}

/// How many rows [`list`] finds, and how many come before `first` (the first
/// row of a page) in its order: "26–50 of 73".
pub async fn list_count(
    db: &Db,
    org_id: Uuid,
    filter: &Filter,
    first: Option<&super::Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    let descending = filter.order.descending;
    let (sort_key, id) = match first {
        Some(first) => (first.sort_key.clone(), first.id),
        None if descending => (String::new(), Uuid::max()),
        None => (String::new(), Uuid::nil()),
    };
    on_pool!(db, |pool| {
        let mut query = QueryBuilder::new("SELECT COUNT(*), COALESCE(SUM(CASE WHEN (sort_key, id) ");
        query
            .push(if descending { "> (" } else { "< (" })
            .push_bind(sort_key.clone())
            .push(", ")
            .push_bind(id)
            .push(") THEN 1 ELSE 0 END), 0) FROM (");
        push_listed!(query, org_id, filter);
        query.push(") counted");
        query.build_query_as::<(i64, i64)>().fetch_one(pool).await
    })
}

/// How many rows need attention per indicator, within the filters: one
/// statement of four indexed counts, with the same conditions as [`page`].
pub async fn counts(db: &Db, org_id: Uuid, filter: &Filter, today: NaiveDate) -> Result<Counts, sqlx::Error> {
    let (missing, expired, below_minimum, expiring_soon): (i64, i64, i64, i64) = on_pool!(db, |pool| {
        let mut query = QueryBuilder::new("SELECT ");
        for (i, group) in GROUPS.iter().enumerate() {
            if i > 0 {
                query.push(", ");
            }
            query.push("(SELECT COUNT(*) FROM compliance_items");
            push_where!(query, org_id, *group, today, filter);
            query.push(")");
        }
        query.build_query_as().fetch_one(pool).await
    })?;
    Ok(Counts {
        missing,
        expired,
        below_minimum,
        expiring_soon,
    })
}

/// How many rows need attention, per indicator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Required and not on record.
    pub missing: i64,
    /// Past expiry.
    pub expired: i64,
    /// EPCs below the minimum rating.
    pub below_minimum: i64,
    /// Within the warning window.
    pub expiring_soon: i64,
}

impl Counts {
    /// Everything needing attention.
    pub fn total(&self) -> i64 {
        self.missing + self.expired + self.below_minimum + self.expiring_soon
    }

    /// The count of one indicator (zero for `Valid`).
    pub fn of(&self, indicator: Indicator) -> i64 {
        match indicator {
            Indicator::Missing => self.missing,
            Indicator::Expired => self.expired,
            Indicator::BelowMinimum => self.below_minimum,
            Indicator::ExpiringSoon => self.expiring_soon,
            Indicator::Valid => 0,
        }
    }
}

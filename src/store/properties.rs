//! Properties: each owned by one landlord of the same agency.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::properties::{EpcRating, PropertyFields, PropertyForm, PropertyStatus, PropertyType};
use crate::store::{Cursor, audit, compliance, like_pattern};
use crate::{on_pool, on_tx};

/// The audit entity type of properties.
pub const ENTITY: &str = "property";

/// A property as stored, with its landlord's display name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Property {
    pub id: Uuid,
    pub org_id: Uuid,
    pub landlord_id: Uuid,
    pub branch_id: Option<Uuid>,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub county: Option<String>,
    pub postcode: String,
    #[sqlx(try_from = "String")]
    pub property_type: PropertyType,
    pub bedrooms: i32,
    pub bathrooms: i32,
    pub epc_rating: Option<String>,
    pub has_gas: bool,
    #[sqlx(try_from = "String")]
    pub status: PropertyStatus,
    /// The asking rent a month, in pence, if set.
    pub asking_rent_pence: Option<i64>,
    pub sort_key: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The owning landlord's first and last name.
    pub landlord_name: String,
}

/// `SELECT <every Property column> FROM properties p JOIN landlords l <tail>`.
macro_rules! select_property {
    ($tail:literal) => {
        concat!(
            "SELECT p.id, p.org_id, p.landlord_id, p.branch_id, p.address_line1, p.address_line2, p.city, p.county, \
             p.postcode, p.property_type, p.bedrooms, p.bathrooms, p.epc_rating, p.has_gas, p.status, p.asking_rent_pence, p.sort_key, \
             p.created_at, p.updated_at, l.first_name || ' ' || l.last_name AS landlord_name \
             FROM properties p JOIN landlords l ON l.id = p.landlord_id AND l.org_id = p.org_id ",
            $tail
        )
    };
}

impl Property {
    /// "Flat 2, 14 Royal York Crescent, Bristol BS8 4JX".
    pub fn address(&self) -> String {
        let mut parts = vec![self.address_line1.clone()];
        parts.extend(self.address_line2.clone());
        parts.push(format!("{} {}", self.city, self.postcode));
        parts.join(", ")
    }

    /// "2 bed", or nothing for a studio or a room (their type says it: not
    /// "Studio · 0 bed").
    pub fn bedrooms_label(&self) -> Option<String> {
        match self.property_type() {
            PropertyType::Studio | PropertyType::Room => None,
            _ if self.bedrooms == 0 => None,
            _ => Some(format!("{} bed", self.bedrooms)),
        }
    }

    /// The status as a value.
    pub fn status(&self) -> PropertyStatus {
        self.status
    }

    /// The type as a value.
    pub fn property_type(&self) -> PropertyType {
        self.property_type
    }

    /// The EPC rating as a value.
    pub fn epc(&self) -> Option<EpcRating> {
        self.epc_rating.as_deref().and_then(|r| EpcRating::parse(r).ok())
    }

    /// The record as an edit form, pre-filled.
    pub fn to_form(&self) -> PropertyForm {
        PropertyForm {
            landlord_id: self.landlord_id.to_string(),
            branch_id: self.branch_id.map(|id| id.to_string()).unwrap_or_default(),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone().unwrap_or_default(),
            city: self.city.clone(),
            county: self.county.clone().unwrap_or_default(),
            postcode: self.postcode.clone(),
            property_type: self.property_type.as_str().to_string(),
            bedrooms: self.bedrooms.to_string(),
            bathrooms: self.bathrooms.to_string(),
            epc_rating: self.epc_rating.clone().unwrap_or_default(),
            has_gas: self.has_gas.then(|| "on".to_string()),
            status: self.status.as_str().to_string(),
            asking_rent: self
                .asking_rent_pence
                .map(crate::domain::tenancies::pounds_input)
                .unwrap_or_default(),
            landlord_q: String::new(),
        }
    }

    /// The record's fields as checked values (for comparing before and after).
    pub fn fields(&self) -> PropertyFields {
        PropertyFields {
            landlord_id: self.landlord_id,
            branch_id: self.branch_id,
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone(),
            city: self.city.clone(),
            county: self.county.clone(),
            postcode: self.postcode.clone(),
            property_type: self.property_type(),
            bedrooms: self.bedrooms,
            bathrooms: self.bathrooms,
            epc_rating: self.epc(),
            has_gas: self.has_gas,
            status: self.status(),
            asking_rent_pence: self.asking_rent_pence,
        }
    }
}

fn values(f: &PropertyFields) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("landlord_id", Some(f.landlord_id.to_string())),
        ("branch_id", f.branch_id.map(|id| id.to_string())),
        ("address_line1", Some(f.address_line1.clone())),
        ("address_line2", f.address_line2.clone()),
        ("city", Some(f.city.clone())),
        ("county", f.county.clone()),
        ("postcode", Some(f.postcode.clone())),
        ("property_type", Some(f.property_type.as_str().into())),
        ("bedrooms", Some(f.bedrooms.to_string())),
        ("bathrooms", Some(f.bathrooms.to_string())),
        ("epc_rating", f.epc_rating.map(|r| r.as_str().to_string())),
        ("has_gas", Some(if f.has_gas { "yes" } else { "no" }.into())),
        ("status", Some(f.status.as_str().into())),
        ("asking_rent", f.asking_rent_pence.map(crate::domain::money::money)),
    ]
}

fn diff(before: Option<&PropertyFields>, after: &PropertyFields) -> Changes {
    Changes::between(before.map(values).as_deref(), &values(after))
}

/// The byte-ordered sort key: the address, lower-cased.
pub fn sort_key(f: &PropertyFields) -> String {
    format!(
        "{}\t{}\t{}",
        f.address_line1,
        f.address_line2.as_deref().unwrap_or(""),
        f.city
    )
    .to_lowercase()
}

/// What search looks in (with the landlord's own search text, joined at query time).
pub fn search_text(f: &PropertyFields) -> String {
    [
        f.address_line1.as_str(),
        f.address_line2.as_deref().unwrap_or(""),
        f.city.as_str(),
        f.county.as_deref().unwrap_or(""),
        f.postcode.as_str(),
        &f.postcode.replace(' ', ""),
    ]
    .join("\n")
    .to_lowercase()
}

fn one_line(f: &PropertyFields) -> String {
    format!("{}, {} {}", f.address_line1, f.city, f.postcode)
}

/// Adds a property (the caller has checked the landlord is this agency's).
pub async fn create(tx: &mut Tx, org_id: Uuid, f: &PropertyFields, actor: &Actor) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO properties (id, org_id, landlord_id, branch_id, address_line1, address_line2, city, county, \
             postcode, property_type, bedrooms, bathrooms, epc_rating, has_gas, status, sort_key, search_text, \
             created_at, updated_at, asking_rent_pence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18, $18, $19)",
        )
        .bind(id)
        .bind(org_id)
        .bind(f.landlord_id)
        .bind(f.branch_id)
        .bind(&f.address_line1)
        .bind(&f.address_line2)
        .bind(&f.city)
        .bind(&f.county)
        .bind(&f.postcode)
        .bind(f.property_type.as_str())
        .bind(f.bedrooms)
        .bind(f.bathrooms)
        .bind(f.epc_rating.map(|r| r.as_str()))
        .bind(f.has_gas)
        .bind(f.status.as_str())
        .bind(sort_key(f))
        .bind(search_text(f))
        .bind(super::now())
        .bind(f.asking_rent_pence)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    compliance::refresh_property(tx, org_id, id).await?;
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "property.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("added property {}", one_line(f)),
            changes: diff(None, f),
        },
    )
    .await?;
    Ok(id)
}

/// Saves new fields; returns false (writing nothing) when nothing changed.
/// A portal link of a property (which landlord portal shows it), before it goes.
#[derive(sqlx::FromRow)]
struct PortalShowing {
    token_id: Uuid,
    landlord_name: String,
}

/// A portal shows a property only while its landlord owns it: when the
/// property moves to another landlord, every portal that does not serve the
/// new landlord (their own, or one of their email address) stops showing it
/// in the same transaction, each with an audit row on the property that says why.
async fn unlink_from_other_landlords_portals(
    tx: &mut Tx,
    p: &Property,
    new_landlord_id: Uuid,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    let showing: Vec<PortalShowing> = on_tx!(tx, |conn| sqlx::query_as(
        "SELECT t.id AS token_id, t.landlord_name FROM landlord_portal_properties lp \
         JOIN landlord_portal_tokens t ON t.id = lp.token_id \
         WHERE lp.property_id = $1 AND lp.org_id = $2 AND t.landlord_id <> $3 AND t.landlord_email <> \
         COALESCE((SELECT LOWER(l.email) FROM landlords l WHERE l.id = $3 AND l.org_id = $2), '')"
    )
    .bind(p.id)
    .bind(p.org_id)
    .bind(new_landlord_id)
    .fetch_all(conn)
    .await)?;
    for portal in showing {
        on_tx!(tx, |conn| sqlx::query(
            "DELETE FROM landlord_portal_properties WHERE token_id = $1 AND property_id = $2 AND org_id = $3"
        )
        .bind(portal.token_id)
        .bind(p.id)
        .bind(p.org_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
        audit::record(
            tx,
            audit::Entry {
                org_id: p.org_id,
                actor,
                action: "property.portal_unlinked",
                entity_type: ENTITY,
                entity_id: Some(p.id),
                description: format!(
                    "unlinked {} from {}'s portal: the property's landlord changed",
                    p.address_line1, portal.landlord_name
                ),
                changes: Changes::new().field("landlord portal", Some(&portal.landlord_name), None),
            },
        )
        .await?;
    }
    Ok(())
}

pub async fn update(tx: &mut Tx, p: &Property, f: &PropertyFields, actor: &Actor) -> Result<bool, sqlx::Error> {
    let changes = diff(Some(&p.fields()), f);
    if changes.is_empty() {
        return Ok(false);
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE properties SET landlord_id = $1, branch_id = $2, address_line1 = $3, address_line2 = $4, \
             city = $5, county = $6, postcode = $7, property_type = $8, bedrooms = $9, bathrooms = $10, \
             epc_rating = $11, has_gas = $12, status = $13, sort_key = $14, search_text = $15, updated_at = $16, \
             asking_rent_pence = $19 WHERE id = $17 AND org_id = $18",
        )
        .bind(f.landlord_id)
        .bind(f.branch_id)
        .bind(&f.address_line1)
        .bind(&f.address_line2)
        .bind(&f.city)
        .bind(&f.county)
        .bind(&f.postcode)
        .bind(f.property_type.as_str())
        .bind(f.bedrooms)
        .bind(f.bathrooms)
        .bind(f.epc_rating.map(|r| r.as_str()))
        .bind(f.has_gas)
        .bind(f.status.as_str())
        .bind(sort_key(f))
        .bind(search_text(f))
        .bind(super::now())
        .bind(p.id)
        .bind(p.org_id)
        .bind(f.asking_rent_pence)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    compliance::refresh_property(tx, p.org_id, p.id).await?;
    if f.landlord_id != p.landlord_id {
        unlink_from_other_landlords_portals(tx, p, f.landlord_id, actor).await?;
    }
    audit::record(
        tx,
        audit::Entry {
            org_id: p.org_id,
            actor,
            action: "property.update",
            entity_type: ENTITY,
            entity_id: Some(p.id),
            description: format!("updated property {}", one_line(f)),
            changes,
        },
    )
    .await?;
    Ok(true)
}

/// One property of this agency; another agency's id gives `None`.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<Property>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_property!("WHERE p.id = $1 AND p.org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(pool)
            .await
    })
}

/// A property, only if it is shown in the portal of `token_id` (one query for the
/// portal's drill-down instead of a link check and a fetch).
pub async fn get_for_portal(db: &Db, org_id: Uuid, token_id: Uuid, id: Uuid) -> Result<Option<Property>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_property!(
            "WHERE p.id = $1 AND p.org_id = $2 \
             AND EXISTS (SELECT 1 FROM landlord_portal_properties lp WHERE lp.token_id = $3 AND lp.property_id = p.id)"
        ))
        .bind(id)
        .bind(org_id)
        .bind(token_id)
        .fetch_optional(pool)
        .await
    })
}

/// `landlord.listProperties`: a landlord's properties, in address order.
pub async fn for_landlord(db: &Db, org_id: Uuid, landlord_id: Uuid) -> Result<Vec<Property>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_property!(
            "WHERE p.org_id = $1 AND p.landlord_id = $2 ORDER BY p.sort_key, p.id"
        ))
        .bind(org_id)
        .bind(landlord_id)
        .fetch_all(pool)
        .await
    })
}

/// The properties of every landlord record of the agency with this email
/// address (those one portal token may show), by address.
pub async fn for_landlord_email(db: &Db, org_id: Uuid, email: &str) -> Result<Vec<Property>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_property!(
            "WHERE p.org_id = $1 AND p.landlord_id IN \
             (SELECT l.id FROM landlords l WHERE l.org_id = $1 AND LOWER(l.email) = LOWER($2)) \
             ORDER BY p.sort_key, p.id"
        ))
        .bind(org_id)
        .bind(email)
        .fetch_all(pool)
        .await
    })
}

/// The properties linked to a landlord portal token, by address.
pub async fn for_portal(db: &Db, org_id: Uuid, token_id: Uuid) -> Result<Vec<Property>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_property!(
            "WHERE p.org_id = $1 AND p.id IN (SELECT property_id FROM landlord_portal_properties WHERE token_id = $2) \
             ORDER BY p.sort_key, p.id"
        ))
        .bind(org_id)
        .bind(token_id)
        .fetch_all(pool)
        .await
    })
}

/// How many properties the agency has.
pub async fn count(db: &Db, org_id: Uuid) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM properties WHERE org_id = $1 AND status <> 'archived'")
            .bind(org_id)
            .fetch_one(pool)
            .await
    })
}

/// The filters of the property list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Words that must each appear in the address, postcode or landlord's name.
    pub search: Vec<String>,
    /// Only this status; `None` hides archived ones.
    pub status: Option<PropertyStatus>,
    /// Every status, archived included.
    pub all_statuses: bool,
    /// Only this type.
    pub property_type: Option<PropertyType>,
    /// Only this branch.
    pub branch_id: Option<Uuid>,
    /// Only this landlord's.
    pub landlord_id: Option<Uuid>,
    /// The list's order (by address unless asked otherwise).
    pub order: super::Order<PropertyColumn>,
}

/// The columns the property list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PropertyColumn {
    /// The address.
    #[default]
    Address,
    /// The postcode.
    Postcode,
    /// The number of bedrooms.
    Bedrooms,
    /// The landlord's name (last name first).
    Landlord,
}

impl super::SortColumn for PropertyColumn {
    const ALL: &'static [PropertyColumn] = &[
        PropertyColumn::Address,
        PropertyColumn::Postcode,
        PropertyColumn::Bedrooms,
        PropertyColumn::Landlord,
    ];

    fn as_str(self) -> &'static str {
        match self {
            PropertyColumn::Address => "address",
            PropertyColumn::Postcode => "postcode",
            PropertyColumn::Bedrooms => "bedrooms",
            PropertyColumn::Landlord => "landlord",
        }
    }
}

impl PropertyColumn {
    /// The sort key's SQL: text that sorts as the column does.
    fn sort_key_sql(self) -> &'static str {
        match self {
            PropertyColumn::Address => "p.sort_key",
            PropertyColumn::Postcode => "UPPER(p.postcode)",
            PropertyColumn::Bedrooms => {
                "substr('0000' || CAST(p.bedrooms AS TEXT), length(CAST(p.bedrooms AS TEXT)) + 1)"
            }
            PropertyColumn::Landlord => "l.sort_key",
        }
    }
}

/// The property list's rows (with the landlord's search text, and the sort
/// key of `column` as `sort_key`), over which filters and the page condition
/// are added; ends at `org_id = `.
fn listed_property_rows(column: PropertyColumn) -> String {
    format!(
        "SELECT * FROM (SELECT p.id, p.org_id, p.landlord_id, p.branch_id, p.address_line1, p.address_line2, \
         p.city, p.county, p.postcode, p.property_type, p.bedrooms, p.bathrooms, p.epc_rating, p.has_gas, \
         p.status, p.asking_rent_pence, {} AS sort_key, p.created_at, p.updated_at, \
         l.first_name || ' ' || l.last_name AS landlord_name, p.search_text, l.search_text AS landlord_search_text \
         FROM properties p JOIN landlords l ON l.id = p.landlord_id AND l.org_id = p.org_id WHERE p.org_id = ",
        column.sort_key_sql()
    )
}

/// Appends the filters of a [`ListFilter`] to a query over [`listed_property_rows`].
macro_rules! push_property_filters {
    ($query:expr, $filter:expr) => {{
        let filter: &ListFilter = $filter;
        for term in &filter.search {
            let pattern = like_pattern(term);
            $query
                .push(" AND (search_text LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\' OR landlord_search_text LIKE ")
                .push_bind(pattern)
                .push(" ESCAPE '\\')");
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
        if let Some(kind) = filter.property_type {
            $query.push(" AND property_type = ").push_bind(kind.as_str());
        }
        if let Some(branch) = filter.branch_id {
            $query.push(" AND branch_id = ").push_bind(branch);
        }
        if let Some(landlord) = filter.landlord_id {
            $query.push(" AND landlord_id = ").push_bind(landlord);
        }
    }};
}

/// `property.list`: one page in address order, and the pages beside it.
/// Keyset pagination: rows added between page loads are neither skipped nor
/// repeated.
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    at: &super::PageAt,
    limit: u32,
) -> Result<super::Paged<Property>, sqlx::Error> {
    let rows: Vec<Property> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(listed_property_rows(filter.order.column));
        query.push_bind(org_id).push(") q WHERE 1 = 1");
        push_property_filters!(query, filter);
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<Property>().fetch_all(pool).await
    })?;
    Ok(super::paged(rows, limit, at, |row| Cursor {
        sort_key: row.sort_key.clone(),
        id: row.id,
    }))
}

/// How many properties the filter finds, and how many come before `first`.
pub async fn list_count(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    first: Option<&Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    crate::count_listed!(
        db,
        listed_property_rows(filter.order.column),
        org_id,
        push_property_filters,
        filter,
        first,
        filter.order.descending
    )
}

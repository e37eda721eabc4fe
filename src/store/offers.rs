//! Offers from applicants on properties, moved between statuses only as
//! `OfferStatus::next` allows.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::money::money;
use crate::domain::offers::{OfferFields, OfferStatus};
use crate::domain::portal::OfferDecision;
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of offers.
pub const ENTITY: &str = "offer";

/// An offer as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Offer {
    pub id: Uuid,
    pub org_id: Uuid,
    pub property_id: Uuid,
    pub applicant_name: String,
    pub applicant_email: String,
    pub applicant_phone: Option<String>,
    pub rent_pence: i64,
    pub move_in_on: Option<NaiveDate>,
    pub term_months: Option<i32>,
    pub notes: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: OfferStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The landlord's decision from their portal (`accept` / `decline`).
    pub landlord_decision: Option<String>,
    /// The landlord's comment with their decision.
    pub landlord_comment: Option<String>,
    /// When the landlord reviewed it.
    pub landlord_reviewed_at: Option<DateTime<Utc>>,
}

impl Offer {
    /// The status as a value.
    pub fn status(&self) -> OfferStatus {
        self.status
    }

    /// The landlord's decision, once they have reviewed it in their portal.
    pub fn landlord_decision(&self) -> Option<OfferDecision> {
        self.landlord_decision.as_deref().and_then(OfferDecision::parse)
    }
}

/// `SELECT <every Offer column> FROM offers <tail>`.
macro_rules! select_offer {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, property_id, applicant_name, applicant_email, applicant_phone, rent_pence, move_in_on, \
             term_months, notes, status, created_at, updated_at, landlord_decision, landlord_comment, \
             landlord_reviewed_at FROM offers ",
            $tail
        )
    };
}

/// Records an offer on a property (status `invited`).
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    property_id: Uuid,
    address: &str,
    f: &OfferFields,
    actor: &Actor,
) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO offers (id, org_id, property_id, applicant_name, applicant_email, applicant_phone, rent_pence, \
             move_in_on, term_months, notes, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'invited', $11, $11)",
        )
        .bind(id)
        .bind(org_id)
        .bind(property_id)
        .bind(&f.applicant_name)
        .bind(f.applicant_email.as_str())
        .bind(&f.applicant_phone)
        .bind(f.rent_pence)
        .bind(f.move_in_on)
        .bind(f.term_months)
        .bind(&f.notes)
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
            action: "offer.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!(
                "recorded an offer of {} a month from {} on {address}",
                money(f.rent_pence),
                f.applicant_name
            ),
            changes: Changes::new()
                .field("applicant_name", None, Some(&f.applicant_name))
                .field("rent", None, Some(&money(f.rent_pence)))
                .field("status", None, Some(OfferStatus::Invited.as_str())),
        },
    )
    .await?;
    Ok(id)
}

/// Why a status change was refused.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// Not an allowed move from the current status.
    #[error("an offer that is {from} cannot become {to}")]
    NotAllowed {
        /// Current label.
        from: &'static str,
        /// Wanted label.
        to: &'static str,
    },
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Moves an offer to another status if `OfferStatus::next` allows it; the
/// update also checks the status in the row, so two racing moves cannot both win.
pub async fn move_to(tx: &mut Tx, offer: &Offer, to: OfferStatus, actor: &Actor) -> Result<(), MoveError> {
    let from = offer.status();
    if !from.can_move_to(to) {
        return Err(MoveError::NotAllowed {
            from: from.label(),
            to: to.label(),
        });
    }
    let moved = on_tx!(tx, |conn| {
        sqlx::query("UPDATE offers SET status = $1, updated_at = $2 WHERE id = $3 AND org_id = $4 AND status = $5")
            .bind(to.as_str())
            .bind(super::now())
            .bind(offer.id)
            .bind(offer.org_id)
            .bind(from.as_str())
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    if moved == 0 {
        return Err(MoveError::NotAllowed {
            from: from.label(),
            to: to.label(),
        });
    }
    audit::record(
        tx,
        audit::Entry {
            org_id: offer.org_id,
            actor,
            action: "offer.status",
            entity_type: ENTITY,
            entity_id: Some(offer.id),
            description: format!("moved the offer from {} to \"{}\"", offer.applicant_name, to.label()),
            changes: Changes::new().field("status", Some(from.as_str()), Some(to.as_str())),
        },
    )
    .await?;
    Ok(())
}

/// One offer of this agency.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<Offer>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_offer!(
        "WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(pool)
    .await)
}

/// A property's offers, newest first.
pub async fn for_property(db: &Db, org_id: Uuid, property_id: Uuid) -> Result<Vec<Offer>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_offer!("WHERE org_id = $1 AND property_id = $2 ORDER BY id DESC"))
            .bind(org_id)
            .bind(property_id)
            .fetch_all(pool)
            .await
    })
}

/// How many offers await landlords' review.
pub async fn awaiting_landlord_count(db: &Db, org_id: Uuid) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM offers WHERE org_id = $1 AND status = 'sent_to_landlord'")
            .bind(org_id)
            .fetch_one(pool)
            .await
    })
}

/// One offer of this agency, read inside a transaction.
pub async fn get_in_tx(tx: &mut Tx, org_id: Uuid, id: Uuid) -> Result<Offer, sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query_as(select_offer!(
        "WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_one(conn)
    .await)
}

/// Records the landlord's decision on an offer awaiting their review and moves it
/// to "Reviewed"; refused (as not allowed) unless it is still awaiting review.
pub async fn review_by_landlord(
    tx: &mut Tx,
    offer: &Offer,
    decision: OfferDecision,
    comment: Option<&str>,
    actor: &Actor,
) -> Result<(), MoveError> {
    let from = offer.status();
    let to = OfferStatus::LandlordReviewed;
    let refused = MoveError::NotAllowed {
        from: from.label(),
        to: to.label(),
    };
    if from != OfferStatus::SentToLandlord {
        return Err(refused);
    }
    let now = super::now();
    let moved = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE offers SET status = $1, landlord_decision = $2, landlord_comment = $3, landlord_reviewed_at = $4, \
             updated_at = $4 WHERE id = $5 AND org_id = $6 AND status = $7",
        )
        .bind(to.as_str())
        .bind(decision.as_str())
        .bind(comment)
        .bind(now)
        .bind(offer.id)
        .bind(offer.org_id)
        .bind(from.as_str())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if moved == 0 {
        return Err(refused);
    }
    let verb = match decision {
        OfferDecision::Accept => "accepted",
        OfferDecision::Decline => "declined",
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: offer.org_id,
            actor,
            action: "offer.landlord_review",
            entity_type: ENTITY,
            entity_id: Some(offer.id),
            description: format!(
                "{verb} the offer of {} a month from {}",
                money(offer.rent_pence),
                offer.applicant_name
            ),
            changes: Changes::new()
                .field("status", Some(from.as_str()), Some(to.as_str()))
                .field("landlord_decision", None, Some(decision.as_str()))
                .field("landlord_comment", None, comment),
        },
    )
    .await?;
    Ok(())
}

/// Every offer on the properties linked to a landlord portal token: those awaiting
/// the landlord's review first, then newest first.
pub async fn for_portal(db: &Db, org_id: Uuid, token_id: Uuid) -> Result<Vec<Offer>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_offer!(
        "WHERE org_id = $1 AND property_id IN (SELECT property_id FROM landlord_portal_properties WHERE token_id = $2) \
         ORDER BY CASE WHEN status = 'sent_to_landlord' THEN 0 ELSE 1 END, created_at DESC, id DESC"
    ))
    .bind(org_id)
    .bind(token_id)
    .fetch_all(pool)
    .await)
}

/// What the agency's offer list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Words that must each appear in the applicant's name or email or the
    /// property's address.
    pub search: Vec<String>,
    /// Only these statuses (none: no offer); `None` means every status.
    pub statuses: Option<Vec<OfferStatus>>,
    /// Only offers on properties of this branch.
    pub branch_id: Option<Uuid>,
    /// Only offers on this landlord's properties.
    pub landlord_id: Option<Uuid>,
    /// The list's order (newest first unless asked otherwise).
    pub order: super::Order<OfferColumn>,
}

/// The columns the offer list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OfferColumn {
    /// When the offer was made (ids are time-ordered).
    #[default]
    Received,
    /// The applicant's name.
    Applicant,
    /// The property's address.
    Property,
    /// The rent offered.
    Rent,
    /// The move-in date (undated last).
    MoveIn,
}

impl super::SortColumn for OfferColumn {
    const ALL: &'static [OfferColumn] = &[
        OfferColumn::Applicant,
        OfferColumn::Property,
        OfferColumn::Rent,
        OfferColumn::MoveIn,
        OfferColumn::Received,
    ];

    fn as_str(self) -> &'static str {
        match self {
            OfferColumn::Received => "received",
            OfferColumn::Applicant => "applicant",
            OfferColumn::Property => "property",
            OfferColumn::Rent => "rent",
            OfferColumn::MoveIn => "move_in",
        }
    }
}

impl OfferColumn {
    /// The list's own order: newest first.
    pub const NEWEST_FIRST: super::Order<OfferColumn> = super::Order {
        column: OfferColumn::Received,
        descending: true,
    };

    /// The sort key's SQL: text that sorts as the column does (the id breaks
    /// ties, so "received" needs no key of its own).
    fn sort_key_sql(self) -> &'static str {
        match self {
            OfferColumn::Received => "''",
            OfferColumn::Applicant => "LOWER(o.applicant_name)",
            OfferColumn::Property => "p.sort_key",
            OfferColumn::Rent => {
                "substr('000000000000' || CAST(o.rent_pence AS TEXT), length(CAST(o.rent_pence AS TEXT)) + 1)"
            }
            OfferColumn::MoveIn => "COALESCE(CAST(o.move_in_on AS TEXT), '9999-12-31')",
        }
    }
}

/// An offer in the agency's list, with its property and landlord.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedOffer {
    /// The offer.
    #[sqlx(flatten)]
    pub offer: Offer,
    /// The property's first address line and town.
    pub address: String,
    /// The landlord who owns the property.
    pub landlord_id: Uuid,
    /// Their name.
    pub landlord_name: String,
    /// The keyset sort key of the list's order (empty when it runs by id).
    pub sort_key: String,
}

/// The list query's rows with the sort key of `column`, over which filters
/// and the page condition are added.
fn listed_rows(column: OfferColumn) -> String {
    format!(
        "SELECT * FROM (SELECT o.id, o.org_id, o.property_id, o.applicant_name, o.applicant_email, \
         o.applicant_phone, o.rent_pence, o.move_in_on, o.term_months, o.notes, o.status, o.created_at, \
         o.updated_at, o.landlord_decision, o.landlord_comment, o.landlord_reviewed_at, \
         p.address_line1 || ', ' || p.city AS address, p.landlord_id, \
         l.first_name || ' ' || l.last_name AS landlord_name, {} AS sort_key, p.branch_id AS property_branch_id, \
         LOWER(o.applicant_name || ' ' || o.applicant_email) || ' ' || p.search_text AS search_text \
         FROM offers o JOIN properties p ON p.id = o.property_id AND p.org_id = o.org_id \
         JOIN landlords l ON l.id = p.landlord_id AND l.org_id = p.org_id WHERE o.org_id = ",
        column.sort_key_sql()
    )
}

/// Appends the filters of a [`ListFilter`] to a query over [`listed_rows`].
macro_rules! push_list_filters {
    ($query:expr, $filter:expr) => {{
        let filter: &ListFilter = $filter;
        for term in &filter.search {
            $query
                .push(" AND search_text LIKE ")
                .push_bind(super::like_pattern(term))
                .push(" ESCAPE '\\'");
        }
        match &filter.statuses {
            None => {}
            Some(statuses) if statuses.is_empty() => {
                $query.push(" AND 1 = 0");
            }
            Some(statuses) => {
                let mut listed = $query.push(" AND status IN (").separated(", ");
                for status in statuses {
                    listed.push_bind(status.as_str());
                }
                $query.push(")");
            }
        }
        if let Some(branch) = filter.branch_id {
            $query.push(" AND property_branch_id = ").push_bind(branch);
        }
        if let Some(landlord) = filter.landlord_id {
            $query.push(" AND landlord_id = ").push_bind(landlord);
        }
    }};
}

/// One page of the agency's offers in the filter's order (by default newest first).
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    at: &super::PageAt,
    limit: u32,
) -> Result<super::Paged<ListedOffer>, sqlx::Error> {
    let rows: Vec<ListedOffer> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(listed_rows(filter.order.column));
        query.push_bind(org_id).push(") q WHERE 1 = 1");
        push_list_filters!(query, filter);
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<ListedOffer>().fetch_all(pool).await
    })?;
    Ok(super::paged(rows, limit, at, |row| super::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.offer.id,
    }))
}

/// How many offers the filter finds, and how many of them come before
/// `first` (the first row of a page) in list order.
pub async fn list_count(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    first: Option<&super::Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    crate::count_listed!(
        db,
        listed_rows(filter.order.column),
        org_id,
        push_list_filters,
        filter,
        first,
        filter.order.descending
    )
}

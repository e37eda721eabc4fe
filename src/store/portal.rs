//! The landlord portal's data: one token per landlord per agency (with the
//! agency's branding as it was resolved) and the properties it shows. The
//! message thread between the landlord and the agency is in
//! [`super::portal_messages`]. Every action taken through the portal is audited
//! by [`log_landlord_portal_audit`].

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, ActorType, Changes};
use crate::domain::choice::Choice;
use crate::domain::landlords::LandlordStatus;
use crate::domain::portal::{link_token, new_nonce};
use crate::store::landlords::Landlord;
use crate::store::orgs::Organisation;
use crate::store::outbox::{self, EmailContent};
use crate::store::properties::Property;
use crate::store::{Cursor, audit, like_pattern};
use crate::{on_pool, on_tx};

/// The audit entity type of portal tokens.
pub const TOKEN_ENTITY: &str = "landlord_portal_token";
/// Last access is written at most this often per token.
pub const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);
/// A landlord viewing their portal is audited at most this often per token.
pub const VIEW_AUDIT_EVERY: TimeDelta = TimeDelta::hours(1);

/// A landlord's portal token (the link is derived, never stored).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PortalToken {
    pub id: Uuid,
    pub org_id: Uuid,
    pub landlord_id: Uuid,
    pub landlord_email: String,
    pub landlord_name: String,
    pub link_nonce: String,
    pub brand_name: String,
    pub brand_logo_url: Option<String>,
    pub brand_primary_color: String,
    pub brand_support_email: Option<String>,
    pub brand_support_phone: Option<String>,
    pub is_active: bool,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub last_accessed_at: Option<DateTime<Utc>>,
    pub last_view_logged_at: Option<DateTime<Utc>>,
    pub last_notified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The landlord record's status now (`None` if the record is gone).
    pub landlord_status: Option<String>,
    /// The landlord record's "portal access enabled" now.
    pub landlord_portal_enabled: Option<bool>,
}

impl PortalToken {
    /// Whether the link opens the portal now: the token is switched on, and
    /// the landlord's live record is active with portal access enabled.
    /// Archiving the landlord or unticking portal access on their record
    /// closes the portal at once; undoing it opens the same link again.
    pub fn opens(&self) -> bool {
        self.is_active
            && self.landlord_portal_enabled == Some(true)
            && self
                .landlord_status
                .as_deref()
                .is_some_and(|status| LandlordStatus::parse(status) == Ok(LandlordStatus::Active))
    }

    /// The landlord as the actor of what they do in the portal.
    pub fn actor(&self) -> Actor {
        Actor {
            kind: ActorType::Landlord,
            id: Some(self.landlord_id),
            name: self.landlord_name.clone(),
        }
    }

    /// The secret URL segment of this token's live link.
    pub fn link_token(&self, key: &[u8]) -> String {
        link_token(key, self.id, &self.link_nonce)
    }
}

/// `SELECT <every PortalToken column>[, extra columns] FROM landlord_portal_tokens <tail>`.
macro_rules! select_token {
    ($tail:literal) => {
        select_token!("", $tail)
    };
    ($extra:literal, $tail:literal) => {
        concat!(
            "SELECT id, org_id, landlord_id, landlord_email, landlord_name, link_nonce, brand_name, brand_logo_url, \
             brand_primary_color, brand_support_email, brand_support_phone, is_active, deactivated_at, \
             last_accessed_at, last_view_logged_at, last_notified_at, created_at, updated_at, \
             (SELECT l.status FROM landlords l WHERE l.id = landlord_portal_tokens.landlord_id) AS landlord_status, \
             (SELECT l.portal_access_enabled FROM landlords l WHERE l.id = landlord_portal_tokens.landlord_id) \
             AS landlord_portal_enabled",
            $extra,
            " FROM landlord_portal_tokens ",
            $tail
        )
    };
}
// Messages read tokens too (`portal_messages::get_for_poll`).
pub(crate) use select_token;

/// Records something a landlord did in their portal, with the landlord as actor
/// (the seed's `logLandlordPortalAudit`).
pub async fn log_landlord_portal_audit(
    tx: &mut Tx,
    token: &PortalToken,
    action: &str,
    entity_type: &str,
    entity_id: Option<Uuid>,
    description: String,
    changes: Changes,
) -> Result<(), sqlx::Error> {
    audit::record(
        tx,
        audit::Entry {
            org_id: token.org_id,
            actor: &token.actor(),
            action,
            entity_type,
            entity_id,
            description,
            changes,
        },
    )
    .await
}

/// What `createToken` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioned {
    /// The landlord already had an active token; it was reused.
    Reused,
    /// A new token was created with the agency's current branding.
    Created,
    /// The landlord's deactivated token was given a new link, current branding
    /// and access again (the old link stays dead).
    Renewed,
}

async fn set_landlord_access(tx: &mut Tx, token: &PortalToken, enabled: bool) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE landlords SET portal_access_enabled = $1, portal_token_id = $2, updated_at = $3 \
         WHERE id = $4 AND org_id = $5"
    )
    .bind(enabled)
    .bind(token.id)
    .bind(super::now())
    .bind(token.landlord_id)
    .bind(token.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

async fn get_in_tx(tx: &mut Tx, org_id: Uuid, id: Uuid) -> Result<PortalToken, sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query_as(select_token!(
        "WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_one(conn)
    .await)
}

/// Gives a landlord portal access to a property (`createToken`): reuses the
/// landlord's active token, renews a deactivated one, or creates one with the
/// agency's branding as it is now; then links the property.
pub async fn provision(
    tx: &mut Tx,
    org: &Organisation,
    landlord: &Landlord,
    property: &Property,
    actor: &Actor,
) -> Result<Option<(PortalToken, Provisioned)>, sqlx::Error> {
    let email = landlord.email.trim().to_lowercase();
    let existing: Option<PortalToken> = on_tx!(tx, |conn| sqlx::query_as(select_token!(
        "WHERE org_id = $1 AND (landlord_id = $2 OR landlord_email = $3)"
    ))
    .bind(org.id)
    .bind(landlord.id)
    .bind(&email)
    .fetch_optional(conn)
    .await)?;
    let now = super::now();
    let name = landlord.display_name();
    let (id, outcome) = match existing {
        Some(token) if token.is_active => (token.id, Provisioned::Reused),
        Some(token) => {
            on_tx!(tx, |conn| sqlx::query(
                "UPDATE landlord_portal_tokens SET is_active = $1, deactivated_at = NULL, link_nonce = $2, \
                 landlord_email = $3, landlord_name = $4, brand_name = $5, brand_logo_url = $6, \
                 brand_primary_color = $7, brand_support_email = $8, brand_support_phone = $9, updated_at = $10 \
                 WHERE id = $11 AND org_id = $12"
            )
            .bind(true)
            .bind(new_nonce())
            .bind(&email)
            .bind(&name)
            .bind(&org.name)
            .bind(&org.logo_url)
            .bind(&org.primary_color)
            .bind(&org.support_email)
            .bind(&org.support_phone)
            .bind(now)
            .bind(token.id)
            .bind(org.id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
            (token.id, Provisioned::Renewed)
        }
        None => {
            let id = super::new_id();
            on_tx!(tx, |conn| {
                sqlx::query(
                "INSERT INTO landlord_portal_tokens (id, org_id, landlord_id, landlord_email, landlord_name, link_nonce, \
                 brand_name, brand_logo_url, brand_primary_color, brand_support_email, brand_support_phone, is_active, \
                 created_by_user_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"
            )
            .bind(id)
            .bind(org.id)
            .bind(landlord.id)
            .bind(&email)
            .bind(&name)
            .bind(new_nonce())
            .bind(&org.name)
            .bind(&org.logo_url)
            .bind(&org.primary_color)
            .bind(&org.support_email)
            .bind(&org.support_phone)
            .bind(true)
            .bind(actor.id.filter(|_| actor.kind == ActorType::Agent))
            .bind(now)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
            })?;
            (id, Provisioned::Created)
        }
    };
    let token = get_in_tx(tx, org.id, id).await?;
    set_landlord_access(tx, &token, true).await?;
    if outcome != Provisioned::Reused {
        let (action, description) = match outcome {
            Provisioned::Created => (
                "landlord_portal.create",
                format!("gave {name} access to the landlord portal"),
            ),
            _ => (
                "landlord_portal.renew",
                format!("gave {name} landlord portal access again with a new link"),
            ),
        };
        audit::record(
            tx,
            audit::Entry {
                org_id: org.id,
                actor,
                action,
                entity_type: TOKEN_ENTITY,
                entity_id: Some(token.id),
                description,
                changes: Changes::new().field("active", None, Some("yes")).secret("link"),
            },
        )
        .await?;
    }
    if link_property(tx, &token, property, actor).await? == Linking::NotTheirs {
        return Ok(None);
    }
    Ok(Some((token, outcome)))
}

/// What [`link_property`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linking {
    /// The portal shows the property now.
    Added,
    /// It already did.
    AlreadyShown,
    /// Neither the token's landlord nor another landlord record with the
    /// token's email owns the property (as the transaction sees it): a portal
    /// shows only its landlords' own properties.
    NotTheirs,
}

/// Links a property to a token, if the token's landlord owns it.
pub async fn link_property(
    tx: &mut Tx,
    token: &PortalToken,
    property: &Property,
    actor: &Actor,
) -> Result<Linking, sqlx::Error> {
    let added = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO landlord_portal_properties (token_id, property_id, org_id, created_at) \
         SELECT $1, p.id, $3, $4 FROM properties p WHERE p.id = $2 AND p.org_id = $3 AND (p.landlord_id = $5 \
         OR p.landlord_id IN (SELECT l.id FROM landlords l WHERE l.org_id = $3 AND LOWER(l.email) = $6)) \
         ON CONFLICT (token_id, property_id) DO NOTHING",
        )
        .bind(token.id)
        .bind(property.id)
        .bind(token.org_id)
        .bind(super::now())
        .bind(token.landlord_id)
        .bind(token.landlord_email.to_lowercase())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if added == 1 {
        audit::record(
            tx,
            audit::Entry {
                org_id: token.org_id,
                actor,
                action: "landlord_portal.link_property",
                entity_type: TOKEN_ENTITY,
                entity_id: Some(token.id),
                description: format!(
                    "showed {} in {}'s landlord portal",
                    property.address_line1, token.landlord_name
                ),
                changes: Changes::new().field("property", None, Some(&property.address())),
            },
        )
        .await?;
        return Ok(Linking::Added);
    }
    let shown: i64 = on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM landlord_portal_properties WHERE token_id = $1 AND property_id = $2"
    )
    .bind(token.id)
    .bind(property.id)
    .fetch_one(conn)
    .await)?;
    Ok(if shown > 0 {
        Linking::AlreadyShown
    } else {
        Linking::NotTheirs
    })
}

/// Unlinks a property from a token; false when it was not linked.
pub async fn unlink_property(
    tx: &mut Tx,
    token: &PortalToken,
    property: &Property,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let removed = on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM landlord_portal_properties WHERE token_id = $1 AND property_id = $2 AND org_id = $3"
    )
    .bind(token.id)
    .bind(property.id)
    .bind(token.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if removed == 1 {
        audit::record(
            tx,
            audit::Entry {
                org_id: token.org_id,
                actor,
                action: "landlord_portal.unlink_property",
                entity_type: TOKEN_ENTITY,
                entity_id: Some(token.id),
                description: format!(
                    "removed {} from {}'s landlord portal",
                    property.address_line1, token.landlord_name
                ),
                changes: Changes::new().field("property", Some(&property.address()), None),
            },
        )
        .await?;
    }
    Ok(removed == 1)
}

/// Deactivates or reactivates a token (the landlord record follows); false when
/// it already was so.
pub async fn set_active(tx: &mut Tx, token: &PortalToken, active: bool, actor: &Actor) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let changed = on_tx!(tx, |conn| sqlx::query(
        "UPDATE landlord_portal_tokens SET is_active = $1, deactivated_at = $2, updated_at = $3 \
         WHERE id = $4 AND org_id = $5 AND is_active = $6"
    )
    .bind(active)
    .bind((!active).then_some(now))
    .bind(now)
    .bind(token.id)
    .bind(token.org_id)
    .bind(!active)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Ok(false);
    }
    set_landlord_access(tx, token, active).await?;
    let (action, verb) = if active {
        ("landlord_portal.reactivate", "restored")
    } else {
        ("landlord_portal.deactivate", "revoked")
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: token.org_id,
            actor,
            action,
            entity_type: TOKEN_ENTITY,
            entity_id: Some(token.id),
            description: format!("{verb} {}'s landlord portal access", token.landlord_name),
            changes: Changes::new().field(
                "active",
                Some(if active { "no" } else { "yes" }),
                Some(if active { "yes" } else { "no" }),
            ),
        },
    )
    .await?;
    Ok(true)
}

/// Gives a token a new link; the old one stops working at once.
pub async fn rotate(tx: &mut Tx, token: &PortalToken, actor: &Actor) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE landlord_portal_tokens SET link_nonce = $1, updated_at = $2 WHERE id = $3 AND org_id = $4"
    )
    .bind(new_nonce())
    .bind(super::now())
    .bind(token.id)
    .bind(token.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record(
        tx,
        audit::Entry {
            org_id: token.org_id,
            actor,
            action: "landlord_portal.rotate",
            entity_type: TOKEN_ENTITY,
            entity_id: Some(token.id),
            description: format!(
                "replaced {}'s landlord portal link; the old link no longer works",
                token.landlord_name
            ),
            changes: Changes::new().secret("link"),
        },
    )
    .await
}

/// Re-resolves the token's branding from the agency's current settings.
pub async fn refresh_branding(
    tx: &mut Tx,
    token: &PortalToken,
    org: &Organisation,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE landlord_portal_tokens SET brand_name = $1, brand_logo_url = $2, brand_primary_color = $3, \
         brand_support_email = $4, brand_support_phone = $5, updated_at = $6 WHERE id = $7 AND org_id = $8"
    )
    .bind(&org.name)
    .bind(&org.logo_url)
    .bind(&org.primary_color)
    .bind(&org.support_email)
    .bind(&org.support_phone)
    .bind(super::now())
    .bind(token.id)
    .bind(token.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let before = [
        ("name", Some(token.brand_name.clone())),
        ("logo_url", token.brand_logo_url.clone()),
        ("primary_color", Some(token.brand_primary_color.clone())),
        ("support_email", token.brand_support_email.clone()),
        ("support_phone", token.brand_support_phone.clone()),
    ];
    let after = [
        ("name", Some(org.name.clone())),
        ("logo_url", org.logo_url.clone()),
        ("primary_color", Some(org.primary_color.clone())),
        ("support_email", org.support_email.clone()),
        ("support_phone", org.support_phone.clone()),
    ];
    audit::record(
        tx,
        audit::Entry {
            org_id: token.org_id,
            actor,
            action: "landlord_portal.refresh_branding",
            entity_type: TOKEN_ENTITY,
            entity_id: Some(token.id),
            description: format!("refreshed the branding of {}'s landlord portal", token.landlord_name),
            changes: Changes::between(Some(&before), &after),
        },
    )
    .await
}

/// Queues the portal link email to the landlord, audited.
pub async fn email_link(
    tx: &mut Tx,
    token: &PortalToken,
    content: &EmailContent,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    outbox::enqueue(
        tx,
        Some(token.org_id),
        "landlord_portal_link",
        &token.landlord_email,
        content,
    )
    .await?;
    audit::record(
        tx,
        audit::Entry {
            org_id: token.org_id,
            actor,
            action: "landlord_portal.email_link",
            entity_type: TOKEN_ENTITY,
            entity_id: Some(token.id),
            description: format!("emailed {} their landlord portal link", token.landlord_name),
            changes: Changes::new(),
        },
    )
    .await
}

/// One token of this agency.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<PortalToken>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_token!(
        "WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(pool)
    .await)
}

/// A token by id alone, for checking a portal link (the MAC is checked by the caller).
pub async fn get_for_link(db: &Db, id: Uuid) -> Result<Option<PortalToken>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_token!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// The token that serves a landlord in this agency, if any: their own, or
/// (one token per email, as the seed provisions) the token of another landlord
/// record with the same email address.
pub async fn for_landlord(db: &Db, org_id: Uuid, landlord_id: Uuid) -> Result<Option<PortalToken>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_token!(
        "WHERE org_id = $1 AND (landlord_id = $2 OR landlord_email = \
         (SELECT LOWER(l.email) FROM landlords l WHERE l.id = $2 AND l.org_id = $1)) \
         ORDER BY CASE WHEN landlord_id = $2 THEN 0 ELSE 1 END, created_at LIMIT 1"
    ))
    .bind(org_id)
    .bind(landlord_id)
    .fetch_optional(pool)
    .await)
}

/// A token with what the Portal access page shows about it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenSummary {
    pub id: Uuid,
    pub landlord_id: Uuid,
    pub landlord_name: String,
    pub landlord_email: String,
    pub is_active: bool,
    pub last_accessed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Every token of the agency (`listTokens`), by landlord name.
pub async fn list(db: &Db, org_id: Uuid) -> Result<Vec<TokenSummary>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT id, landlord_id, landlord_name, landlord_email, is_active, last_accessed_at, created_at \
         FROM landlord_portal_tokens WHERE org_id = $1 ORDER BY is_active DESC, landlord_name, id"
    )
    .bind(org_id)
    .fetch_all(pool)
    .await)
}

/// The Portal access list's filter.
#[derive(Debug, Clone, Default)]
pub struct TokenFilter {
    /// Words that must each appear in the landlord's name or email.
    pub search: Vec<String>,
}

/// One page of the agency's tokens in list order (active first, then by
/// landlord name), after `after`, and the next page's cursor. The cursor's sort
/// key is `1\tname` for an active token and `0\tname` for a switched-off one.
pub async fn list_page(
    db: &Db,
    org_id: Uuid,
    filter: &TokenFilter,
    after: Option<&Cursor>,
    limit: u32,
) -> Result<(Vec<TokenSummary>, Option<Cursor>), sqlx::Error> {
    let after = after.and_then(|c| {
        let (active, name) = c.sort_key.split_once('\t')?;
        Some((active == "1", name.to_string(), c.id))
    });
    let wanted = limit as usize + 1;
    let mut rows: Vec<TokenSummary> = Vec::new();
    for active in [true, false] {
        let from = match &after {
            Some((a, _, _)) if *a && !active => None,
            Some((a, _, _)) if !*a && active => continue,
            other => other.as_ref(),
        };
        let need = wanted.saturating_sub(rows.len());
        if need == 0 {
            break;
        }
        let found: Vec<TokenSummary> = on_pool!(db, |pool| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT id, landlord_id, landlord_name, landlord_email, is_active, last_accessed_at, created_at \
                 FROM landlord_portal_tokens WHERE org_id = ",
            );
            query.push_bind(org_id).push(" AND is_active = ").push_bind(active);
            for term in &filter.search {
                let pattern = like_pattern(term);
                query
                    .push(" AND (LOWER(landlord_name) LIKE ")
                    .push_bind(pattern.clone())
                    .push(" ESCAPE '\\' OR LOWER(landlord_email) LIKE ")
                    .push_bind(pattern)
                    .push(" ESCAPE '\\')");
            }
            if let Some((_, name, id)) = from {
                query
                    .push(" AND (landlord_name, id) > (")
                    .push_bind(name.clone())
                    .push(", ")
                    .push_bind(*id)
                    .push(")");
            }
            query
                .push(" ORDER BY landlord_name, id LIMIT ")
                .push_bind(i64::try_from(need).unwrap_or(i64::MAX));
            query.build_query_as().fetch_all(pool).await
        })?;
        rows.extend(found);
    }
    Ok(super::page_of(rows, limit, |last| Cursor {
        sort_key: format!("{}\t{}", if last.is_active { "1" } else { "0" }, last.landlord_name),
        id: last.id,
    }))
}

/// The linked properties of some tokens (a page of the list), in one query.
pub async fn linked_addresses_of(db: &Db, org_id: Uuid, token_ids: &[Uuid]) -> Result<Vec<LinkedAddress>, sqlx::Error> {
    if token_ids.is_empty() {
        return Ok(Vec::new());
    }
    on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT lp.token_id, lp.property_id, p.address_line1, p.postcode FROM landlord_portal_properties lp \
             CROSS JOIN properties p WHERE lp.token_id IN (",
        );
        let mut ids = query.separated(", ");
        for id in token_ids {
            ids.push_bind(*id);
        }
        // CROSS JOIN keeps SQLite's planner on the token ids (the primary key)
        // rather than a walk of every property of the agency in address order;
        // the agency is checked on the property (the tokens already were).
        query
            .push(") AND p.id = lp.property_id AND p.org_id = ")
            .push_bind(org_id)
            .push(" ORDER BY p.sort_key, p.id");
        query.build_query_as().fetch_all(pool).await
    })
}

/// A linked property, by token.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkedAddress {
    pub token_id: Uuid,
    pub property_id: Uuid,
    pub address_line1: String,
    pub postcode: String,
}

/// Whether a property is linked to a token.
pub async fn is_linked(db: &Db, token_id: Uuid, property_id: Uuid) -> Result<bool, sqlx::Error> {
    let count: i64 = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM landlord_portal_properties WHERE token_id = $1 AND property_id = $2"
    )
    .bind(token_id)
    .bind(property_id)
    .fetch_one(pool)
    .await)?;
    Ok(count > 0)
}

/// `UPDATE landlord_portal_tokens SET <column> = $1 WHERE id = $2 AND <column>
/// is unset or not after $3`: sets a "last done at" time only if the last time was
/// long enough ago, so of several racing requests exactly one wins.
macro_rules! claim_sql {
    ($column:literal) => {
        concat!(
            "UPDATE landlord_portal_tokens SET ",
            $column,
            " = $1 WHERE id = $2 AND (",
            $column,
            " IS NULL OR ",
            $column,
            " <= $3)"
        )
    };
}
// Messages claim the "last notified" time (`portal_messages::send_from_agent`).
pub(crate) use claim_sql;

/// Runs a [`claim_sql!`] update for "now, unless done within `every`"; true when this caller won.
pub(crate) async fn claim(
    tx: &mut Tx,
    sql: &'static str,
    token_id: Uuid,
    every: TimeDelta,
) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let claimed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(now)
        .bind(token_id)
        .bind(now - every)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(claimed == 1)
}

/// Records a portal visit: last access at most once a minute, and an audit row
/// for viewing the portal at most once an hour (both safe when requests race).
pub async fn touch(db: &Db, token: &PortalToken) -> Result<(), sqlx::Error> {
    let now = super::now();
    let stale = |at: Option<DateTime<Utc>>, every: TimeDelta| at.is_none_or(|at| now - at >= every);
    if stale(token.last_accessed_at, TOUCH_EVERY) {
        on_pool!(db, |pool| sqlx::query(claim_sql!("last_accessed_at"))
            .bind(now)
            .bind(token.id)
            .bind(now - TOUCH_EVERY)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
    }
    if stale(token.last_view_logged_at, VIEW_AUDIT_EVERY) {
        let mut tx = db.begin().await?;
        if claim(&mut tx, claim_sql!("last_view_logged_at"), token.id, VIEW_AUDIT_EVERY).await? {
            log_landlord_portal_audit(
                &mut tx,
                token,
                "landlord_portal.view",
                TOKEN_ENTITY,
                Some(token.id),
                "opened the landlord portal".into(),
                Changes::new(),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// What awaits a landlord in their portal: the first screen leads with it and
/// the tabs carry its counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Attention {
    /// Offers sent for their review.
    pub offers_awaiting: i64,
    /// Tasks for them still to do.
    pub tasks_pending: i64,
    /// Of those, past their due date.
    pub tasks_overdue: i64,
    /// Messages from the agency they have not opened.
    pub unread_messages: i64,
}

/// Counts what awaits the holder of `token` as of `today` (their London day),
/// over the properties linked to the token, in one statement.
pub async fn attention(db: &Db, token: &PortalToken, today: chrono::NaiveDate) -> Result<Attention, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(
        "SELECT \
         (SELECT COUNT(*) FROM offers o WHERE o.org_id = $1 AND o.status = 'sent_to_landlord' AND o.property_id IN \
          (SELECT property_id FROM landlord_portal_properties WHERE token_id = $2)) AS offers_awaiting, \
         (SELECT COUNT(*) FROM tasks t WHERE t.org_id = $1 AND t.assignee_kind = 'landlord' AND t.status = 'pending' \
          AND t.property_id IN (SELECT property_id FROM landlord_portal_properties WHERE token_id = $2)) AS tasks_pending, \
         (SELECT COUNT(*) FROM tasks t WHERE t.org_id = $1 AND t.assignee_kind = 'landlord' AND t.status = 'pending' \
          AND t.due_on < $3 AND t.property_id IN \
          (SELECT property_id FROM landlord_portal_properties WHERE token_id = $2)) AS tasks_overdue, \
         (SELECT COUNT(*) FROM landlord_messages m WHERE m.token_id = $2 AND m.sender_type = 'agent' \
          AND m.is_read = $4) AS unread_messages"
    )
    .bind(token.org_id)
    .bind(token.id)
    .bind(today)
    .bind(false)
    .fetch_one(pool)
    .await
    })
}

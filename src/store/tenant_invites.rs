//! Tenant portal invites: one code path creates them, for the agent's manual
//! "Invite to portal" and for the deposit notification alike. An invite is
//! present (until it expires), accepted, revoked or expired.

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::portal::{LinkPurpose, link_token_for, new_nonce};
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of invites.
pub const ENTITY: &str = "tenant_portal_invite";

/// Where an invite is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteStatus {
    /// Sent and not yet used; usable until it expires.
    Present,
    /// The tenant accepted it (their portal access).
    Accepted,
    /// An agent withdrew it.
    Revoked,
    /// It passed its expiry unused.
    Expired,
}

impl InviteStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            InviteStatus::Present => "present",
            InviteStatus::Accepted => "accepted",
            InviteStatus::Revoked => "revoked",
            InviteStatus::Expired => "expired",
        }
    }

    /// What agents read.
    pub fn label(self) -> &'static str {
        match self {
            InviteStatus::Present => "Invited",
            InviteStatus::Accepted => "Portal access",
            InviteStatus::Revoked => "Revoked",
            InviteStatus::Expired => "Expired",
        }
    }

    /// Reads a stored value.
    pub fn parse(value: &str) -> Option<InviteStatus> {
        [
            InviteStatus::Present,
            InviteStatus::Accepted,
            InviteStatus::Revoked,
            InviteStatus::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// An invite as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invite {
    pub id: Uuid,
    pub org_id: Uuid,
    pub tenancy_id: Uuid,
    pub tenant_id: Uuid,
    pub link_nonce: String,
    #[sqlx(try_from = "String")]
    pub status: InviteStatus,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expired_at: Option<DateTime<Utc>>,
    pub created_by_type: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

impl Invite {
    /// The status as a value.
    pub fn status(&self) -> InviteStatus {
        self.status
    }

    /// The secret part of the invite's URL.
    pub fn link_token(&self, key: &[u8]) -> String {
        link_token_for(LinkPurpose::TenantInvite, key, self.id, &self.link_nonce)
    }
}

/// `SELECT <every Invite column> FROM tenant_portal_invites <tail>`.
macro_rules! select_invite {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, tenancy_id, tenant_id, link_nonce, status, expires_at, accepted_at, revoked_at, \
             expired_at, created_by_type, created_by_name, created_at FROM tenant_portal_invites ",
            $tail
        )
    };
}

/// Creates a new invite for a tenant of a tenancy, valid for `valid_for`
/// (the manual flow and the automatic one both come here).
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    tenancy_id: Uuid,
    tenant_id: Uuid,
    tenant_name: &str,
    valid_for: TimeDelta,
    actor: &Actor,
) -> Result<Invite, sqlx::Error> {
    let id = super::new_id();
    let now = super::now();
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO tenant_portal_invites (id, org_id, tenancy_id, tenant_id, link_nonce, status, expires_at, \
         created_by_type, created_by_name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'present', $6, $7, $8, $9, $9)"
    )
    .bind(id)
    .bind(org_id)
    .bind(tenancy_id)
    .bind(tenant_id)
    .bind(new_nonce())
    .bind(now + valid_for)
    .bind(actor.kind.as_str())
    .bind(&actor.name)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "tenant_invite.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("invited {tenant_name} to the tenant portal"),
            changes: Changes::new().field("status", None, Some("present")).secret("link"),
        },
    )
    .await?;
    on_tx!(tx, |conn| sqlx::query_as(select_invite!("WHERE id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await)
}

/// The tenant's invite for a tenancy that still gives or offers access, read
/// inside a transaction: an accepted one first (any of them, however many
/// later invites expired or were revoked), else the newest present one that
/// has not expired.
pub async fn active_in_tx(
    tx: &mut Tx,
    org_id: Uuid,
    tenancy_id: Uuid,
    tenant_id: Uuid,
) -> Result<Option<Invite>, sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query_as(select_invite!(
        "WHERE org_id = $1 AND tenancy_id = $2 AND tenant_id = $3 \
         AND (status = $4 OR (status = $5 AND expires_at > $6)) \
         ORDER BY CASE WHEN status = $4 THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT 1"
    ))
    .bind(org_id)
    .bind(tenancy_id)
    .bind(tenant_id)
    .bind(InviteStatus::Accepted.as_str())
    .bind(InviteStatus::Present.as_str())
    .bind(super::now())
    .fetch_optional(conn)
    .await)
}

/// The tenant's active invite for a tenancy, or a new one made through
/// [`create`]; true when it is new.
pub async fn ensure_active(
    tx: &mut Tx,
    org_id: Uuid,
    tenancy_id: Uuid,
    tenant_id: Uuid,
    tenant_name: &str,
    valid_for: TimeDelta,
    actor: &Actor,
) -> Result<(Invite, bool), sqlx::Error> {
    match active_in_tx(tx, org_id, tenancy_id, tenant_id).await? {
        Some(invite) => Ok((invite, false)),
        None => Ok((
            create(tx, org_id, tenancy_id, tenant_id, tenant_name, valid_for, actor).await?,
            true,
        )),
    }
}

/// Sends a tenant a fresh invite for a tenancy (the agent's manual invite):
/// inside one transaction, every present invite of theirs for it is revoked
/// (so one link is live) and a new one is made. An accepted invite is left
/// alone: the tenant keeps their access.
pub async fn reissue(
    tx: &mut Tx,
    org_id: Uuid,
    tenancy_id: Uuid,
    tenant_id: Uuid,
    tenant_name: &str,
    valid_for: TimeDelta,
    actor: &Actor,
) -> Result<Invite, sqlx::Error> {
    let present: Vec<Invite> = on_tx!(tx, |conn| sqlx::query_as(select_invite!(
        "WHERE org_id = $1 AND tenancy_id = $2 AND tenant_id = $3 AND status = $4"
    ))
    .bind(org_id)
    .bind(tenancy_id)
    .bind(tenant_id)
    .bind(InviteStatus::Present.as_str())
    .fetch_all(conn)
    .await)?;
    for old in &present {
        revoke(tx, old, actor).await?;
    }
    create(tx, org_id, tenancy_id, tenant_id, tenant_name, valid_for, actor).await
}

/// Revokes an invite that is present (its link dies) or accepted (the
/// tenant's access to the tenancy ends at their next request); false when it
/// was neither.
pub async fn revoke(tx: &mut Tx, invite: &Invite, actor: &Actor) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let changed = on_tx!(tx, |conn| sqlx::query(
        "UPDATE tenant_portal_invites SET status = 'revoked', revoked_at = $1, updated_at = $1 \
         WHERE id = $2 AND org_id = $3 AND status IN ('present', 'accepted')"
    )
    .bind(now)
    .bind(invite.id)
    .bind(invite.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 1 {
        audit::record(
            tx,
            audit::Entry {
                org_id: invite.org_id,
                actor,
                action: "tenant_invite.revoke",
                entity_type: ENTITY,
                entity_id: Some(invite.id),
                description: if invite.status() == InviteStatus::Accepted {
                    "revoked a tenant's portal access".into()
                } else {
                    "revoked a tenant portal invite".into()
                },
                changes: Changes::new().field("status", Some(invite.status().as_str()), Some("revoked")),
            },
        )
        .await?;
    }
    Ok(changed == 1)
}

/// Accepts a present, unexpired invite (the tenant pressed "Continue"); false
/// when it cannot be accepted.
pub async fn accept(tx: &mut Tx, invite: &Invite, actor: &Actor) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let changed = on_tx!(tx, |conn| sqlx::query(
        "UPDATE tenant_portal_invites SET status = 'accepted', accepted_at = $1, updated_at = $1 \
         WHERE id = $2 AND status = 'present' AND expires_at > $1"
    )
    .bind(now)
    .bind(invite.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 1 {
        audit::record(
            tx,
            audit::Entry {
                org_id: invite.org_id,
                actor,
                action: "tenant_invite.accept",
                entity_type: ENTITY,
                entity_id: Some(invite.id),
                description: "accepted their tenant portal invite".into(),
                changes: Changes::new().field("status", Some("present"), Some("accepted")),
            },
        )
        .await?;
    }
    Ok(changed == 1)
}

/// An invite by id alone, for checking an invite link (the MAC is checked by the caller).
pub async fn get_for_link(db: &Db, id: Uuid) -> Result<Option<Invite>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_invite!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Every invite of a tenancy, newest first.
pub async fn for_tenancy(db: &Db, org_id: Uuid, tenancy_id: Uuid) -> Result<Vec<Invite>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_invite!(
        "WHERE org_id = $1 AND tenancy_id = $2 ORDER BY created_at DESC, id DESC"
    ))
    .bind(org_id)
    .bind(tenancy_id)
    .fetch_all(pool)
    .await)
}

/// The expiry sweep: marks every present invite past its expiry as expired,
/// across all agencies, audited as the system. Safe on several nodes at once:
/// each row changes in one conditional update, and only the node whose update
/// changed it writes its audit row. Returns how many it expired.
pub async fn sweep_expired(db: &Db) -> Result<u64, sqlx::Error> {
    let now = super::now();
    let mut tx = db.begin().await?;
    let expired: Vec<(Uuid, Uuid)> = on_tx!(&mut tx, |conn| sqlx::query_as(
        "UPDATE tenant_portal_invites SET status = 'expired', expired_at = $1, updated_at = $1 \
         WHERE status = 'present' AND expires_at <= $1 RETURNING id, org_id"
    )
    .bind(now)
    .fetch_all(conn)
    .await)?;
    let system = Actor::system();
    for (id, org_id) in &expired {
        audit::record(
            &mut tx,
            audit::Entry {
                org_id: *org_id,
                actor: &system,
                action: "tenant_invite.expire",
                entity_type: ENTITY,
                entity_id: Some(*id),
                description: "expired an unused tenant portal invite".into(),
                changes: Changes::new().field("status", Some("present"), Some("expired")),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(expired.len() as u64)
}

crate::stored_as_text!(InviteStatus, InviteStatus::parse);

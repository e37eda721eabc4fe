//! ContractorPort's records: a contractor's access to one work order (the
//! single-use link emailed to them and the browser sessions it opened), their
//! refusal to quote, and the comments between them and the agency. Every step
//! is audited on the work order, so it is on its timeline.

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, ActorType, Changes};
use crate::domain::choice::Choice;
use crate::domain::contractor_port::{FRESH_LINK_EVERY, InvitedTo, LinkStatus, SESSION_DAYS};
use crate::domain::portal::{LinkPurpose, link_token_for, new_nonce};
use crate::store::audit;
use crate::store::work_orders::{ENTITY, WorkOrder};
use crate::{on_pool, on_tx};

/// A contractor's access to one work order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContractorLink {
    pub id: Uuid,
    pub org_id: Uuid,
    pub work_order_id: Uuid,
    pub contractor_id: Uuid,
    #[sqlx(try_from = "String")]
    pub invited_to: InvitedTo,
    pub link_nonce: String,
    #[sqlx(try_from = "String")]
    pub link_status: LinkStatus,
    pub link_expires_at: DateTime<Utc>,
    pub declined_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub fresh_requested_at: Option<DateTime<Utc>>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The contractor's company name.
    pub company_name: String,
    /// The address the agency holds for them (where links are sent).
    pub email: String,
}

crate::stored_as_text!(InvitedTo, |value| <InvitedTo as Choice>::parse(value).ok());
crate::stored_as_text!(LinkStatus, |value| <LinkStatus as Choice>::parse(value).ok());

impl ContractorLink {
    /// The secret part of the emailed URL (derived, so a live link can be
    /// shown again; a new nonce kills the old one).
    pub fn link_token(&self, key: &[u8]) -> String {
        link_token_for(LinkPurpose::ContractorLink, key, self.id, &self.link_nonce)
    }

    /// Whether the emailed link still opens the job at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.link_status == LinkStatus::Present && self.link_expires_at > now
    }

    /// What the agent reads about the link at `now`.
    pub fn state_label(&self, now: DateTime<Utc>) -> &'static str {
        match self.link_status {
            LinkStatus::Present if self.link_expires_at <= now => "Link expired unopened",
            status => status.label(),
        }
    }

    /// The contractor as an actor in the audit trail.
    pub fn actor(&self) -> Actor {
        Actor {
            kind: ActorType::Contractor,
            id: Some(self.contractor_id),
            name: self.company_name.clone(),
        }
    }
}

/// `SELECT <every ContractorLink column> FROM contractor_links k JOIN contractors c <tail>`.
macro_rules! select_link {
    ($tail:literal) => {
        concat!(
            "SELECT k.id, k.org_id, k.work_order_id, k.contractor_id, k.invited_to, k.link_nonce, k.link_status, \
             k.link_expires_at, k.declined_at, k.decline_reason, k.reminded_at, k.fresh_requested_at, \
             k.created_by_name, k.created_at, k.updated_at, c.company_name, c.email \
             FROM contractor_links k JOIN contractors c ON c.id = k.contractor_id AND c.org_id = k.org_id ",
            $tail
        )
    };
}

/// Gives a contractor a new link to a work order, valid for `valid_for`: the
/// first one, or a new nonce on their existing access (the old link dies; an
/// instruction stays an instruction; asking again clears a refusal to quote).
/// Audited as asking for a quote or instructing.
pub async fn issue(
    tx: &mut Tx,
    order: &WorkOrder,
    contractor_id: Uuid,
    invited_to: InvitedTo,
    valid_for: TimeDelta,
    actor: &Actor,
) -> Result<ContractorLink, sqlx::Error> {
    let now = super::now();
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO contractor_links (id, org_id, work_order_id, contractor_id, invited_to, link_nonce, \
         link_status, link_expires_at, created_by_name, created_at, updated_at, asked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'present', $7, $8, $9, $9, $9) \
         ON CONFLICT (work_order_id, contractor_id) DO UPDATE SET \
         invited_to = CASE WHEN contractor_links.invited_to = 'instruct' THEN 'instruct' ELSE excluded.invited_to END, \
         link_nonce = excluded.link_nonce, link_status = 'present', link_expires_at = excluded.link_expires_at, \
         declined_at = NULL, decline_reason = NULL, updated_at = excluded.updated_at, asked_at = excluded.asked_at, \
         reminded_at = NULL"
    )
    .bind(super::new_id())
    .bind(order.org_id)
    .bind(order.id)
    .bind(contractor_id)
    .bind(invited_to.as_str())
    .bind(new_nonce())
    .bind(now + valid_for)
    .bind(&actor.name)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let link: ContractorLink = on_tx!(tx, |conn| sqlx::query_as(select_link!(
        "WHERE k.work_order_id = $1 AND k.contractor_id = $2"
    ))
    .bind(order.id)
    .bind(contractor_id)
    .fetch_one(conn)
    .await)?;
    if invited_to == InvitedTo::Quote {
        audit::record(
            tx,
            audit::Entry {
                org_id: order.org_id,
                actor,
                action: "work_order.quote_request",
                entity_type: ENTITY,
                entity_id: Some(order.id),
                description: format!("asked {} to quote for {}", link.company_name, order.reference()),
                changes: Changes::new(),
            },
        )
        .await?;
    }
    Ok(link)
}

/// An access as the transaction sees it now (after a change to it).
async fn reread(tx: &mut Tx, id: Uuid) -> Result<Option<ContractorLink>, sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query_as(select_link!("WHERE k.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await)
}

/// A contractor's access to one of the agency's work orders.
pub async fn get(db: &Db, org_id: Uuid, work_order_id: Uuid, id: Uuid) -> Result<Option<ContractorLink>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_link!(
        "WHERE k.org_id = $1 AND k.work_order_id = $2 AND k.id = $3"
    ))
    .bind(org_id)
    .bind(work_order_id)
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// The access a link token names (the caller checks its MAC and state).
pub async fn get_for_link(db: &Db, id: Uuid) -> Result<Option<ContractorLink>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_link!("WHERE k.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Every contractor given access to a work order, in the order they were asked.
pub async fn for_work_order(db: &Db, org_id: Uuid, work_order_id: Uuid) -> Result<Vec<ContractorLink>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_link!(
        "WHERE k.org_id = $1 AND k.work_order_id = $2 ORDER BY k.created_at, k.id"
    ))
    .bind(org_id)
    .bind(work_order_id)
    .fetch_all(pool)
    .await)
}

/// Spends a live link at `now` and opens a session for the browser that did
/// (kept as `session_hash`); false when the link was not live (spent by a
/// racing request, revoked or expired), and then nothing changes.
pub async fn spend(
    tx: &mut Tx,
    order: &WorkOrder,
    link: &ContractorLink,
    session_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let spent = on_tx!(tx, |conn| sqlx::query(
        "UPDATE contractor_links SET link_status = 'spent', updated_at = $1 \
         WHERE id = $2 AND link_status = 'present' AND link_expires_at > $1"
    )
    .bind(now)
    .bind(link.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if spent == 0 {
        return Ok(false);
    }
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO contractor_sessions (token_hash, link_id, expires_at, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(session_hash)
    .bind(link.id)
    .bind(now + TimeDelta::days(SESSION_DAYS))
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let actor = link.actor();
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor: &actor,
            action: "work_order.contractor_opened",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!("opened {}{}", order.reference(), actor.via()),
            changes: Changes::new().field(
                "contractor_link",
                Some(LinkStatus::Present.as_str()),
                Some(LinkStatus::Spent.as_str()),
            ),
        },
    )
    .await?;
    Ok(true)
}

/// The access a browser's session opens at `now`: the session must be for
/// this access, unexpired, and the access not revoked. Also says whether the
/// session's expiry is due to be moved on.
pub async fn session(
    db: &Db,
    link_id: Uuid,
    session_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(ContractorLink, DateTime<Utc>)>, sqlx::Error> {
    let expires: Option<DateTime<Utc>> = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT s.expires_at FROM contractor_sessions s JOIN contractor_links k ON k.id = s.link_id \
         WHERE s.token_hash = $1 AND s.link_id = $2 AND s.expires_at > $3 AND k.link_status <> 'revoked'"
    )
    .bind(session_hash)
    .bind(link_id)
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    let Some(expires) = expires else {
        return Ok(None);
    };
    Ok(get_for_link(db, link_id).await?.map(|link| (link, expires)))
}

/// Moves a used session's expiry to `SESSION_DAYS` after `now`.
pub async fn refresh_session(db: &Db, session_hash: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool| sqlx::query(
        "UPDATE contractor_sessions SET expires_at = $1 WHERE token_hash = $2"
    )
    .bind(now + TimeDelta::days(SESSION_DAYS))
    .bind(session_hash)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Withdraws a contractor's access: the link and every session it opened are
/// dead at once. False when it was already withdrawn.
pub async fn revoke(tx: &mut Tx, order: &WorkOrder, link: &ContractorLink, actor: &Actor) -> Result<bool, sqlx::Error> {
    let revoked = on_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE contractor_links SET link_status = 'revoked', updated_at = $1 WHERE id = $2 AND link_status <> 'revoked'"
    )
    .bind(super::now())
    .bind(link.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    if revoked == 0 {
        return Ok(false);
    }
    on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM contractor_sessions WHERE link_id = $1"
    )
    .bind(link.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.contractor_access_revoked",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!("withdrew {}'s access to {}", link.company_name, order.reference()),
            changes: Changes::new().field(
                "contractor_link",
                Some(link.link_status.as_str()),
                Some(LinkStatus::Revoked.as_str()),
            ),
        },
    )
    .await?;
    Ok(true)
}

/// Records a contractor's refusal to quote, with their reason; false when
/// they had already declined.
pub async fn decline(tx: &mut Tx, order: &WorkOrder, link: &ContractorLink, reason: &str) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let declined = on_tx!(tx, |conn| sqlx::query(
        "UPDATE contractor_links SET declined_at = $1, decline_reason = $2, updated_at = $1 \
         WHERE id = $3 AND declined_at IS NULL"
    )
    .bind(now)
    .bind(reason)
    .bind(link.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if declined == 0 {
        return Ok(false);
    }
    let actor = link.actor();
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor: &actor,
            action: "work_order.quote_declined",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!("declined to quote for {}{}: {reason}", order.reference(), actor.via()),
            changes: Changes::new(),
        },
    )
    .await?;
    Ok(true)
}

/// Gives a live or spent (not revoked) access a new link at `now` for a
/// contractor who asked for one, at most once per [`FRESH_LINK_EVERY`];
/// `None` when it is too soon or the access was withdrawn.
pub async fn fresh_link(
    tx: &mut Tx,
    order: &WorkOrder,
    link: &ContractorLink,
    valid_for: TimeDelta,
    now: DateTime<Utc>,
) -> Result<Option<ContractorLink>, sqlx::Error> {
    let renewed = on_tx!(tx, |conn| sqlx::query(
        "UPDATE contractor_links SET link_nonce = $1, link_status = 'present', link_expires_at = $2, \
         fresh_requested_at = $3, updated_at = $3 \
         WHERE id = $4 AND link_status <> 'revoked' AND (fresh_requested_at IS NULL OR fresh_requested_at <= $5)"
    )
    .bind(new_nonce())
    .bind(now + valid_for)
    .bind(now)
    .bind(link.id)
    .bind(now - FRESH_LINK_EVERY)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if renewed == 0 {
        return Ok(None);
    }
    let actor = link.actor();
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor: &actor,
            action: "work_order.contractor_fresh_link",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!("asked for a fresh link to {}{}", order.reference(), actor.via()),
            changes: Changes::new().secret("contractor_link"),
        },
    )
    .await?;
    reread(tx, link.id).await
}

/// A comment between the agency and a contractor on a work order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Comment {
    pub id: Uuid,
    /// The contractor's access the thread belongs to.
    pub link_id: Uuid,
    /// `agent` or `contractor`.
    pub author_type: String,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl Comment {
    /// Whether the contractor wrote it.
    pub fn by_contractor(&self) -> bool {
        self.author_type == ActorType::Contractor.as_str()
    }
}

/// Adds a comment to a contractor's thread on a work order (by the contractor
/// or an agent), audited on the work order.
pub async fn add_comment(
    tx: &mut Tx,
    order: &WorkOrder,
    link: &ContractorLink,
    actor: &Actor,
    body: &str,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO contractor_comments (id, org_id, link_id, author_type, author_name, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(super::new_id())
    .bind(order.org_id)
    .bind(link.id)
    .bind(actor.kind.as_str())
    .bind(&actor.name)
    .bind(body)
    .bind(super::now())
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let description = if actor.kind == ActorType::Contractor {
        format!("wrote to the agency about {}{}", order.reference(), actor.via())
    } else {
        format!("wrote to {} about {}", link.company_name, order.reference())
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.comment",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description,
            changes: Changes::new(),
        },
    )
    .await?;
    Ok(())
}

/// The comments of the contractors' threads on a work order (oldest first);
/// `link_id` narrows them to one contractor's thread.
pub async fn comments(
    db: &Db,
    org_id: Uuid,
    work_order_id: Uuid,
    link_id: Option<Uuid>,
) -> Result<Vec<Comment>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT m.id, m.link_id, m.author_type, m.author_name, m.body, m.created_at FROM contractor_comments m \
         JOIN contractor_links k ON k.id = m.link_id AND k.org_id = m.org_id \
         WHERE m.org_id = $1 AND k.work_order_id = $2 AND ($3 IS NULL OR m.link_id = $3) \
         ORDER BY m.created_at, m.id"
    )
    .bind(org_id)
    .bind(work_order_id)
    .bind(link_id)
    .fetch_all(pool)
    .await)
}

/// Why a contractor is reminded about a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// Asked to quote at least 3 days ago; no quote and no refusal yet.
    Quote,
    /// Instructed at least 2 days ago; no appointment yet.
    Appointment,
    /// Instructed, past the job's target date, not reported complete.
    Overdue,
}

/// How long after the ask each reminder is due.
pub const QUOTE_REMINDER_AFTER: TimeDelta = TimeDelta::days(3);
/// How long after the instruction an appointment is expected.
pub const APPOINTMENT_REMINDER_AFTER: TimeDelta = TimeDelta::days(2);
/// A contractor gets at most one reminder per job per this.
pub const REMIND_EVERY: TimeDelta = TimeDelta::days(1);

/// The accesses due a reminder at `now`, with why (one reason each, the most
/// pressing first): live accesses of open work orders not reminded in the
/// last day.
pub async fn due_reminders(db: &Db, now: DateTime<Utc>) -> Result<Vec<(ContractorLink, Reminder)>, sqlx::Error> {
    let rows: Vec<ContractorLink> = on_pool!(db, |pool| sqlx::query_as(select_link!(
        "JOIN work_orders w ON w.id = k.work_order_id AND w.org_id = k.org_id \
         WHERE k.link_status <> 'revoked' AND (k.reminded_at IS NULL OR k.reminded_at <= $1) \
         AND ( \
           (w.contractor_id = k.contractor_id AND w.status IN ('instructed', 'scheduled') AND w.target_at < $2) \
           OR (w.contractor_id = k.contractor_id AND w.status = 'instructed' AND w.appointment_on IS NULL \
               AND k.asked_at <= $3) \
           OR (k.invited_to = 'quote' AND k.declined_at IS NULL AND w.status IN ('new', 'quotes_requested') \
               AND k.asked_at <= $4 AND NOT EXISTS (SELECT 1 FROM quotes q \
                 WHERE q.work_order_id = k.work_order_id AND q.contractor_id = k.contractor_id)) \
         ) ORDER BY k.id"
    ))
    .bind(now - REMIND_EVERY)
    .bind(now)
    .bind(now - APPOINTMENT_REMINDER_AFTER)
    .bind(now - QUOTE_REMINDER_AFTER)
    .fetch_all(pool)
    .await)?;
    let mut due = Vec::new();
    for link in rows {
        let Some(order) = super::work_orders::get(db, link.org_id, link.work_order_id).await? else {
            continue;
        };
        let reason = if order.contractor_id == Some(link.contractor_id) && order.target_at < now {
            Reminder::Overdue
        } else if order.contractor_id == Some(link.contractor_id) {
            Reminder::Appointment
        } else {
            Reminder::Quote
        };
        due.push((link, reason));
    }
    Ok(due)
}

/// Claims a reminder at `now` (so two nodes never send the same one) and gives
/// the access a fresh link for it; `None` when another claimed it first.
pub async fn claim_reminder(
    tx: &mut Tx,
    link: &ContractorLink,
    valid_for: TimeDelta,
    now: DateTime<Utc>,
) -> Result<Option<ContractorLink>, sqlx::Error> {
    let claimed = on_tx!(tx, |conn| sqlx::query(
        "UPDATE contractor_links SET reminded_at = $1, link_nonce = $2, link_status = 'present', \
         link_expires_at = $3, updated_at = $1 \
         WHERE id = $4 AND link_status <> 'revoked' AND (reminded_at IS NULL OR reminded_at <= $5)"
    )
    .bind(now)
    .bind(new_nonce())
    .bind(now + valid_for)
    .bind(link.id)
    .bind(now - REMIND_EVERY)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if claimed == 0 {
        return Ok(None);
    }
    reread(tx, link.id).await
}

/// A new single-use link for an access that was not withdrawn (the demo's
/// printed link, new on every start); `None` for a withdrawn one.
pub async fn renew(
    tx: &mut Tx,
    link: &ContractorLink,
    valid_for: TimeDelta,
) -> Result<Option<ContractorLink>, sqlx::Error> {
    let now = super::now();
    let renewed = on_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE contractor_links SET link_nonce = $1, link_status = 'present', link_expires_at = $2, updated_at = $3 \
         WHERE id = $4 AND link_status <> 'revoked'"
    )
    .bind(new_nonce())
    .bind(now + valid_for)
    .bind(now)
    .bind(link.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    if renewed == 0 {
        return Ok(None);
    }
    reread(tx, link.id).await
}

/// The accesses of an agency still waiting for a quote: asked, not declined,
/// no quote sent, on a work order that takes quotes (oldest ask first).
pub async fn awaiting_quote(db: &Db, org_id: Uuid) -> Result<Vec<ContractorLink>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_link!(
        "JOIN work_orders w ON w.id = k.work_order_id AND w.org_id = k.org_id \
         WHERE k.org_id = $1 AND k.invited_to = 'quote' AND k.declined_at IS NULL AND k.link_status <> 'revoked' \
         AND w.status IN ('new', 'quotes_requested') AND NOT EXISTS (SELECT 1 FROM quotes q \
           WHERE q.work_order_id = k.work_order_id AND q.contractor_id = k.contractor_id) \
         ORDER BY k.created_at, k.id"
    ))
    .bind(org_id)
    .fetch_all(pool)
    .await)
}

/// Deletes the contractor sessions past their expiry; how many went.
pub async fn delete_expired_sessions(db: &Db) -> Result<u64, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query(
        "DELETE FROM contractor_sessions WHERE expires_at <= $1"
    )
    .bind(super::now())
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
}

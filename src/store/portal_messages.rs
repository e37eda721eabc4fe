//! The message thread between a landlord and the agency: messages written in
//! the landlord portal or the back-office, reading a thread and marking it
//! read, the portal's cheap "anything new?" poll, and the agents' inbox. Kept
//! apart from the portal tokens ([`crate::store::portal`]) so each file holds one
//! concept; a thread hangs off its token and is audited through
//! [`log_landlord_portal_audit`](crate::store::portal::log_landlord_portal_audit).

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::store::outbox::{self, EmailContent};
use crate::store::portal::{PortalToken, claim, claim_sql, log_landlord_portal_audit, select_token};
use crate::store::{Cursor, audit};
use crate::{on_pool, on_tx};

/// The audit entity type of messages.
pub const MESSAGE_ENTITY: &str = "landlord_message";
/// A landlord is emailed about new agent messages at most this often per thread.
pub const NOTIFY_EVERY: TimeDelta = TimeDelta::minutes(15);
/// How many of the latest messages a thread shows.
pub const THREAD_LIMIT: i64 = 200;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderType {
    /// The landlord, in their portal.
    Landlord,
    /// An agent, in the back-office.
    Agent,
}

impl SenderType {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            SenderType::Landlord => "landlord",
            SenderType::Agent => "agent",
        }
    }
}

/// A message in a landlord's thread.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: Uuid,
    pub org_id: Uuid,
    pub token_id: Uuid,
    pub sender_type: String,
    pub sender_user_id: Option<Uuid>,
    pub sender_name: String,
    pub body: String,
    pub is_read: bool,
    pub created_at: DateTime<Utc>,
}

impl Message {
    /// Whether the landlord wrote it.
    pub fn from_landlord(&self) -> bool {
        self.sender_type == SenderType::Landlord.as_str()
    }
}

/// `SELECT <every Message column> FROM landlord_messages <tail>`.
macro_rules! select_message {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, token_id, sender_type, sender_user_id, sender_name, body, is_read, created_at \
             FROM landlord_messages ",
            $tail
        )
    };
}

async fn insert_message(
    tx: &mut Tx,
    token: &PortalToken,
    sender: SenderType,
    actor: &Actor,
    body: &str,
) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    let now = super::now();
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO landlord_messages (id, org_id, token_id, sender_type, sender_user_id, sender_name, body, is_read, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(id)
    .bind(token.org_id)
    .bind(token.id)
    .bind(sender.as_str())
    .bind(actor.id.filter(|_| sender == SenderType::Agent))
    .bind(&actor.name)
    .bind(body)
    .bind(false)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE landlord_portal_tokens SET last_message_at = $1 WHERE id = $2"
    )
    .bind(now)
    .bind(token.id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(id)
}

/// A landlord's message to the agency (portal `sendMessage`), audited.
pub async fn send_from_landlord(tx: &mut Tx, token: &PortalToken, body: &str) -> Result<Uuid, sqlx::Error> {
    let id = insert_message(tx, token, SenderType::Landlord, &token.actor(), body).await?;
    log_landlord_portal_audit(
        tx,
        token,
        "landlord_portal.send_message",
        MESSAGE_ENTITY,
        Some(id),
        "sent a message to the agency".into(),
        Changes::new(),
    )
    .await?;
    Ok(id)
}

/// An agent's message to the landlord (back-office `sendMessage`), audited. When
/// `notification` is given (the landlord wants email), it is queued in the same
/// transaction unless the landlord was emailed about this thread in the last
/// [`NOTIFY_EVERY`]. Returns the message id and whether an email was queued.
pub async fn send_from_agent(
    tx: &mut Tx,
    token: &PortalToken,
    actor: &Actor,
    body: &str,
    notification: Option<&EmailContent>,
) -> Result<(Uuid, bool), sqlx::Error> {
    let id = insert_message(tx, token, SenderType::Agent, actor, body).await?;
    audit::record(
        tx,
        audit::Entry {
            org_id: token.org_id,
            actor,
            action: "landlord_message.send",
            entity_type: MESSAGE_ENTITY,
            entity_id: Some(id),
            description: format!("sent a message to {}", token.landlord_name),
            changes: Changes::new(),
        },
    )
    .await?;
    let mut notified = false;
    if let Some(content) = notification
        && claim(tx, claim_sql!("last_notified_at"), token.id, NOTIFY_EVERY).await?
    {
        outbox::enqueue(
            tx,
            Some(token.org_id),
            "landlord_message_notification",
            &token.landlord_email,
            content,
        )
        .await?;
        notified = true;
    }
    Ok((id, notified))
}

/// The latest messages of a thread, oldest first; with `after`, only those newer
/// than that message (message ids are time-ordered).
pub async fn thread(db: &Db, token_id: Uuid, after: Option<Uuid>) -> Result<Vec<Message>, sqlx::Error> {
    let mut messages: Vec<Message> = match after {
        Some(after) => on_pool!(db, |pool| sqlx::query_as(select_message!(
            "WHERE token_id = $1 AND id > $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(token_id)
        .bind(after)
        .bind(THREAD_LIMIT)
        .fetch_all(pool)
        .await)?,
        None => on_pool!(db, |pool| sqlx::query_as(select_message!(
            "WHERE token_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(token_id)
        .bind(THREAD_LIMIT)
        .fetch_all(pool)
        .await)?,
    };
    messages.reverse();
    Ok(messages)
}

/// Marks as read the messages in a thread sent by `sender`, now that the other
/// side has been shown `shown` (the latest messages, or those after a refresh's
/// `after`); returns how many changed. Opening or refreshing a thread with
/// nothing unread in it writes nothing, so reading never waits for a writer.
pub async fn mark_read(db: &Db, token_id: Uuid, sender: SenderType, shown: &[Message]) -> Result<u64, sqlx::Error> {
    let unread_shown = shown.iter().any(|m| m.sender_type == sender.as_str() && !m.is_read);
    let older_not_shown = i64::try_from(shown.len()).unwrap_or(i64::MAX) >= THREAD_LIMIT;
    if !unread_shown && !older_not_shown {
        return Ok(0);
    }
    on_pool!(db, |pool| sqlx::query(
        "UPDATE landlord_messages SET is_read = $1 WHERE token_id = $2 AND sender_type = $3 AND is_read = $4"
    )
    .bind(true)
    .bind(token_id)
    .bind(sender.as_str())
    .bind(false)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
}

/// A token with whether its thread holds a message newer than a refresh's `after`.
#[derive(sqlx::FromRow)]
struct TokenForPoll {
    #[sqlx(flatten)]
    token: PortalToken,
    has_newer: bool,
}

/// The token behind a link together with whether its thread has a message newer
/// than `after` (any message when `None`), in one query: a portal open in a
/// browser refreshes every 15 seconds and almost always finds nothing new, so
/// that answer costs one round trip to the database instead of two.
pub async fn get_for_poll(db: &Db, id: Uuid, after: Option<Uuid>) -> Result<Option<(PortalToken, bool)>, sqlx::Error> {
    let found: Option<TokenForPoll> = on_pool!(db, |pool| sqlx::query_as(select_token!(
        ", EXISTS (SELECT 1 FROM landlord_messages m WHERE m.token_id = landlord_portal_tokens.id \
         AND ($2 IS NULL OR m.id > $2)) AS has_newer",
        "WHERE id = $1"
    ))
    .bind(id)
    .bind(after)
    .fetch_optional(pool)
    .await)?;
    Ok(found.map(|row| (row.token, row.has_newer)))
}

/// One landlord thread in the agents' inbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThreadSummary {
    pub token_id: Uuid,
    pub landlord_id: Uuid,
    pub landlord_name: String,
    pub last_message_at: DateTime<Utc>,
    pub unread: i64,
    pub total: i64,
}

/// One page of the agency's landlord threads with messages, newest activity
/// first, after `after`, and the next page's cursor (its sort key is the last
/// message time). Reads the tokens' `last_message_at` (kept by every message
/// written) through an index, and counts messages only for the page's threads.
pub async fn inbox(
    db: &Db,
    org_id: Uuid,
    after: Option<&Cursor>,
    limit: u32,
) -> Result<(Vec<ThreadSummary>, Option<Cursor>), sqlx::Error> {
    let after = after.and_then(|c| Some((DateTime::parse_from_rfc3339(&c.sort_key).ok()?.to_utc(), c.id)));
    let rows: Vec<ThreadSummary> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT t.id AS token_id, t.landlord_id, t.landlord_name, t.last_message_at, \
             (SELECT COUNT(*) FROM landlord_messages m WHERE m.token_id = t.id AND m.sender_type = 'landlord' \
             AND m.is_read = ",
        );
        query
            .push_bind(false)
            .push(
                ") AS unread, (SELECT COUNT(*) FROM landlord_messages m WHERE m.token_id = t.id) AS total \
                   FROM landlord_portal_tokens t WHERE t.org_id = ",
            )
            .push_bind(org_id)
            .push(" AND t.last_message_at IS NOT NULL");
        if let Some((at, id)) = after {
            query
                .push(" AND (t.last_message_at < ")
                .push_bind(at)
                .push(" OR (t.last_message_at = ")
                .push_bind(at)
                .push(" AND t.id > ")
                .push_bind(id)
                .push("))");
        }
        query
            .push(" ORDER BY t.last_message_at DESC, t.id LIMIT ")
            .push_bind(i64::from(limit) + 1);
        query.build_query_as().fetch_all(pool).await
    })?;
    Ok(super::page_of(rows, limit, |last| Cursor {
        sort_key: last
            .last_message_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        id: last.token_id,
    }))
}

/// Sets every token's `last_message_at` from its messages (after a bulk load
/// that wrote messages without the store).
pub async fn refresh_last_message_at(tx: &mut Tx, org_id: Uuid) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE landlord_portal_tokens SET last_message_at = \
         (SELECT MAX(m.created_at) FROM landlord_messages m WHERE m.token_id = landlord_portal_tokens.id) \
         WHERE org_id = $1"
    )
    .bind(org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many landlord messages no agent has opened yet.
pub async fn unread_count(db: &Db, org_id: Uuid) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM landlord_messages WHERE org_id = $1 AND sender_type = 'landlord' AND is_read = $2"
    )
    .bind(org_id)
    .bind(false)
    .fetch_one(pool)
    .await)
}

//! The transactional email outbox. An email is written in the same transaction
//! as the change that causes it; the worker (`mail::outbox`) claims due rows with
//! a lease, sends them, and records the outcome. On PostgreSQL claiming uses
//! `FOR UPDATE SKIP LOCKED`, so several nodes never claim the same row; SQLite
//! has one writer at a time, so the plain update is already exclusive.

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::{on_pool, on_tx};

/// After this many failed attempts an email is marked failed and left for an admin.
pub const MAX_ATTEMPTS: i32 = 10;

/// An email ready to send: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailContent {
    /// The display name of the sender (the agency), if any.
    pub sender_name: Option<String>,
    /// Subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// What in it opens something (a portal or invite link, a sign-in code):
    /// removed from the stored email once it is sent.
    pub secrets: Vec<String>,
}

/// What a delivered email's secrets are replaced with in the stored copy.
pub const REMOVED_AFTER_SENDING: &str = "[removed after sending]";

/// `text` with every secret replaced by [`REMOVED_AFTER_SENDING`].
pub fn redact(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|secret| !secret.is_empty())
        .fold(text.to_string(), |text, secret| {
            text.replace(secret.as_str(), REMOVED_AFTER_SENDING)
        })
}

/// Where an email is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Waiting to be sent (perhaps after a failed attempt).
    Pending,
    /// Delivered to the mail server.
    Sent,
    /// Gave up after [`MAX_ATTEMPTS`].
    Failed,
}

impl OutboxStatus {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }

    /// What admins read.
    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "Waiting to send",
            OutboxStatus::Sent => "Sent",
            OutboxStatus::Failed => "Failed",
        }
    }

    /// Reads a stored value.
    pub fn parse(value: &str) -> Option<OutboxStatus> {
        match value {
            "pending" => Some(OutboxStatus::Pending),
            "sent" => Some(OutboxStatus::Sent),
            "failed" => Some(OutboxStatus::Failed),
            _ => None,
        }
    }
}

/// An outbox row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEmail {
    pub id: Uuid,
    pub org_id: Option<Uuid>,
    pub kind: String,
    pub to_address: String,
    pub sender_name: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub claim_id: Option<Uuid>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Newline-separated secrets of an email not sent yet (see [`EmailContent::secrets`]).
    pub secrets: String,
}

impl OutboxEmail {
    /// The secrets this email carries until it is sent.
    pub fn secret_list(&self) -> Vec<String> {
        self.secrets
            .lines()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The status as a value.
    pub fn status(&self) -> OutboxStatus {
        self.status
    }
}

/// `SELECT <every OutboxEmail column> FROM email_outbox <tail>`.
macro_rules! select_email {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, kind, to_address, sender_name, subject, body_text, body_html, status, attempts, next_attempt_at, \
             claim_id, last_error, created_at, sent_at, secrets FROM email_outbox ",
            $tail
        )
    };
}

/// Queues an email inside the caller's transaction; it is sent only if that commits.
pub async fn enqueue(
    tx: &mut Tx,
    org_id: Option<Uuid>,
    kind: &str,
    to: &str,
    content: &EmailContent,
) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    let now = super::now();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO email_outbox (id, org_id, kind, to_address, sender_name, subject, body_text, body_html, status, \
             attempts, next_attempt_at, created_at, secrets) \
             VALUES ($1, $2, $3, $4, $9, $5, $6, $7, 'pending', 0, $8, $8, $10)",
        )
        .bind(id)
        .bind(org_id)
        .bind(kind)
        .bind(to)
        .bind(&content.subject)
        .bind(&content.text)
        .bind(&content.html)
        .bind(now)
        .bind(&content.sender_name)
        .bind(content.secrets.join("\n"))
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// Claims up to `limit` due emails for `lease`: each claimed row gets a new
/// claim id and its attempt counted, and no other worker can claim it until the
/// lease ends. Only the holder of the claim id can record the outcome.
pub async fn claim_due(db: &Db, lease: TimeDelta, limit: i64) -> Result<Vec<OutboxEmail>, sqlx::Error> {
    /// The claim, with the row lock PostgreSQL needs appended to its inner select.
    macro_rules! claim_sql {
        ($lock:literal) => {
            concat!(
                "UPDATE email_outbox SET claim_id = $1, locked_until = $2, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= $3 \
                 AND (locked_until IS NULL OR locked_until < $3) ORDER BY next_attempt_at LIMIT $4",
                $lock,
                ") RETURNING id, org_id, kind, to_address, sender_name, subject, body_text, body_html, status, \
                 attempts, next_attempt_at, claim_id, last_error, created_at, sent_at, secrets"
            )
        };
    }
    let now = super::now();
    let sql = match db {
        Db::Postgres(_) => claim_sql!(" FOR UPDATE SKIP LOCKED"),
        Db::Sqlite(..) => claim_sql!(""),
    };
    on_pool!(db, |pool| sqlx::query_as(sql)
        .bind(super::new_id())
        .bind(now + lease)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)
}

/// Records a delivery, and in the same update removes the email's secrets
/// from its stored subject and bodies; false when the claim was lost (another
/// worker took over).
pub async fn mark_sent(db: &Db, email: &OutboxEmail, claim_id: Uuid) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let secrets = email.secret_list();
    let rows = on_pool!(db, |pool| sqlx::query(
        "UPDATE email_outbox SET status = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL, \
         subject = $4, body_text = $5, body_html = $6, secrets = '' \
         WHERE id = $2 AND claim_id = $3 AND status = 'pending'"
    )
    .bind(now)
    .bind(email.id)
    .bind(claim_id)
    .bind(redact(&email.subject, &secrets))
    .bind(redact(&email.body_text, &secrets))
    .bind(redact(&email.body_html, &secrets))
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(rows == 1)
}

/// How long to wait before attempt `attempts + 1`: doubling from `base`, at most an hour.
pub fn backoff(base: TimeDelta, attempts: i32) -> TimeDelta {
    let factor = 2i32.saturating_pow(attempts.clamp(0, 20) as u32 - u32::from(attempts > 0));
    let delay = base * factor;
    delay.min(TimeDelta::hours(1))
}

/// Records a failed attempt: retried after a backoff, or failed for good after
/// [`MAX_ATTEMPTS`] (or at once when `permanent`, e.g. a refused address).
pub async fn mark_attempt_failed(
    db: &Db,
    email: &OutboxEmail,
    claim_id: Uuid,
    error: &str,
    base_backoff: TimeDelta,
    permanent: bool,
) -> Result<OutboxStatus, sqlx::Error> {
    let give_up = permanent || email.attempts >= MAX_ATTEMPTS;
    let status = if give_up {
        OutboxStatus::Failed
    } else {
        OutboxStatus::Pending
    };
    let next = super::now() + backoff(base_backoff, email.attempts);
    let error: String = error.chars().take(1000).collect();
    on_pool!(db, |pool| sqlx::query(
        "UPDATE email_outbox SET status = $1, next_attempt_at = $2, locked_until = NULL, last_error = $3 \
         WHERE id = $4 AND claim_id = $5 AND status = 'pending'"
    )
    .bind(status.as_str())
    .bind(next)
    .bind(error)
    .bind(email.id)
    .bind(claim_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(status)
}

/// An agency's emails, newest first, optionally of one status.
pub async fn list(
    db: &Db,
    org_id: Uuid,
    status: Option<OutboxStatus>,
    limit: i64,
) -> Result<Vec<OutboxEmail>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_email!(
        "WHERE org_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY created_at DESC, id DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(status.map(OutboxStatus::as_str))
    .bind(limit)
    .fetch_all(pool)
    .await)
}

/// Puts a failed email of this agency back in the queue with a fresh set of attempts.
pub async fn retry(tx: &mut Tx, org_id: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let rows = on_tx!(tx, |conn| sqlx::query(
        "UPDATE email_outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, locked_until = NULL \
         WHERE id = $2 AND org_id = $3 AND status = 'failed'"
    )
    .bind(super::now())
    .bind(id)
    .bind(org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(rows == 1)
}

/// Counts an agency's emails by status.
pub async fn count_by_status(db: &Db, org_id: Uuid) -> Result<Vec<(String, i64)>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT status, COUNT(*) FROM email_outbox WHERE org_id = $1 GROUP BY status"
    )
    .bind(org_id)
    .fetch_all(pool)
    .await)
}

crate::stored_as_text!(OutboxStatus, OutboxStatus::parse);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = TimeDelta::seconds(5);
        assert_eq!(backoff(base, 1), TimeDelta::seconds(5));
        assert_eq!(backoff(base, 2), TimeDelta::seconds(10));
        assert_eq!(backoff(base, 3), TimeDelta::seconds(20));
        assert_eq!(backoff(base, 30), TimeDelta::hours(1));
    }
}

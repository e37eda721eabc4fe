//! A small queue of work that must happen exactly once after a change commits
//! (e.g. composing a deposit proposal's notification). A job is enqueued in the
//! change's transaction, at most once per (kind, subject); a worker claims it
//! with a lease and finishes it inside the transaction that does the work, only
//! while its claim holds — so a crash or a second node never does it twice.

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::{on_pool, on_tx};

/// After this many failed attempts a job is marked failed.
pub const MAX_ATTEMPTS: i32 = 10;

/// A claimed job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: Uuid,
    pub org_id: Option<Uuid>,
    pub kind: String,
    pub subject_id: Uuid,
    pub attempts: i32,
    pub claim_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Queues a job in the caller's transaction; a second job of the same kind and
/// subject is ignored.
pub async fn enqueue(tx: &mut Tx, org_id: Option<Uuid>, kind: &str, subject_id: Uuid) -> Result<(), sqlx::Error> {
    let now = super::now();
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO jobs (id, org_id, kind, subject_id, status, attempts, run_after, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) ON CONFLICT (kind, subject_id) DO NOTHING"
    )
    .bind(super::new_id())
    .bind(org_id)
    .bind(kind)
    .bind(subject_id)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Claims up to `limit` due jobs of a kind for `lease` (see `store::outbox::claim_due`).
pub async fn claim_due(db: &Db, kind: &str, lease: TimeDelta, limit: i64) -> Result<Vec<Job>, sqlx::Error> {
    macro_rules! claim_sql {
        ($lock:literal) => {
            concat!(
                "UPDATE jobs SET claim_id = $1, locked_until = $2, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM jobs WHERE kind = $5 AND status = 'pending' AND run_after <= $3 \
                 AND (locked_until IS NULL OR locked_until < $3) ORDER BY run_after LIMIT $4",
                $lock,
                ") RETURNING id, org_id, kind, subject_id, attempts, claim_id, created_at"
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
        .bind(kind)
        .fetch_all(pool)
        .await)
}

/// Marks a job done inside the transaction that did its work; false (and the
/// caller must roll back) when the claim was lost to another worker.
pub async fn finish(tx: &mut Tx, job: &Job) -> Result<bool, sqlx::Error> {
    let done = on_tx!(tx, |conn| sqlx::query(
        "UPDATE jobs SET status = 'done', done_at = $1, locked_until = NULL WHERE id = $2 AND claim_id = $3 \
         AND status = 'pending'"
    )
    .bind(super::now())
    .bind(job.id)
    .bind(job.claim_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Records a failed attempt: retried after a doubling backoff, failed after
/// [`MAX_ATTEMPTS`].
pub async fn failed_attempt(db: &Db, job: &Job, error: &str, base_backoff: TimeDelta) -> Result<(), sqlx::Error> {
    let status = if job.attempts >= MAX_ATTEMPTS {
        "failed"
    } else {
        "pending"
    };
    let next = super::now() + super::outbox::backoff(base_backoff, job.attempts);
    let error: String = error.chars().take(1000).collect();
    on_pool!(db, |pool| sqlx::query(
        "UPDATE jobs SET status = $1, run_after = $2, locked_until = NULL, last_error = $3 \
         WHERE id = $4 AND claim_id = $5 AND status = 'pending'"
    )
    .bind(status)
    .bind(next)
    .bind(error)
    .bind(job.id)
    .bind(job.claim_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

//! Failed sign-in attempts, kept in the database so every node sees the same
//! counts. Throttling protects the account's owner rather than locking them
//! out: one client address that fails too often is refused for a while (for
//! every account, and sooner for one account), but failures from elsewhere
//! never refuse the owner's right password. An account failing from many
//! addresses at once is slowed down instead: each further wrong password is
//! answered only after a pause, while the right one signs in at once.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::db::Db;
use crate::on_pool;

/// How far back failures count.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures for one account from one client address within the window before
/// that address may not try that account again for a while.
pub const ACCOUNT_ADDRESS_LIMIT: i64 = 5;
/// Failures from one client address within the window (any accounts) before
/// that address is refused altogether for a while.
pub const ADDRESS_LIMIT: i64 = 20;
/// Failures for one account from all addresses within the window after which
/// every further wrong password for it is answered slowly.
pub const ACCOUNT_SLOW_AFTER: i64 = 10;
/// How long a wrong password for an account under attack waits for its answer.
pub const SLOW_ANSWER: Duration = Duration::from_secs(2);

/// When this address may try this account again, if it is throttled now.
pub async fn throttled_until(db: &Db, email: &str, client_addr: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let since = super::now() - TimeDelta::minutes(WINDOW_MINUTES);
    let by_address: Vec<DateTime<Utc>> = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT attempted_at FROM login_failures WHERE client_addr = $1 AND attempted_at >= $2 \
         ORDER BY attempted_at DESC LIMIT $3"
    )
    .bind(client_addr)
    .bind(since)
    .bind(ADDRESS_LIMIT)
    .fetch_all(pool)
    .await)?;
    let by_pair: Vec<DateTime<Utc>> = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT attempted_at FROM login_failures WHERE email = $1 AND client_addr = $2 AND attempted_at >= $3 \
         ORDER BY attempted_at DESC LIMIT $4"
    )
    .bind(email)
    .bind(client_addr)
    .bind(since)
    .bind(ACCOUNT_ADDRESS_LIMIT)
    .fetch_all(pool)
    .await)?;
    for (rows, limit) in [(by_address, ADDRESS_LIMIT), (by_pair, ACCOUNT_ADDRESS_LIMIT)] {
        if rows.len() as i64 >= limit
            && let Some(oldest) = rows.last()
        {
            return Ok(Some(*oldest + TimeDelta::minutes(WINDOW_MINUTES)));
        }
    }
    Ok(None)
}

/// How long to wait before answering a wrong password for this account: a
/// pause once it has failed [`ACCOUNT_SLOW_AFTER`] times in the window from
/// anywhere, nothing otherwise.
pub async fn wrong_password_pause(db: &Db, email: &str) -> Result<Duration, sqlx::Error> {
    let since = super::now() - TimeDelta::minutes(WINDOW_MINUTES);
    let failures: i64 = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_failures WHERE email = $1 AND attempted_at >= $2"
    )
    .bind(email)
    .bind(since)
    .fetch_one(pool)
    .await)?;
    Ok(if failures >= ACCOUNT_SLOW_AFTER {
        SLOW_ANSWER
    } else {
        Duration::ZERO
    })
}

/// Records one failed attempt.
pub async fn record_failure(db: &Db, email: &str, client_addr: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query("INSERT INTO login_failures (id, email, client_addr, attempted_at) VALUES ($1, $2, $3, $4)")
            .bind(super::new_id())
            .bind(email)
            .bind(client_addr)
            .bind(super::now())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Forgets an account's failures from the address that just signed in to it
/// (its owner's typos); failures from other addresses keep counting.
pub async fn clear_account_at(db: &Db, email: &str, client_addr: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool| sqlx::query(
        "DELETE FROM login_failures WHERE email = $1 AND client_addr = $2"
    )
    .bind(email)
    .bind(client_addr)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes failures too old to count (run by the housekeeping job).
pub async fn prune(db: &Db) -> Result<u64, sqlx::Error> {
    let before = super::now() - TimeDelta::minutes(WINDOW_MINUTES);
    on_pool!(db, |pool| {
        sqlx::query("DELETE FROM login_failures WHERE attempted_at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
}

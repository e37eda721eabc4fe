//! Failed sign-in attempts, kept in the database so every node sees the same
//! counts: too many for one account or from one address and sign-in is refused
//! for a while, even with the right password.

use chrono::{DateTime, TimeDelta, Utc};

use crate::db::Db;
use crate::on_pool;

/// How far back failures count.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures for one account within the window before it is throttled.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failures from one client address within the window before it is throttled.
pub const ADDRESS_LIMIT: i64 = 20;

/// When sign-in is allowed again, if it is throttled now.
pub async fn throttled_until(db: &Db, email: &str, client_addr: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let since = super::now() - TimeDelta::minutes(WINDOW_MINUTES);
    for (column_is_email, key, limit) in [(true, email, ACCOUNT_LIMIT), (false, client_addr, ADDRESS_LIMIT)] {
        let rows: Vec<DateTime<Utc>> = on_pool!(db, |pool| {
            let sql = if column_is_email {
                "SELECT attempted_at FROM login_failures WHERE email = $1 AND attempted_at >= $2 \
                 ORDER BY attempted_at DESC LIMIT $3"
            } else {
                "SELECT attempted_at FROM login_failures WHERE client_addr = $1 AND attempted_at >= $2 \
                 ORDER BY attempted_at DESC LIMIT $3"
            };
            sqlx::query_scalar(sql)
                .bind(key)
                .bind(since)
                .bind(limit)
                .fetch_all(pool)
                .await
        })?;
        if rows.len() as i64 >= limit
            && let Some(oldest) = rows.last()
        {
            return Ok(Some(*oldest + TimeDelta::minutes(WINDOW_MINUTES)));
        }
    }
    Ok(None)
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

/// Forgets an account's failures after it signs in successfully.
pub async fn clear_account(db: &Db, email: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool| sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
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

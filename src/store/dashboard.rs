//! The figures beside the home page's counts (what moved lately) and its
//! chart (certificates expiring in the weeks ahead).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use uuid::Uuid;

use crate::db::Db;
use crate::on_pool;

/// What the home page's stat cards say under their numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trends {
    /// Landlords added in the last 30 days.
    pub landlords_added: i64,
    /// Properties let now.
    pub properties_let: i64,
    /// Properties on the books (not archived).
    pub properties_on_books: i64,
    /// Active tenancies whose fixed term ends in the next 60 days.
    pub tenancies_ending: i64,
    /// Tasks not done yet.
    pub tasks_pending: i64,
    /// Offers received in the last 30 days.
    pub offers_received: i64,
}

/// How far back "lately" reaches.
pub const RECENT_DAYS: i64 = 30;
/// How far ahead "ending soon" looks.
pub const ENDING_DAYS: i64 = 60;

/// The trends of one agency, in one statement.
pub async fn trends(db: &Db, org_id: Uuid, now: DateTime<Utc>, today: NaiveDate) -> Result<Trends, sqlx::Error> {
    let since = now - TimeDelta::days(RECENT_DAYS);
    let until = today + TimeDelta::days(ENDING_DAYS);
    let row: (i64, i64, i64, i64, i64, i64) = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT \
             (SELECT COUNT(*) FROM landlords WHERE org_id = $1 AND created_at >= $2), \
             (SELECT COUNT(*) FROM properties WHERE org_id = $1 AND status = 'let'), \
             (SELECT COUNT(*) FROM properties WHERE org_id = $1 AND status <> 'archived'), \
             (SELECT COUNT(*) FROM tenancies WHERE org_id = $1 AND status = 'active' AND end_date >= $3 AND end_date <= $4), \
             (SELECT COUNT(*) FROM tasks WHERE org_id = $1 AND status = 'pending'), \
             (SELECT COUNT(*) FROM offers WHERE org_id = $1 AND created_at >= $2)",
        )
        .bind(org_id)
        .bind(since)
        .bind(today)
        .bind(until)
        .fetch_one(pool)
        .await
    })?;
    Ok(Trends {
        landlords_added: row.0,
        properties_let: row.1,
        properties_on_books: row.2,
        tenancies_ending: row.3,
        tasks_pending: row.4,
        offers_received: row.5,
    })
}

/// How many required certificates expire in each of the `weeks` weeks from
/// `today` (week 0 starts today), from the compliance rows.
pub async fn expiring_by_week(db: &Db, org_id: Uuid, today: NaiveDate, weeks: u32) -> Result<Vec<i64>, sqlx::Error> {
    let end = today + TimeDelta::weeks(i64::from(weeks));
    let dates: Vec<NaiveDate> = on_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT expires_on FROM compliance_items WHERE org_id = $1 AND expires_on >= $2 AND expires_on < $3",
        )
        .bind(org_id)
        .bind(today)
        .bind(end)
        .fetch_all(pool)
        .await
    })?;
    let mut counts = vec![0; weeks as usize];
    for date in dates {
        let week = usize::try_from((date - today).num_days() / 7).unwrap_or(0);
        if let Some(count) = counts.get_mut(week) {
            *count += 1;
        }
    }
    Ok(counts)
}

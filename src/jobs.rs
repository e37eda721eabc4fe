//! Background housekeeping, safe to run on every node at once (each step is an
//! idempotent delete).

use std::time::Duration;

use crate::db::Db;
use crate::db::session_store::SqlSessionStore;
use crate::store::throttle;

/// How often housekeeping runs.
const EVERY: Duration = Duration::from_secs(600);

/// Deletes expired sessions and stale sign-in failures, forever.
pub async fn housekeeping(db: Db) {
    let sessions = SqlSessionStore::new(db.clone());
    let mut interval = tokio::time::interval(EVERY);
    loop {
        interval.tick().await;
        match sessions.delete_expired().await {
            Ok(n) if n > 0 => tracing::info!(deleted = n, "expired sessions removed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not remove expired sessions"),
        }
        if let Err(err) = throttle::prune(&db).await {
            tracing::warn!(error = %err, "could not prune sign-in failures");
        }
        if let Err(err) = db.refresh_planner_statistics(false).await {
            tracing::warn!(error = %err, "could not refresh the query planner's statistics");
        }
    }
}

/// The tenant invite expiry sweep, every `every` (hourly by default), forever.
pub async fn invite_sweep(db: Db, every: Duration) {
    let mut interval = tokio::time::interval(every);
    loop {
        interval.tick().await;
        match crate::store::tenant_invites::sweep_expired(&db).await {
            Ok(n) if n > 0 => tracing::info!(expired = n, "tenant portal invites expired"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not sweep tenant portal invites"),
        }
    }
}

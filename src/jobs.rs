//! Background housekeeping, safe to run on every node at once (each step is an
//! idempotent delete).

use std::time::Duration;

use crate::db::session_store::SqlSessionStore;
use crate::db::{Db, StorageFullEvents};
use crate::store::{derived, throttle};

/// How often housekeeping runs.
const EVERY: Duration = Duration::from_secs(600);

/// Deletes expired sessions (staff, tenant and contractor) and stale sign-in failures, forever.
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
        match crate::store::contractor_links::delete_expired_sessions(&db).await {
            Ok(n) if n > 0 => tracing::info!(deleted = n, "expired contractor sessions removed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not remove expired contractor sessions"),
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

/// How long the derived-structure check waits after a storage-full event, so
/// that a burst of refused writes is checked once, and between attempts while
/// the check itself cannot run.
pub const AFTER_STORAGE_FULL: Duration = Duration::from_secs(2);

/// Checks (and if need be rebuilds) every derived structure after each write
/// refused for lack of disk space, forever. The check only reads, so it also
/// proves the structures consistent while the disk is still full; a rebuild
/// that cannot be written yet is tried again.
pub async fn derived_after_storage_full(db: Db, events: StorageFullEvents) {
    loop {
        events.next().await;
        loop {
            tokio::time::sleep(AFTER_STORAGE_FULL).await;
            match derived::repair(&db, "after a storage-full event").await {
                Ok(_) => break,
                Err(err) => tracing::warn!(error = %err, "could not check the derived structures yet; trying again"),
            }
        }
    }
}

/// The start-up check of every derived structure, in the background so that
/// serving starts at once.
pub async fn derived_at_start_up(db: Db) {
    if let Err(err) = derived::repair(&db, "at start-up").await {
        tracing::warn!(error = %err, "could not check the derived structures at start-up");
    }
}

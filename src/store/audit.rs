//! The audit trail: one helper that every change calls inside its transaction, and
//! the queries behind the Audit page.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::{on_pool, on_tx};

/// One change to record.
#[derive(Debug)]
pub struct Entry<'a> {
    /// The agency the change belongs to.
    pub org_id: Uuid,
    /// Who made it.
    pub actor: &'a Actor,
    /// A short machine name, e.g. `user.create`.
    pub action: &'a str,
    /// The kind of record changed, e.g. `user`.
    pub entity_type: &'a str,
    /// The record changed.
    pub entity_id: Option<Uuid>,
    /// What happened after the actor, e.g. "added user Jane Smith".
    pub description: String,
    /// Field-level changes (secrets recorded without values).
    pub changes: Changes,
}

/// Writes one audit row inside the caller's transaction.
pub async fn record(tx: &mut Tx, entry: Entry<'_>) -> Result<(), sqlx::Error> {
    let summary = format!("{} {}", entry.actor.describe(), entry.description);
    let changes = serde_json::to_string(&entry.changes).unwrap_or_else(|_| "[]".into());
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO audit_log (id, org_id, actor_type, actor_id, actor_name, action, entity_type, \
             entity_id, summary, changes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(super::new_id())
        .bind(entry.org_id)
        .bind(entry.actor.kind.as_str())
        .bind(entry.actor.id)
        .bind(&entry.actor.name)
        .bind(entry.action)
        .bind(entry.entity_type)
        .bind(entry.entity_id)
        .bind(summary)
        .bind(changes)
        .bind(super::now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Removes the field values of every audit row about one record (for erasure
/// requests); the sentences stay, marked as redacted.
pub async fn redact_entity(tx: &mut Tx, org_id: Uuid, entity_type: &str, entity_id: Uuid) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE audit_log SET changes = '[]', redacted_at = $4 \
             WHERE org_id = $1 AND entity_type = $2 AND entity_id = $3",
        )
        .bind(org_id)
        .bind(entity_type)
        .bind(entity_id)
        .bind(super::now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })
}

/// An audit row as the Audit page shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// Row id (time-ordered; also the pagination cursor).
    pub id: Uuid,
    /// Kind of actor.
    pub actor_type: String,
    /// Actor id.
    pub actor_id: Option<Uuid>,
    /// Actor name at the time.
    pub actor_name: String,
    /// Machine name of the action.
    pub action: String,
    /// Kind of record.
    pub entity_type: String,
    /// The record.
    pub entity_id: Option<Uuid>,
    /// The readable sentence.
    pub summary: String,
    /// JSON list of field changes.
    pub changes: String,
    /// When the row was redacted, if it was.
    pub redacted_at: Option<DateTime<Utc>>,
    /// When the change happened.
    pub created_at: DateTime<Utc>,
}

impl AuditRow {
    /// The field changes, parsed.
    pub fn changes(&self) -> Changes {
        serde_json::from_str(&self.changes).unwrap_or_default()
    }
}

/// Filters of the Audit page.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    /// Only changes by this actor id.
    pub actor_id: Option<Uuid>,
    /// Only changes by the system.
    pub system_only: bool,
    /// Only changes to this kind of record.
    pub entity_type: Option<String>,
    /// Only changes at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only changes before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only changes older than this row (the cursor).
    pub before: Option<Uuid>,
}

/// One page of the audit trail, newest first, and whether more rows follow.
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &AuditFilter,
    limit: u32,
) -> Result<(Vec<AuditRow>, bool), sqlx::Error> {
    let mut rows: Vec<AuditRow> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT id, actor_type, actor_id, actor_name, action, entity_type, entity_id, summary, changes, \
             redacted_at, created_at FROM audit_log WHERE org_id = ",
        );
        query.push_bind(org_id);
        if let Some(actor_id) = filter.actor_id {
            query.push(" AND actor_id = ").push_bind(actor_id);
        }
        if filter.system_only {
            query.push(" AND actor_type = 'system'");
        }
        if let Some(entity_type) = &filter.entity_type {
            query.push(" AND entity_type = ").push_bind(entity_type.clone());
        }
        if let Some(from) = filter.from {
            query.push(" AND created_at >= ").push_bind(from);
        }
        if let Some(until) = filter.until {
            query.push(" AND created_at < ").push_bind(until);
        }
        if let Some(before) = filter.before {
            query.push(" AND id < ").push_bind(before);
        }
        query.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit) + 1);
        query.build_query_as::<AuditRow>().fetch_all(pool).await
    })?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// The kinds of record that appear in an agency's audit trail, for the filter.
pub async fn entity_types(db: &Db, org_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT DISTINCT entity_type FROM audit_log WHERE org_id = $1 ORDER BY entity_type")
            .bind(org_id)
            .fetch_all(pool)
            .await
    })
}

/// The audit rows about one record, newest first (for record pages).
pub async fn for_entity(
    db: &Db,
    org_id: Uuid,
    entity_type: &str,
    entity_id: Uuid,
    limit: u32,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, actor_type, actor_id, actor_name, action, entity_type, entity_id, summary, changes, \
             redacted_at, created_at FROM audit_log WHERE org_id = $1 AND entity_type = $2 AND entity_id = $3 \
             ORDER BY id DESC LIMIT $4",
        )
        .bind(org_id)
        .bind(entity_type)
        .bind(entity_id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
    })
}

/// Replaces `old` with `replacement` in every audit sentence of the agency (for
/// erasure requests, so no page shows the old personal data).
pub async fn scrub_text(tx: &mut Tx, org_id: Uuid, old: &str, replacement: &str) -> Result<u64, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE audit_log SET summary = REPLACE(summary, $2, $3) WHERE org_id = $1 AND summary LIKE $4")
            .bind(org_id)
            .bind(old)
            .bind(replacement)
            .bind(format!("%{old}%"))
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })
}

/// The names of the records a page of audit rows mentions by id in its
/// changes (a branch, a landlord, an agent, a property, a tenant, a
/// document), so the trail reads "Branch: set to Leeds", not an id. Only this
/// agency's records are named.
pub async fn names_mentioned(
    db: &Db,
    org_id: Uuid,
    rows: &[AuditRow],
) -> Result<std::collections::HashMap<Uuid, String>, sqlx::Error> {
    let mut ids: Vec<Uuid> = rows
        .iter()
        .flat_map(|row| row.changes().0)
        .flat_map(|change| [change.from, change.to])
        .flatten()
        .filter_map(|value| Uuid::parse_str(&value).ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    const NAMED: [&str; 6] = [
        "SELECT id, name FROM branches WHERE org_id = ",
        "SELECT id, name FROM users WHERE org_id = ",
        "SELECT id, first_name || ' ' || last_name FROM landlords WHERE org_id = ",
        "SELECT id, first_name || ' ' || last_name FROM tenants WHERE org_id = ",
        "SELECT id, address_line1 || ', ' || city FROM properties WHERE org_id = ",
        "SELECT id, title FROM documents WHERE org_id = ",
    ];
    let found: Vec<(Uuid, String)> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new("");
        for (i, select) in NAMED.iter().enumerate() {
            if i > 0 {
                query.push(" UNION ALL ");
            }
            query.push(*select).push_bind(org_id).push(" AND id IN (");
            let mut list = query.separated(", ");
            for id in &ids {
                list.push_bind(*id);
            }
            query.push(")");
        }
        query.build_query_as::<(Uuid, String)>().fetch_all(pool).await
    })?;
    Ok(found.into_iter().collect())
}

//! Tasks on properties.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::tasks::{AssigneeKind, TaskFields, TaskStatus, is_overdue};
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of tasks.
pub const ENTITY: &str = "task";

/// A task as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Task {
    pub id: Uuid,
    pub org_id: Uuid,
    pub property_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    #[sqlx(try_from = "String")]
    pub assignee_kind: AssigneeKind,
    pub assignee_user_id: Option<Uuid>,
    pub due_on: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    pub status: TaskStatus,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by_type: Option<String>,
    pub completed_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Task {
    /// The status as a value.
    pub fn status(&self) -> TaskStatus {
        self.status
    }

    /// Whether it is pending and past its due date.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        is_overdue(self.status(), self.due_on, today)
    }

    /// Who it is for.
    pub fn assignee(&self) -> AssigneeKind {
        self.assignee_kind
    }
}

/// `SELECT <every Task column> FROM tasks <tail>`.
macro_rules! select_task {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, property_id, title, description, assignee_kind, assignee_user_id, due_on, status, \
             completed_at, completed_by_type, completed_by_name, created_at FROM tasks ",
            $tail
        )
    };
}

/// Adds a task to a property.
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    property_id: Uuid,
    address: &str,
    f: &TaskFields,
    actor: &Actor,
) -> Result<Uuid, sqlx::Error> {
    let id = super::new_id();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO tasks (id, org_id, property_id, title, description, assignee_kind, assignee_user_id, due_on, \
             status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9)",
        )
        .bind(id)
        .bind(org_id)
        .bind(property_id)
        .bind(&f.title)
        .bind(&f.description)
        .bind(f.assignee_kind.as_str())
        .bind(f.assignee_user_id)
        .bind(f.due_on)
        .bind(super::now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "task.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("added the task \"{}\" at {address}", f.title),
            changes: Changes::new()
                .field("title", None, Some(&f.title))
                .field("assignee", None, Some(f.assignee_kind.as_str()))
                .field("due_on", None, f.due_on.map(|d| d.to_string()).as_deref()),
        },
    )
    .await?;
    Ok(id)
}

/// Marks a pending task completed by `actor`; false when it already was.
pub async fn complete(tx: &mut Tx, task: &Task, actor: &Actor) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let done = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE tasks SET status = 'completed', completed_at = $1, completed_by_type = $2, completed_by_name = $3, \
             updated_at = $1 WHERE id = $4 AND org_id = $5 AND status = 'pending'",
        )
        .bind(now)
        .bind(actor.kind.as_str())
        .bind(&actor.name)
        .bind(task.id)
        .bind(task.org_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Ok(false);
    }
    audit::record(
        tx,
        audit::Entry {
            org_id: task.org_id,
            actor,
            action: "task.complete",
            entity_type: ENTITY,
            entity_id: Some(task.id),
            description: format!("completed the task \"{}\"", task.title),
            changes: Changes::new().field("status", Some("pending"), Some("completed")),
        },
    )
    .await?;
    Ok(true)
}

/// One task of this agency.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<Task>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_task!("WHERE id = $1 AND org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(pool)
        .await)
}

/// A property's tasks: pending first, soonest due first.
pub async fn for_property(db: &Db, org_id: Uuid, property_id: Uuid) -> Result<Vec<Task>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_task!(
            "WHERE org_id = $1 AND property_id = $2 ORDER BY status DESC, due_on IS NULL, due_on, created_at"
        ))
        .bind(org_id)
        .bind(property_id)
        .fetch_all(pool)
        .await
    })
}

/// How many pending tasks are past due.
pub async fn overdue_count(db: &Db, org_id: Uuid, today: NaiveDate) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM tasks WHERE org_id = $1 AND status = 'pending' AND due_on < $2")
            .bind(org_id)
            .bind(today)
            .fetch_one(pool)
            .await
    })
}

/// One task of this agency, read inside a transaction.
pub async fn get_in_tx(tx: &mut Tx, org_id: Uuid, id: Uuid) -> Result<Task, sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query_as(select_task!("WHERE id = $1 AND org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_one(conn)
        .await)
}

/// The landlord's tasks on the properties linked to their portal token: pending
/// first (soonest due first), then completed (latest first).
pub async fn for_portal(db: &Db, org_id: Uuid, token_id: Uuid) -> Result<Vec<Task>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_task!(
        "WHERE org_id = $1 AND assignee_kind = 'landlord' AND property_id IN \
         (SELECT property_id FROM landlord_portal_properties WHERE token_id = $2) \
         ORDER BY status DESC, due_on IS NULL, due_on, completed_at DESC, created_at, id"
    ))
    .bind(org_id)
    .bind(token_id)
    .fetch_all(pool)
    .await)
}

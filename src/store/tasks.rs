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

/// What the agency's task list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Words that must each appear in the title or the property's address.
    pub search: Vec<String>,
    /// Only this status; `None` means every status.
    pub status: Option<TaskStatus>,
    /// Only pending tasks past their due date (as of `today`).
    pub overdue: bool,
    /// Only tasks on properties of this branch.
    pub branch_id: Option<Uuid>,
    /// Only tasks for the landlord (`Some(None)`) or for this agent.
    pub assignee: Option<Option<Uuid>>,
    /// Only tasks on this landlord's properties.
    pub landlord_id: Option<Uuid>,
    /// The day "overdue" is measured from.
    pub today: Option<NaiveDate>,
    /// The list's order (soonest due first unless asked otherwise).
    pub order: super::Order<TaskColumn>,
}

/// The columns the task list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskColumn {
    /// Due date, undated tasks last.
    #[default]
    Due,
    /// Title.
    Title,
    /// The property's address.
    Property,
    /// The landlord's name (last name first).
    Landlord,
}

impl super::SortColumn for TaskColumn {
    const ALL: &'static [TaskColumn] = &[
        TaskColumn::Title,
        TaskColumn::Property,
        TaskColumn::Landlord,
        TaskColumn::Due,
    ];

    fn as_str(self) -> &'static str {
        match self {
            TaskColumn::Due => "due",
            TaskColumn::Title => "title",
            TaskColumn::Property => "property",
            TaskColumn::Landlord => "landlord",
        }
    }
}

impl TaskColumn {
    /// The sort key's SQL over the list's joined rows: text that sorts as the
    /// column does (ISO dates; lower-case names).
    fn sort_key_sql(self) -> &'static str {
        match self {
            TaskColumn::Due => "COALESCE(CAST(t.due_on AS TEXT), '9999-12-31')",
            TaskColumn::Title => "LOWER(t.title)",
            TaskColumn::Property => "p.sort_key",
            TaskColumn::Landlord => "l.sort_key",
        }
    }
}

/// A task in the agency's list, with where it is and whose property it is.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedTask {
    /// The task.
    #[sqlx(flatten)]
    pub task: Task,
    /// The property's first address line and town.
    pub address: String,
    /// The landlord who owns the property.
    pub landlord_id: Uuid,
    /// Their name.
    pub landlord_name: String,
    /// The keyset sort key: the due date, undated tasks last.
    pub sort_key: String,
}

/// The list query's rows (every Task column, the property and landlord, the
/// sort key of `column`), over which filters and the page condition are added.
fn queue_rows(column: TaskColumn) -> String {
    format!(
        "SELECT * FROM (SELECT t.id, t.org_id, t.property_id, t.title, t.description, t.assignee_kind, \
         t.assignee_user_id, t.due_on, t.status, t.completed_at, t.completed_by_type, t.completed_by_name, \
         t.created_at, p.address_line1 || ', ' || p.city AS address, p.landlord_id, \
         l.first_name || ' ' || l.last_name AS landlord_name, \
         {} AS sort_key, \
         p.branch_id AS property_branch_id, LOWER(t.title) || ' ' || p.search_text AS search_text \
         FROM tasks t JOIN properties p ON p.id = t.property_id AND p.org_id = t.org_id \
         JOIN landlords l ON l.id = p.landlord_id AND l.org_id = p.org_id WHERE t.org_id = ",
        column.sort_key_sql()
    )
}

/// Appends the filters of a [`QueueFilter`] to a query over [`queue_rows`].
macro_rules! push_queue_filters {
    ($query:expr, $filter:expr) => {{
        let filter: &QueueFilter = $filter;
        for term in &filter.search {
            $query
                .push(" AND search_text LIKE ")
                .push_bind(super::like_pattern(term))
                .push(" ESCAPE '\\'");
        }
        if let Some(status) = filter.status {
            $query.push(" AND status = ").push_bind(status.as_str());
        }
        if filter.overdue {
            $query
                .push(" AND status = 'pending' AND due_on < ")
                .push_bind(filter.today.unwrap_or_else(|| super::now().date_naive()));
        }
        if let Some(branch) = filter.branch_id {
            $query.push(" AND property_branch_id = ").push_bind(branch);
        }
        match filter.assignee {
            Some(None) => {
                $query.push(" AND assignee_kind = 'landlord'");
            }
            Some(Some(agent)) => {
                $query.push(" AND assignee_user_id = ").push_bind(agent);
            }
            None => {}
        }
        if let Some(landlord) = filter.landlord_id {
            $query.push(" AND landlord_id = ").push_bind(landlord);
        }
    }};
}

/// One page of the agency's tasks in the filter's order (by default soonest
/// due first, undated last).
pub async fn queue(
    db: &Db,
    org_id: Uuid,
    filter: &QueueFilter,
    at: &super::PageAt,
    limit: u32,
) -> Result<super::Paged<QueuedTask>, sqlx::Error> {
    let rows: Vec<QueuedTask> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(queue_rows(filter.order.column));
        query.push_bind(org_id).push(") q WHERE 1 = 1");
        push_queue_filters!(query, filter);
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<QueuedTask>().fetch_all(pool).await
    })?;
    Ok(super::paged(rows, limit, at, |row| super::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.task.id,
    }))
}

/// How many tasks the filter finds, and how many of them come before `first`
/// (the first row of a page) in list order: "26–50 of 73".
pub async fn queue_count(
    db: &Db,
    org_id: Uuid,
    filter: &QueueFilter,
    first: Option<&super::Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    crate::count_listed!(
        db,
        queue_rows(filter.order.column),
        org_id,
        push_queue_filters,
        filter,
        first,
        filter.order.descending
    )
}

//! Work orders: raise one on a property (numbered per agency, its target set
//! by its priority), move it as the domain's allowed moves say (a racing
//! move cannot also win), cancel it with a reason — each audited, so its
//! audit trail is its timeline — and the agency's list with filters, counts,
//! sorting and keyset pages.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::choice::Choice;
use crate::domain::contractor_port::{AppointmentWindow, CompletionFields, InvoiceFields};
use crate::domain::money::money;
use crate::domain::quotes::QuoteStatus;
use crate::domain::tenancies::pounds_input;
use crate::domain::work_orders::{Priority, RaisedBy, WorkOrderFields, WorkOrderForm, WorkOrderStatus, is_overdue};
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of work orders.
pub const ENTITY: &str = "work_order";

/// A work order as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkOrder {
    pub id: Uuid,
    pub org_id: Uuid,
    /// The agency's own number for it (shown as `WO-12`).
    pub number: i64,
    pub property_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    #[sqlx(try_from = "String")]
    pub status: WorkOrderStatus,
    pub raised_at: DateTime<Utc>,
    pub target_at: DateTime<Utc>,
    pub access_instructions: Option<String>,
    pub occupier_contact: Option<String>,
    pub budget_pence: Option<i64>,
    #[sqlx(try_from = "String")]
    pub raised_by: RaisedBy,
    pub reporter_name: Option<String>,
    /// The name of whoever recorded it (the agent, or the portal user).
    pub raised_by_name: String,
    pub contractor_id: Option<Uuid>,
    pub cancel_reason: Option<String>,
    /// The day the instructed contractor will attend, once they said.
    pub appointment_on: Option<NaiveDate>,
    /// When on that day (an [`AppointmentWindow`] value).
    pub appointment_window: Option<String>,
    /// The contractor's completion report, once they sent it.
    pub completed_on: Option<NaiveDate>,
    pub time_on_site: Option<String>,
    pub completion_notes: Option<String>,
    /// `received` or `not_required`, once completed.
    pub invoice_status: Option<String>,
    pub invoice_number: Option<String>,
    pub invoice_pence: Option<i64>,
    /// The invoice's PDF ([`WorkOrderFile`]).
    pub invoice_file_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WorkOrder {
    /// The appointment, when the contractor has proposed one.
    pub fn appointment(&self) -> Option<(NaiveDate, AppointmentWindow)> {
        let window = AppointmentWindow::parse(self.appointment_window.as_deref()?).ok()?;
        Some((self.appointment_on?, window))
    }

    /// The details as the edit form shows them.
    pub fn to_form(&self) -> WorkOrderForm {
        WorkOrderForm {
            title: self.title.clone(),
            description: self.description.clone().unwrap_or_default(),
            priority: self.priority.as_str().into(),
            access_instructions: self.access_instructions.clone().unwrap_or_default(),
            occupier_contact: self.occupier_contact.clone().unwrap_or_default(),
            budget: self.budget_pence.map(pounds_input).unwrap_or_default(),
            raised_by: self.raised_by.as_str().into(),
            reporter_name: self.reporter_name.clone().unwrap_or_default(),
        }
    }

    /// "WO-12".
    pub fn reference(&self) -> String {
        reference(self.number)
    }

    /// Whether open work is past its target at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        is_overdue(self.status, self.target_at, now)
    }
}

/// A work order's number as people quote it: "WO-12".
pub fn reference(number: i64) -> String {
    format!("WO-{number}")
}

/// `SELECT <every WorkOrder column> FROM work_orders <tail>`.
macro_rules! select_work_order {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, number, property_id, title, description, priority, status, raised_at, target_at, \
             access_instructions, occupier_contact, budget_pence, raised_by, reporter_name, raised_by_name, \
             contractor_id, cancel_reason, appointment_on, appointment_window, completed_on, time_on_site, \
             completion_notes, invoice_status, invoice_number, invoice_pence, invoice_file_id, created_at, updated_at \
             FROM work_orders ",
            $tail
        )
    };
}

/// The next number of the agency's work orders. On PostgreSQL the agency's
/// row is locked first, so two work orders raised at once cannot take the
/// same number (SQLite's write transactions already run one at a time).
async fn next_number(tx: &mut Tx, org_id: Uuid) -> Result<i64, sqlx::Error> {
    if let Tx::Postgres(conn) = tx {
        sqlx::query("SELECT id FROM organisations WHERE id = $1 FOR UPDATE")
            .bind(org_id)
            .execute(&mut **conn)
            .await?;
    }
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM work_orders WHERE org_id = $1"
    )
    .bind(org_id)
    .fetch_one(conn)
    .await)
}

/// Raises a work order on a property; returns its id and number.
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    property_id: Uuid,
    address: &str,
    f: &WorkOrderFields,
    actor: &Actor,
) -> Result<(Uuid, i64), sqlx::Error> {
    let id = super::new_id();
    let number = next_number(tx, org_id).await?;
    let now = super::now();
    let target_at = f.priority.target_from(now);
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO work_orders (id, org_id, number, property_id, title, description, priority, status, \
             raised_at, target_at, access_instructions, occupier_contact, budget_pence, raised_by, reporter_name, \
             raised_by_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9, $10, $11, \
             $12, $13, $14, $15, $8, $8)",
        )
        .bind(id)
        .bind(org_id)
        .bind(number)
        .bind(property_id)
        .bind(&f.title)
        .bind(&f.description)
        .bind(f.priority.as_str())
        .bind(now)
        .bind(target_at)
        .bind(&f.access_instructions)
        .bind(&f.occupier_contact)
        .bind(f.budget_pence)
        .bind(f.raised_by.as_str())
        .bind(&f.reporter_name)
        .bind(&actor.name)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    let reported = match (&f.raised_by, &f.reporter_name) {
        (RaisedBy::Agent, _) | (_, None) => String::new(),
        (kind, Some(name)) => format!(", reported by {} ({name})", kind.label().to_lowercase()),
    };
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "work_order.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("raised {} “{}” at {address}{reported}", reference(number), f.title),
            changes: Changes::new()
                .field("title", None, Some(&f.title))
                .field("priority", None, Some(f.priority.as_str()))
                .field("budget_pence", None, f.budget_pence.map(money).as_deref()),
        },
    )
    .await?;
    Ok((id, number))
}

/// Why a status change was refused.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// Not an allowed move from the current status (or another move won).
    #[error("a work order that is {from} cannot become {to}")]
    NotAllowed {
        /// Current label.
        from: &'static str,
        /// Wanted label.
        to: &'static str,
    },
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Moves a work order to `to` if the domain allows it from its status; the
/// update also checks the status in the row, so two racing moves cannot both
/// win. `note` is added to the audit description ("cancelled: tenant fixed it").
pub async fn move_to(
    tx: &mut Tx,
    order: &WorkOrder,
    to: WorkOrderStatus,
    note: Option<&str>,
    actor: &Actor,
) -> Result<(), MoveError> {
    let from = order.status;
    let refused = MoveError::NotAllowed {
        from: from.label(),
        to: to.label(),
    };
    if !from.can_move_to(to) {
        return Err(refused);
    }
    let cancel_reason = (to == WorkOrderStatus::Cancelled).then_some(note).flatten();
    let moved = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE work_orders SET status = $1, cancel_reason = COALESCE($2, cancel_reason), updated_at = $3 \
             WHERE id = $4 AND org_id = $5 AND status = $6",
        )
        .bind(to.as_str())
        .bind(cancel_reason)
        .bind(super::now())
        .bind(order.id)
        .bind(order.org_id)
        .bind(from.as_str())
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if moved == 0 {
        return Err(refused);
    }
    if to == WorkOrderStatus::Cancelled {
        // Called off: no quote of it is still open or waiting for a landlord.
        decline_open_quotes(tx, order, None).await?;
    }
    let said = note.map(|n| format!(": {n}")).unwrap_or_default();
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.status",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!("moved {} to “{}”{said}", order.reference(), to.label()),
            changes: Changes::new().field("status", Some(from.as_str()), Some(to.as_str())),
        },
    )
    .await?;
    Ok(())
}

/// What an edit of a work order's details came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// Saved and recorded.
    Saved,
    /// The same as before: nothing recorded.
    Unchanged,
    /// Closed or cancelled (perhaps by someone else meanwhile): refused.
    Final,
}

/// The details as the audit trail records them.
fn recorded_details(f: &WorkOrderFields) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("title", Some(f.title.clone())),
        ("description", f.description.clone()),
        ("priority", Some(f.priority.as_str().to_string())),
        ("raised_by", Some(f.raised_by.as_str().to_string())),
        ("reporter_name", f.reporter_name.clone()),
        ("access_instructions", f.access_instructions.clone()),
        ("occupier_contact", f.occupier_contact.clone()),
        ("budget_pence", f.budget_pence.map(money)),
    ]
}

/// Saves new details of an open or finished work order (closed and cancelled
/// ones are final); a new priority moves the target, counted from when the
/// work was raised.
pub async fn update_details(
    tx: &mut Tx,
    before: &WorkOrder,
    f: &WorkOrderFields,
    actor: &Actor,
) -> Result<Edited, sqlx::Error> {
    let old = WorkOrderFields {
        title: before.title.clone(),
        description: before.description.clone(),
        priority: before.priority,
        access_instructions: before.access_instructions.clone(),
        occupier_contact: before.occupier_contact.clone(),
        budget_pence: before.budget_pence,
        raised_by: before.raised_by,
        reporter_name: before.reporter_name.clone(),
    };
    let changes = recorded_details(&old)
        .into_iter()
        .zip(recorded_details(f))
        .fold(Changes::new(), |c, ((field, from), (_, to))| {
            c.field(field, from.as_deref(), to.as_deref())
        });
    if changes.is_empty() {
        return Ok(Edited::Unchanged);
    }
    let target_at = f.priority.target_from(before.raised_at);
    let saved = on_tx!(tx, |conn| {
        let mut query = sqlx::QueryBuilder::new("UPDATE work_orders SET title = ");
        query
            .push_bind(f.title.clone())
            .push(", description = ")
            .push_bind(f.description.clone())
            .push(", priority = ")
            .push_bind(f.priority.as_str())
            .push(", target_at = ")
            .push_bind(target_at)
            .push(", access_instructions = ")
            .push_bind(f.access_instructions.clone())
            .push(", occupier_contact = ")
            .push_bind(f.occupier_contact.clone())
            .push(", budget_pence = ")
            .push_bind(f.budget_pence)
            .push(", raised_by = ")
            .push_bind(f.raised_by.as_str())
            .push(", reporter_name = ")
            .push_bind(f.reporter_name.clone())
            .push(", updated_at = ")
            .push_bind(super::now())
            .push(" WHERE id = ")
            .push_bind(before.id)
            .push(" AND org_id = ")
            .push_bind(before.org_id)
            .push(" AND status NOT IN (");
        let mut finals = query.separated(", ");
        for status in WorkOrderStatus::ALL.iter().filter(|s| s.next().is_empty()) {
            finals.push_bind(status.as_str());
        }
        query.push(")");
        query.build().execute(conn).await.map(|r| r.rows_affected())
    })?;
    if saved == 0 {
        return Ok(Edited::Final);
    }
    audit::record(
        tx,
        audit::Entry {
            org_id: before.org_id,
            actor,
            action: "work_order.update",
            entity_type: ENTITY,
            entity_id: Some(before.id),
            description: format!("edited {}", before.reference()),
            changes,
        },
    )
    .await?;
    Ok(Edited::Saved)
}

/// Instructs a contractor: the work order names them and moves to
/// "instructed" (refused, like any move, when its status does not allow it).
pub async fn instruct(
    tx: &mut Tx,
    order: &WorkOrder,
    contractor_id: Uuid,
    contractor_name: &str,
    actor: &Actor,
) -> Result<(), MoveError> {
    move_to(tx, order, WorkOrderStatus::Instructed, None, actor).await?;
    on_tx!(tx, |conn| {
        sqlx::query(
        "UPDATE work_orders SET contractor_id = $1, appointment_on = NULL, appointment_window = NULL WHERE id = $2 AND org_id = $3"
    )
    .bind(contractor_id)
    .bind(order.id)
    .bind(order.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.instruct",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!("instructed {contractor_name} to do {}", order.reference()),
            changes: Changes::new().field(
                "contractor",
                order.contractor_id.map(|c| c.to_string()).as_deref(),
                Some(&contractor_id.to_string()),
            ),
        },
    )
    .await?;
    Ok(())
}

/// Records the instructed contractor's appointment; an instructed work order
/// becomes "scheduled", a scheduled one keeps its status with the new day.
pub async fn set_appointment(
    tx: &mut Tx,
    order: &WorkOrder,
    on: NaiveDate,
    window: AppointmentWindow,
    actor: &Actor,
) -> Result<(), MoveError> {
    if order.status == WorkOrderStatus::Instructed {
        move_to(tx, order, WorkOrderStatus::Scheduled, None, actor).await?;
    } else if order.status != WorkOrderStatus::Scheduled {
        return Err(MoveError::NotAllowed {
            from: order.status.label(),
            to: WorkOrderStatus::Scheduled.label(),
        });
    }
    // The job must still be this contractor's and still to be done: a racing
    // cancellation or completion wins.
    let set = on_tx!(tx, |conn| sqlx::query(
        "UPDATE work_orders SET appointment_on = $1, appointment_window = $2, updated_at = $3 \
         WHERE id = $4 AND org_id = $5 AND status = 'scheduled' AND contractor_id = $6"
    )
    .bind(on)
    .bind(window.as_str())
    .bind(super::now())
    .bind(order.id)
    .bind(order.org_id)
    .bind(order.contractor_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if set == 0 {
        return Err(MoveError::NotAllowed {
            from: order.status.label(),
            to: WorkOrderStatus::Scheduled.label(),
        });
    }
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.appointment",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!(
                "proposed an appointment for {} on {}, {}{}",
                order.reference(),
                on.format("%-d %b %Y"),
                window.label().to_lowercase(),
                actor.via()
            ),
            changes: Changes::new()
                .field(
                    "appointment_on",
                    order.appointment_on.map(|d| d.to_string()).as_deref(),
                    Some(&on.to_string()),
                )
                .field(
                    "appointment_window",
                    order.appointment_window.as_deref(),
                    Some(window.as_str()),
                ),
        },
    )
    .await?;
    Ok(())
}

/// Declines the work order's quotes still open (received, or waiting for
/// the landlord), but `except`: when one is accepted, or the work is
/// called off.
pub async fn decline_open_quotes(tx: &mut Tx, order: &WorkOrder, except: Option<Uuid>) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        let mut query = sqlx::QueryBuilder::new("UPDATE quotes SET status = ");
        query
            .push_bind(QuoteStatus::Declined.as_str())
            .push(", updated_at = ")
            .push_bind(super::now())
            .push(" WHERE org_id = ")
            .push_bind(order.org_id)
            .push(" AND work_order_id = ")
            .push_bind(order.id)
            .push(" AND status IN (");
        let mut open = query.separated(", ");
        for status in [QuoteStatus::Submitted, QuoteStatus::AwaitingLandlord] {
            open.push_bind(status.as_str());
        }
        query.push(")");
        if let Some(kept) = except {
            query.push(" AND id <> ").push_bind(kept);
        }
        query.build().execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// One work order of this agency.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<WorkOrder>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_work_order!(
        "WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(pool)
    .await)
}

/// A property's work orders, newest first.
pub async fn for_property(db: &Db, org_id: Uuid, property_id: Uuid) -> Result<Vec<WorkOrder>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_work_order!(
        "WHERE org_id = $1 AND property_id = $2 ORDER BY number DESC"
    ))
    .bind(org_id)
    .bind(property_id)
    .fetch_all(pool)
    .await)
}

/// Appends ` AND status IN (<the open statuses>)`.
macro_rules! push_open {
    ($query:expr) => {{
        let mut open = $query.push(" AND status IN (").separated(", ");
        for status in WorkOrderStatus::open() {
            open.push_bind(status.as_str());
        }
        $query.push(")");
    }};
}

/// How many open work orders are past their target at `now`.
pub async fn overdue_count(db: &Db, org_id: Uuid, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    count_open(db, org_id, Some(now)).await
}

/// How many work orders are still to be done.
pub async fn open_count(db: &Db, org_id: Uuid) -> Result<i64, sqlx::Error> {
    count_open(db, org_id, None).await
}

/// Counts the open work orders ([`WorkOrderStatus::open`]), only those past
/// their target at `overdue_at` when given.
async fn count_open(db: &Db, org_id: Uuid, overdue_at: Option<DateTime<Utc>>) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM work_orders WHERE org_id = ");
        query.push_bind(org_id);
        push_open!(query);
        if let Some(now) = overdue_at {
            query.push(" AND target_at < ").push_bind(now);
        }
        query.build_query_scalar::<i64>().fetch_one(pool).await
    })
}

/// A work order in the agency's list, with where it is, whose property it
/// is and who is doing it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedWorkOrder {
    /// The work order.
    #[sqlx(flatten)]
    pub work_order: WorkOrder,
    /// The property's first address line and town.
    pub address: String,
    /// The landlord who owns the property.
    pub landlord_id: Uuid,
    /// Their name.
    pub landlord_name: String,
    /// The contractor's company, once one is instructed.
    pub contractor_name: Option<String>,
    /// The keyset sort key.
    pub sort_key: String,
}

/// What the agency's work-order list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Words that must each appear in the title, reference, address or contractor.
    pub search: Vec<String>,
    /// Only these statuses (`None`: every status).
    pub statuses: Option<Vec<WorkOrderStatus>>,
    /// Only this priority.
    pub priority: Option<Priority>,
    /// Only open work past its target at this moment.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Only this contractor's.
    pub contractor_id: Option<Uuid>,
    /// Only this landlord's properties.
    pub landlord_id: Option<Uuid>,
    /// Only this branch's properties.
    pub branch_id: Option<Uuid>,
    /// The list's order (soonest target first unless asked otherwise).
    pub order: super::Order<WorkOrderColumn>,
}

/// The columns the work-order list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorkOrderColumn {
    /// The target date.
    #[default]
    Target,
    /// The reference number.
    Number,
    /// The title.
    Title,
    /// The property's address.
    Property,
    /// Emergency first, then by target.
    Priority,
}

impl super::SortColumn for WorkOrderColumn {
    const ALL: &'static [WorkOrderColumn] = &[
        WorkOrderColumn::Target,
        WorkOrderColumn::Number,
        WorkOrderColumn::Title,
        WorkOrderColumn::Property,
        WorkOrderColumn::Priority,
    ];

    fn as_str(self) -> &'static str {
        match self {
            WorkOrderColumn::Target => "target",
            WorkOrderColumn::Number => "number",
            WorkOrderColumn::Title => "title",
            WorkOrderColumn::Property => "property",
            WorkOrderColumn::Priority => "priority",
        }
    }
}

impl WorkOrderColumn {
    /// The sort key's SQL: text that sorts as the column does.
    fn sort_key_sql(self) -> &'static str {
        match self {
            WorkOrderColumn::Target => "CAST(w.target_at AS TEXT)",
            WorkOrderColumn::Number => {
                "substr('000000000000' || CAST(w.number AS TEXT), length(CAST(w.number AS TEXT)) + 1)"
            }
            WorkOrderColumn::Title => "LOWER(w.title)",
            WorkOrderColumn::Property => "p.sort_key",
            WorkOrderColumn::Priority => {
                "CASE w.priority WHEN 'emergency' THEN '0' WHEN 'urgent' THEN '1' ELSE '2' END || ' ' || \
                 CAST(w.target_at AS TEXT)"
            }
        }
    }
}

/// The list query's rows (every WorkOrder column, the property, landlord
/// and contractor, the sort key of `column`), ending in `org_id = `.
fn listed_rows(column: WorkOrderColumn) -> String {
    format!(
        "SELECT * FROM (SELECT w.id, w.org_id, w.number, w.property_id, w.title, w.description, w.priority, \
         w.status, w.raised_at, w.target_at, w.access_instructions, w.occupier_contact, w.budget_pence, \
         w.raised_by, w.reporter_name, w.raised_by_name, w.contractor_id, w.cancel_reason, w.appointment_on, \
         w.appointment_window, w.completed_on, w.time_on_site, w.completion_notes, w.invoice_status, \
         w.invoice_number, w.invoice_pence, w.invoice_file_id, w.created_at, w.updated_at, p.address_line1 || ', ' || p.city AS address, p.landlord_id, \
         l.first_name || ' ' || l.last_name AS landlord_name, c.company_name AS contractor_name, \
         {} AS sort_key, p.branch_id AS property_branch_id, \
         LOWER(w.title || ' wo-' || CAST(w.number AS TEXT) || ' ' || COALESCE(c.company_name, '')) || ' ' || \
         p.search_text AS search_text \
         FROM work_orders w JOIN properties p ON p.id = w.property_id AND p.org_id = w.org_id \
         JOIN landlords l ON l.id = p.landlord_id AND l.org_id = p.org_id \
         LEFT JOIN contractors c ON c.id = w.contractor_id AND c.org_id = w.org_id WHERE w.org_id = ",
        column.sort_key_sql()
    )
}

/// Appends the filters of a [`ListFilter`] to a query over [`listed_rows`].
macro_rules! push_list_filters {
    ($query:expr, $filter:expr) => {{
        let filter: &ListFilter = $filter;
        for term in &filter.search {
            $query
                .push(" AND search_text LIKE ")
                .push_bind(super::like_pattern(term))
                .push(" ESCAPE '\\'");
        }
        match &filter.statuses {
            None => {}
            Some(statuses) if statuses.is_empty() => {
                $query.push(" AND 1 = 0");
            }
            Some(statuses) => {
                let mut listed = $query.push(" AND status IN (").separated(", ");
                for status in statuses {
                    listed.push_bind(status.as_str());
                }
                $query.push(")");
            }
        }
        if let Some(priority) = filter.priority {
            $query.push(" AND priority = ").push_bind(priority.as_str());
        }
        if let Some(now) = filter.overdue_at {
            $query.push(" AND target_at < ").push_bind(now);
            push_open!($query);
        }
        if let Some(contractor) = filter.contractor_id {
            $query.push(" AND contractor_id = ").push_bind(contractor);
        }
        if let Some(landlord) = filter.landlord_id {
            $query.push(" AND landlord_id = ").push_bind(landlord);
        }
        if let Some(branch) = filter.branch_id {
            $query.push(" AND property_branch_id = ").push_bind(branch);
        }
    }};
}

/// One page of the agency's work orders in the filter's order.
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    at: &super::PageAt,
    limit: u32,
) -> Result<super::Paged<ListedWorkOrder>, sqlx::Error> {
    let rows: Vec<ListedWorkOrder> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(listed_rows(filter.order.column));
        query.push_bind(org_id).push(") q WHERE 1 = 1");
        push_list_filters!(query, filter);
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<ListedWorkOrder>().fetch_all(pool).await
    })?;
    Ok(super::paged(rows, limit, at, |row| super::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.work_order.id,
    }))
}

/// How many work orders the filter finds, and how many come before `first`.
pub async fn list_count(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    first: Option<&super::Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    crate::count_listed!(
        db,
        listed_rows(filter.order.column),
        org_id,
        push_list_filters,
        filter,
        first,
        filter.order.descending
    )
}

/// A photo of a work order (its bytes are in the file store, see
/// [`photo_path`]).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Photo {
    pub id: Uuid,
    pub org_id: Uuid,
    pub work_order_id: Uuid,
    pub width: i32,
    pub height: i32,
    pub size_bytes: i64,
    pub added_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// Where a photo's bytes are kept (`thumb` for its thumbnail): by id, never
/// by the uploader's file name.
pub fn photo_path(org_id: Uuid, id: Uuid, thumb: bool) -> object_store::path::Path {
    let suffix = if thumb { "-thumb" } else { "" };
    object_store::path::Path::from(format!("org/{}/photos/{}{suffix}.jpg", org_id.simple(), id.simple()))
}

/// Records photos already in the file store (`(id, width, height, bytes)`),
/// audited as one addition.
pub async fn add_photos(
    tx: &mut Tx,
    order: &WorkOrder,
    photos: &[(Uuid, u32, u32, usize)],
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    for (id, width, height, bytes) in photos {
        on_tx!(tx, |conn| sqlx::query(
            "INSERT INTO work_order_photos (id, org_id, work_order_id, width, height, size_bytes, added_by_name, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(*id)
        .bind(order.org_id)
        .bind(order.id)
        .bind(i32::try_from(*width).unwrap_or(i32::MAX))
        .bind(i32::try_from(*height).unwrap_or(i32::MAX))
        .bind(i64::try_from(*bytes).unwrap_or(i64::MAX))
        .bind(&actor.name)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    let count = photos.len();
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.photos",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!(
                "added {count} photo{} to {}{}",
                if count == 1 { "" } else { "s" },
                order.reference(),
                actor.via()
            ),
            changes: Changes::new(),
        },
    )
    .await
}

/// A work order's photos, oldest first.
pub async fn photos(db: &Db, org_id: Uuid, work_order_id: Uuid) -> Result<Vec<Photo>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT id, org_id, work_order_id, width, height, size_bytes, added_by_name, created_at \
         FROM work_order_photos WHERE org_id = $1 AND work_order_id = $2 ORDER BY created_at, id"
    )
    .bind(org_id)
    .bind(work_order_id)
    .fetch_all(pool)
    .await)
}

/// One photo of one work order of this agency.
pub async fn photo(db: &Db, org_id: Uuid, work_order_id: Uuid, id: Uuid) -> Result<Option<Photo>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT id, org_id, work_order_id, width, height, size_bytes, added_by_name, created_at \
         FROM work_order_photos WHERE org_id = $1 AND work_order_id = $2 AND id = $3"
    )
    .bind(org_id)
    .bind(work_order_id)
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// A file a contractor sent for a work order (an invoice or a certificate).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkOrderFile {
    pub id: Uuid,
    pub org_id: Uuid,
    pub work_order_id: Uuid,
    /// `invoice` or `certificate`.
    pub kind: String,
    /// The name it was sent with (checked, shown and downloaded as).
    pub file_name: String,
    pub size_bytes: i64,
    pub uploaded_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// Where a work order's file lives in the file store.
pub fn file_path(org_id: Uuid, id: Uuid) -> object_store::path::Path {
    object_store::path::Path::from(format!("work-order-files/{org_id}/{id}"))
}

/// Records a file already stored under [`file_path`] for `id`.
pub async fn add_file(
    tx: &mut Tx,
    order: &WorkOrder,
    id: Uuid,
    kind: &str,
    file_name: &str,
    size_bytes: usize,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO work_order_files (id, org_id, work_order_id, kind, file_name, size_bytes, uploaded_by_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(id)
    .bind(order.org_id)
    .bind(order.id)
    .bind(kind)
    .bind(file_name)
    .bind(i64::try_from(size_bytes).unwrap_or(i64::MAX))
    .bind(&actor.name)
    .bind(super::now())
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A file of one of the agency's work orders.
pub async fn file(db: &Db, org_id: Uuid, work_order_id: Uuid, id: Uuid) -> Result<Option<WorkOrderFile>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT id, org_id, work_order_id, kind, file_name, size_bytes, uploaded_by_name, created_at \
         FROM work_order_files WHERE org_id = $1 AND work_order_id = $2 AND id = $3"
    )
    .bind(org_id)
    .bind(work_order_id)
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// Records the instructed contractor's completion report: the work order
/// becomes "completed", and "invoiced" when the invoice came with it. A second
/// report is refused like any move the status does not allow.
pub async fn complete(
    tx: &mut Tx,
    order: &WorkOrder,
    f: &CompletionFields,
    invoice_file: Option<Uuid>,
    actor: &Actor,
) -> Result<(), MoveError> {
    move_to(tx, order, WorkOrderStatus::Completed, None, actor).await?;
    let (status, number, pence) = match &f.invoice {
        InvoiceFields::NotRequired => ("not_required", None, None),
        InvoiceFields::Received { number, pence } => ("received", Some(number.as_str()), Some(*pence)),
    };
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE work_orders SET completed_on = $1, time_on_site = $2, completion_notes = $3, invoice_status = $4, \
         invoice_number = $5, invoice_pence = $6, invoice_file_id = $7, updated_at = $8 WHERE id = $9 AND org_id = $10"
    )
    .bind(f.completed_on)
    .bind(&f.time_on_site)
    .bind(&f.notes)
    .bind(status)
    .bind(number)
    .bind(pence)
    .bind(invoice_file)
    .bind(super::now())
    .bind(order.id)
    .bind(order.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    let invoice = match &f.invoice {
        InvoiceFields::NotRequired => "no invoice required".to_string(),
        InvoiceFields::Received { number, pence } => format!("invoice {number} for {}", money(*pence)),
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: order.org_id,
            actor,
            action: "work_order.complete",
            entity_type: ENTITY,
            entity_id: Some(order.id),
            description: format!(
                "reported {} complete on {}, {invoice}{}",
                order.reference(),
                f.completed_on.format("%-d %b %Y"),
                actor.via()
            ),
            changes: Changes::new(),
        },
    )
    .await?;
    if matches!(f.invoice, InvoiceFields::Received { .. }) {
        let completed = WorkOrder {
            status: WorkOrderStatus::Completed,
            ..order.clone()
        };
        move_to(tx, &completed, WorkOrderStatus::Invoiced, None, actor).await?;
    }
    Ok(())
}

//! Tasks in the back-office: the agency's list across every property (the
//! work queue: filters, search, counts, pages both ways), and on a property
//! add one or mark one complete. (The property page's task list is in
//! [`super::work`], with its offers.)

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::work::find_property;
use super::{Lookups, see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::tasks::{AssigneeKind, TaskForm, TaskStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::properties::Property;
use crate::store::tasks::{self, QueueFilter, QueuedTask, TaskColumn};
use crate::store::{Order, PageAt, Paged};
use crate::web::ctx::{AgentCtx, Ctx};
use crate::web::ui::export;
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::list::{PageQuery, counted_pager, sort_heading};
use crate::web::{paths, ui};

/// The id of the results region htmx swaps.
const RESULTS_ID: &str = "task-results";
/// The status filter value that shows every status.
const ANY_STATUS: &str = "any";
/// The assignee filter value for "the landlord".
const FOR_LANDLORD: &str = "landlord";

/// The list's filters as they appear in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    /// Absent: pending; `any`: every status.
    status: Option<String>,
    overdue: String,
    branch: String,
    assignee: String,
    landlord: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListQuery {
    fn status(&self) -> &str {
        self.status.as_deref().unwrap_or(TaskStatus::Pending.as_str())
    }

    fn filter(&self, today: chrono::NaiveDate) -> QueueFilter {
        QueueFilter {
            search: self.q.split_whitespace().map(str::to_string).take(8).collect(),
            status: TaskStatus::parse(self.status()).ok(),
            overdue: !self.overdue.is_empty(),
            branch_id: Uuid::parse_str(&self.branch).ok(),
            assignee: match self.assignee.as_str() {
                FOR_LANDLORD => Some(None),
                other => Uuid::parse_str(other).ok().map(Some),
            },
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            today: Some(today),
            order: self.order(),
        }
    }

    /// The order asked for (`?sort=title`, `?sort=-due`), else soonest due first.
    fn order(&self) -> Order<TaskColumn> {
        Order::parse(&self.page.sort, Order::default(), TaskColumn::parse)
    }

    /// The list's URL sorted by `sort`, from the first page.
    fn sorted_by(&self, sort: &str) -> String {
        let mut sorted = self.clone();
        sorted.page.sort = sort.to_string();
        format!("{}?{}", paths::TASKS, sorted.to_query(&PageAt::First))
    }

    /// The query string of these filters at a page.
    fn to_query(&self, at: &PageAt) -> String {
        self.page.link(
            &[
                ("q", &self.q),
                ("status", self.status()),
                ("overdue", &self.overdue),
                ("branch", &self.branch),
                ("assignee", &self.assignee),
                ("landlord", &self.landlord),
            ],
            at,
        )
    }

    fn is_filtered(&self) -> bool {
        !(self.q.trim().is_empty()
            && self.status() == TaskStatus::Pending.as_str()
            && self.overdue.is_empty()
            && self.branch.is_empty()
            && self.assignee.is_empty()
            && self.landlord.is_empty())
    }
}

fn results(ctx: &Ctx, query: &ListQuery, page: &Paged<QueuedTask>, counts: (i64, i64), lookups: &Lookups) -> Markup {
    let today = ctx.state.settings.clock.today();
    let (total, before) = counts;
    html! {
        div id=(RESULTS_ID) class="results" aria-live="polite" {
            @if page.rows.is_empty() {
                div class="table-wrap" {
                    @if query.is_filtered() {
                        p class="empty" { "No tasks match these filters. " a href=(paths::TASKS) { "Clear the filters" } }
                    } @else {
                        p class="empty" { "No pending tasks. Tasks are added from a property's page." }
                    }
                }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            @let order = query.order();
                            @let current = Some((order.column.as_str(), order.descending));
                            (sort_heading("Task", TaskColumn::Title.as_str(), current, None, |s| query.sorted_by(s)))
                            (sort_heading("Property", TaskColumn::Property.as_str(), current, None, |s| query.sorted_by(s)))
                            (sort_heading("Landlord", TaskColumn::Landlord.as_str(), current, Some("hide-small"), |s| query.sorted_by(s)))
                            th class="hide-small" { "For" }
                            (sort_heading("Due", TaskColumn::Due.as_str(), current, None, |s| query.sorted_by(s)))
                            th { "Status" }
                        } }
                        tbody {
                            @for row in &page.rows {
                                @let task = &row.task;
                                tr {
                                    td data-label="Task" { (task.title) }
                                    td data-label="Property" { a href=(paths::property(task.property_id)) { (row.address) } }
                                    td data-label="Landlord" class="hide-small" { a href=(paths::landlord(row.landlord_id)) { (row.landlord_name) } }
                                    td data-label="For" class="hide-small" {
                                        @match task.assignee() {
                                            AssigneeKind::Landlord => "The landlord",
                                            AssigneeKind::Agent => (lookups.agent_name(task.assignee_user_id).unwrap_or("An agent")),
                                        }
                                    }
                                    td data-label="Due" class="nowrap" { @match task.due_on { Some(d) => (ui::format::date(d)), None => "—" } }
                                    td data-label="Status" {
                                        @if task.overdue(today) { span class="badge danger" { "Overdue" } }
                                        @else if task.status() == TaskStatus::Completed { span class="badge muted" { (task.status().label()) } }
                                        @else { span class="badge" { (task.status().label()) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (counted_pager(
                paths::TASKS,
                before,
                page.rows.len(),
                total,
                page.previous.as_ref().map(|at| query.to_query(at)),
                page.next.as_ref().map(|next| query.to_query(&PageAt::After(next.clone()))),
            ))
        }
    }
}

fn filters(query: &ListQuery, lookups: &Lookups) -> Markup {
    let none = FieldErrors::new();
    let statuses: Vec<(String, String)> = choice_options::<TaskStatus>(None)
        .into_iter()
        .chain([(ANY_STATUS.to_string(), "Any status".to_string())])
        .collect();
    let mut assignees = lookups.agent_options("Anyone");
    assignees.insert(1, (FOR_LANDLORD.to_string(), "The landlord".to_string()));
    html! {
        form class="filters card" method="get" action=(paths::TASKS) role="search"
            hx-get=(paths::TASKS) hx-target={ "#" (RESULTS_ID) } hx-swap="outerHTML" hx-push-url="true"
            hx-trigger="input changed delay:300ms from:#q, change, submit" hx-indicator="#task-loading" {
            @if !query.landlord.is_empty() { input type="hidden" name="landlord" value=(query.landlord); }
            @if !query.page.sort.is_empty() { input type="hidden" name="sort" value=(query.page.sort); }
            div class="field" {
                label for="q" { "Search" }
                input type="search" id="q" name="q" value=(query.q) autocomplete="off" aria-describedby="q-hint";
                span class="hint" id="q-hint" { "Title or address" }
            }
            (select("status", "Status", &statuses, query.status(), &none))
            (select("assignee", "For", &assignees, &query.assignee, &none))
            (select("branch", "Branch", &lookups.branch_options("Any branch"), &query.branch, &none))
            (select("per_page", "Show", &PageQuery::size_options(), &query.page.size().to_string(), &none))
            div class="field checkbox" {
                input type="checkbox" id="overdue" name="overdue" value="1" checked[!query.overdue.is_empty()];
                label for="overdue" { "Overdue only" }
            }
            div class="field" {
                button type="submit" { "Search" }
                span id="task-loading" class="htmx-indicator hint" { "Loading…" }
            }
        }
    }
}

/// `GET /tasks.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Response {
    let db = ctx.state.db.clone();
    let org = viewer.org.id;
    let filter = query.filter(ctx.state.settings.clock.today());
    export::download(
        "tasks.csv",
        &["Task", "Property", "Landlord", "For", "Due", "Status"],
        move |at, rows| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { tasks::queue(&db, org, &filter, &at, rows).await }
        },
        |row| {
            let task = &row.task;
            vec![
                task.title.clone(),
                row.address.clone(),
                row.landlord_name.clone(),
                task.assignee().label().to_string(),
                task.due_on.map(|d| d.to_string()).unwrap_or_default(),
                task.status().label().to_string(),
            ]
        },
    )
}

/// `GET /tasks`: the agency's tasks, pending and soonest due first.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let today = ctx.state.settings.clock.today();
    let filter = query.filter(today);
    let at = query.page.at();
    let db = &ctx.state.db;
    let page = tasks::queue(db, viewer.org.id, &filter, &at, query.page.size()).await?;
    let first = page.rows.first().map(|row| crate::store::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.task.id,
    });
    let counts = tasks::queue_count(db, viewer.org.id, &filter, first.as_ref()).await?;
    let results = results(&ctx, &query, &page, counts, &lookups);
    if ctx.wants_fragment(RESULTS_ID) {
        return Ok(results);
    }
    let content = html! {
        div class="actions" {
            h1 { "Tasks" }
            a class="button secondary" href={ (paths::TASKS_CSV) "?" (query.to_query(&PageAt::First)) } download { "Download CSV" }
        }
        (filters(&query, &lookups))
        (results)
    };
    Ok(ui::page(&ctx, "Tasks", content))
}

fn task_page(ctx: &Ctx, property: &Property, form: &TaskForm, errors: &FieldErrors, lookups: &Lookups) -> Markup {
    let content = html! {
        h1 { "Add a task at " (property.address_line1) }
        (error_summary(errors, &["title", "description", "assignee_kind", "assignee_user_id", "due_on"]))
        form class="stack card narrow" method="post" action=(paths::property_task_new(property.id)) novalidate {
            (csrf_input(&ctx.csrf))
            (Input::text("title", "Title", &form.title).required().render(errors))
            (textarea("description", "Details (optional)", &form.description, None, errors))
            (select("assignee_kind", "For", &choice_options::<AssigneeKind>(None), &form.assignee_kind, errors))
            (select("assignee_user_id", "Agent (for agent tasks)", &lookups.agent_options("—"), &form.assignee_user_id, errors))
            (Input::text("due_on", "Due date (optional)", &form.due_on).kind("date").render(errors))
            div class="actions" {
                button type="submit" { "Add task" }
                a href=(paths::property(property.id)) { "Cancel" }
            }
        }
    };
    ui::page(ctx, "Add a task", content)
}

/// `GET /properties/{id}/tasks/new`.
#[handler]
pub async fn new_task(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let form = TaskForm {
        assignee_kind: AssigneeKind::default().as_str().into(),
        ..TaskForm::default()
    };
    Ok(task_page(&ctx, &property, &form, &FieldErrors::new(), &lookups))
}

/// `POST /properties/{id}/tasks/new`.
#[handler]
pub async fn create_task(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<TaskForm>,
) -> Result<Response, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let fields = form.parse().and_then(|fields| match fields.assignee_user_id {
        Some(agent) if !lookups.agents.iter().any(|u| u.id == agent && u.is_active) => {
            let mut errors = FieldErrors::new();
            errors.add("assignee_user_id", "Choose an agent from the list");
            Err(errors)
        }
        _ => Ok(fields),
    });
    let fields = match fields {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                task_page(&ctx, &property, &form, &errors, &lookups),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    tasks::create(
        &mut tx,
        viewer.org.id,
        property.id,
        &property.address_line1,
        &fields,
        &viewer.user.actor(),
    )
    .await?;
    tx.commit().await?;
    ctx.set_flash("success", "The task has been added.").await?;
    Ok(see_other(&paths::property(property.id)))
}

/// `POST /tasks/{id}/complete`.
#[handler]
pub async fn complete_task(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let task = tasks::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = ctx.state.db.begin().await?;
    let done = tasks::complete(&mut tx, &task, &viewer.user.actor()).await?;
    tx.commit().await?;
    if done {
        ctx.set_flash("success", format!("\"{}\" is complete.", task.title))
            .await?;
    }
    Ok(see_other(&paths::property(task.property_id)))
}

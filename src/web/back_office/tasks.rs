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

use super::list_screen::{self, CsvExport, Heading, LANDLORD_FILTER, ListScreen, ListView};
use super::work::find_property;
use super::{Lookups, see_other, with_status};
use crate::clock::Clock;
use crate::domain::choice::Choice;
use crate::domain::tasks::{AssigneeKind, TaskForm, TaskStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::Order;
use crate::store::properties::Property;
use crate::store::tasks::{self, QueueFilter, QueuedTask, TaskColumn};
use crate::web::ctx::{AgentCtx, Ctx};
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::list::PageQuery;
use crate::web::{paths, ui};

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
}

impl ListScreen for ListQuery {
    type Row = QueuedTask;
    type Filter = QueueFilter;
    type Column = TaskColumn;

    const PATH: &'static str = paths::TASKS;
    const TITLE: &'static str = "Tasks";
    const NOUN: &'static str = "tasks";
    const RESULTS_ID: &'static str = "task-results";
    const SEARCH_HINT: &'static str = "Title or address";
    const COLUMNS: &'static [Heading<TaskColumn>] = &[
        Heading::sorted("Task", TaskColumn::Title),
        Heading::sorted("Property", TaskColumn::Property),
        Heading::sorted("Landlord", TaskColumn::Landlord).hide_small(),
        Heading::plain("For").hide_small(),
        Heading::sorted("Due", TaskColumn::Due).nowrap(),
        Heading::plain("Status"),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::TASKS_CSV,
        file_name: "tasks.csv",
        header: &["Task", "Property", "Landlord", "For", "Due", "Status"],
    });

    list_screen::plumbing!(tasks::queue, tasks::queue_count, |row| row.task.id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status().to_string()),
            ("overdue", self.overdue.clone()),
            ("branch", self.branch.clone()),
            ("assignee", self.assignee.clone()),
            (LANDLORD_FILTER, self.landlord.clone()),
        ]
    }

    fn store_filter(&self, search: Vec<String>, order: Order<TaskColumn>, clock: Clock) -> QueueFilter {
        QueueFilter {
            search,
            status: TaskStatus::parse(self.status()).ok(),
            overdue: !self.overdue.is_empty(),
            branch_id: Uuid::parse_str(&self.branch).ok(),
            assignee: match self.assignee.as_str() {
                FOR_LANDLORD => Some(None),
                other => Uuid::parse_str(other).ok().map(Some),
            },
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            today: Some(clock.today()),
            order,
        }
    }

    fn cells(row: &QueuedTask, view: &ListView<'_>) -> Vec<Markup> {
        let task = &row.task;
        vec![
            html! { (task.title) },
            html! { a href=(paths::property(task.property_id)) { (row.address) } },
            html! { a href=(paths::landlord(row.landlord_id)) { (row.landlord_name) } },
            html! {
                @match task.assignee() {
                    AssigneeKind::Landlord => "The landlord",
                    AssigneeKind::Agent => (view.lookups.agent_name(task.assignee_user_id).unwrap_or("An agent")),
                }
            },
            html! { @match task.due_on { Some(d) => (ui::format::date(d)), None => "—" } },
            html! {
                @if task.overdue(view.today) { span class="badge danger" { "Overdue" } }
                @else if task.status() == TaskStatus::Completed { span class="badge muted" { (task.status().label()) } }
                @else { span class="badge" { (task.status().label()) } }
            },
        ]
    }

    fn empty() -> Markup {
        html! { "No pending tasks. Tasks are added from a property's page." }
    }

    fn fields(&self, view: &ListView<'_>) -> Markup {
        let none = FieldErrors::new();
        let statuses: Vec<(String, String)> = choice_options::<TaskStatus>(None)
            .into_iter()
            .chain([(ANY_STATUS.to_string(), "Any status".to_string())])
            .collect();
        let mut assignees = view.lookups.agent_options("Anyone");
        assignees.insert(1, (FOR_LANDLORD.to_string(), "The landlord".to_string()));
        html! {
            (select("status", "Status", &statuses, self.status(), &none))
            (select("assignee", "For", &assignees, &self.assignee, &none))
            (select("branch", "Branch", &view.lookups.branch_options("Any branch"), &self.branch, &none))
            div class="field checkbox" {
                input type="checkbox" id="overdue" name="overdue" value="1" checked[!self.overdue.is_empty()];
                label for="overdue" { "Overdue only" }
            }
        }
    }

    fn csv_cells(row: &QueuedTask) -> Vec<String> {
        let task = &row.task;
        vec![
            task.title.clone(),
            row.address.clone(),
            row.landlord_name.clone(),
            task.assignee().label().to_string(),
            task.due_on.map(|d| d.to_string()).unwrap_or_default(),
            task.status().label().to_string(),
        ]
    }
}

/// `GET /tasks.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

/// `GET /tasks`: the agency's tasks, pending and soonest due first.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
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

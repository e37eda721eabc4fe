//! Tasks on a property in the back-office: add one, mark one complete. (The
//! property page's task list is in [`super::work`], with its offers.)

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};
use uuid::Uuid;

use super::work::find_property;
use super::{Lookups, see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::tasks::{AssigneeKind, TaskForm};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::properties::Property;
use crate::store::tasks;
use crate::web::ctx::{AgentCtx, Ctx};
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::{paths, ui};

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

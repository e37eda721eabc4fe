//! The Tasks tab (`listTasks`, `completeTask`): the landlord's to-dos across
//! their linked properties, with a bar of overall completion.

use maud::{Markup, html};
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::{PortalCtx, Tab, page, see_other};
use crate::domain::tasks::AssigneeKind;
use crate::error::AppError;
use crate::store::{portal, properties, tasks};
use crate::web::paths;
use crate::web::ui::format;

/// How far through their tasks a landlord is: (completed, total, percent).
pub fn completion(completed: usize, total: usize) -> (usize, usize, usize) {
    let percent = (completed * 100).checked_div(total).unwrap_or(0);
    (completed, total, percent)
}

/// The Tasks tab's query after a task is marked complete: which one, so the
/// page confirms it in the landlord's words.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    /// The task just completed.
    #[serde(default)]
    pub done: String,
}

/// The "Mark complete" form as sent.
#[derive(Debug, Default, Deserialize)]
pub struct CompleteForm {
    /// `yes` once the landlord has confirmed (it cannot be undone).
    #[serde(default)]
    pub confirm: String,
}

async fn render(ctx: &PortalCtx, just_completed: Option<Uuid>) -> Result<Response, AppError> {
    let rows = tasks::for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id).await?;
    let linked = properties::for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id).await?;
    let address = |id: Uuid| {
        linked
            .iter()
            .find(|p| p.id == id)
            .map_or(String::new(), |p| p.address_line1.clone())
    };
    let today = ctx.state.settings.clock.today();
    let completed_now = just_completed.and_then(|id| done_tasks_find(&rows, id));
    let (pending, done): (Vec<_>, Vec<_>) = rows
        .iter()
        .partition(|t| t.status == crate::domain::tasks::TaskStatus::Pending);
    let (completed, total, percent) = completion(done.len(), rows.len());
    let item = |task: &tasks::Task, action: Markup| {
        html! {
            li class="card" {
                strong { (task.title) }
                @if let Some(d) = &task.description { p class="hint" { (d) } }
                ul class="facts" {
                    li { (address(task.property_id)) }
                    @if let Some(due) = task.due_on { li { "Due " (format::date(due)) } }
                    @if task.overdue(today) { li { span class="badge danger" { "Overdue" } } }
                    @if let Some(at) = task.completed_at { li { "Completed " (format::date(crate::clock::local_date(at))) } }
                }
                (action)
            }
        }
    };
    let content = html! {
        @if let Some(task) = completed_now {
            div class="flash" role="status" data-testid="completed" {
                "You marked “" (task.title) "” as complete. Thank you — your agent can see it is done."
            }
        }
        h1 { "Your tasks" }
        @if rows.is_empty() {
            p class="empty" { "No tasks for you right now." }
        } @else {
            div class="card" id="task-progress" {
                label for="completion" { (completed) " of " (total) " tasks done (" (percent) "%)" }
                progress id="completion" class="completion" max=(total) value=(completed) { (percent) "%" }
            }
            h2 { "Pending (" (pending.len()) ")" }
            @if pending.is_empty() { p class="empty" { "All done — thank you." } } @else {
                ul class="cards" id="pending-tasks" {
                    @for task in &pending {
                        (item(task, html! {
                            form method="post" action=(paths::portal::task_complete(&ctx.link, task.id))
                                hx-post=(paths::portal::task_complete(&ctx.link, task.id)) hx-target="#portal-content" hx-push-url="false" {
                                button type="submit" { "Mark complete" }
                            }
                        }))
                    }
                }
            }
            h2 { "Completed (" (done.len()) ")" }
            @if done.is_empty() { p class="empty" { "Nothing completed yet." } } @else {
                ul class="cards" id="completed-tasks" {
                    @for task in &done { (item(task, html! { span class="badge ok" { "Completed" } })) }
                }
            }
        }
    };
    Ok(page(ctx, Tab::Tasks, "Your tasks", content))
}

/// `GET /landlord-portal/{token}/tasks`.
#[handler]
pub async fn list(ctx: PortalCtx, Query(query): Query<DoneQuery>) -> Result<Response, AppError> {
    render(&ctx, Uuid::parse_str(&query.done).ok()).await
}

/// The task `id` among `rows`, if it is completed.
fn done_tasks_find(rows: &[tasks::Task], id: Uuid) -> Option<&tasks::Task> {
    rows.iter()
        .find(|t| t.id == id && t.status == crate::domain::tasks::TaskStatus::Completed)
}

/// The question asked before a task is marked complete: it cannot be undone.
fn confirm_view(ctx: &PortalCtx, task: &tasks::Task) -> Markup {
    let action = paths::portal::task_complete(&ctx.link, task.id);
    html! {
        h1 { "Your tasks" }
        section class="card highlight" id="confirm-complete" {
            h2 { "Mark “" (task.title) "” as complete?" }
            @if let Some(d) = &task.description { p class="hint" { (d) } }
            p { "Your agent will see it as done. You cannot undo this here; if it was a mistake, message your agent." }
            form class="actions" method="post" action=(action) hx-post=(action) hx-target="#portal-content" hx-push-url="false" {
                input type="hidden" name="confirm" value="yes";
                button type="submit" { "Yes, mark it complete" }
                a href=(paths::portal::tasks(&ctx.link)) { "No, go back" }
            }
        }
    }
}

/// `POST /landlord-portal/{token}/tasks/{id}/complete`: only the landlord's own
/// tasks on linked properties; first asks "Mark … as complete?" (it cannot be
/// undone), then completes it, audited with the landlord as actor.
#[handler]
pub async fn complete(
    ctx: PortalCtx,
    Path((_, id)): Path<(String, Uuid)>,
    Form(form): Form<CompleteForm>,
) -> Result<Response, AppError> {
    let task = tasks::get(&ctx.state.db, ctx.token.org_id, id)
        .await?
        .filter(|t| t.assignee() == AssigneeKind::Landlord)
        .ok_or(AppError::NotFound)?;
    if !portal::is_linked(&ctx.state.db, ctx.token.id, task.property_id).await? {
        return Err(AppError::NotFound);
    }
    if form.confirm != "yes" && task.status == crate::domain::tasks::TaskStatus::Pending {
        return Ok(page(&ctx, Tab::Tasks, "Confirm", confirm_view(&ctx, &task)));
    }
    let mut tx = ctx.state.db.begin().await?;
    tasks::complete(&mut tx, &task, &ctx.token.actor()).await?;
    tx.commit().await?;
    if ctx.htmx {
        render(&ctx, Some(task.id)).await
    } else {
        Ok(see_other(&format!(
            "{}?done={}",
            paths::portal::tasks(&ctx.link),
            task.id
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::completion;

    #[test]
    fn completion_is_a_whole_percentage_and_safe_when_empty() {
        assert_eq!(completion(0, 0), (0, 0, 0));
        assert_eq!(completion(1, 3), (1, 3, 33));
        assert_eq!(completion(4, 4), (4, 4, 100));
    }
}

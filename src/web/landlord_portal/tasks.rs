//! The Tasks tab (`listTasks`, `completeTask`): the landlord's to-dos across
//! their linked properties, with a bar of overall completion.

use maud::{Markup, html};
use poem::web::Path;
use poem::{Response, handler};
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

async fn render(ctx: &PortalCtx) -> Result<Response, AppError> {
    let rows = tasks::for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id).await?;
    let linked = properties::for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id).await?;
    let address = |id: Uuid| {
        linked
            .iter()
            .find(|p| p.id == id)
            .map_or(String::new(), |p| p.address_line1.clone())
    };
    let today = ctx.state.settings.clock.today();
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
pub async fn list(ctx: PortalCtx) -> Result<Response, AppError> {
    render(&ctx).await
}

/// `POST /landlord-portal/{token}/tasks/{id}/complete`: only the landlord's own
/// tasks on linked properties; audited with the landlord as actor.
#[handler]
pub async fn complete(ctx: PortalCtx, Path((_, id)): Path<(String, Uuid)>) -> Result<Response, AppError> {
    let task = tasks::get(&ctx.state.db, ctx.token.org_id, id)
        .await?
        .filter(|t| t.assignee() == AssigneeKind::Landlord)
        .ok_or(AppError::NotFound)?;
    if !portal::is_linked(&ctx.state.db, ctx.token.id, task.property_id).await? {
        return Err(AppError::NotFound);
    }
    let mut tx = ctx.state.db.begin().await?;
    tasks::complete(&mut tx, &task, &ctx.token.actor()).await?;
    tx.commit().await?;
    if ctx.htmx {
        render(&ctx).await
    } else {
        Ok(see_other(&paths::portal::tasks(&ctx.link)))
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

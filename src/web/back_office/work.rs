//! What the property page shows of a property's tasks and offers, and the
//! property lookup their screens share. The task screens are in
//! [`super::tasks`], the offer screens in [`super::offers`]; this file keeps
//! only what both use, so neither copies it.

use maud::{Markup, html};
use uuid::Uuid;

use super::Lookups;
use crate::domain::money::per_month;
use crate::domain::tasks::{AssigneeKind, TaskStatus};
use crate::error::AppError;
use crate::store::offers::Offer;
use crate::store::properties::{self, Property};
use crate::store::tasks::Task;
use crate::web::ctx::{Ctx, Viewer};
use crate::web::paths;
use crate::web::ui::badges::offer_badge;
use crate::web::ui::form::csrf_input;
use crate::web::ui::format;

/// A property's tasks and offers (on the property page).
pub fn property_sections(
    ctx: &Ctx,
    property: &Property,
    task_list: &[Task],
    offer_list: &[Offer],
    lookups: &Lookups,
) -> Markup {
    let today = ctx.state.settings.clock.today();
    html! {
        section class="card" id="tasks" {
            div class="actions" {
                h2 { "Tasks (" (task_list.iter().filter(|t| t.status == TaskStatus::Pending).count()) " pending)" }
                a class="button secondary" href=(paths::property_task_new(property.id)) { "Add a task" }
            }
            @if task_list.is_empty() { p class="empty" { "No tasks." } } @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th { "Task" } th { "For" } th { "Due" } th { "Status" } } }
                        tbody {
                            @for task in task_list {
                                tr {
                                    td data-label="Task" { strong { (task.title) } @if let Some(d) = &task.description { br; span class="hint" { (d) } } }
                                    td data-label="For" { @match task.assignee() {
                                        AssigneeKind::Landlord => "Landlord",
                                        AssigneeKind::Agent => (lookups.agent_name(task.assignee_user_id).unwrap_or("An agent")),
                                    } }
                                    td data-label="Due" class="nowrap" {
                                        @match task.due_on { Some(d) => (format::date(d)), None => "—" }
                                        @if task.overdue(today) { " " span class="badge danger" { "Overdue" } }
                                    }
                                    td data-label="Status" {
                                        @if task.status == TaskStatus::Pending {
                                            form class="inline-form" method="post" action=(paths::task_complete(task.id)) {
                                                (csrf_input(&ctx.csrf))
                                                button type="submit" class="small secondary" { "Mark complete" }
                                            }
                                        } @else {
                                            span class="badge ok" { "Completed" }
                                            @if let Some(name) = &task.completed_by_name { br; span class="hint" { "by " (name) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section class="card" id="offers" {
            div class="actions" {
                h2 { "Offers (" (offer_list.len()) ")" }
                a class="button secondary" href=(paths::property_offer_new(property.id)) { "Record an offer" }
            }
            @if offer_list.is_empty() { p class="empty" { "No offers." } } @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th { "Applicant" } th { "Rent offered" } th { "Move in" } th { "Status" } } }
                        tbody {
                            @for offer in offer_list {
                                tr {
                                    td data-label="Applicant" { a href=(paths::offer(offer.id)) { (offer.applicant_name) } }
                                    td data-label="Rent offered" class="nowrap" { (per_month(offer.rent_pence)) }
                                    td data-label="Move in" class="nowrap" { @match offer.move_in_on { Some(d) => (format::date(d)), None => "—" } }
                                    td data-label="Status" { (offer_badge(offer.status())) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The agency's property with this id, or 404.
pub(super) async fn find_property(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<Property, AppError> {
    properties::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

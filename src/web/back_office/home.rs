//! The back-office home page.

use maud::html;
use poem::handler;

use crate::error::AppError;
use crate::store::landlords;
use crate::web::ctx::AgentCtx;
use crate::web::{paths, ui};

/// `GET /`: where an agent starts the day.
#[handler]
pub async fn page(AgentCtx { ctx, viewer }: AgentCtx) -> Result<maud::Markup, AppError> {
    let counts = landlords::count_by_status(&ctx.state.db, viewer.org.id).await?;
    let count = |status: &str| counts.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n);
    let content = html! {
        h1 { "Welcome, " (viewer.user.name) }
        p class="lede" { (viewer.org.name) " back-office" }
        div class="card" {
            h2 { a href=(paths::LANDLORDS) { "Landlords" } }
            p { (count("active")) " active, " (count("inactive")) " inactive, " (count("archived")) " archived." }
            p { a class="button" href=(paths::LANDLORD_NEW) { "Add a landlord" } }
        }
        div class="card" {
            h2 { "Your account" }
            p { "You are signed in as " strong { (viewer.user.email) } " (" (viewer.user.role().label().to_lowercase()) ")." }
            p { a href=(paths::ACCOUNT) { "Change your password" } }
        }
        @if viewer.is_admin() {
            div class="card" {
                h2 { "Administration" }
                ul {
                    li { a href=(paths::USERS) { "Users" } " – add agents, change roles, deactivate accounts" }
                    li { a href=(paths::AUDIT) { "Audit trail" } " – every change, who made it and when" }
                }
            }
        }
    };
    Ok(ui::page(&ctx, "Home", content))
}

//! The back-office home page.

use maud::html;
use poem::handler;

use crate::error::AppError;
use crate::web::ctx::AgentCtx;
use crate::web::{paths, ui};

/// `GET /`: where an agent starts the day.
#[handler]
pub async fn page(AgentCtx { ctx, viewer }: AgentCtx) -> Result<maud::Markup, AppError> {
    let content = html! {
        h1 { "Welcome, " (viewer.user.name) }
        p class="lede" { (viewer.org.name) " back-office" }
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

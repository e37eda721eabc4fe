//! The back-office home: what needs attention today, and the size of the book.

use maud::html;
use poem::handler;

use crate::domain::choice::Choice;
use crate::error::AppError;
use crate::store::{compliance, landlords, properties, tenancies};
use crate::web::ctx::AgentCtx;
use crate::web::{paths, ui};

/// How many urgent compliance items the home page lists.
const URGENT_SHOWN: u32 = 8;

/// `GET /`: where an agent starts the day.
#[handler]
pub async fn page(AgentCtx { ctx, viewer }: AgentCtx) -> Result<maud::Markup, AppError> {
    let db = &ctx.state.db;
    let org = viewer.org.id;
    let counts = landlords::count_by_status(db, org).await?;
    let active_landlords = counts
        .iter()
        .filter(|(s, _)| s != "archived")
        .map(|(_, n)| n)
        .sum::<i64>();
    let property_count = properties::count(db, org).await?;
    let active_tenancies = tenancies::active_count(db, org).await?;
    let today = ctx.state.settings.clock.today();
    let filter = compliance::Filter::default();
    let counts = compliance::counts(db, org, &filter, today).await?;
    let (urgent, _) = compliance::page(db, org, &filter, today, None, URGENT_SHOWN).await?;
    let ids: Vec<uuid::Uuid> = urgent.iter().map(|item| item.property_id).collect();
    let owners = compliance::owners(db, org, &ids).await?;
    let overdue = crate::store::tasks::overdue_count(db, org, today).await?;
    let awaiting = crate::store::offers::awaiting_landlord_count(db, org).await?;
    let content = html! {
        h1 { "Welcome, " (viewer.user.name) }
        p class="lede" { (viewer.org.name) " back-office" }
        div class="stats" {
            a class="stat card" href=(paths::LANDLORDS) { span class="number" { (active_landlords) } span { "landlords" } }
            a class="stat card" href=(paths::PROPERTIES) { span class="number" { (property_count) } span { "properties" } }
            a class="stat card" href={ (paths::TENANCIES) "?status=active" } { span class="number" { (active_tenancies) } span { "active tenancies" } }
            a class="stat card" href=(paths::overdue_tasks()) { span class="number" { (overdue) } span { "overdue tasks" } }
            a class="stat card" href=(paths::offers_in(crate::domain::offers::OfferStatus::SentToLandlord.as_str())) { span class="number" { (awaiting) } span { "offers awaiting landlords" } }
        }
        section class="card" {
            div class="actions" {
                h2 { "Compliance needing attention" }
                a href=(paths::COMPLIANCE) { "See all" }
            }
            @if counts.total() == 0 {
                p class="empty" { "Every required certificate is in date." }
            } @else {
                p data-testid="compliance-counts" { (super::compliance::counts_sentence(&counts)) }
                div class="table-wrap" { (super::compliance::items_table(&urgent, &owners, today)) }
            }
        }
        div class="actions" {
            a class="button" href=(paths::LANDLORD_NEW) { "Add a landlord" }
            a class="button secondary" href=(paths::PROPERTY_NEW) { "Add a property" }
        }
    };
    Ok(ui::page(&ctx, "Home", content))
}

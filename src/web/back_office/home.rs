//! The back-office home: what needs attention today, and the size of the book.

use maud::html;
use poem::handler;

use crate::domain::choice::Choice;
use crate::error::AppError;
use crate::store::{compliance, dashboard, landlords, properties, tenancies};
use crate::web::ctx::AgentCtx;
use crate::web::ui::chart;
use crate::web::{paths, ui};

/// How many urgent compliance items the home page lists.
const URGENT_SHOWN: u32 = 8;
/// How many weeks ahead the expiry chart looks (about 90 days).
const CHART_WEEKS: u32 = 13;

/// "3 in the last 30 days", "none in the last 30 days".
fn lately(count: i64, what: &str) -> String {
    match count {
        0 => format!("No {what} in the last {} days", dashboard::RECENT_DAYS),
        n => format!("{n} {what} in the last {} days", dashboard::RECENT_DAYS),
    }
}

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
    let filter = compliance::Filter {
        today: Some(today),
        ..compliance::Filter::default()
    };
    let counts = compliance::counts(db, org, &filter, today).await?;
    let urgent = compliance::list(db, org, &filter, &crate::store::PageAt::First, URGENT_SHOWN)
        .await?
        .rows;
    let overdue = crate::store::tasks::overdue_count(db, org, today).await?;
    let now = ctx.state.settings.clock.now();
    let overdue_work = crate::store::work_orders::overdue_count(db, org, now).await?;
    let open_work = crate::store::work_orders::open_count(db, org).await?;
    let awaiting = crate::store::offers::awaiting_landlord_count(db, org).await?;
    let trends = dashboard::trends(db, org, now, today).await?;
    let expiring = dashboard::expiring_by_week(db, org, today, CHART_WEEKS).await?;
    let expiring_total: i64 = expiring.iter().sum();
    let content = html! {
        h1 { "Welcome, " (viewer.user.name) }
        p class="lede" { (viewer.org.name) " back-office" }
        div class="stats" {
            a class="stat card" href=(paths::LANDLORDS) {
                span class="number" { (active_landlords) } span class="what" { "landlords" }
                span class="trend" { (lately(trends.landlords_added, "added")) }
            }
            a class="stat card" href=(paths::PROPERTIES) {
                span class="number" { (property_count) } span class="what" { "properties" }
                (chart::meter(trends.properties_let, trends.properties_on_books))
                span class="trend" { (trends.properties_let) " of " (trends.properties_on_books) " let" }
            }
            a class="stat card" href={ (paths::TENANCIES) "?status=active" } {
                span class="number" { (active_tenancies) } span class="what" { "active tenancies" }
                span class="trend" { (trends.tenancies_ending) " ending in the next " (dashboard::ENDING_DAYS) " days" }
            }
            a class={ "stat card" @if overdue > 0 { " alert" } } href=(paths::overdue_tasks()) {
                span class="number" { (overdue) } span class="what" { "overdue tasks" }
                (chart::meter(overdue, trends.tasks_pending))
                span class="trend" { (overdue) " of " (trends.tasks_pending) " open tasks" }
            }
            a class={ "stat card" @if overdue_work > 0 { " alert" } } href=(paths::overdue_work_orders()) {
                span class="number" { (overdue_work) } span class="what" { "overdue work orders" }
                span class="trend" { (open_work) " open" }
            }
            a class="stat card" href=(paths::offers_in(crate::domain::offers::OfferStatus::SentToLandlord.as_str())) {
                span class="number" { (awaiting) } span class="what" { "offers awaiting landlords" }
                span class="trend" { (lately(trends.offers_received, "offers received")) }
            }
        }
        section class="card" {
            div class="actions" {
                h2 { "Certificates expiring in the next 90 days" }
                a href={ (paths::COMPLIANCE) "?state=expiring_soon" } { "See what expires soon" }
            }
            @if expiring_total == 0 {
                p class="empty" { "No certificate expires in the next 90 days." }
            } @else {
                (chart::weekly_bars("expiry-chart", &format!("{expiring_total} certificates expire in the next 90 days, week by week"), today, &expiring))
            }
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
                (super::compliance::items_table(&urgent, today))
            }
        }
        div class="actions" {
            a class="button" href=(paths::LANDLORD_NEW) { "Add a landlord" }
            a class="button secondary" href=(paths::PROPERTY_NEW) { "Add a property" }
        }
    };
    Ok(ui::page(&ctx, "Home", content))
}

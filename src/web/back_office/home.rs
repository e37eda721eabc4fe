//! The back-office home: what needs attention today, and the size of the book.

use maud::html;
use poem::handler;

use crate::domain::choice::Choice;
use crate::domain::compliance::Indicator;
use crate::error::AppError;
use crate::store::{certificates, landlords, properties, tenancies};
use crate::web::ctx::AgentCtx;
use crate::web::ui::format;
use crate::web::{paths, ui};

/// How many urgent compliance items the home page lists.
const URGENT_SHOWN: usize = 8;

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
    let attention = certificates::needing_attention(db, org, chrono::Utc::now().date_naive()).await?;
    let overdue = crate::store::tasks::overdue_count(db, org, chrono::Utc::now().date_naive()).await?;
    let awaiting = crate::store::offers::awaiting_landlord_count(db, org).await?;
    let count = |state: Indicator| attention.iter().filter(|i| i.indicator == state).count();
    let content = html! {
        h1 { "Welcome, " (viewer.user.name) }
        p class="lede" { (viewer.org.name) " back-office" }
        div class="stats" {
            a class="stat card" href=(paths::LANDLORDS) { span class="number" { (active_landlords) } span { "landlords" } }
            a class="stat card" href=(paths::PROPERTIES) { span class="number" { (property_count) } span { "properties" } }
            div class="stat card" { span class="number" { (active_tenancies) } span { "active tenancies" } }
            div class="stat card" { span class="number" { (overdue) } span { "overdue tasks" } }
            div class="stat card" { span class="number" { (awaiting) } span { "offers awaiting landlords" } }
        }
        section class="card" {
            div class="actions" {
                h2 { "Compliance needing attention" }
                a href=(paths::COMPLIANCE) { "See all" }
            }
            @if attention.is_empty() {
                p class="empty" { "Every required certificate is in date." }
            } @else {
                p {
                    (count(Indicator::Expired)) " expired, "
                    (count(Indicator::ExpiringSoon)) " expiring soon, "
                    (count(Indicator::Missing)) " missing, "
                    (count(Indicator::BelowMinimum)) " below the minimum EPC rating."
                }
                div class="table-wrap" {
                    table {
                        thead { tr { th { "State" } th { "Certificate" } th { "Property" } th { "Expires" } } }
                        tbody {
                            @for item in attention.iter().take(URGENT_SHOWN) {
                                tr {
                                    td { (super::compliance::badge(item.indicator)) }
                                    td { (item.kind.label()) }
                                    td { a href=(paths::property(item.property_id)) { (item.address) } }
                                    td class="nowrap" { @match item.expires_on { Some(d) => (format::date(d)), None => "—" } }
                                }
                            }
                        }
                    }
                }
            }
        }
        div class="actions" {
            a class="button" href=(paths::LANDLORD_NEW) { "Add a landlord" }
            a class="button secondary" href=(paths::PROPERTY_NEW) { "Add a property" }
        }
    };
    Ok(ui::page(&ctx, "Home", content))
}

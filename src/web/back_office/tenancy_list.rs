//! The agency's tenancies across every property: filters, search, counts
//! and pages both ways.

use maud::{Markup, html};
use poem::web::Query;
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::Lookups;
use crate::domain::choice::Choice;
use crate::domain::tenancies::TenancyStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::tenancies::{self as store, ListFilter, ListedTenancy, TenancyColumn};
use crate::store::{Cursor, Order, PageAt, Paged};
use crate::web::ctx::AgentCtx;
use crate::web::ui::badges::tenancy_status as status_badge;
use crate::web::ui::form::{choice_options, select};
use crate::web::ui::list::{PageQuery, counted_pager, sort_heading};
use crate::web::ui::{export, format};
use crate::web::{paths, ui};

/// The id of the results region htmx swaps.
const RESULTS_ID: &str = "tenancy-results";
/// The status filter value that shows every status (the default).
const ANY_STATUS: &str = "any";

/// The list's filters as they appear in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    branch: String,
    landlord: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListQuery {
    fn filter(&self) -> ListFilter {
        ListFilter {
            search: self.q.split_whitespace().map(str::to_string).take(8).collect(),
            status: TenancyStatus::parse(&self.status).ok(),
            branch_id: Uuid::parse_str(&self.branch).ok(),
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            order: self.order(),
        }
    }

    /// The order asked for (`?sort=rent`, `?sort=-start`), else by address.
    fn order(&self) -> Order<TenancyColumn> {
        Order::parse(&self.page.sort, Order::default(), TenancyColumn::parse)
    }

    /// The list's URL sorted by `sort`, from the first page.
    fn sorted_by(&self, sort: &str) -> String {
        let mut sorted = self.clone();
        sorted.page.sort = sort.to_string();
        format!("{}?{}", paths::TENANCIES, sorted.to_query(&PageAt::First))
    }

    fn to_query(&self, at: &PageAt) -> String {
        self.page.link(
            &[
                ("q", &self.q),
                ("status", &self.status),
                ("branch", &self.branch),
                ("landlord", &self.landlord),
            ],
            at,
        )
    }

    fn is_filtered(&self) -> bool {
        !(self.q.trim().is_empty()
            && matches!(self.status.as_str(), "" | ANY_STATUS)
            && self.branch.is_empty()
            && self.landlord.is_empty())
    }
}

fn results(query: &ListQuery, page: &Paged<ListedTenancy>, counts: (i64, i64)) -> Markup {
    let (total, before) = counts;
    html! {
        div id=(RESULTS_ID) class="results" aria-live="polite" {
            @if page.rows.is_empty() {
                div class="table-wrap" {
                    @if query.is_filtered() {
                        p class="empty" { "No tenancies match these filters. " a href=(paths::TENANCIES) { "Clear the filters" } }
                    } @else {
                        p class="empty" { "No tenancies yet. Tenancies are added from a property's page." }
                    }
                }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            @let order = query.order();
                            @let current = Some((order.column.as_str(), order.descending));
                            @let heading = |label: &str, column: TenancyColumn, class: Option<&str>| {
                                sort_heading(label, column.as_str(), current, class, |s| query.sorted_by(s))
                            };
                            (heading("Property", TenancyColumn::Property, None))
                            th { "Tenant" }
                            (heading("Landlord", TenancyColumn::Landlord, Some("hide-small")))
                            (heading("Rent", TenancyColumn::Rent, None))
                            (heading("Start", TenancyColumn::Start, Some("hide-small")))
                            (heading("End", TenancyColumn::End, Some("hide-small")))
                            th { "Status" }
                        } }
                        tbody {
                            @for row in &page.rows {
                                @let t = &row.tenancy;
                                tr {
                                    td data-label="Property" { a href=(paths::tenancy(t.id)) { (row.address) } }
                                    td data-label="Tenant" { (row.tenant_name.as_deref().unwrap_or("—")) }
                                    td data-label="Landlord" class="hide-small" { a href=(paths::landlord(row.landlord_id)) { (row.landlord_name) } }
                                    td data-label="Rent" class="nowrap" { (t.rent_label()) }
                                    td data-label="Start" class="hide-small nowrap" { (format::date(t.start_date)) }
                                    td data-label="End" class="hide-small nowrap" { @match t.end_date { Some(d) => (format::date(d)), None => "Periodic" } }
                                    td data-label="Status" { (status_badge(t.status)) }
                                }
                            }
                        }
                    }
                }
            }
            (counted_pager(
                paths::TENANCIES,
                before,
                page.rows.len(),
                total,
                page.previous.as_ref().map(|at| query.to_query(at)),
                page.next.as_ref().map(|next| query.to_query(&PageAt::After(next.clone()))),
            ))
        }
    }
}

fn filters(query: &ListQuery, lookups: &Lookups) -> Markup {
    let none = FieldErrors::new();
    let statuses = choice_options::<TenancyStatus>(Some((ANY_STATUS, "Any status")));
    html! {
        form class="filters card" method="get" action=(paths::TENANCIES) role="search"
            hx-get=(paths::TENANCIES) hx-target={ "#" (RESULTS_ID) } hx-swap="outerHTML" hx-push-url="true"
            hx-trigger="input changed delay:300ms from:#q, change, submit" hx-indicator="#tenancy-loading" {
            @if !query.landlord.is_empty() { input type="hidden" name="landlord" value=(query.landlord); }
            @if !query.page.sort.is_empty() { input type="hidden" name="sort" value=(query.page.sort); }
            div class="field" {
                label for="q" { "Search" }
                input type="search" id="q" name="q" value=(query.q) autocomplete="off" aria-describedby="q-hint";
                span class="hint" id="q-hint" { "Address, or a tenant's name or email" }
            }
            (select("status", "Status", &statuses, &query.status, &none))
            (select("branch", "Branch", &lookups.branch_options("Any branch"), &query.branch, &none))
            (select("per_page", "Show", &PageQuery::size_options(), &query.page.size().to_string(), &none))
            div class="field" {
                button type="submit" { "Search" }
                span id="tenancy-loading" class="htmx-indicator hint" { "Loading…" }
            }
        }
    }
}

/// `GET /tenancies.csv`: the list as filtered, every row, as CSV (a rent roll).
#[handler]
pub async fn download_csv(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Response {
    let db = ctx.state.db.clone();
    let org = viewer.org.id;
    let filter = query.filter();
    export::download(
        "tenancies.csv",
        &[
            "Property",
            "Tenant",
            "Landlord",
            "Rent",
            "Start",
            "End",
            "Status",
            "Deposit",
            "Deposit scheme",
        ],
        move |at, rows| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { store::list(&db, org, &filter, &at, rows).await }
        },
        |row| {
            let t = &row.tenancy;
            vec![
                row.address.clone(),
                row.tenant_name.clone().unwrap_or_default(),
                row.landlord_name.clone(),
                t.rent_label(),
                t.start_date.to_string(),
                t.end_date.map(|d| d.to_string()).unwrap_or_default(),
                t.status.label().to_string(),
                crate::domain::money::money(t.deposit_pence),
                t.deposit_scheme.label().to_string(),
            ]
        },
    )
}

/// `GET /tenancies`: the agency's tenancies in address order.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let filter = query.filter();
    let at = query.page.at();
    let db = &ctx.state.db;
    let page = store::list(db, viewer.org.id, &filter, &at, query.page.size()).await?;
    let first = page.rows.first().map(|row| Cursor {
        sort_key: row.sort_key.clone(),
        id: row.tenancy.id,
    });
    let counts = store::list_count(db, viewer.org.id, &filter, first.as_ref()).await?;
    let results = results(&query, &page, counts);
    if ctx.wants_fragment(RESULTS_ID) {
        return Ok(results);
    }
    let content = html! {
        div class="actions" {
            h1 { "Tenancies" }
            a class="button secondary" href={ (paths::TENANCIES_CSV) "?" (query.to_query(&PageAt::First)) } download { "Download CSV" }
        }
        (filters(&query, &lookups))
        (results)
    };
    Ok(ui::page(&ctx, "Tenancies", content))
}

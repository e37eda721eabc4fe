//! The agency's tenants, each once, with the tenancy they are on now (else
//! their latest): search, counts and pages both ways.

use maud::{Markup, html};
use poem::web::Query;
use poem::{Response, handler};
use serde::Deserialize;

use crate::domain::choice::Choice;
use crate::domain::tenancies::TenancyStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::tenants::{self as store, ListFilter, ListedTenant, TenantColumn};
use crate::store::{Cursor, Order, PageAt, Paged};
use crate::web::ctx::AgentCtx;
use crate::web::ui::badges::tenancy_status as status_badge;
use crate::web::ui::export;
use crate::web::ui::form::{choice_options, select};
use crate::web::ui::list::{PageQuery, counted_pager, sort_heading};
use crate::web::{paths, ui};

/// The id of the results region htmx swaps.
const RESULTS_ID: &str = "tenant-results";
/// The status filter value that shows every status (the default).
const ANY_STATUS: &str = "any";

/// The list's filters as they appear in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListQuery {
    fn filter(&self) -> ListFilter {
        ListFilter {
            search: self.q.split_whitespace().map(str::to_string).take(8).collect(),
            status: TenancyStatus::parse(&self.status).ok(),
            order: self.order(),
        }
    }

    /// The order asked for (`?sort=email`, `?sort=-name`), else by last name.
    fn order(&self) -> Order<TenantColumn> {
        Order::parse(&self.page.sort, Order::default(), TenantColumn::parse)
    }

    /// The list's URL sorted by `sort`, from the first page.
    fn sorted_by(&self, sort: &str) -> String {
        let mut sorted = self.clone();
        sorted.page.sort = sort.to_string();
        format!("{}?{}", paths::TENANTS, sorted.to_query(&PageAt::First))
    }

    fn to_query(&self, at: &PageAt) -> String {
        self.page.link(&[("q", &self.q), ("status", &self.status)], at)
    }

    fn is_filtered(&self) -> bool {
        !(self.q.trim().is_empty() && matches!(self.status.as_str(), "" | ANY_STATUS))
    }
}

fn results(query: &ListQuery, page: &Paged<ListedTenant>, counts: (i64, i64)) -> Markup {
    let (total, before) = counts;
    html! {
        div id=(RESULTS_ID) class="results" aria-live="polite" {
            @if page.rows.is_empty() {
                div class="table-wrap" {
                    @if query.is_filtered() {
                        p class="empty" { "No tenants match these filters. " a href=(paths::TENANTS) { "Clear the filters" } }
                    } @else {
                        p class="empty" { "No tenants yet. Tenants are added with a tenancy, from a property's page." }
                    }
                }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            @let order = query.order();
                            @let current = Some((order.column.as_str(), order.descending));
                            @let heading = |label: &str, column: TenantColumn, class: Option<&str>| {
                                sort_heading(label, column.as_str(), current, class, |s| query.sorted_by(s))
                            };
                            (heading("Name", TenantColumn::Name, None))
                            (heading("Email", TenantColumn::Email, Some("hide-small")))
                            th class="hide-small" { "Phone" }
                            (heading("Tenancy", TenantColumn::Tenancy, None))
                            th { "Status" }
                        } }
                        tbody {
                            @for row in &page.rows {
                                tr {
                                    td data-label="Name" { (row.name()) }
                                    td data-label="Email" class="hide-small" { a href={ "mailto:" (row.email) } { (row.email) } }
                                    td data-label="Phone" class="hide-small nowrap" {
                                        @match &row.phone { Some(phone) => (crate::web::ui::format::phone_link(phone)), None => "—" }
                                    }
                                    td data-label="Tenancy" { a href=(paths::tenancy(row.tenancy_id)) { (row.address) } }
                                    td data-label="Status" { (status_badge(row.tenancy_status)) }
                                }
                            }
                        }
                    }
                }
            }
            (counted_pager(
                paths::TENANTS,
                before,
                page.rows.len(),
                total,
                page.previous.as_ref().map(|at| query.to_query(at)),
                page.next.as_ref().map(|next| query.to_query(&PageAt::After(next.clone()))),
            ))
        }
    }
}

fn filters(query: &ListQuery) -> Markup {
    let none = FieldErrors::new();
    let statuses = choice_options::<TenancyStatus>(Some((ANY_STATUS, "Any tenancy status")));
    html! {
        form class="filters card" method="get" action=(paths::TENANTS) role="search"
            hx-get=(paths::TENANTS) hx-target={ "#" (RESULTS_ID) } hx-swap="outerHTML" hx-push-url="true"
            hx-trigger="input changed delay:300ms from:#q, change, submit" hx-indicator="#tenant-loading" {
            @if !query.page.sort.is_empty() { input type="hidden" name="sort" value=(query.page.sort); }
            div class="field" {
                label for="q" { "Search" }
                input type="search" id="q" name="q" value=(query.q) autocomplete="off" aria-describedby="q-hint";
                span class="hint" id="q-hint" { "Name, email or phone" }
            }
            (select("status", "Tenancy", &statuses, &query.status, &none))
            (select("per_page", "Show", &PageQuery::size_options(), &query.page.size().to_string(), &none))
            div class="field" {
                button type="submit" { "Search" }
                span id="tenant-loading" class="htmx-indicator hint" { "Loading…" }
            }
        }
    }
}

/// `GET /tenants.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Response {
    let db = ctx.state.db.clone();
    let org = viewer.org.id;
    let filter = query.filter();
    export::download(
        "tenants.csv",
        &["Name", "Email", "Phone", "Tenancy", "Tenancy status"],
        move |at, rows| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { store::list(&db, org, &filter, &at, rows).await }
        },
        |row| {
            vec![
                row.name(),
                row.email.clone(),
                row.phone.clone().unwrap_or_default(),
                row.address.clone(),
                row.tenancy_status.label().to_string(),
            ]
        },
    )
}

/// `GET /tenants`: the agency's tenants by last name.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    let filter = query.filter();
    let at = query.page.at();
    let db = &ctx.state.db;
    let page = store::list(db, viewer.org.id, &filter, &at, query.page.size()).await?;
    let first = page.rows.first().map(|row| Cursor {
        sort_key: row.sort_key.clone(),
        id: row.id,
    });
    let counts = store::list_count(db, viewer.org.id, &filter, first.as_ref()).await?;
    let results = results(&query, &page, counts);
    if ctx.wants_fragment(RESULTS_ID) {
        return Ok(results);
    }
    let content = html! {
        div class="actions" {
            h1 { "Tenants" }
            a class="button secondary" href={ (paths::TENANTS_CSV) "?" (query.to_query(&PageAt::First)) } download { "Download CSV" }
        }
        (filters(&query))
        (results)
    };
    Ok(ui::page(&ctx, "Tenants", content))
}

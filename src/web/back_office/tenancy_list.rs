//! The agency's tenancies across every property: filters, search, counts
//! and pages both ways.

use maud::{Markup, html};
use poem::web::Query;
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::list_screen::{self, CsvExport, Heading, LANDLORD_FILTER, ListScreen, ListView};
use crate::clock::Clock;
use crate::domain::choice::Choice;
use crate::domain::money::money;
use crate::domain::tenancies::TenancyStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::Order;
use crate::store::tenancies::{self as store, ListFilter, ListedTenancy, TenancyColumn};
use crate::web::ctx::AgentCtx;
use crate::web::paths;
use crate::web::ui::badges::tenancy_status as status_badge;
use crate::web::ui::form::{choice_options, select};
use crate::web::ui::format;
use crate::web::ui::list::PageQuery;

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

impl ListScreen for ListQuery {
    type Row = ListedTenancy;
    type Filter = ListFilter;
    type Column = TenancyColumn;

    const PATH: &'static str = paths::TENANCIES;
    const TITLE: &'static str = "Tenancies";
    const NOUN: &'static str = "tenancies";
    const RESULTS_ID: &'static str = "tenancy-results";
    const SEARCH_HINT: &'static str = "Address, or a tenant's name or email";
    const COLUMNS: &'static [Heading<TenancyColumn>] = &[
        Heading::sorted("Property", TenancyColumn::Property),
        Heading::plain("Tenant"),
        Heading::sorted("Landlord", TenancyColumn::Landlord).hide_small(),
        Heading::sorted("Rent", TenancyColumn::Rent).nowrap(),
        Heading::sorted("Start", TenancyColumn::Start).hide_small().nowrap(),
        Heading::sorted("End", TenancyColumn::End).hide_small().nowrap(),
        Heading::plain("Status"),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::TENANCIES_CSV,
        file_name: "tenancies.csv",
        header: &[
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
    });

    list_screen::plumbing!(store::list, store::list_count, |row| row.tenancy.id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status.clone()),
            ("branch", self.branch.clone()),
            (LANDLORD_FILTER, self.landlord.clone()),
        ]
    }

    fn store_filter(&self, search: Vec<String>, order: Order<TenancyColumn>, _clock: Clock) -> ListFilter {
        ListFilter {
            search,
            status: TenancyStatus::parse(&self.status).ok(),
            branch_id: Uuid::parse_str(&self.branch).ok(),
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            order,
        }
    }

    fn cells(row: &ListedTenancy, _view: &ListView<'_>) -> Vec<Markup> {
        let t = &row.tenancy;
        vec![
            html! { a href=(paths::tenancy(t.id)) { (row.address) } },
            html! { (row.tenant_name.as_deref().unwrap_or("—")) },
            html! { a href=(paths::landlord(row.landlord_id)) { (row.landlord_name) } },
            html! { (t.rent_label()) },
            html! { (format::date(t.start_date)) },
            html! { @match t.end_date { Some(d) => (format::date(d)), None => "Periodic" } },
            status_badge(t.status),
        ]
    }

    fn empty() -> Markup {
        html! { "No tenancies yet. Tenancies are added from a property's page." }
    }

    fn fields(&self, view: &ListView<'_>) -> Markup {
        let none = FieldErrors::new();
        let statuses = choice_options::<TenancyStatus>(Some(("", "Any status")));
        html! {
            (select("status", "Status", &statuses, &self.status, &none))
            (select("branch", "Branch", &view.lookups.branch_options("Any branch"), &self.branch, &none))
        }
    }

    fn csv_cells(row: &ListedTenancy) -> Vec<String> {
        let t = &row.tenancy;
        vec![
            row.address.clone(),
            row.tenant_name.clone().unwrap_or_default(),
            row.landlord_name.clone(),
            t.rent_label(),
            t.start_date.to_string(),
            t.end_date.map(|d| d.to_string()).unwrap_or_default(),
            t.status.label().to_string(),
            money(t.deposit_pence),
            t.deposit_scheme.label().to_string(),
        ]
    }
}

/// `GET /tenancies.csv`: the list as filtered, every row, as CSV (a rent roll).
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

/// `GET /tenancies`: the agency's tenancies in address order.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
}

//! The agency's tenants, each once, with the tenancy they are on now (else
//! their latest): search, counts and pages both ways.

use maud::{Markup, html};
use poem::web::Query;
use poem::{Response, handler};
use serde::Deserialize;

use super::list_screen::{self, CsvExport, Heading, ListScreen, ListView};
use crate::clock::Clock;
use crate::domain::choice::Choice;
use crate::domain::tenancies::TenancyStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::Order;
use crate::store::tenants::{self as store, ListFilter, ListedTenant, TenantColumn};
use crate::web::ctx::AgentCtx;
use crate::web::paths;
use crate::web::ui::badges::tenancy_status as status_badge;
use crate::web::ui::form::{choice_options, select};
use crate::web::ui::format::phone_link;
use crate::web::ui::list::PageQuery;

/// The list's filters as they appear in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListScreen for ListQuery {
    type Row = ListedTenant;
    type Filter = ListFilter;
    type Column = TenantColumn;

    const PATH: &'static str = paths::TENANTS;
    const TITLE: &'static str = "Tenants";
    const NOUN: &'static str = "tenants";
    const RESULTS_ID: &'static str = "tenant-results";
    const SEARCH_HINT: &'static str = "Name, email or phone";
    const COLUMNS: &'static [Heading<TenantColumn>] = &[
        Heading::sorted("Name", TenantColumn::Name),
        Heading::sorted("Email", TenantColumn::Email).hide_small(),
        Heading::plain("Phone").hide_small().nowrap(),
        Heading::sorted("Tenancy", TenantColumn::Tenancy),
        Heading::plain("Status"),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::TENANTS_CSV,
        file_name: "tenants.csv",
        header: &["Name", "Email", "Phone", "Tenancy", "Tenancy status"],
    });

    list_screen::plumbing!(store::list, store::list_count, |row| row.id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![("status", self.status.clone())]
    }

    fn store_filter(&self, search: Vec<String>, order: Order<TenantColumn>, _clock: Clock) -> ListFilter {
        ListFilter {
            search,
            status: TenancyStatus::parse(&self.status).ok(),
            order,
        }
    }

    fn cells(row: &ListedTenant, _view: &ListView<'_>) -> Vec<Markup> {
        vec![
            html! { (row.name()) },
            html! { a href={ "mailto:" (row.email) } { (row.email) } },
            html! { @match &row.phone { Some(phone) => (phone_link(phone)), None => "—" } },
            html! { a href=(paths::tenancy(row.tenancy_id)) { (row.address) } },
            status_badge(row.tenancy_status),
        ]
    }

    fn empty() -> Markup {
        html! { "No tenants yet. Tenants are added with a tenancy, from a property's page." }
    }

    fn fields(&self, _view: &ListView<'_>) -> Markup {
        let statuses = choice_options::<TenancyStatus>(Some(("", "Any tenancy status")));
        select("status", "Tenancy", &statuses, &self.status, &FieldErrors::new())
    }

    fn csv_cells(row: &ListedTenant) -> Vec<String> {
        vec![
            row.name(),
            row.email.clone(),
            row.phone.clone().unwrap_or_default(),
            row.address.clone(),
            row.tenancy_status.label().to_string(),
        ]
    }
}

/// `GET /tenants.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

/// `GET /tenants`: the agency's tenants by last name.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
}

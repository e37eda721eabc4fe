//! Work orders in the back-office: the agency's list (status, priority,
//! overdue, landlord and branch filters, search, sorting, CSV), raising one
//! on a property, its page with its details and timeline, cancelling it
//! (with a reason, after asking) and closing finished work.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::list_screen::{self, CsvExport, Heading, LANDLORD_FILTER, ListScreen, ListView};
use super::work::find_property;
use super::{see_other, with_status};
use crate::clock::Clock;
use crate::db::Db;
use crate::domain::choice::Choice;
use crate::domain::money::money;
use crate::domain::validation::FieldErrors;
use crate::domain::work_orders::{CancelForm, Priority, RaisedBy, WorkOrderForm, WorkOrderStatus};
use crate::error::AppError;
use crate::store::properties::Property;
use crate::store::work_orders::{self as store, ListFilter, ListedWorkOrder, MoveError, WorkOrder, WorkOrderColumn};
use crate::store::{Cursor, Order, PageAt, Paged, audit, contractors};
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::paths;
use crate::web::ui::audit::history;
use crate::web::ui::badges::{priority as priority_badge, work_order_status as status_badge};
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::list::PageQuery;
use crate::web::ui::{self, format};

/// The status filter value for work still to be done (the default).
const OPEN: &str = "open";
/// The status filter value that shows every status.
const ANY_STATUS: &str = "any";

/// Fields in page order, for the error summary.
const FORM_FIELDS: &[&str] = &[
    "title",
    "description",
    "priority",
    "raised_by",
    "reporter_name",
    "access_instructions",
    "occupier_contact",
    "budget",
];

/// "Due 12 Mar 2026 09:00", with "Overdue" when open work is past it.
fn target(order: &WorkOrder, now: DateTime<Utc>) -> Markup {
    html! {
        (format::date_time(order.target_at))
        @if order.overdue(now) { " " span class="badge danger" { "Overdue" } }
    }
}

/// The list's filters as they appear in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    priority: String,
    overdue: String,
    branch: String,
    landlord: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListQuery {
    fn status(&self) -> &str {
        if self.status.is_empty() { OPEN } else { &self.status }
    }
}

/// A listed work order's cells, in the order of [`ListQuery::COLUMNS`].
fn cells(row: &ListedWorkOrder, now: DateTime<Utc>) -> Vec<Markup> {
    let w = &row.work_order;
    vec![
        html! { a href=(paths::work_order(w.id)) { (w.reference()) } },
        html! { a href=(paths::work_order(w.id)) { (w.title) } },
        html! { a href=(paths::property(w.property_id)) { (row.address) } },
        priority_badge(w.priority),
        target(w, now),
        status_badge(w.status),
        html! { (row.contractor_name.as_deref().unwrap_or("—")) },
    ]
}

impl ListScreen for ListQuery {
    type Row = ListedWorkOrder;
    type Filter = ListFilter;
    type Column = WorkOrderColumn;

    const PATH: &'static str = paths::WORK_ORDERS;
    const TITLE: &'static str = "Work orders";
    const NOUN: &'static str = "work orders";
    const RESULTS_ID: &'static str = "work-order-results";
    const SEARCH_HINT: &'static str = "Title, WO number, address or contractor";
    const COLUMNS: &'static [Heading<WorkOrderColumn>] = &[
        Heading::sorted("Ref", WorkOrderColumn::Number).nowrap(),
        Heading::sorted("Work", WorkOrderColumn::Title),
        Heading::sorted("Property", WorkOrderColumn::Property),
        Heading::sorted("Priority", WorkOrderColumn::Priority),
        Heading::sorted("Due", WorkOrderColumn::Target).nowrap(),
        Heading::plain("Status"),
        Heading::plain("Contractor").hide_small(),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::WORK_ORDERS_CSV,
        file_name: "work-orders.csv",
        header: &[
            "Ref",
            "Work",
            "Property",
            "Landlord",
            "Priority",
            "Raised",
            "Due",
            "Status",
            "Contractor",
            "Budget",
        ],
    });

    fn page(&self) -> &PageQuery {
        &self.page
    }

    fn page_mut(&mut self) -> &mut PageQuery {
        &mut self.page
    }

    fn search(&self) -> &str {
        &self.q
    }

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status().to_string()),
            ("priority", self.priority.clone()),
            ("overdue", self.overdue.clone()),
            ("branch", self.branch.clone()),
            (LANDLORD_FILTER, self.landlord.clone()),
        ]
    }

    fn store_filter(&self, search: Vec<String>, order: Order<WorkOrderColumn>, clock: Clock) -> ListFilter {
        let statuses = match self.status() {
            ANY_STATUS => None,
            OPEN => Some(WorkOrderStatus::open()),
            other => Some(WorkOrderStatus::parse(other).map(|s| vec![s]).unwrap_or_default()),
        };
        ListFilter {
            search,
            statuses,
            priority: Priority::parse(&self.priority).ok(),
            overdue_at: (!self.overdue.is_empty()).then(|| clock.now()),
            contractor_id: None,
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            branch_id: Uuid::parse_str(&self.branch).ok(),
            order,
        }
    }

    async fn fetch(
        db: &Db,
        org_id: Uuid,
        filter: &ListFilter,
        at: &PageAt,
        limit: u32,
    ) -> Result<Paged<ListedWorkOrder>, sqlx::Error> {
        store::list(db, org_id, filter, at, limit).await
    }

    async fn count(
        db: &Db,
        org_id: Uuid,
        filter: &ListFilter,
        first: Option<&Cursor>,
    ) -> Result<(i64, i64), sqlx::Error> {
        store::list_count(db, org_id, filter, first).await
    }

    fn cursor(row: &ListedWorkOrder) -> Cursor {
        Cursor {
            sort_key: row.sort_key.clone(),
            id: row.work_order.id,
        }
    }

    fn cells(row: &ListedWorkOrder, view: &ListView<'_>) -> Vec<Markup> {
        cells(row, view.now)
    }

    fn empty() -> Markup {
        html! { "No open work orders. Work orders are raised from a property's page." }
    }

    fn fields(&self, view: &ListView<'_>) -> Markup {
        let none = FieldErrors::new();
        let statuses: Vec<(String, String)> = [(OPEN.to_string(), "Open".to_string())]
            .into_iter()
            .chain(choice_options::<WorkOrderStatus>(None))
            .chain([(ANY_STATUS.to_string(), "Any status".to_string())])
            .collect();
        let priorities: Vec<(String, String)> = [(String::new(), "Any priority".to_string())]
            .into_iter()
            .chain(
                Priority::ALL
                    .iter()
                    .map(|p| (p.as_str().to_string(), p.short_label().to_string())),
            )
            .collect();
        html! {
            (select("status", "Status", &statuses, self.status(), &none))
            (select("priority", "Priority", &priorities, &self.priority, &none))
            (select("branch", "Branch", &view.lookups.branch_options("Any branch"), &self.branch, &none))
            div class="field checkbox" {
                input type="checkbox" id="overdue" name="overdue" value="1" checked[!self.overdue.is_empty()];
                label for="overdue" { "Overdue only" }
            }
        }
    }

    fn csv_cells(row: &ListedWorkOrder) -> Vec<String> {
        let w = &row.work_order;
        vec![
            w.reference(),
            w.title.clone(),
            row.address.clone(),
            row.landlord_name.clone(),
            w.priority.short_label().to_string(),
            format::date_time(w.raised_at),
            format::date_time(w.target_at),
            w.status.label().to_string(),
            row.contractor_name.clone().unwrap_or_default(),
            w.budget_pence.map(money).unwrap_or_default(),
        ]
    }
}

/// `GET /work-orders`: the agency's open work, soonest due first.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
}

/// `GET /work-orders.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

/// A property's work orders (on the property page).
pub fn property_section(property: &Property, orders: &[WorkOrder], now: DateTime<Utc>) -> Markup {
    let open = orders.iter().filter(|w| w.status.is_open()).count();
    html! {
        section class="card" id="work-orders" {
            div class="actions" {
                h2 { "Work orders (" (open) " open)" }
                a class="button secondary" href=(paths::property_work_order_new(property.id)) { "Raise a work order" }
            }
            @if orders.is_empty() { p class="empty" { "No work orders." } } @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th { "Work" } th { "Priority" } th { "Due" } th { "Status" } } }
                        tbody {
                            @for w in orders {
                                tr {
                                    td data-label="Work" { a href=(paths::work_order(w.id)) { (w.reference()) " · " (w.title) } }
                                    td data-label="Priority" { (priority_badge(w.priority)) }
                                    td data-label="Due" class="nowrap" { (target(w, now)) }
                                    td data-label="Status" { (status_badge(w.status)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The raise form.
fn form_page(ctx: &Ctx, property: &Property, form: &WorkOrderForm, errors: &FieldErrors) -> Markup {
    let content = html! {
        p { a href=(paths::property(property.id)) { "← " (property.address_line1) } }
        h1 { "Raise a work order at " (property.address_line1) }
        (error_summary(errors, FORM_FIELDS))
        form class="stack card narrow" method="post" action=(paths::property_work_order_new(property.id)) novalidate {
            (csrf_input(&ctx.csrf))
            (Input::text("title", "What needs doing", &form.title).hint("For example: Boiler not firing, no hot water").required().render(errors))
            (textarea("description", "Details (optional)", &form.description, Some("What was seen, since when, anything tried"), errors))
            (select("priority", "Priority", &choice_options::<Priority>(None), &form.priority, errors))
            (select("raised_by", "Reported by", &choice_options::<RaisedBy>(None), &form.raised_by, errors))
            (Input::text("reporter_name", "Their name (when not an agent)", &form.reporter_name).render(errors))
            (textarea("access_instructions", "Access (optional)", &form.access_instructions,
                Some("Keys, alarm, parking; shown to the contractor only once instructed"), errors))
            (Input::text("occupier_contact", "Occupier contact (optional)", &form.occupier_contact)
                .hint("Name and phone; shown to the contractor only once instructed").render(errors))
            (Input::text("budget", "Not to exceed, £ (optional)", &form.budget).hint("Contractors must ask before going over it")
                .inputmode("decimal").render(errors))
            div class="actions" {
                button type="submit" { "Raise work order" }
                a href=(paths::property(property.id)) { "Cancel" }
            }
        }
    };
    ui::page(ctx, "Raise a work order", content)
}

/// `GET /properties/{id}/work-orders/new`.
#[handler]
pub async fn new_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    let form = WorkOrderForm {
        priority: Priority::default().as_str().into(),
        raised_by: RaisedBy::default().as_str().into(),
        ..WorkOrderForm::default()
    };
    Ok(form_page(&ctx, &property, &form, &FieldErrors::new()))
}

/// `POST /properties/{id}/work-orders/new`.
#[handler]
pub async fn create(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<WorkOrderForm>,
) -> Result<Response, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                form_page(&ctx, &property, &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let (work_order_id, number) = store::create(
        &mut tx,
        viewer.org.id,
        property.id,
        &property.address_line1,
        &fields,
        &viewer.user.actor(),
    )
    .await?;
    tx.commit().await?;
    ctx.set_flash("success", format!("{} has been raised.", store::reference(number)))
        .await?;
    Ok(see_other(&paths::work_order(work_order_id)))
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<WorkOrder, AppError> {
    store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /work-orders/{id}`: the work, where and for whom, its state, and
/// everything that happened to it.
#[handler]
pub async fn show(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    let property = find_property(&ctx, &viewer, w.property_id).await?;
    let contractor = match w.contractor_id {
        Some(cid) => contractors::get(&ctx.state.db, viewer.org.id, cid).await?,
        None => None,
    };
    let entries = audit::for_entity(&ctx.state.db, viewer.org.id, store::ENTITY, id, 100).await?;
    let names = audit::names_mentioned(&ctx.state.db, viewer.org.id, &entries).await?;
    let now = ctx.state.settings.clock.now();
    let title = format!("{} · {}", w.reference(), w.title);
    let content = html! {
        p { a href=(paths::WORK_ORDERS) { "← All work orders" } }
        div class="actions" {
            h1 { (title) }
            (priority_badge(w.priority))
            (status_badge(w.status))
        }
        @if w.status.can_move_to(WorkOrderStatus::Cancelled) || w.status.can_move_to(WorkOrderStatus::Closed) {
            div class="actions card" {
                @if w.status.can_move_to(WorkOrderStatus::Closed) {
                    form class="inline-form" method="post" action=(paths::work_order_close(id)) {
                        (csrf_input(&ctx.csrf))
                        button type="submit" { "Close work order" }
                    }
                }
                @if w.status.can_move_to(WorkOrderStatus::Cancelled) {
                    a class="button secondary" href=(paths::work_order_cancel(id)) { "Cancel work order…" }
                }
            }
        }
        div class="grid-2" {
            section class="card" {
                h2 { "The work" }
                dl class="details" {
                    dt { "Property" } dd { a href=(paths::property(property.id)) { (property.address()) } }
                    dt { "Landlord" } dd { a href=(paths::landlord(property.landlord_id)) { (property.landlord_name) } }
                    dt { "Priority" } dd { (w.priority.label()) }
                    dt { "Raised" } dd { (format::date_time(w.raised_at)) " by " (w.raised_by_name) }
                    @if let Some(name) = &w.reporter_name {
                        dt { "Reported by" } dd { (w.raised_by.label()) ": " (name) }
                    }
                    dt { "Due" } dd { (target(&w, now)) }
                    dt { "Not to exceed" } dd { @match w.budget_pence { Some(p) => (money(p)), None => "No limit set" } }
                    @if let Some(reason) = &w.cancel_reason {
                        dt { "Why cancelled" } dd { (reason) }
                    }
                }
                @match &w.description { Some(d) => p class="notes" { (d) }, None => p class="hint" { "No details given." } }
            }
            section class="card" {
                h2 { "Access and contractor" }
                dl class="details" {
                    dt { "Access" } dd class="notes" { (w.access_instructions.as_deref().unwrap_or("—")) }
                    dt { "Occupier" } dd { (w.occupier_contact.as_deref().unwrap_or("—")) }
                    dt { "Contractor" } dd {
                        @match &contractor {
                            Some(c) => a href=(paths::contractor(c.id)) { (c.company_name) },
                            None => "None instructed yet",
                        }
                    }
                }
            }
        }
        section {
            h2 { "Timeline" }
            (history(&entries, &names))
        }
    };
    Ok(ui::page(&ctx, &title, content))
}

/// The cancel question, with the reason box (and its error, the reason kept).
fn cancel_page(ctx: &Ctx, w: &WorkOrder, form: &CancelForm, errors: &FieldErrors) -> Markup {
    let content = html! {
        div class="card narrow" {
            h1 { "Cancel " (w.reference()) "?" }
            p { "“" (w.title) "” will be called off. It stays on record with the reason you give; it cannot be reopened." }
            (error_summary(errors, &["reason"]))
            form class="stack" method="post" action=(paths::work_order_cancel(w.id)) novalidate {
                (csrf_input(&ctx.csrf))
                input type="hidden" name="confirm" value="yes";
                (textarea("reason", "Why is it cancelled?", &form.reason, Some("For example: the tenant fixed it, or a duplicate of WO-12"), errors))
                div class="actions" {
                    button type="submit" class="danger" { "Cancel work order" }
                    a href=(paths::work_order(w.id)) { "Keep it" }
                }
            }
        }
    };
    ui::page(ctx, "Cancel work order", content)
}

/// `GET /work-orders/{id}/cancel`: asks first, and for the reason.
#[handler]
pub async fn confirm_cancel(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    if !w.status.can_move_to(WorkOrderStatus::Cancelled) {
        return Ok(see_other(&paths::work_order(id)));
    }
    Ok(with_status(
        cancel_page(&ctx, &w, &CancelForm::default(), &FieldErrors::new()),
        StatusCode::OK,
    ))
}

/// Moves a work order, saying what happened (or why it could not).
async fn moved(
    ctx: &Ctx,
    viewer: &Viewer,
    w: &WorkOrder,
    to: WorkOrderStatus,
    note: Option<&str>,
) -> Result<Response, AppError> {
    let mut tx = ctx.state.db.begin().await?;
    match store::move_to(&mut tx, w, to, note, &viewer.user.actor()).await {
        Ok(()) => {
            tx.commit().await?;
            ctx.set_flash(
                "success",
                format!("{} is now {}.", w.reference(), to.label().to_lowercase()),
            )
            .await?;
        }
        Err(MoveError::NotAllowed { from, .. }) => {
            ctx.set_flash(
                "error",
                format!(
                    "{} is {} and cannot become {}.",
                    w.reference(),
                    from.to_lowercase(),
                    to.label().to_lowercase()
                ),
            )
            .await?;
        }
        Err(MoveError::Database(err)) => return Err(err.into()),
    }
    Ok(see_other(&paths::work_order(w.id)))
}

/// `POST /work-orders/{id}/cancel`: cancels with the reason given.
#[handler]
pub async fn cancel(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<CancelForm>,
) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    let reason = match form.reason() {
        Ok(reason) => reason,
        Err(errors) => {
            return Ok(with_status(
                cancel_page(&ctx, &w, &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    moved(&ctx, &viewer, &w, WorkOrderStatus::Cancelled, Some(&reason)).await
}

/// `POST /work-orders/{id}/close`: finished work is closed.
#[handler]
pub async fn close(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    moved(&ctx, &viewer, &w, WorkOrderStatus::Closed, None).await
}

//! Work orders in the back-office: the agency's list (status, priority,
//! overdue, landlord and branch filters, search, sorting, CSV), raising one
//! on a property, its page with its details and timeline, cancelling it
//! (with a reason, after asking) and closing finished work.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use object_store::ObjectStoreExt;
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::list_screen::{self, CsvExport, Heading, LANDLORD_FILTER, ListScreen, ListView};
use super::work::find_property;
use super::{see_other, with_status};
use crate::clock::Clock;
use crate::domain::choice::Choice;
use crate::domain::money::money;
use crate::domain::validation::FieldErrors;
use crate::domain::work_orders::{CancelForm, Priority, RaisedBy, WorkOrderForm, WorkOrderStatus};
use crate::error::AppError;
use crate::store::properties::Property;
use crate::store::work_orders::{self as store, ListFilter, ListedWorkOrder, MoveError, WorkOrder, WorkOrderColumn};
use crate::store::{Order, audit, contractors};
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
const ANY_STATUS: &str = paths::WORK_ORDERS_ANY_STATUS;

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
    contractor: String,
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
    const FILTERS_BY_CONTRACTOR: bool = true;
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

    list_screen::plumbing!(store::list, store::list_count, |row| row.work_order.id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status().to_string()),
            ("priority", self.priority.clone()),
            ("overdue", self.overdue.clone()),
            ("branch", self.branch.clone()),
            ("contractor", self.contractor.clone()),
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
            contractor_id: Uuid::parse_str(&self.contractor).ok(),
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            branch_id: Uuid::parse_str(&self.branch).ok(),
            order,
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
        let contractors: Vec<(String, String)> = [(String::new(), "Any contractor".to_string())]
            .into_iter()
            .chain(view.contractors.iter().map(|(id, name)| (id.to_string(), name.clone())))
            .collect();
        html! {
            (select("status", "Status", &statuses, self.status(), &none))
            (select("priority", "Priority", &priorities, &self.priority, &none))
            (select("branch", "Branch", &view.lookups.branch_options("Any branch"), &self.branch, &none))
            (select("contractor", "Contractor", &contractors, &self.contractor, &none))
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

/// The raise form, or the edit form of `existing`.
fn form_page(
    ctx: &Ctx,
    property: &Property,
    existing: Option<&WorkOrder>,
    form: &WorkOrderForm,
    errors: &FieldErrors,
) -> Markup {
    let (title, action, button, back) = match existing {
        None => (
            format!("Raise a work order at {}", property.address_line1),
            paths::property_work_order_new(property.id),
            "Raise work order",
            paths::property(property.id),
        ),
        Some(w) => (
            format!("Edit {}", w.reference()),
            paths::work_order_edit(w.id),
            "Save changes",
            paths::work_order(w.id),
        ),
    };
    let content = html! {
        p { a href=(back) { "← Back" } }
        h1 { (title) }
        (error_summary(errors, FORM_FIELDS))
        form class="stack card narrow" method="post" action=(action) novalidate {
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
                button type="submit" { (button) }
                a href=(back) { "Cancel" }
            }
        }
    };
    ui::page(ctx, &title, content)
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
    Ok(form_page(&ctx, &property, None, &form, &FieldErrors::new()))
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
                form_page(&ctx, &property, None, &form, &errors),
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

/// A work order of this agency, else the plain 404.
pub async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<WorkOrder, AppError> {
    store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /work-orders/{id}`: the work, where and for whom, its state, and
/// everything that happened to it.
#[handler]
pub async fn show(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    work_order_page(&ctx, &viewer, &w, &FieldErrors::new(), None).await
}

/// The work order's page; `photo_errors` from a refused photo upload, `reply`
/// a refused reply to a contractor (shown again as typed).
pub(super) async fn work_order_page(
    ctx: &Ctx,
    viewer: &Viewer,
    w: &WorkOrder,
    photo_errors: &FieldErrors,
    reply: Option<&super::contractor_access::Reply>,
) -> Result<Markup, AppError> {
    let id = w.id;
    let property = find_property(ctx, viewer, w.property_id).await?;
    let contractor = match w.contractor_id {
        Some(cid) => contractors::get(&ctx.state.db, viewer.org.id, cid).await?,
        None => None,
    };
    let entries = audit::for_entity(&ctx.state.db, viewer.org.id, store::ENTITY, id, 100).await?;
    let names = audit::names_mentioned(&ctx.state.db, viewer.org.id, &entries).await?;
    let photos = store::photos(&ctx.state.db, viewer.org.id, id).await?;
    let (quotes, quote_lines) = crate::store::quotes::for_work_order(&ctx.state.db, viewer.org.id, id).await?;
    let links = crate::store::contractor_links::for_work_order(&ctx.state.db, viewer.org.id, id).await?;
    let comments = crate::store::contractor_links::comments(&ctx.state.db, viewer.org.id, id, None).await?;
    let received =
        crate::store::contractor_certificates::for_work_order(&ctx.state.db, viewer.org.id, id, None).await?;
    let now = ctx.state.settings.clock.now();
    let title = format!("{} · {}", w.reference(), w.title);
    let content = html! {
        p { a href=(paths::WORK_ORDERS) { "← All work orders" } }
        div class="actions" {
            h1 { (title) }
            (priority_badge(w.priority))
            (status_badge(w.status))
        }
        @if !w.status.next().is_empty() {
            div class="actions card" {
                a class="button secondary" href=(paths::work_order_edit(id)) { "Edit details" }
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
                    dt { "Due" } dd { (target(w, now)) }
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
                    dt { "Appointment" } dd {
                        @match w.appointment() {
                            Some((on, window)) => { (format::date(on)) ", " (window.label()) }
                            None => "None yet",
                        }
                    }
                }
            }
        }
        (super::contractor_access::completion_section(ctx, w, &received))
        (super::contractor_access::section(ctx, w, &links, &comments, &quotes, reply))
        (super::quotes::section(ctx, w, &quotes, &quote_lines))
        (photos_section(ctx, w, &photos, photo_errors))
        section {
            h2 { "Timeline" }
            (history(&entries, &names))
        }
    };
    Ok(ui::page(ctx, &title, content))
}

/// `GET /work-orders/{id}/edit`: the details as recorded (closed and
/// cancelled work orders are final).
#[handler]
pub async fn edit_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    if w.status.next().is_empty() {
        return Ok(see_other(&paths::work_order(id)));
    }
    let property = find_property(&ctx, &viewer, w.property_id).await?;
    Ok(with_status(
        form_page(&ctx, &property, Some(&w), &w.to_form(), &FieldErrors::new()),
        StatusCode::OK,
    ))
}

/// `POST /work-orders/{id}/edit`: a new priority moves the target (from when
/// the work was raised).
#[handler]
pub async fn update(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<WorkOrderForm>,
) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    let property = find_property(&ctx, &viewer, w.property_id).await?;
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                form_page(&ctx, &property, Some(&w), &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let outcome = store::update_details(&mut tx, &w, &fields, &viewer.user.actor()).await?;
    tx.commit().await?;
    let message = match outcome {
        store::Edited::Saved => "Changes saved.".to_string(),
        store::Edited::Unchanged => "Nothing was changed.".to_string(),
        store::Edited::Final => format!(
            "{} is {} and can no longer be edited.",
            w.reference(),
            w.status.label().to_lowercase()
        ),
    };
    ctx.set_flash(
        if outcome == store::Edited::Final {
            "error"
        } else {
            "success"
        },
        message,
    )
    .await?;
    Ok(see_other(&paths::work_order(id)))
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
    // Called off: the contractors still involved are told not to quote or attend.
    let involved = if to == WorkOrderStatus::Cancelled {
        let links = crate::store::contractor_links::for_work_order(&ctx.state.db, viewer.org.id, w.id).await?;
        let property = find_property(ctx, viewer, w.property_id).await?;
        let involved: Vec<_> = links
            .into_iter()
            .filter(|l| l.link_status != crate::domain::contractor_port::LinkStatus::Revoked && l.declined_at.is_none())
            .collect();
        Some((involved, property))
    } else {
        None
    };
    let mut tx = ctx.state.db.begin().await?;
    match store::move_to(&mut tx, w, to, note, &viewer.user.actor()).await {
        Ok(()) => {
            if let Some((links, property)) = &involved {
                crate::web::contractor_mail::JobMail::new(&ctx.state, &viewer.org, w, property)
                    .stand_down(&mut tx, links, crate::mail::templates::StandDown::Cancelled)
                    .await?;
            }
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

/// The most photos one upload may add.
const PHOTOS_PER_UPLOAD: usize = 10;

/// The size a thumbnail of a `width` × `height` photo is shown at (its
/// stored size, so the page does not move as it loads).
fn thumb_size(width: i32, height: i32) -> (i32, i32) {
    let side = i32::try_from(crate::photos::THUMB_SIDE).unwrap_or(320);
    let longest = width.max(height).max(1);
    if longest <= side {
        (width, height)
    } else {
        (
            (width * side + longest / 2) / longest,
            (height * side + longest / 2) / longest,
        )
    }
}

/// The photos of a work order (thumbnails first, each a link to the full
/// photo) and the upload form.
fn photos_section(ctx: &Ctx, w: &WorkOrder, photos: &[store::Photo], errors: &FieldErrors) -> Markup {
    let error = errors.get("photos");
    html! {
        section class="card" id="photos" {
            h2 { "Photos (" (photos.len()) ")" }
            @if photos.is_empty() { p class="empty" { "No photos yet." } } @else {
                ul class="photos" {
                    @for (n, p) in photos.iter().enumerate() {
                        @let (tw, th) = thumb_size(p.width, p.height);
                        li {
                            a href=(paths::work_order_photo(w.id, p.id, false)) {
                                img src=(paths::work_order_photo(w.id, p.id, true)) width=(tw) height=(th) loading="lazy"
                                    alt={ "Photo " (n + 1) " of " (w.reference()) ", added by " (p.added_by_name) };
                            }
                        }
                    }
                }
            }
            form class="stack" method="post" enctype="multipart/form-data" novalidate
                action={ (paths::work_order_photos(w.id)) "?csrf_token=" (ctx.csrf) } {
                div class={ "field" @if error.is_some() { " has-error" } } {
                    label for="photos-input" { "Add photos" }
                    span class="hint" id="photos-hint" { "JPEG, PNG or WebP, up to 10 at a time. Locations stored in a phone's photos are removed." }
                    @if let Some(error) = error { span class="field-error" id="photos-error" { "Error: " (error) } }
                    input type="file" id="photos-input" name="photos" multiple accept="image/jpeg,image/png,image/webp"
                        aria-describedby={ "photos-hint" @if error.is_some() { " photos-error" } };
                }
                div { button type="submit" class="secondary" { "Upload photos" } }
            }
        }
    }
}

/// Reads one file field into memory, refusing it past the photo limit.
async fn read_photo(field: poem::web::Field) -> Result<Result<Vec<u8>, String>, AppError> {
    use tokio::io::AsyncReadExt;
    let limit = crate::photos::MAX_BYTES;
    let mut reader = field.into_async_read().take(limit as u64 + 1);
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .await
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    if bytes.len() > limit {
        return Ok(Err(format!(
            "A photo is larger than {} MB. Choose a smaller one.",
            limit / (1024 * 1024)
        )));
    }
    Ok(Ok(bytes))
}

/// Removes stored photo files (a refused or failed upload leaves none).
async fn remove_photo_files(ctx: &Ctx, org_id: Uuid, ids: &[Uuid]) {
    for id in ids {
        for thumb in [false, true] {
            if let Err(err) = ctx.state.files.delete(&store::photo_path(org_id, *id, thumb)).await
                && !matches!(err, object_store::Error::NotFound { .. })
            {
                tracing::warn!(error = %err, "could not remove a photo of a failed upload");
            }
        }
    }
}

/// `POST /work-orders/{id}/photos` (multipart): each photo checked by its
/// content, turned upright, resized, re-encoded without its EXIF (see
/// [`crate::photos`]); one refused photo refuses the upload, and nothing of
/// it is kept.
#[handler]
pub async fn upload_photos(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    multipart: poem::Result<poem::web::Multipart>,
) -> Result<Response, AppError> {
    // The work order first: another agency's id is the plain 404 whatever the body.
    let w = find(&ctx, &viewer, id).await?;
    let mut multipart = multipart.map_err(|err| AppError::BadRequest(err.to_string()))?;
    let mut processed = Vec::new();
    let mut refusal: Option<String> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|err| AppError::BadRequest(err.to_string()))?
    {
        if field.name() != Some("photos") || refusal.is_some() {
            continue;
        }
        let name = field.file_name().unwrap_or("a photo").to_string();
        if processed.len() == PHOTOS_PER_UPLOAD {
            refusal = Some(format!("Add up to {PHOTOS_PER_UPLOAD} photos at a time."));
            continue;
        }
        let bytes = match read_photo(field).await? {
            Ok(bytes) if bytes.is_empty() && name.is_empty() => continue,
            Ok(bytes) => bytes,
            Err(message) => {
                refusal = Some(message);
                continue;
            }
        };
        let done = tokio::task::spawn_blocking(move || crate::photos::process(&bytes))
            .await
            .map_err(AppError::internal)?;
        match done {
            Ok(photo) => processed.push(photo),
            Err(message) => refusal = Some(format!("{}: {message}", crate::domain::documents::download_name(&name))),
        }
    }
    if refusal.is_none() && processed.is_empty() {
        refusal = Some("Choose one or more photos to upload.".into());
    }
    if let Some(message) = refusal {
        let mut errors = FieldErrors::new();
        errors.add("photos", message);
        let page = work_order_page(&ctx, &viewer, &w, &errors, None).await?;
        return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let org_id = viewer.org.id;
    let mut stored: Vec<(Uuid, u32, u32, usize)> = Vec::new();
    for photo in processed {
        let photo_id = crate::store::new_id();
        stored.push((photo_id, photo.width, photo.height, photo.full.len()));
        let saved = async {
            ctx.state
                .files
                .put(&store::photo_path(org_id, photo_id, false), photo.full.into())
                .await?;
            ctx.state
                .files
                .put(&store::photo_path(org_id, photo_id, true), photo.thumb.into())
                .await
        }
        .await;
        if let Err(err) = saved {
            let ids: Vec<Uuid> = stored.iter().map(|s| s.0).collect();
            remove_photo_files(&ctx, org_id, &ids).await;
            return Err(AppError::file_store(err));
        }
    }
    let ids: Vec<Uuid> = stored.iter().map(|s| s.0).collect();
    let recorded = async {
        let mut tx = ctx.state.db.begin().await?;
        store::add_photos(&mut tx, &w, &stored, &viewer.user.actor()).await?;
        tx.commit().await
    }
    .await;
    if let Err(err) = recorded {
        remove_photo_files(&ctx, org_id, &ids).await;
        return Err(err.into());
    }
    let count = stored.len();
    ctx.set_flash(
        "success",
        format!("{count} photo{} added.", if count == 1 { "" } else { "s" }),
    )
    .await?;
    Ok(see_other(&format!("{}#photos", paths::work_order(id))))
}

/// Sends a stored photo (or its thumbnail) of a work order of this agency.
async fn send_photo(ctx: &Ctx, viewer: &Viewer, id: Uuid, photo_id: Uuid, thumb: bool) -> Result<Response, AppError> {
    crate::web::photo_files::send(&ctx.state, viewer.org.id, id, photo_id, thumb).await
}

/// `GET /work-orders/{id}/photos/{photo}`.
#[handler]
pub async fn photo_full(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, photo_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    send_photo(&ctx, &viewer, id, photo_id, false).await
}

/// `GET /work-orders/{id}/photos/{photo}/thumb`.
#[handler]
pub async fn photo_thumb(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, photo_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    send_photo(&ctx, &viewer, id, photo_id, true).await
}

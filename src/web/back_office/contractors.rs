//! Contractors in the back-office: the list (search, trade and status
//! filters, sorting, CSV), add and edit with validation next to each field,
//! the record with its insurance state and history, archive and restore.

use chrono::NaiveDate;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::landlords::row;
use super::list_screen::{self, CsvExport, Heading, ListScreen, ListView};
use super::{see_other, with_status};
use crate::clock::Clock;
use crate::domain::choice::Choice;
use crate::domain::contractors::{ContractorForm, ContractorStatus, Insurance, Trade};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::contractors::{self as store, Contractor, ContractorColumn, ListFilter};
use crate::store::{Order, audit};
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::paths;
use crate::web::ui::audit::history;
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::list::PageQuery;
use crate::web::ui::{self, format};

/// The status filter value that shows every status.
const ALL_STATUSES: &str = "all";

/// Fields in page order, for the error summary.
const FORM_FIELDS: &[&str] = &[
    "company_name",
    "contact_name",
    "email",
    "phone",
    "trades",
    "gas_safe_number",
    "electrical_registration",
    "insurance_expires_on",
    "notes",
];

/// The badge of a contractor's insurance today.
pub fn insurance_badge(expires_on: Option<NaiveDate>, today: NaiveDate) -> Markup {
    let state = Insurance::of(expires_on, today);
    let class = match state {
        Insurance::Valid => "badge ok",
        Insurance::ExpiringSoon => "badge warn",
        Insurance::Expired | Insurance::Unknown => "badge danger",
    };
    html! { span class=(class) { (state.label()) } }
}

/// The list's filters as they appear in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    trade: String,
    status: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListScreen for ListQuery {
    type Row = Contractor;
    type Filter = ListFilter;
    type Column = ContractorColumn;

    const PATH: &'static str = paths::CONTRACTORS;
    const TITLE: &'static str = "Contractors";
    const NOUN: &'static str = "contractors";
    const RESULTS_ID: &'static str = "contractor-results";
    const SEARCH_HINT: &'static str = "Company, contact, email, phone or registration";
    const COLUMNS: &'static [Heading<ContractorColumn>] = &[
        Heading::sorted("Company", ContractorColumn::Company),
        Heading::plain("Trades"),
        Heading::sorted("Email", ContractorColumn::Email).hide_small(),
        Heading::plain("Phone").hide_small().nowrap(),
        Heading::sorted("Insurance", ContractorColumn::Insurance),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::CONTRACTORS_CSV,
        file_name: "contractors.csv",
        header: &[
            "Company",
            "Contact",
            "Email",
            "Phone",
            "Trades",
            "Gas Safe number",
            "NICEIC or NAPIT number",
            "Insurance expires",
            "Status",
        ],
    });

    list_screen::plumbing!(store::list, store::list_count, |row| row.id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![("trade", self.trade.clone()), ("status", self.status.clone())]
    }

    fn store_filter(&self, search: Vec<String>, order: Order<ContractorColumn>, _clock: Clock) -> ListFilter {
        ListFilter {
            search,
            trade: Trade::parse(&self.trade).ok(),
            status: match self.status.as_str() {
                ALL_STATUSES => None,
                other => Some(ContractorStatus::parse_or(other, ContractorStatus::Active).unwrap_or_default()),
            },
            order,
        }
    }

    fn cells(c: &Contractor, view: &ListView<'_>) -> Vec<Markup> {
        vec![
            html! {
                a href=(paths::contractor(c.id)) { (c.company_name) }
                @if c.status == ContractorStatus::Archived { " " span class="badge muted" { "Archived" } }
            },
            html! { (c.trades_label()) },
            html! { a href={ "mailto:" (c.email) } { (c.email) } },
            html! { @match &c.phone { Some(phone) => (format::phone_link(phone)), None => "—" } },
            insurance_badge(c.insurance_expires_on, view.today),
        ]
    }

    fn empty() -> Markup {
        html! { "No contractors yet. " a href=(paths::CONTRACTOR_NEW) { "Add the first one" } }
    }

    fn fields(&self, _view: &ListView<'_>) -> Markup {
        let none = FieldErrors::new();
        let trades = choice_options::<Trade>(Some(("", "Any trade")));
        let statuses = [
            (String::new(), "Active".to_string()),
            (
                ContractorStatus::Archived.as_str().to_string(),
                ContractorStatus::Archived.label().to_string(),
            ),
            (ALL_STATUSES.to_string(), "All, including archived".to_string()),
        ];
        html! {
            (select("trade", "Trade", &trades, &self.trade, &none))
            (select("status", "Status", &statuses, &self.status, &none))
        }
    }

    fn actions() -> Markup {
        html! { a class="button" href=(paths::CONTRACTOR_NEW) { "Add a contractor" } }
    }

    fn csv_cells(c: &Contractor) -> Vec<String> {
        vec![
            c.company_name.clone(),
            c.contact_name.clone().unwrap_or_default(),
            c.email.clone(),
            c.phone.clone().unwrap_or_default(),
            c.trades_label(),
            c.gas_safe_number.clone().unwrap_or_default(),
            c.electrical_registration.clone().unwrap_or_default(),
            c.insurance_expires_on.map(|d| d.to_string()).unwrap_or_default(),
            c.status.label().to_string(),
        ]
    }
}

/// `GET /contractors`.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
}

/// `GET /contractors.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

/// The trades as a group of checkboxes, with the group's error.
fn trades_field(chosen: &[String], errors: &FieldErrors) -> Markup {
    let error = errors.get("trades");
    html! {
        fieldset class={ "field trades" @if error.is_some() { " has-error" } } aria-describedby=[error.map(|_| "trades-error")] {
            legend { "Trades" }
            @if let Some(error) = error { span class="field-error" id="trades-error" { "Error: " (error) } }
            div class="checkboxes" {
                @for trade in Trade::ALL {
                    @let id = format!("trade-{}", trade.as_str());
                    div class="field checkbox" {
                        input type="checkbox" id=(id) name="trades" value=(trade.as_str())
                            checked[chosen.iter().any(|c| c == trade.as_str())];
                        label for=(id) { (trade.label()) }
                    }
                }
            }
        }
    }
}

/// The add or edit form (`existing` when editing).
fn form_page(ctx: &Ctx, existing: Option<&Contractor>, form: &ContractorForm, errors: &FieldErrors) -> Markup {
    let (title, action, button, cancel) = match existing {
        None => (
            "Add a contractor".to_string(),
            paths::CONTRACTORS.to_string(),
            "Add contractor",
            paths::CONTRACTORS.to_string(),
        ),
        Some(c) => (
            format!("Edit {}", c.company_name),
            paths::contractor_edit(c.id),
            "Save changes",
            paths::contractor(c.id),
        ),
    };
    let content = html! {
        h1 { (title) }
        (error_summary(errors, FORM_FIELDS))
        form class="stack" method="post" action=(action) novalidate {
            (csrf_input(&ctx.csrf))
            fieldset {
                legend { "Company" }
                (Input::text("company_name", "Company name", &form.company_name).required().render(errors))
                (Input::text("contact_name", "Contact name (optional)", &form.contact_name).render(errors))
                (Input::text("email", "Email address", &form.email).kind("email").autocomplete("off")
                    .hint("Quote requests and job links are sent here").required().render(errors))
                (Input::text("phone", "Phone (optional)", &form.phone).kind("tel").render(errors))
            }
            fieldset {
                legend { "Trades and registrations" }
                (trades_field(&form.trades, errors))
                (Input::text("gas_safe_number", "Gas Safe registration number", &form.gas_safe_number)
                    .hint("Required for gas work: 6 or 7 digits").autocomplete("off").render(errors))
                (Input::text("electrical_registration", "NICEIC or NAPIT number", &form.electrical_registration)
                    .hint("Required for electrical work").autocomplete("off").render(errors))
                (Input::text("insurance_expires_on", "Public liability insurance expires (optional)", &form.insurance_expires_on)
                    .kind("date").render(errors))
            }
            (textarea("notes", "Notes (internal, up to 5,000 characters)", &form.notes, Some("Only agents see these"), errors))
            div class="actions" {
                button type="submit" { (button) }
                a href=(cancel) { "Cancel" }
            }
        }
    };
    ui::page(ctx, &title, content)
}

/// The form of a stored contractor.
fn to_form(c: &Contractor) -> ContractorForm {
    ContractorForm {
        company_name: c.company_name.clone(),
        contact_name: c.contact_name.clone().unwrap_or_default(),
        email: c.email.clone(),
        phone: c.phone.clone().unwrap_or_default(),
        trades: c.trades().iter().map(|t| t.as_str().to_string()).collect(),
        gas_safe_number: c.gas_safe_number.clone().unwrap_or_default(),
        electrical_registration: c.electrical_registration.clone().unwrap_or_default(),
        insurance_expires_on: c.insurance_expires_on.map(|d| d.to_string()).unwrap_or_default(),
        notes: c.notes.clone().unwrap_or_default(),
    }
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<Contractor, AppError> {
    store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /contractors/new`.
#[handler]
pub async fn new_form(AgentCtx { ctx, .. }: AgentCtx) -> Markup {
    form_page(&ctx, None, &ContractorForm::default(), &FieldErrors::new())
}

/// `POST /contractors`.
#[handler]
pub async fn create(
    AgentCtx { ctx, viewer }: AgentCtx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = ContractorForm::from_pairs(&pairs);
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                form_page(&ctx, None, &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let id = store::create(&mut tx, viewer.org.id, &fields, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash("success", format!("{} has been added.", fields.company_name))
        .await?;
    Ok(see_other(&paths::contractor(id)))
}

/// `GET /contractors/{id}`: the record, its insurance and its history.
#[handler]
pub async fn show(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let c = find(&ctx, &viewer, id).await?;
    let today = ctx.state.settings.clock.today();
    let entries = audit::for_entity(&ctx.state.db, viewer.org.id, store::ENTITY, id, 50).await?;
    let names = audit::names_mentioned(&ctx.state.db, viewer.org.id, &entries).await?;
    let insurance = Insurance::of(c.insurance_expires_on, today);
    let content = html! {
        p { a href=(paths::CONTRACTORS) { "← All contractors" } }
        div class="actions" {
            h1 { (c.company_name) }
            @if c.status == ContractorStatus::Archived { span class="badge muted" { "Archived" } }
            (insurance_badge(c.insurance_expires_on, today))
        }
        @if insurance.is_warning() {
            div class="flash warning" role="note" {
                @match insurance {
                    Insurance::Expired => "Their public liability insurance has expired. Ask for the renewed certificate before sending them work.",
                    _ => "No public liability insurance is on record. Ask for their certificate before sending them work.",
                }
            }
        }
        div class="actions card" {
            a class="button" href=(paths::contractor_edit(id)) { "Edit" }
            a class="button secondary" href=(paths::contractor_work_orders(id)) { "Their work orders" }
            form class="inline-form" method="post" action=(paths::contractor_status(id)) {
                (csrf_input(&ctx.csrf))
                @if c.status == ContractorStatus::Archived {
                    input type="hidden" name="status" value=(ContractorStatus::Active.as_str());
                    button type="submit" class="secondary" { "Restore" }
                } @else {
                    input type="hidden" name="status" value=(ContractorStatus::Archived.as_str());
                    button type="submit" class="secondary" { "Archive" }
                }
            }
        }
        div class="grid-2" {
            section class="card" {
                h2 { "Contact details" }
                dl class="details" {
                    (row("Contact", c.contact_name.as_deref()))
                    dt { "Email" } dd { a href={ "mailto:" (c.email) } { (c.email) } }
                    dt { "Phone" } dd { @match &c.phone { Some(phone) => (format::phone_link(phone)), None => "—" } }
                }
            }
            section class="card" {
                h2 { "Trades and registrations" }
                dl class="details" {
                    (row("Trades", Some(&c.trades_label())))
                    (row("Gas Safe number", c.gas_safe_number.as_deref()))
                    (row("NICEIC or NAPIT number", c.electrical_registration.as_deref()))
                    (row("Insurance expires", c.insurance_expires_on.map(format::date).as_deref()))
                }
            }
        }
        section class="card" {
            h2 { "Notes" }
            @match &c.notes { Some(notes) => p class="notes" { (notes) }, None => p class="hint" { "No notes." } }
        }
        section {
            h2 { "History" }
            (history(&entries, &names))
        }
    };
    Ok(ui::page(&ctx, &c.company_name, content))
}

/// `GET /contractors/{id}/edit`.
#[handler]
pub async fn edit_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let c = find(&ctx, &viewer, id).await?;
    Ok(form_page(&ctx, Some(&c), &to_form(&c), &FieldErrors::new()))
}

/// `POST /contractors/{id}/edit`.
#[handler]
pub async fn update(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let c = find(&ctx, &viewer, id).await?;
    let form = ContractorForm::from_pairs(&pairs);
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                form_page(&ctx, Some(&c), &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let changed = store::update(&mut tx, &c, &fields, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        if changed {
            "Changes saved."
        } else {
            "Nothing was changed."
        },
    )
    .await?;
    Ok(see_other(&paths::contractor(id)))
}

/// The archive or restore form.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

/// `POST /contractors/{id}/status`: archive or restore (reversible, so no
/// question first).
#[handler]
pub async fn set_status(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    let c = find(&ctx, &viewer, id).await?;
    let status = ContractorStatus::parse(&form.status).map_err(AppError::BadRequest)?;
    let mut tx = ctx.state.db.begin().await?;
    let changed = store::set_status(&mut tx, &c, status, &viewer.user.actor()).await?;
    tx.commit().await?;
    if changed {
        let message = match status {
            ContractorStatus::Archived => format!("{} has been archived.", c.company_name),
            ContractorStatus::Active => format!("{} has been restored.", c.company_name),
        };
        ctx.set_flash("success", message).await?;
    }
    Ok(see_other(&paths::contractor(id)))
}

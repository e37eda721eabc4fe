//! Compliance: certificates on a property (add, edit, indicators) and the
//! agency-wide page of everything expired, expiring, below minimum or missing.

use chrono::NaiveDate;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::list_screen::{self, CsvExport, Heading, ListScreen, ListView};
use super::{see_other, with_status};
use crate::clock::Clock;
use crate::db::Db;
use crate::domain::choice::Choice;
use crate::domain::compliance::{CertificateForm, CertificateKind, Indicator};
use crate::domain::properties::EpcRating;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::Order;
use crate::store::certificates::{self as store, Certificate};
use crate::store::compliance::{self, ComplianceColumn, ListedItem};
use crate::store::properties::{self, Property};
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::ui::badges::indicator as badge;
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select};
use crate::web::ui::format;
use crate::web::ui::list::PageQuery;
use crate::web::{paths, ui};

/// A property's compliance: its current certificates and what is missing.
pub fn property_section(ctx: &Ctx, property: &Property, certificates: &[Certificate]) -> Markup {
    let today = ctx.state.settings.clock.today();
    let missing = crate::domain::compliance::missing(property.status(), property.has_gas, certificates);
    let current = crate::domain::compliance::current(certificates);
    html! {
        section class="card" id="compliance" {
            div class="actions" {
                h2 { "Compliance" }
                a class="button secondary" href=(paths::property_certificate_new(property.id)) { "Add a certificate" }
            }
            @if current.is_empty() && missing.is_empty() {
                p class="empty" { "No certificates on record." }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th { "Certificate" } th { "Expires" } th { "Reference" } th { "State" } } }
                        tbody {
                            @for kind in &missing {
                                tr { td data-label="Certificate" { (kind.label()) } td data-label="Expires" { "—" } td data-label="Reference" { "—" } td data-label="State" { (badge(Indicator::Missing)) } }
                            }
                            @for c in &current {
                                tr {
                                    td data-label="Certificate" { a href=(paths::certificate_edit(c.id)) { (c.kind().label()) }
                                        @if let Some(rating) = &c.epc_rating { " (" (rating) ")" } }
                                    td data-label="Expires" class="nowrap" { (format::date(c.expires_on)) }
                                    td data-label="Reference" { (c.reference.as_deref().unwrap_or("—")) }
                                    td data-label="State" { (badge(c.indicator(today))) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

const FORM_FIELDS: &[&str] = &["kind", "issued_on", "expires_on", "reference", "epc_rating"];

fn form_page(
    ctx: &Ctx,
    property: &Property,
    existing: Option<&Certificate>,
    form: &CertificateForm,
    errors: &FieldErrors,
) -> Markup {
    let (title, action, button) = match existing {
        None => (
            format!("Add a certificate to {}", property.address_line1),
            paths::property_certificate_new(property.id),
            "Add certificate",
        ),
        Some(c) => (
            format!("Edit a certificate of {}", property.address_line1),
            paths::certificate_edit(c.id),
            "Save changes",
        ),
    };
    let content = html! {
        h1 { (title) }
        (error_summary(errors, FORM_FIELDS))
        form class="stack card narrow" method="post" action=(action) novalidate {
            (csrf_input(&ctx.csrf))
            (select("kind", "Certificate", &choice_options::<CertificateKind>(Some(("", "Choose…"))), &form.kind, errors))
            (Input::text("issued_on", "Issued on", &form.issued_on).kind("date").required().render(errors))
            (Input::text("expires_on", "Expires on", &form.expires_on).kind("date")
                .hint("Leave empty to use the usual validity: Gas Safety 12 months, EICR 5 years, EPC 10 years").render(errors))
            (Input::text("reference", "Reference (optional)", &form.reference).render(errors))
            (select("epc_rating", "EPC rating (EPCs only)", &choice_options::<EpcRating>(Some(("", "—"))), &form.epc_rating, errors))
            div class="actions" {
                button type="submit" { (button) }
                a href=(paths::property(property.id)) { "Cancel" }
            }
        }
    };
    ui::page(ctx, &title, content)
}

async fn find_property(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<Property, AppError> {
    properties::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /properties/{id}/certificates/new`.
#[handler]
pub async fn new_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    Ok(form_page(
        &ctx,
        &property,
        None,
        &CertificateForm::default(),
        &FieldErrors::new(),
    ))
}

/// `POST /properties/{id}/certificates/new`.
#[handler]
pub async fn create(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<CertificateForm>,
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
    store::create(
        &mut tx,
        viewer.org.id,
        property.id,
        &property.address_line1,
        &fields,
        &viewer.user.actor(),
    )
    .await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        format!("The {} certificate has been added.", fields.kind.label()),
    )
    .await?;
    Ok(see_other(&paths::property(property.id)))
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<(Certificate, Property), AppError> {
    let certificate = store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let property = find_property(ctx, viewer, certificate.property_id).await?;
    Ok((certificate, property))
}

/// `GET /certificates/{id}/edit`.
#[handler]
pub async fn edit_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let (certificate, property) = find(&ctx, &viewer, id).await?;
    Ok(form_page(
        &ctx,
        &property,
        Some(&certificate),
        &certificate.to_form(),
        &FieldErrors::new(),
    ))
}

/// `POST /certificates/{id}/edit`.
#[handler]
pub async fn update(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<CertificateForm>,
) -> Result<Response, AppError> {
    let (certificate, property) = find(&ctx, &viewer, id).await?;
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                form_page(&ctx, &property, Some(&certificate), &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let changed = store::update(
        &mut tx,
        &certificate,
        &property.address_line1,
        &fields,
        &viewer.user.actor(),
    )
    .await?;
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
    Ok(see_other(&paths::property(property.id)))
}

/// The compliance page's filters, search and page, as in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ComplianceQuery {
    q: String,
    state: String,
    kind: String,
    branch: String,
    #[serde(flatten)]
    page: PageQuery,
}

/// An item's cells, in the order of [`ComplianceQuery::COLUMNS`].
fn item_cells(row: &ListedItem, today: NaiveDate) -> Vec<Markup> {
    let item = &row.item;
    vec![
        badge(item.indicator),
        html! { (item.kind.label()) },
        html! { a href=(paths::property(item.property_id)) { (item.address) } },
        html! { a href=(paths::landlord(row.landlord_id)) { (row.landlord_name) } },
        html! {
            @match item.expires_on {
                Some(d) => { (format::date(d)) br; span class="hint" { (when_due(d, today)) } },
                None => "—",
            }
        },
    ]
}

/// The table of the most urgent items on the home page, as the compliance
/// list shows them.
pub fn items_table(rows: &[ListedItem], today: NaiveDate) -> Markup {
    let columns: Vec<&Heading<ComplianceColumn>> = ComplianceQuery::COLUMNS.iter().collect();
    list_screen::plain_table(&columns, rows.iter().map(|row| item_cells(row, today)))
}

impl ListScreen for ComplianceQuery {
    type Row = ListedItem;
    type Filter = compliance::Filter;
    type Column = ComplianceColumn;

    const PATH: &'static str = paths::COMPLIANCE;
    const TITLE: &'static str = "Compliance";
    const NOUN: &'static str = "items";
    const RESULTS_ID: &'static str = "compliance-results";
    const SEARCH_HINT: &'static str = "Address or postcode";
    const COLUMNS: &'static [Heading<ComplianceColumn>] = &[
        Heading::sorted("State", ComplianceColumn::State),
        Heading::sorted("Certificate", ComplianceColumn::Certificate),
        Heading::sorted("Property", ComplianceColumn::Property),
        Heading::sorted("Landlord", ComplianceColumn::Landlord).hide_small(),
        Heading::sorted("Expires", ComplianceColumn::Expires).nowrap(),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::COMPLIANCE_CSV,
        file_name: "compliance.csv",
        header: &["State", "Certificate", "Property", "Landlord", "Expires"],
    });
    const LEDE: Option<&'static str> =
        Some("Every certificate that is missing, expired, below minimum or expiring soon, most urgent first.");

    list_screen::plumbing!(compliance::list, compliance::list_count, |row| row.item.property_id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("state", self.state.clone()),
            ("kind", self.kind.clone()),
            ("branch", self.branch.clone()),
        ]
    }

    fn store_filter(&self, search: Vec<String>, order: Order<ComplianceColumn>, clock: Clock) -> compliance::Filter {
        compliance::Filter {
            branch_id: Uuid::parse_str(&self.branch).ok(),
            kind: CertificateKind::parse(&self.kind).ok(),
            indicator: Indicator::parse(&self.state).filter(|i| i.needs_attention()),
            search,
            order,
            today: Some(clock.today()),
        }
    }

    /// How many need attention in each state, within the filters.
    async fn summary(db: &Db, org_id: Uuid, filter: &compliance::Filter) -> Result<Option<Markup>, sqlx::Error> {
        let today = filter.today.unwrap_or_else(|| crate::store::now().date_naive());
        let counts = compliance::counts(db, org_id, filter, today).await?;
        Ok((counts.total() > 0).then(|| {
            html! { p data-testid="compliance-counts" { (counts.total()) " need attention: " (counts_sentence(&counts)) } }
        }))
    }

    fn cells(row: &ListedItem, view: &ListView<'_>) -> Vec<Markup> {
        item_cells(row, view.today)
    }

    fn empty() -> Markup {
        html! { "Nothing needs attention. Every required certificate is in date." }
    }

    fn fields(&self, view: &ListView<'_>) -> Markup {
        let none = FieldErrors::new();
        let kinds = choice_options::<CertificateKind>(Some(("", "Any certificate")));
        html! {
            (select("state", "State", &state_options(), &self.state, &none))
            (select("kind", "Certificate", &kinds, &self.kind, &none))
            (select("branch", "Branch", &view.lookups.branch_options("Any branch"), &self.branch, &none))
        }
    }

    fn csv_cells(row: &ListedItem) -> Vec<String> {
        let item = &row.item;
        vec![
            item.indicator.label().to_string(),
            item.kind.label().to_string(),
            item.address.clone(),
            row.landlord_name.clone(),
            item.expires_on.map(|d| d.to_string()).unwrap_or_default(),
        ]
    }
}

/// The state filter's choices: the states that need attention.
fn state_options() -> Vec<(String, String)> {
    [
        Indicator::Missing,
        Indicator::Expired,
        Indicator::BelowMinimum,
        Indicator::ExpiringSoon,
    ]
    .into_iter()
    .map(|i| (i.as_str().to_string(), i.label().to_string()))
    .fold(vec![(String::new(), "Any state".to_string())], |mut all, option| {
        all.push(option);
        all
    })
}

/// "3 expired, 2 expiring soon, 1 missing, 0 below the minimum EPC rating."
pub fn counts_sentence(counts: &compliance::Counts) -> String {
    format!(
        "{} expired, {} expiring soon, {} missing, {} below the minimum EPC rating.",
        counts.expired, counts.expiring_soon, counts.missing, counts.below_minimum
    )
}

/// "12 days overdue", "due today", "in 20 days": how far an expiry is from today.
fn when_due(expires_on: NaiveDate, today: NaiveDate) -> String {
    let days = (expires_on - today).num_days();
    match days {
        0 => "expires today".to_string(),
        -1 => "1 day overdue".to_string(),
        d if d < 0 => format!("{} days overdue", -d),
        1 => "in 1 day".to_string(),
        d => format!("in {d} days"),
    }
}

/// `GET /compliance`: everything needing attention across the agency, most
/// urgent first (or sorted by a column), with the counts of each state
/// within the filters.
#[handler]
pub async fn page(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ComplianceQuery>,
) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
}

/// `GET /compliance.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ComplianceQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

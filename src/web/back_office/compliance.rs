//! Compliance: certificates on a property (add, edit, indicators) and the
//! agency-wide page of everything expired, expiring, below minimum or missing.

use std::collections::HashMap;

use chrono::NaiveDate;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::{Lookups, see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::compliance::{CertificateForm, CertificateKind, Indicator};
use crate::domain::properties::EpcRating;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::Cursor;
use crate::store::certificates::{self as store, Certificate};
use crate::store::compliance::{self, ComplianceItem};
use crate::store::properties::{self, Property};
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::ui::badges::indicator as badge;
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select};
use crate::web::ui::format;
use crate::web::ui::list::pager;
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

/// Rows per page of the compliance list.
pub const PAGE_SIZE: u32 = 50;

/// The compliance page's filters and where the page starts, as in the URL.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ComplianceQuery {
    branch: String,
    kind: String,
    state: String,
    after: String,
}

impl ComplianceQuery {
    fn filter(&self) -> compliance::Filter {
        compliance::Filter {
            branch_id: Uuid::parse_str(&self.branch).ok(),
            kind: CertificateKind::parse(&self.kind).ok(),
            indicator: Indicator::parse(&self.state).filter(|i| i.needs_attention()),
        }
    }

    fn to_query(&self, after: Option<&Cursor>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [("branch", &self.branch), ("kind", &self.kind), ("state", &self.state)] {
            if !value.is_empty() {
                query.append_pair(key, value);
            }
        }
        if let Some(after) = after {
            query.append_pair("after", &after.encode());
        }
        query.finish()
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

/// The table of compliance items (the compliance page and the home page),
/// with each property's landlord (`owners`, from [`compliance::owners`]).
pub fn items_table(items: &[ComplianceItem], owners: &HashMap<Uuid, (Uuid, String)>, today: NaiveDate) -> Markup {
    html! {
        table {
            thead { tr {
                th { "State" } th { "Certificate" } th { "Property" } th class="hide-small" { "Landlord" } th { "Expires" }
            } }
            tbody {
                @for item in items {
                    tr {
                        td data-label="State" { (badge(item.indicator)) }
                        td data-label="Certificate" { (item.kind.label()) }
                        td data-label="Property" { a href=(paths::property(item.property_id)) { (item.address) } }
                        td data-label="Landlord" class="hide-small" {
                            @match owners.get(&item.property_id) {
                                Some((id, name)) => a href=(paths::landlord(*id)) { (name) },
                                None => "—",
                            }
                        }
                        td data-label="Expires" class="nowrap" {
                            @match item.expires_on {
                                Some(d) => { (format::date(d)) br; span class="hint" { (when_due(d, today)) } },
                                None => "—",
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /compliance`: everything needing attention across the agency, a page at
/// a time, with the counts of each indicator within the filters.
#[handler]
pub async fn page(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ComplianceQuery>,
) -> Result<Markup, AppError> {
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let filter = query.filter();
    let today = ctx.state.settings.clock.today();
    let after = Cursor::decode(&query.after);
    let counts = compliance::counts(&ctx.state.db, viewer.org.id, &filter, today).await?;
    let (items, next) =
        compliance::page(&ctx.state.db, viewer.org.id, &filter, today, after.as_ref(), PAGE_SIZE).await?;
    let ids: Vec<Uuid> = items.iter().map(|item| item.property_id).collect();
    let owners = compliance::owners(&ctx.state.db, viewer.org.id, &ids).await?;
    let none = FieldErrors::new();
    let content = html! {
        h1 { "Compliance" }
        p class="lede" { "Every certificate that is missing, expired, below minimum or expiring soon, most urgent first." }
        form class="filters card" method="get" action=(paths::COMPLIANCE) {
            (select("branch", "Branch", &lookups.branch_options("Any branch"), &query.branch, &none))
            (select("kind", "Certificate", &choice_options::<CertificateKind>(Some(("", "Any certificate"))), &query.kind, &none))
            (select("state", "State", &state_options(), &query.state, &none))
            div class="field" { button type="submit" { "Filter" } }
        }
        @if counts.total() > 0 {
            p data-testid="compliance-counts" { (counts.total()) " need attention: " (counts_sentence(&counts)) }
        }
        div class="table-wrap" {
            @if items.is_empty() {
                @if after.is_some() {
                    p class="empty" { "No more items. " a href={ (paths::COMPLIANCE) "?" (query.to_query(None)) } { "Back to the first page" } }
                } @else {
                    p class="empty" { "Nothing needs attention. Every required certificate is in date." }
                }
            } @else {
                (items_table(&items, &owners, today))
            }
        }
        (pager(paths::COMPLIANCE, after.is_some().then(|| query.to_query(None)), next.map(|n| query.to_query(Some(&n)))))
    };
    Ok(ui::page(&ctx, "Compliance", content))
}

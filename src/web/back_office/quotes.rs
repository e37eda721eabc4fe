//! Quotes on a work order in the back-office: recording one a contractor
//! sent, comparing them side by side on the work order page, and accepting
//! one (asked first; above the landlord's repair approval limit it waits for
//! the landlord in their portal).

use chrono::NaiveDate;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};
use uuid::Uuid;

use super::contractors::insurance_badge;
use super::work_orders::find;
use super::{see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::contractors::{ContractorStatus, Insurance};
use crate::domain::money::money;
use crate::domain::quotes::{QuoteForm, QuoteStatus};
use crate::domain::validation::FieldErrors;
use crate::domain::work_orders::WorkOrderStatus;
use crate::error::AppError;
use crate::store::contractors::{self, Contractor, ListFilter};
use crate::store::quotes::{self as store, Acceptance, Line, Quote, QuoteError};
use crate::store::work_orders::WorkOrder;
use crate::store::{PageAt, landlords, properties};
use crate::web::contractor_mail::JobMail;
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::paths;
use crate::web::ui::form::{csrf_input, error_summary, select};
use crate::web::ui::{self, format, quote_form};

/// The quotes of a work order side by side (on the work order page).
pub fn section(ctx: &Ctx, w: &WorkOrder, quotes: &[Quote], lines: &[Line]) -> Markup {
    let today = ctx.state.settings.clock.today();
    html! {
        section class="card" id="quotes" {
            div class="actions" {
                h2 { "Quotes (" (quotes.len()) ")" }
                @if store::takes_quotes(w.status) {
                    a class="button secondary" href=(paths::work_order_quote_new(w.id)) { "Record a quote" }
                }
            }
            @if quotes.is_empty() { p class="empty" { "No quotes yet." } } @else {
                ul class="quotes" {
                    @for q in quotes {
                        li class="card" {
                            strong { (q.contractor_name) }
                            ul class="facts" {
                                li { (status_badge(q.status)) }
                                li { (insurance_badge(q.contractor_insurance_expires_on, today)) }
                            }
                            table {
                                tbody {
                                    @for l in lines.iter().filter(|l| l.quote_id == q.id) {
                                        tr { td { (l.kind.label()) ": " (l.description) } td class="nowrap num" { (money(l.amount_pence)) } }
                                    }
                                    tr { td { "Net" } td class="nowrap num" { (money(q.net_pence)) } }
                                    tr { td { (q.vat_rate.label()) } td class="nowrap num" { (money(q.vat_pence)) } }
                                    tr { th { "Total" } th class="nowrap num" { (money(q.total_pence)) } }
                                }
                            }
                            ul class="facts" {
                                @if let Some(days) = q.lead_time_days { li { "Can start in " (days) " day" @if days != 1 { "s" } } }
                                @if let Some(d) = &q.duration { li { "Takes " (d) } }
                                @if let Some(until) = q.valid_until {
                                    li { "Valid until " (format::date(until)) @if until < today { " (lapsed)" } }
                                }
                            }
                            @if let Some(notes) = &q.notes { p class="hint" { (notes) } }
                            @if let Some(file) = q.file_id { p { a href=(paths::work_order_file(w.id, file)) { "The quote (PDF)" } } }
                            @if q.status == QuoteStatus::Submitted && w.status == WorkOrderStatus::QuotesRequested {
                                a class="button" href=(paths::work_order_quote_accept(w.id, q.id)) { "Accept…" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The badge of a quote's status.
fn status_badge(status: QuoteStatus) -> Markup {
    let class = match status {
        QuoteStatus::Accepted => "badge ok",
        QuoteStatus::AwaitingLandlord => "badge warn",
        QuoteStatus::Declined => "badge muted",
        QuoteStatus::Submitted => "badge",
    };
    html! { span class=(class) { (status.label()) } }
}

/// The agency's active contractors (the first hundred by name), for the form.
pub(super) async fn active_contractors(ctx: &Ctx, viewer: &Viewer) -> Result<Vec<Contractor>, AppError> {
    let filter = ListFilter {
        status: Some(ContractorStatus::Active),
        ..ListFilter::default()
    };
    Ok(
        contractors::list(&ctx.state.db, viewer.org.id, &filter, &PageAt::First, 100)
            .await?
            .rows,
    )
}

/// The contractor choices, each warning when its insurance is not in order.
pub(super) fn contractor_options(list: &[Contractor], today: NaiveDate) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "Choose the contractor".to_string())];
    options.extend(list.iter().map(|c| {
        let insurance = Insurance::of(c.insurance_expires_on, today);
        let warning = if insurance.is_warning() {
            format!(" — {}", insurance.label().to_lowercase())
        } else {
            String::new()
        };
        (
            c.id.to_string(),
            format!("{} ({}){warning}", c.company_name, c.trades_label()),
        )
    }));
    options
}

/// The record-a-quote form.
fn form_page(ctx: &Ctx, w: &WorkOrder, list: &[Contractor], form: &QuoteForm, errors: &FieldErrors) -> Markup {
    let today = ctx.state.settings.clock.today();
    let mut fields: Vec<&str> = vec!["contractor_id"];
    fields.extend(quote_form::FIELD_NAMES.iter().copied());
    let content = html! {
        p { a href=(paths::work_order(w.id)) { "← " (w.reference()) } }
        h1 { "Record a quote for " (w.reference()) }
        p class="lede" { (w.title) }
        (error_summary(errors, &fields))
        form class="stack card narrow" method="post" action=(paths::work_order_quote_new(w.id)) novalidate {
            (csrf_input(&ctx.csrf))
            (select("contractor_id", "Contractor", &contractor_options(list, today), &form.contractor_id, errors))
            (quote_form::fields(form, errors))
            div class="actions" {
                button type="submit" { "Record quote" }
                a href=(paths::work_order(w.id)) { "Cancel" }
            }
        }
    };
    ui::page(ctx, "Record a quote", content)
}

/// `GET /work-orders/{id}/quotes/new`.
#[handler]
pub async fn new_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    if !store::takes_quotes(w.status) {
        return Ok(see_other(&paths::work_order(id)));
    }
    let list = active_contractors(&ctx, &viewer).await?;
    Ok(with_status(
        form_page(&ctx, &w, &list, &QuoteForm::default(), &FieldErrors::new()),
        StatusCode::OK,
    ))
}

/// `POST /work-orders/{id}/quotes/new`.
#[handler]
pub async fn create(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    let list = active_contractors(&ctx, &viewer).await?;
    let form = QuoteForm::from_pairs(&pairs);
    let chosen = Uuid::parse_str(form.contractor_id.trim())
        .ok()
        .and_then(|cid| list.iter().find(|c| c.id == cid));
    let parsed = form.parse(ctx.state.settings.clock.today());
    let (fields, contractor) = match (parsed, chosen) {
        (Ok(fields), Some(contractor)) => (fields, contractor),
        (parsed, chosen) => {
            let mut errors = parsed.err().unwrap_or_default();
            if chosen.is_none() {
                errors.add("contractor_id", "Choose a contractor from the list");
            }
            return Ok(with_status(
                form_page(&ctx, &w, &list, &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    match store::record(
        &mut tx,
        &w,
        contractor.id,
        &contractor.company_name,
        &fields,
        &viewer.user.actor(),
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            ctx.set_flash(
                "success",
                format!(
                    "The quote of {} from {} is recorded.",
                    money(fields.total_pence()),
                    contractor.company_name
                ),
            )
            .await?;
        }
        Err(QuoteError::Refused(message)) => ctx.set_flash("error", message).await?,
        Err(QuoteError::Database(err)) => return Err(err.into()),
    }
    Ok(see_other(&format!("{}#quotes", paths::work_order(id))))
}

/// The quote and the landlord's limit for it.
async fn quote_and_limit(ctx: &Ctx, viewer: &Viewer, w: &WorkOrder, quote_id: Uuid) -> Result<(Quote, i64), AppError> {
    let quote = store::get(&ctx.state.db, viewer.org.id, w.id, quote_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let property = properties::get(&ctx.state.db, viewer.org.id, w.property_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let landlord = landlords::get(&ctx.state.db, viewer.org.id, property.landlord_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((quote, landlord.repair_approval_limit_pence))
}

/// `GET /work-orders/{id}/quotes/{quote}/accept`: asks first, saying what follows.
#[handler]
pub async fn confirm_accept(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, quote_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    let (quote, limit) = quote_and_limit(&ctx, &viewer, &w, quote_id).await?;
    if quote.status != QuoteStatus::Submitted || w.status != WorkOrderStatus::QuotesRequested {
        return Ok(see_other(&paths::work_order(id)));
    }
    let content = html! {
        div class="card narrow" {
            h1 { "Accept " (money(quote.total_pence)) " from " (quote.contractor_name) "?" }
            @if quote.total_pence > limit {
                p { "This is above the landlord's repair approval limit of " (money(limit)) ". It will wait for the landlord to approve it in their portal; the other quotes stay open until then." }
            } @else {
                p { "The other quotes for " (w.reference()) " will be declined. This cannot be undone." }
            }
            form class="actions" method="post" action=(paths::work_order_quote_accept(id, quote_id)) {
                (csrf_input(&ctx.csrf))
                button type="submit" { "Accept quote" }
                a href=(paths::work_order(id)) { "Cancel" }
            }
        }
    };
    Ok(with_status(ui::page(&ctx, "Accept a quote", content), StatusCode::OK))
}

/// `POST /work-orders/{id}/quotes/{quote}/accept`.
#[handler]
pub async fn accept(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, quote_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    let (quote, limit) = quote_and_limit(&ctx, &viewer, &w, quote_id).await?;
    let (open, _) = store::for_work_order(&ctx.state.db, viewer.org.id, id).await?;
    let property = crate::web::back_office::work::find_property(&ctx, &viewer, w.property_id).await?;
    let mut tx = ctx.state.db.begin().await?;
    match store::accept(&mut tx, &w, &quote, limit, &viewer.user.actor()).await {
        Ok(outcome) => {
            if outcome == Acceptance::Accepted {
                JobMail::new(&ctx.state, &viewer.org, &w, &property)
                    .tell_not_chosen(&mut tx, &open, quote.id)
                    .await?;
            }
            tx.commit().await?;
            let message = match outcome {
                Acceptance::Accepted => format!("The quote from {} is accepted.", quote.contractor_name),
                Acceptance::AwaitingLandlord => format!(
                    "The quote from {} now waits for the landlord's approval (above their {} limit).",
                    quote.contractor_name,
                    money(limit)
                ),
            };
            ctx.set_flash("success", message).await?;
        }
        Err(QuoteError::Refused(message)) => ctx.set_flash("error", message).await?,
        Err(QuoteError::Database(err)) => return Err(err.into()),
    }
    Ok(see_other(&format!("{}#quotes", paths::work_order(id))))
}

//! Offers on a property in the back-office: record one, show it, and move it
//! through its statuses ("Send to landlord" and the rest). (The property
//! page's offer list is in [`super::work`], with its tasks.)

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::work::find_property;
use super::{see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::money::money;
use crate::domain::offers::{OfferForm, OfferStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::offers::{self, MoveError};
use crate::store::properties::Property;
use crate::web::ctx::{AgentCtx, Ctx};
use crate::web::ui::badges::offer_badge;
use crate::web::ui::form::{Input, csrf_input, error_summary, textarea};
use crate::web::ui::format;
use crate::web::ui::list::history;
use crate::web::{paths, ui};

fn offer_form_page(ctx: &Ctx, property: &Property, form: &OfferForm, errors: &FieldErrors) -> Markup {
    let content = html! {
        h1 { "Record an offer on " (property.address_line1) }
        (error_summary(errors, &["applicant_name", "applicant_email", "applicant_phone", "rent", "move_in_on", "term_months", "notes"]))
        form class="stack card narrow" method="post" action=(paths::property_offer_new(property.id)) novalidate {
            (csrf_input(&ctx.csrf))
            (Input::text("applicant_name", "Applicant's name", &form.applicant_name).required().render(errors))
            (Input::text("applicant_email", "Applicant's email", &form.applicant_email).kind("email").required().render(errors))
            (Input::text("applicant_phone", "Applicant's phone (optional)", &form.applicant_phone).kind("tel").render(errors))
            (Input::text("rent", "Rent offered per month (£)", &form.rent).required().render(errors))
            (Input::text("move_in_on", "Proposed move-in date (optional)", &form.move_in_on).kind("date").render(errors))
            (Input::text("term_months", "Term in months (optional)", &form.term_months).kind("number").render(errors))
            (textarea("notes", "Notes (optional)", &form.notes, None, errors))
            div class="actions" {
                button type="submit" { "Record offer" }
                a href=(paths::property(property.id)) { "Cancel" }
            }
        }
    };
    ui::page(ctx, "Record an offer", content)
}

/// `GET /properties/{id}/offers/new`.
#[handler]
pub async fn new_offer(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    Ok(offer_form_page(
        &ctx,
        &property,
        &OfferForm::default(),
        &FieldErrors::new(),
    ))
}

/// `POST /properties/{id}/offers/new`.
#[handler]
pub async fn create_offer(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<OfferForm>,
) -> Result<Response, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                offer_form_page(&ctx, &property, &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let offer = offers::create(
        &mut tx,
        viewer.org.id,
        property.id,
        &property.address_line1,
        &fields,
        &viewer.user.actor(),
    )
    .await?;
    tx.commit().await?;
    ctx.set_flash("success", "The offer has been recorded.").await?;
    Ok(see_other(&paths::offer(offer)))
}

/// `GET /offers/{id}`: the offer and the moves it can make.
#[handler]
pub async fn show_offer(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let offer = offers::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let property = find_property(&ctx, &viewer, offer.property_id).await?;
    let entries = crate::store::audit::for_entity(&ctx.state.db, viewer.org.id, offers::ENTITY, id, 50).await?;
    let status = offer.status();
    let content = html! {
        p { a href=(paths::property(property.id)) { "← " (property.address()) } }
        div class="actions" { h1 { "Offer from " (offer.applicant_name) } (offer_badge(status)) }
        div class="grid-2" {
            section class="card" {
                h2 { "The offer" }
                dl class="details" {
                    dt { "Rent offered" } dd { (money(offer.rent_pence)) " a month" }
                    dt { "Move in" } dd { @match offer.move_in_on { Some(d) => (format::date(d)), None => "Not given" } }
                    dt { "Term" } dd { @match offer.term_months { Some(m) => { (m) " months" }, None => "Not given" } }
                    dt { "Notes" } dd class="notes" { (offer.notes.as_deref().unwrap_or("—")) }
                    @if let Some(decision) = offer.landlord_decision() {
                        dt { "Landlord's decision" } dd data-testid="landlord-decision" {
                            strong { (decision.label()) }
                            @if let Some(at) = offer.landlord_reviewed_at { " on " (format::date_time(at)) }
                            @if let Some(comment) = &offer.landlord_comment { br; "“" (comment) "”" }
                        }
                    }
                }
            }
            section class="card" {
                h2 { "Applicant" }
                dl class="details" {
                    dt { "Name" } dd { (offer.applicant_name) }
                    dt { "Email" } dd { a href={ "mailto:" (offer.applicant_email) } { (offer.applicant_email) } }
                    dt { "Phone" } dd { (offer.applicant_phone.as_deref().unwrap_or("—")) }
                }
            }
        }
        @if !status.next().is_empty() {
            section class="card actions" {
                @for next in status.next() {
                    form class="inline-form" method="post" action=(paths::offer_status(offer.id)) {
                        (csrf_input(&ctx.csrf))
                        input type="hidden" name="status" value=(next.as_str());
                        button type="submit" class=(if *next == OfferStatus::SentToLandlord { "" } else { "secondary" }) { (next.action_label()) }
                    }
                }
            }
        }
        section { h2 { "History" } (history(&entries)) }
    };
    Ok(ui::page(&ctx, "Offer", content))
}

/// The status-move form.
#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    status: String,
}

/// `POST /offers/{id}/status`: one allowed move (refused moves change nothing).
#[handler]
pub async fn move_offer(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let offer = offers::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = OfferStatus::parse(&form.status).map_err(AppError::BadRequest)?;
    let mut tx = ctx.state.db.begin().await?;
    match offers::move_to(&mut tx, &offer, to, &viewer.user.actor()).await {
        Ok(()) => {
            tx.commit().await?;
            ctx.set_flash("success", format!("The offer is now \"{}\".", to.label()))
                .await?;
        }
        Err(MoveError::NotAllowed { from, to }) => {
            drop(tx);
            ctx.set_flash(
                "error",
                format!("An offer that is \"{from}\" cannot become \"{to}\". Nothing was changed."),
            )
            .await?;
            return Ok(see_other(&paths::offer(id)));
        }
        Err(MoveError::Database(err)) => return Err(err.into()),
    }
    Ok(see_other(&paths::offer(id)))
}

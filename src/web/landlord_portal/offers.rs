//! The Offers tab (`listOffers`): every offer on the landlord's linked
//! properties, those awaiting their review first, where they can accept or
//! decline with a comment.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::{PortalCtx, Tab, page, page_with_status, see_other};
use crate::domain::choice::Choice;
use crate::domain::money::per_month;
use crate::domain::offers::OfferStatus;
use crate::domain::portal::{OfferDecision, parse_review};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::offers::{self, MoveError, Offer};
use crate::store::{portal, properties};
use crate::web::paths;
use crate::web::ui::badges::offer_badge;
use crate::web::ui::format;

/// The review form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReviewForm {
    /// `accept` or `decline`.
    #[serde(default)]
    pub decision: String,
    /// An optional comment for the agent.
    #[serde(default)]
    pub comment: String,
    /// `yes` once the landlord has confirmed the decision (it cannot be undone).
    #[serde(default)]
    pub confirm: String,
}

/// The query of the Offers tab after a decision: which offer was just decided,
/// so the page confirms it in the landlord's words.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    /// The offer just decided.
    #[serde(default)]
    pub done: String,
}

/// The form being re-shown with errors, for one offer.
struct Retry<'a> {
    offer_id: Uuid,
    form: &'a ReviewForm,
    errors: &'a FieldErrors,
}

fn review_form(ctx: &PortalCtx, offer: &Offer, retry: Option<&Retry>) -> Markup {
    let retry = retry.filter(|r| r.offer_id == offer.id);
    let empty = FieldErrors::new();
    let errors = retry.map_or(&empty, |r| r.errors);
    let decision = retry.map_or("", |r| r.form.decision.as_str());
    let comment = retry.map_or("", |r| r.form.comment.as_str());
    let action = paths::portal::offer_review(&ctx.link, offer.id);
    let comment_id = format!("comment-{}", offer.id.simple());
    html! {
        form class="stack" method="post" action=(action) hx-post=(action) hx-target="#portal-content" hx-push-url="false" {
            fieldset class={ "field" @if errors.get("decision").is_some() { " has-error" } } {
                legend { "Your decision" }
                @if let Some(message) = errors.get("decision") { span class="field-error" { "Error: " (message) } }
                label { input type="radio" name="decision" value="accept" checked[decision == "accept"]; " Accept this offer" }
                br;
                label { input type="radio" name="decision" value="decline" checked[decision == "decline"]; " Decline this offer" }
            }
            div class={ "field" @if errors.get("comment").is_some() { " has-error" } } {
                label for=(comment_id) { "Comment for your agent (optional)" }
                @if let Some(message) = errors.get("comment") { span class="field-error" { "Error: " (message) } }
                textarea id=(comment_id) name="comment" rows="3" { (comment) }
            }
            button type="submit" { "Send my decision" }
        }
    }
}

fn offer_facts(offer: &Offer, address: &str) -> Markup {
    html! {
        ul class="facts" {
            li { (address) }
            li { (per_month(offer.rent_pence)) }
            @if let Some(d) = offer.move_in_on { li { "Move in " (format::date(d)) } }
            @if let Some(m) = offer.term_months { li { (m) " months" } }
        }
        @if let Some(notes) = &offer.notes { p class="hint" { (notes) } }
        @if let Some(decision) = offer.landlord_decision() {
            p { strong { (decision.said_by_landlord()) " this offer" } @if let Some(at) = offer.landlord_reviewed_at { " on " (format::date(crate::clock::local_date(at))) } }
            @if let Some(comment) = &offer.landlord_comment { p class="hint" { "Your comment: " (comment) } }
        }
    }
}

/// "You declined the offer from …": the confirmation of a decision just made,
/// from the offer as it now is (nothing from the URL is shown).
fn decided_notice(offer: &Offer, address: &str) -> Markup {
    html! {
        @if let Some(decision) = offer.landlord_decision() {
            div class="flash" role="status" data-testid="decided" {
                (decision.said_by_landlord()) " the offer from " (offer.applicant_name) " for " (address) ". "
                "Your agent has been told and will be in touch."
            }
        }
    }
}

/// The question asked before a decision is sent: it cannot be undone here.
fn confirm_view(ctx: &PortalCtx, offer: &Offer, address: &str, form: &ReviewForm, decision: OfferDecision) -> Markup {
    let action = paths::portal::offer_review(&ctx.link, offer.id);
    html! {
        h1 { "Offers" }
        section class="card highlight" id="confirm-decision" {
            h2 { "Do you want to " (decision.verb()) " the offer from " (offer.applicant_name) "?" }
            (offer_facts(offer, address))
            @if !form.comment.trim().is_empty() { p { "Your comment: " (form.comment.trim()) } }
            p { "Your agent is told straight away. You cannot change your decision here afterwards; to change it, message your agent." }
            form class="actions" method="post" action=(action) hx-post=(action) hx-target="#portal-content" hx-push-url="false" {
                input type="hidden" name="decision" value=(decision.as_str());
                input type="hidden" name="comment" value=(form.comment);
                input type="hidden" name="confirm" value="yes";
                button type="submit" class=[(decision == OfferDecision::Decline).then_some("danger")] { "Yes, " (decision.verb()) " the offer" }
                a href=(paths::portal::offers(&ctx.link)) { "No, go back" }
            }
        }
    }
}

async fn render(ctx: &PortalCtx, retry: Option<Retry<'_>>, done: Option<Uuid>) -> Result<Markup, AppError> {
    let rows = offers::for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id).await?;
    let linked = properties::for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id).await?;
    let address = |id: Uuid| {
        linked
            .iter()
            .find(|p| p.id == id)
            .map_or(String::new(), |p| p.address())
    };
    let (awaiting, others): (Vec<_>, Vec<_>) = rows.iter().partition(|o| o.status() == OfferStatus::SentToLandlord);
    let decided = done.and_then(|id| rows.iter().find(|o| o.id == id));
    Ok(html! {
        @if let Some(offer) = decided { (decided_notice(offer, &address(offer.property_id))) }
        h1 { "Offers" }
        @if rows.is_empty() { p class="empty" { "No offers on your properties yet." } }
        @if !awaiting.is_empty() {
            h2 { (OfferStatus::SentToLandlord.label()) " (" (awaiting.len()) ")" }
            ul class="cards" id="awaiting-offers" {
                @for offer in &awaiting {
                    li class="card highlight" {
                        strong { (offer.applicant_name) } " " (offer_badge(offer.status()))
                        p class="hint" { (offer.status().next_step()) }
                        (offer_facts(offer, &address(offer.property_id)))
                        (review_form(ctx, offer, retry.as_ref()))
                    }
                }
            }
        }
        @if !others.is_empty() {
            h2 { "All offers" }
            ul class="cards" id="other-offers" {
                @for offer in &others {
                    li class="card" {
                        strong { (offer.applicant_name) } " " (offer_badge(offer.status()))
                        p class="hint" { (offer.status().next_step()) }
                        (offer_facts(offer, &address(offer.property_id)))
                    }
                }
            }
        }
    })
}

/// `GET /landlord-portal/{token}/offers`.
#[handler]
pub async fn list(ctx: PortalCtx, Query(query): Query<DoneQuery>) -> Result<Response, AppError> {
    let content = render(&ctx, None, Uuid::parse_str(&query.done).ok()).await?;
    Ok(page(&ctx, Tab::Offers, "Offers", content))
}

/// `POST /landlord-portal/{token}/offers/{id}/review`: accept or decline an offer
/// awaiting review. The first answer asks "Do you want to …?" (the decision
/// cannot be undone); the confirmed one moves it to "Reviewed" with the
/// decision recorded, and the page says so in the landlord's words.
#[handler]
pub async fn review(
    ctx: PortalCtx,
    Path((_, id)): Path<(String, Uuid)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let offer = offers::get(&ctx.state.db, ctx.token.org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !portal::is_linked(&ctx.state.db, ctx.token.id, offer.property_id).await? {
        return Err(AppError::NotFound);
    }
    let (decision, comment) = match parse_review(&form.decision, &form.comment) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let retry = Retry {
                offer_id: offer.id,
                form: &form,
                errors: &errors,
            };
            let content = render(&ctx, Some(retry), None).await?;
            return Ok(page_with_status(
                &ctx,
                Tab::Offers,
                "Offers",
                content,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    if form.confirm != "yes" && offer.status() == OfferStatus::SentToLandlord {
        let address = properties::for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id)
            .await?
            .into_iter()
            .find(|p| p.id == offer.property_id)
            .map_or(String::new(), |p| p.address());
        let content = confirm_view(&ctx, &offer, &address, &form, decision);
        return Ok(page(&ctx, Tab::Offers, "Confirm your decision", content));
    }
    let mut tx = ctx.state.db.begin().await?;
    match offers::review_by_landlord(&mut tx, &offer, decision, comment.as_deref(), &ctx.token.actor()).await {
        Ok(()) => tx.commit().await?,
        // Already reviewed or withdrawn meanwhile: show the offer as it now is.
        Err(MoveError::NotAllowed { .. }) => {}
        Err(MoveError::Database(err)) => return Err(err.into()),
    }
    if ctx.htmx {
        let content = render(&ctx, None, Some(offer.id)).await?;
        Ok(page(&ctx, Tab::Offers, "Offers", content))
    } else {
        Ok(see_other(&format!(
            "{}?done={}",
            paths::portal::offers(&ctx.link),
            offer.id
        )))
    }
}

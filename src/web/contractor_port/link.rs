//! The emailed link's screens: a page with one button (GET spends nothing, so
//! mail scanners that fetch every link leave it usable), the button's POST
//! that spends it and opens the browser's session for the job, and, for a
//! spent, expired or withdrawn link, the page that asks for a fresh one.

use chrono::TimeDelta;
use maud::{Markup, html};
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::{Form, Path};
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;

use super::{layout, session_cookie};
use crate::domain::contractor_port::{LinkStatus, new_session_token};
use crate::domain::portal::{LinkPurpose, ParsedToken};
use crate::domain::validation::{Email, FieldErrors};
use crate::error::AppError;
use crate::mail::templates::ContractorAsk;
use crate::store::contractor_links::{self, ContractorLink};
use crate::store::orgs::{self, Organisation};
use crate::store::properties;
use crate::store::work_orders::{self, WorkOrder};
use crate::web::contractor_mail::{JobMail, job_summary};
use crate::web::ui::form::{Input, error_summary};
use crate::web::ui::respond::see_other;
use crate::web::{AppState, client_addr, paths};

/// A genuine link (its MAC verifies against the access's current nonce),
/// whatever its state; anything else is the plain "not active" 404, counted
/// against the caller's address.
async fn genuine(state: &AppState, addr: &str, token: &str) -> Result<ContractorLink, AppError> {
    if let Some(seconds) = state.portal_failures.blocked_for(addr) {
        return Err(AppError::TooManyRequests(seconds));
    }
    let found = match ParsedToken::parse(token) {
        Some(parsed) => contractor_links::get_for_link(&state.db, parsed.id)
            .await?
            .filter(|link| {
                parsed.verifies_for(
                    LinkPurpose::ContractorLink,
                    &state.settings.secret_key,
                    &link.link_nonce,
                )
            }),
        None => None,
    };
    found.ok_or_else(|| {
        state.portal_failures.record(addr);
        AppError::PortalLinkInvalid
    })
}

/// The link's work order and agency.
async fn job_of(state: &AppState, link: &ContractorLink) -> Result<(WorkOrder, Organisation), AppError> {
    let order = work_orders::get(&state.db, link.org_id, link.work_order_id)
        .await?
        .ok_or(AppError::PortalLinkInvalid)?;
    let org = orgs::get(&state.db, link.org_id)
        .await?
        .ok_or(AppError::PortalLinkInvalid)?;
    Ok((order, org))
}

/// The fresh-link form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct FreshForm {
    /// The address the contractor thinks the agency holds for them.
    #[serde(default)]
    pub email: String,
}

/// The page of a link that no longer opens the job: why, and a form that asks
/// for a fresh one (or, once asked, that one is on its way).
fn fresh_page(org: &Organisation, token: &str, form: &FreshForm, errors: &FieldErrors, asked: bool) -> Markup {
    let content = html! {
        div class="card narrow" {
            @if asked {
                h1 { "Check your email" }
                p { "If that is the address " (org.name) " holds for you, a new link to the job is on its way. It can take a few minutes to arrive." }
            } @else {
                h1 { "This link has been used or has expired" }
                p { "Each link opens the job once, in one browser. Ask for a fresh one: we will email it to the address " (org.name) " holds for you." }
                (error_summary(errors, &["email"]))
                form class="stack" method="post" action=(paths::contractor_fresh_link(token)) novalidate {
                    (Input::text("email", "Your email address", &form.email).kind("email").autocomplete("email").render(errors))
                    button type="submit" { "Email me a fresh link" }
                }
            }
        }
    };
    layout(Some(org), "Ask for a fresh link", content)
}

/// `GET /contractor/{link}`: the job's summary and one button; nothing is spent.
#[handler]
pub async fn page(
    state: poem::web::Data<&AppState>,
    req: &Request,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let state = *state;
    let link = genuine(state, &client_addr(req, &state.settings), &token).await?;
    let (order, org) = job_of(state, &link).await?;
    if !link.is_live(state.settings.clock.now()) {
        return Ok(fresh_page(&org, &token, &FreshForm::default(), &FieldErrors::new(), false).into_response());
    }
    let property = properties::get(&state.db, order.org_id, order.property_id)
        .await?
        .ok_or(AppError::PortalLinkInvalid)?;
    let job = job_summary(&order, &property);
    let content = html! {
        div class="card narrow" {
            h1 { (job.reference) ": " (job.title) }
            p { (link.company_name) ", " (org.name) " " @if link.invited_to == crate::domain::contractor_port::InvitedTo::Instruct { "has instructed you to do this job." } @else { "would like your quotation for this job." } }
            dl class="details" {
                dt { "Where" } dd { (job.address) }
                dt { "Priority" } dd { (job.priority) }
                dt { "To be done by" } dd { (job.due) }
            }
            form method="post" action=(paths::contractor_link(&token)) {
                button type="submit" { "Open this job" }
            }
            p class="hint" { "This browser then stays signed in to this job for 30 days." }
        }
    };
    Ok(layout(Some(&org), "A job for you", content).into_response())
}

/// `POST /contractor/{link}`: spends the link and opens this browser's
/// session for the job; a link no longer live gets the fresh-link page.
#[handler]
pub async fn spend(
    state: poem::web::Data<&AppState>,
    req: &Request,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let state = *state;
    let link = genuine(state, &client_addr(req, &state.settings), &token).await?;
    let (order, org) = job_of(state, &link).await?;
    let now = state.settings.clock.now();
    let (session, hash) = new_session_token();
    let mut tx = state.db.begin().await?;
    if !link.is_live(now) || !contractor_links::spend(&mut tx, &order, &link, &hash, now).await? {
        return Ok(fresh_page(&org, &token, &FreshForm::default(), &FieldErrors::new(), false).into_response());
    }
    tx.commit().await?;
    let mut response = see_other(&paths::contractor_job(link.id, paths::JobAction::Page));
    if let Ok(value) = HeaderValue::from_str(&session_cookie(&state.settings, link.id, &session)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `POST /contractor/{link}/fresh`: emails a fresh link when the address is
/// the one the agency holds (and the access was not withdrawn, and none was
/// sent in the last minutes); the answer is the same either way.
#[handler]
pub async fn fresh(
    state: poem::web::Data<&AppState>,
    req: &Request,
    Path(token): Path<String>,
    Form(form): Form<FreshForm>,
) -> Result<Response, AppError> {
    let state = *state;
    let link = genuine(state, &client_addr(req, &state.settings), &token).await?;
    let (order, org) = job_of(state, &link).await?;
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("email", message);
            let again = fresh_page(&org, &token, &form, &errors, false);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, again).into_response());
        }
    };
    if email.as_str().eq_ignore_ascii_case(link.email.trim()) && link.link_status != LinkStatus::Revoked {
        let property = properties::get(&state.db, order.org_id, order.property_id)
            .await?
            .ok_or(AppError::PortalLinkInvalid)?;
        let mut tx = state.db.begin().await?;
        let valid_for = TimeDelta::days(state.settings.contractor_link_days);
        if let Some(renewed) =
            contractor_links::fresh_link(&mut tx, &order, &link, valid_for, state.settings.clock.now()).await?
        {
            JobMail::new(state, &org, &order, &property)
                .send_link(&mut tx, &renewed, ContractorAsk::FreshLink)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(fresh_page(&org, &token, &form, &FieldErrors::new(), true).into_response())
}

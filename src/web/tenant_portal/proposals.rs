//! A tenant's answer to a deposit release proposal: accept it, or dispute it
//! with reasons. A refused answer shows the home page again
//! ([`super::home`]) with the errors.

use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{IntoResponse, Response, handler};
use uuid::Uuid;

use super::TenantCtx;
use super::home::{AnswerForm, render_home};
use crate::domain::audit::{Actor, ActorType};
use crate::domain::deposits::parse_answer;
use crate::error::AppError;
use crate::store::{deposits, tenancies};
use crate::web::paths;
use crate::web::ui::respond::see_other;

/// A proposal on one of this tenant's tenancies, else 404.
async fn own_proposal(t: &TenantCtx, id: Uuid) -> Result<deposits::Proposal, AppError> {
    let proposal = deposits::get(&t.ctx.state.db, t.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mine = tenancies::for_tenant_portal(&t.ctx.state.db, t.org.id, t.tenant.tenant_id)
        .await?
        .iter()
        .any(|row| row.tenancy.id == proposal.tenancy_id);
    if mine { Ok(proposal) } else { Err(AppError::NotFound) }
}

/// `POST /tenant-portal/proposals/{id}/answer`.
#[handler]
pub async fn answer(t: TenantCtx, Path(id): Path<Uuid>, Form(form): Form<AnswerForm>) -> Result<Response, AppError> {
    let proposal = own_proposal(&t, id).await?;
    let lines: Vec<(usize, String)> = form
        .lines
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("dispute_")?.parse().ok()?, v.clone())))
        .collect();
    let parsed = match parse_answer(&form.answer, &form.reason, &lines) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = render_home(&t, Some((id, &form, &errors))).await?;
            let mut response = page.into_response();
            response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
            return Ok(response);
        }
    };
    let actor = Actor {
        kind: ActorType::Tenant,
        id: Some(t.tenant.tenant_id),
        name: format!("{} {}", t.tenant.first_name, t.tenant.last_name),
    };
    let mut tx = t.ctx.state.db.begin().await?;
    let answered = deposits::respond(&mut tx, &proposal, &parsed, &actor).await?;
    tx.commit().await?;
    let message = if answered {
        "Thank you. Your answer has been sent to the agency."
    } else {
        "This proposal was already answered or replaced."
    };
    t.ctx
        .set_flash(if answered { "success" } else { "warning" }, message)
        .await?;
    Ok(see_other(paths::TENANT_PORTAL))
}

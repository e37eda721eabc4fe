//! The invite link's screens: a page with a button (a POST, so mail scanners
//! that fetch links do not spend the invite) and accepting it, which signs the
//! tenant in. Apart from the email-and-code sign-in in [`super::sign_in`]
//! because an invite is checked and spent differently.

use chrono::Utc;
use maud::{Markup, html};
use poem::web::Path;
use poem::{Request, Response, handler};

use super::layout;
use super::sign_in::sign_in_tenant;
use crate::domain::audit::{Actor, ActorType};
use crate::domain::portal::{LinkPurpose, ParsedToken};
use crate::error::AppError;
use crate::store::orgs;
use crate::store::tenant_access;
use crate::store::tenant_invites::{self, Invite, InviteStatus};
use crate::web::ctx::Ctx;
use crate::web::ui::form::csrf_input;
use crate::web::ui::respond::see_other;
use crate::web::{client_addr, paths};

/// An invite from its link, if it is present and not expired (else the plain 404).
async fn live_invite(ctx: &Ctx, req_addr: &str, token: &str) -> Result<Invite, AppError> {
    let state = &ctx.state;
    if let Some(seconds) = state.portal_failures.blocked_for(req_addr) {
        return Err(AppError::TooManyRequests(seconds));
    }
    let now = Utc::now();
    let found = match ParsedToken::parse(token) {
        Some(parsed) => tenant_invites::get_for_link(&state.db, parsed.id)
            .await?
            .filter(|invite| {
                parsed.verifies_for(
                    LinkPurpose::TenantInvite,
                    &state.settings.secret_key,
                    &invite.link_nonce,
                ) && invite.status() == InviteStatus::Present
                    && invite.expires_at > now
            }),
        None => None,
    };
    found.ok_or_else(|| {
        state.portal_failures.record(req_addr);
        AppError::PortalLinkInvalid
    })
}

/// `GET /tenant-portal/invite/{token}`: a page with a button; nothing is spent.
#[handler]
pub async fn invite_page(ctx: Ctx, req: &Request, Path(token): Path<String>) -> Result<Markup, AppError> {
    let invite = live_invite(&ctx, &client_addr(req, &ctx.state.settings), &token).await?;
    let org = orgs::get(&ctx.state.db, invite.org_id).await?;
    let content = html! {
        div class="card narrow" {
            h1 { "Your tenant portal" }
            p { "See your tenancy and documents, and answer anything waiting for you." }
            form method="post" action=(paths::tenant_invite(&token)) {
                (csrf_input(&ctx.csrf))
                button type="submit" { "Continue to your portal" }
            }
        }
    };
    Ok(layout(org.as_ref(), "Your tenant portal", &ctx, false, content))
}

/// `POST /tenant-portal/invite/{token}`: accepts the invite and signs the tenant in.
#[handler]
pub async fn invite_accept(ctx: Ctx, req: &Request, Path(token): Path<String>) -> Result<Response, AppError> {
    let invite = live_invite(&ctx, &client_addr(req, &ctx.state.settings), &token).await?;
    let name = tenant_access::name_of(&ctx.state.db, invite.tenant_id)
        .await?
        .unwrap_or_else(|| "Tenant".into());
    let actor = Actor {
        kind: ActorType::Tenant,
        id: Some(invite.tenant_id),
        name,
    };
    let mut tx = ctx.state.db.begin().await?;
    if !tenant_invites::accept(&mut tx, &invite, &actor).await? {
        return Err(AppError::PortalLinkInvalid);
    }
    tx.commit().await?;
    sign_in_tenant(&ctx, invite.tenant_id).await?;
    Ok(see_other(paths::TENANT_PORTAL))
}

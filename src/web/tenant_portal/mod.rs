//! The tenant portal (seeds 002 and 003): an invite link opens a page whose
//! button (a POST, so mail scanners that fetch links do not spend it) accepts the
//! invite and signs the tenant in; later visits sign in with email and a
//! one-time code. The portal shows the tenant's own tenancies, their documents
//! and deposit release proposals to accept or dispute.
//!
//! One file per screen: [`invite`] (the invite link), [`sign_in`] (email and
//! one-time code, sign out), [`home`] (the tenant's tenancies), [`proposals`]
//! (answering a deposit release proposal) and [`documents`] (downloads). This
//! file keeps what they share: the door, its routes, the page layout and the
//! signed-in tenant ([`TenantCtx`]).

pub mod documents;
pub mod home;
pub mod invite;
pub mod proposals;
pub mod sign_in;

use maud::{DOCTYPE, Markup, html};
use poem::{FromRequest, Request, RequestBody};
use uuid::Uuid;

use super::access::{Caller, Declared, Door, DoorRoutes, ErrorPages};
use super::ctx::Ctx;
use super::paths::pattern;
use super::{assets, paths};
use crate::error::AppError;
use crate::store::orgs::{self, Organisation};
use crate::store::tenant_access::{self, TenantLogin};
use crate::web::ui::form::csrf_input;

/// The tenant portal: tenants signed in with a session (an invite link or a
/// one-time code by email).
pub const DOOR: Door = Door {
    name: "tenant-portal",
    mount: Some(paths::TENANT_PORTAL),
    sign_in: Some(paths::TENANT_LOGIN),
    error_pages: ErrorPages::Portal,
    csrf: crate::web::access::CsrfGuard::Session,
    private: true,
};

/// Every tenant portal route, with the caller it serves.
pub fn routes() -> Vec<Declared> {
    use Caller::{Anyone, Tenant, TenantInvite};
    DoorRoutes::new(DOOR)
        .get(paths::TENANT_PORTAL, Tenant, home::home)
        .get(paths::TENANT_LOGIN, Anyone, sign_in::login)
        .post(paths::TENANT_LOGIN, Anyone, sign_in::login_request)
        .post(paths::TENANT_LOGIN_CODE, Anyone, sign_in::login_code)
        .post(paths::TENANT_LOGOUT, Anyone, sign_in::logout)
        .get(pattern::TENANT_INVITE, TenantInvite, invite::invite_page)
        .post(pattern::TENANT_INVITE, TenantInvite, invite::invite_accept)
        .post(pattern::TENANT_PROPOSAL_ANSWER, Tenant, proposals::answer)
        .get(pattern::TENANT_DOCUMENT, Tenant, documents::download)
        .into_routes()
}

/// Session key of the signed-in tenant.
const TENANT_KEY: &str = "tenant_id";
/// Session key of the tenant's sign-in time (absolute timeout).
const TENANT_LOGIN_AT_KEY: &str = "tenant_login_at";

/// The page around every tenant portal screen: the agency's name and colour
/// (when known), a sign-out button when `signed_in`, and the agency's contact
/// details.
fn layout(org: Option<&Organisation>, title: &str, ctx: &Ctx, signed_in: bool, content: Markup) -> Markup {
    let name = org.map_or("Tenant portal", |o| o.name.as_str());
    let color = org.map_or("1f5f8b", |o| o.primary_color.trim_start_matches('#'));
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex, nofollow";
                meta name="referrer" content="no-referrer";
                title { (title) " – " (name) }
                link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
                link rel="stylesheet" href=(assets::url("app.css"));
                link rel="stylesheet" href={ (paths::BRAND_CSS) "?color=" (color) };
            }
            body class="portal" {
                header class="portal-header" {
                    span class="portal-avatar" aria-hidden="true" { (name.chars().next().unwrap_or('T')) }
                    span class="portal-name" { (name) }
                    @if signed_in {
                        form method="post" action=(paths::TENANT_LOGOUT) {
                            (csrf_input(&ctx.csrf))
                            button type="submit" class="link-button" { "Sign out" }
                        }
                    }
                }
                main id="main" { (content) }
                @if let Some(org) = org {
                    footer class="portal-footer" {
                        (org.name)
                        @if let Some(email) = &org.support_email { " · " a href={ "mailto:" (email) } { (email) } }
                        @if let Some(phone) = &org.support_phone { " · " (crate::web::ui::format::phone_link(phone)) }
                    }
                }
            }
        }
    }
}

/// A signed-in tenant.
pub struct TenantCtx {
    /// The request context.
    pub ctx: Ctx,
    /// The tenant.
    pub tenant: TenantLogin,
    /// Their agency.
    pub org: Organisation,
}

impl<'a> FromRequest<'a> for TenantCtx {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let ctx = Ctx::from_request(req, body).await?;
        let tenant_id: Option<Uuid> = ctx.session.get(TENANT_KEY).await.map_err(AppError::from)?;
        let login_at: i64 = ctx
            .session
            .get(TENANT_LOGIN_AT_KEY)
            .await
            .map_err(AppError::from)?
            .unwrap_or(0);
        let fresh = ctx.state.settings.clock.now().timestamp() - login_at <= super::ctx::ABSOLUTE_TIMEOUT_HOURS * 3600;
        let tenant = match tenant_id.filter(|_| fresh) {
            Some(id) => tenant_access::tenant(&ctx.state.db, id).await.map_err(AppError::from)?,
            None => None,
        };
        let org = match &tenant {
            Some(t) => orgs::get(&ctx.state.db, t.org_id).await.map_err(AppError::from)?,
            None => None,
        };
        match (tenant, org) {
            (Some(tenant), Some(org)) => Ok(TenantCtx { ctx, tenant, org }),
            _ => Err(AppError::Unauthenticated.into()),
        }
    }
}

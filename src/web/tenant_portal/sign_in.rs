//! Signing in to the tenant portal with email and a one-time code, signing
//! out, and starting a tenant's session (shared with accepting an invite in
//! [`super::invite`]).

use maud::html;
use poem::http::StatusCode;
use poem::web::{Form, Query};
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::{TENANT_KEY, TENANT_LOGIN_AT_KEY, layout};
use crate::domain::validation::{Email, FieldErrors};
use crate::error::AppError;
use crate::mail::templates::{self, Brand};
use crate::store::orgs::{self, Organisation};
use crate::store::{outbox, tenant_access};
use crate::web::ctx::{CSRF_KEY, Ctx, random_token};
use crate::web::ui::form::{Input, csrf_input, error_summary};
use crate::web::ui::respond::see_other;
use crate::web::{client_addr, paths};

/// Signs a tenant in: a new session id, the tenant and sign-in time in it,
/// and a new CSRF token.
pub(super) async fn sign_in_tenant(ctx: &Ctx, tenant_id: Uuid) -> Result<(), AppError> {
    ctx.session.cycle_id().await?;
    ctx.session.insert(TENANT_KEY, tenant_id).await?;
    ctx.session
        .insert(TENANT_LOGIN_AT_KEY, ctx.state.settings.clock.now().timestamp())
        .await?;
    ctx.session.insert(CSRF_KEY, random_token()).await?;
    Ok(())
}

/// The sign-in forms as typed.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// The 6-digit code (second step).
    #[serde(default)]
    pub code: String,
    /// The agency whose page this is (its id, from the link in its emails),
    /// for the brand; empty where the installation has one agency.
    #[serde(default)]
    pub agency: String,
}

/// The sign-in page's query: whose brand to wear.
#[derive(Debug, Default, Deserialize)]
pub struct AgencyQuery {
    /// The agency's id, as in [`LoginForm::agency`].
    #[serde(default)]
    pub agency: String,
}

/// The agency whose sign-in page this is: the one named in the link, else
/// the installation's only agency, else none (a plain page).
async fn brand_of(ctx: &Ctx, agency: &str) -> Result<Option<Organisation>, AppError> {
    if let Ok(id) = Uuid::parse_str(agency)
        && let Some(org) = orgs::get(&ctx.state.db, id).await?
    {
        return Ok(Some(org));
    }
    Ok(orgs::sole(&ctx.state.db).await?)
}

/// The sign-in page's address for an agency's emails (wearing its brand).
pub fn login_url_for(base_url: &str, org_id: Uuid) -> String {
    format!("{base_url}{}?agency={org_id}", paths::TENANT_LOGIN)
}

fn login_page(
    ctx: &Ctx,
    org: Option<&Organisation>,
    form: &LoginForm,
    errors: &FieldErrors,
    code_step: bool,
    status: StatusCode,
) -> Response {
    let agency = org.map(|o| o.id.to_string()).unwrap_or_default();
    let content = html! {
        div class="card narrow" {
            h1 {
                @match org { Some(org) => { "Sign in to your " (org.name) " tenant portal" }, None => "Sign in to your tenant portal" }
            }
            (error_summary(errors, &["email", "code"]))
            @if code_step {
                p { "If " strong { (form.email) } " has portal access, we have emailed it a 6-digit code. It works for 10 minutes; if you asked for more than one, use the newest." }
                form class="stack" method="post" action=(paths::TENANT_LOGIN_CODE) novalidate {
                    (csrf_input(&ctx.csrf))
                    input type="hidden" name="email" value=(form.email);
                    input type="hidden" name="agency" value=(agency);
                    (Input::text("code", "Code", &form.code).autocomplete("one-time-code").inputmode("numeric").required().render(errors))
                    button type="submit" { "Sign in" }
                }
                p { a href={ (paths::TENANT_LOGIN) @if !agency.is_empty() { "?agency=" (agency) } } { "Use another email or send a new code" } }
            } @else {
                form class="stack" method="post" action=(paths::TENANT_LOGIN) novalidate {
                    (csrf_input(&ctx.csrf))
                    input type="hidden" name="agency" value=(agency);
                    (Input::text("email", "Email address", &form.email).kind("email").autocomplete("email").required().render(errors))
                    button type="submit" { "Email me a code" }
                }
            }
        }
    };
    let mut response = layout(org, "Sign in", ctx, false, content).into_response();
    response.set_status(status);
    response
}

/// `GET /tenant-portal/login`.
#[handler]
pub async fn login(ctx: Ctx, Query(query): Query<AgencyQuery>) -> Result<Response, AppError> {
    let org = brand_of(&ctx, &query.agency).await?;
    Ok(login_page(
        &ctx,
        org.as_ref(),
        &LoginForm::default(),
        &FieldErrors::new(),
        false,
        StatusCode::OK,
    ))
}

/// `POST /tenant-portal/login`: emails a code if the address may sign in; the
/// answer is the same either way.
#[handler]
pub async fn login_request(ctx: Ctx, req: &Request, Form(form): Form<LoginForm>) -> Result<Response, AppError> {
    let brand = brand_of(&ctx, &form.agency).await?;
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("email", message);
            return Ok(login_page(
                &ctx,
                brand.as_ref(),
                &form,
                &errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    if let Some(tenant) = tenant_access::tenant_for_email(&ctx.state.db, email.as_str()).await?
        && let Some(code) =
            tenant_access::issue_code(&ctx.state.db, email.as_str(), &client_addr(req, &ctx.state.settings)).await?
    {
        let org = orgs::get(&ctx.state.db, tenant.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let url = login_url_for(&ctx.state.settings.base_url, org.id);
        let content = templates::tenant_login_code(&Brand::of_org(&org), &code, &url);
        let mut tx = ctx.state.db.begin().await?;
        outbox::enqueue(&mut tx, Some(org.id), "tenant_login_code", &tenant.email, &content).await?;
        tx.commit().await?;
    }
    let form = LoginForm {
        email: email.as_str().to_string(),
        code: String::new(),
        agency: form.agency,
    };
    Ok(login_page(
        &ctx,
        brand.as_ref(),
        &form,
        &FieldErrors::new(),
        true,
        StatusCode::OK,
    ))
}

/// `POST /tenant-portal/login/code`.
#[handler]
pub async fn login_code(ctx: Ctx, Form(form): Form<LoginForm>) -> Result<Response, AppError> {
    let tenant = if tenant_access::verify_code(&ctx.state.db, &form.email, &form.code).await? {
        tenant_access::tenant_for_email(&ctx.state.db, &form.email).await?
    } else {
        None
    };
    let Some(tenant) = tenant else {
        let mut errors = FieldErrors::new();
        errors.add(
            "code",
            "That code is not right or has expired. Check the email, or ask for a new code.",
        );
        let brand = brand_of(&ctx, &form.agency).await?;
        return Ok(login_page(
            &ctx,
            brand.as_ref(),
            &form,
            &errors,
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    sign_in_tenant(&ctx, tenant.tenant_id).await?;
    Ok(see_other(paths::TENANT_PORTAL))
}

/// `POST /tenant-portal/logout`.
#[handler]
pub async fn logout(ctx: Ctx) -> Result<Response, AppError> {
    crate::web::ctx::sign_out(&ctx.session).await?;
    Ok(see_other(paths::TENANT_LOGIN))
}

//! The tenant portal (seeds 002 and 003): an invite link opens a page whose
//! button (a POST, so mail scanners that fetch links do not spend it) accepts the
//! invite and signs the tenant in; later visits sign in with email and a
//! one-time code. The portal shows the tenant's own tenancies, their documents
//! and deposit release proposals to accept or dispute.

use chrono::Utc;
use maud::{DOCTYPE, Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{FromRequest, IntoResponse, Request, RequestBody, Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::access::{Caller, Declared, Door, DoorRoutes, ErrorPages};
use super::ctx::{CSRF_KEY, Ctx, random_token};
use super::paths::pattern;
use super::{assets, client_addr, paths};
use crate::domain::audit::{Actor, ActorType};
use crate::domain::choice::Choice;
use crate::domain::deposits::{ProposalStatus, parse_answer};
use crate::domain::money::money;
use crate::domain::portal::{LinkPurpose, ParsedToken};
use crate::domain::validation::{Email, FieldErrors};
use crate::error::AppError;
use crate::mail::templates::{self, Brand};
use crate::store::orgs::{self, Organisation};
use crate::store::tenant_access::{self, TenantLogin};
use crate::store::tenant_invites::{self, Invite, InviteStatus};
use crate::store::{deposits, documents, outbox, properties, tenancies};
use crate::web::ui::badges::tenancy_status as status_badge;
use crate::web::ui::files::stream;
use crate::web::ui::form::{Input, csrf_input, error_summary};
use crate::web::ui::respond::see_other;
use crate::web::ui::{deposits as proposal_ui, format};

/// The tenant portal: tenants signed in with a session (an invite link or a
/// one-time code by email).
pub const DOOR: Door = Door {
    name: "tenant-portal",
    mount: Some(paths::TENANT_PORTAL),
    sign_in: Some(paths::TENANT_LOGIN),
    error_pages: ErrorPages::Portal,
    secret_in_url: false,
    private: true,
};

/// Every tenant portal route, with the caller it serves.
pub fn routes() -> Vec<Declared> {
    use Caller::{Anyone, Tenant, TenantInvite};
    DoorRoutes::new(DOOR)
        .get(paths::TENANT_PORTAL, Tenant, home)
        .get(paths::TENANT_LOGIN, Anyone, login)
        .post(paths::TENANT_LOGIN, Anyone, login_request)
        .post(paths::TENANT_LOGIN_CODE, Anyone, login_code)
        .post(paths::TENANT_LOGOUT, Anyone, logout)
        .get(pattern::TENANT_INVITE, TenantInvite, invite_page)
        .post(pattern::TENANT_INVITE, TenantInvite, invite_accept)
        .post(pattern::TENANT_PROPOSAL_ANSWER, Tenant, answer)
        .get(pattern::TENANT_DOCUMENT, Tenant, download)
        .into_routes()
}

/// Session key of the signed-in tenant.
const TENANT_KEY: &str = "tenant_id";
/// Session key of the tenant's sign-in time (absolute timeout).
const TENANT_LOGIN_AT_KEY: &str = "tenant_login_at";

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
                        @if let Some(phone) = &org.support_phone { " · " (phone) }
                    }
                }
            }
        }
    }
}

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

async fn sign_in_tenant(ctx: &Ctx, tenant_id: Uuid) -> Result<(), AppError> {
    ctx.session.cycle_id().await?;
    ctx.session.insert(TENANT_KEY, tenant_id).await?;
    ctx.session
        .insert(TENANT_LOGIN_AT_KEY, ctx.state.settings.clock.now().timestamp())
        .await?;
    ctx.session.insert(CSRF_KEY, random_token()).await?;
    Ok(())
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

/// The sign-in forms as typed.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// The 6-digit code (second step).
    #[serde(default)]
    pub code: String,
}

fn login_page(ctx: &Ctx, form: &LoginForm, errors: &FieldErrors, code_step: bool, status: StatusCode) -> Response {
    let content = html! {
        div class="card narrow" {
            h1 { "Sign in to your tenant portal" }
            (error_summary(errors, &["email", "code"]))
            @if code_step {
                p { "If " strong { (form.email) } " has portal access, we have emailed it a 6-digit code. It works for 10 minutes; if you asked for more than one, use the newest." }
                form class="stack" method="post" action=(paths::TENANT_LOGIN_CODE) novalidate {
                    (csrf_input(&ctx.csrf))
                    input type="hidden" name="email" value=(form.email);
                    (Input::text("code", "Code", &form.code).autocomplete("one-time-code").required().render(errors))
                    button type="submit" { "Sign in" }
                }
                p { a href=(paths::TENANT_LOGIN) { "Use another email or send a new code" } }
            } @else {
                form class="stack" method="post" action=(paths::TENANT_LOGIN) novalidate {
                    (csrf_input(&ctx.csrf))
                    (Input::text("email", "Email address", &form.email).kind("email").autocomplete("email").required().render(errors))
                    button type="submit" { "Email me a code" }
                }
            }
        }
    };
    let mut response = layout(None, "Sign in", ctx, false, content).into_response();
    response.set_status(status);
    response
}

/// `GET /tenant-portal/login`.
#[handler]
pub async fn login(ctx: Ctx) -> Response {
    login_page(&ctx, &LoginForm::default(), &FieldErrors::new(), false, StatusCode::OK)
}

/// `POST /tenant-portal/login`: emails a code if the address may sign in; the
/// answer is the same either way.
#[handler]
pub async fn login_request(ctx: Ctx, req: &Request, Form(form): Form<LoginForm>) -> Result<Response, AppError> {
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("email", message);
            return Ok(login_page(
                &ctx,
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
        let url = format!("{}{}", ctx.state.settings.base_url, paths::TENANT_LOGIN);
        let content = templates::tenant_login_code(&Brand::of_org(&org), &code, &url);
        let mut tx = ctx.state.db.begin().await?;
        outbox::enqueue(&mut tx, Some(org.id), "tenant_login_code", &tenant.email, &content).await?;
        tx.commit().await?;
    }
    let form = LoginForm {
        email: email.as_str().to_string(),
        code: String::new(),
    };
    Ok(login_page(&ctx, &form, &FieldErrors::new(), true, StatusCode::OK))
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
        return Ok(login_page(&ctx, &form, &errors, true, StatusCode::UNPROCESSABLE_ENTITY));
    };
    sign_in_tenant(&ctx, tenant.tenant_id).await?;
    Ok(see_other(paths::TENANT_PORTAL))
}

/// `POST /tenant-portal/logout`.
#[handler]
pub async fn logout(ctx: Ctx) -> Result<Response, AppError> {
    super::ctx::sign_out(&ctx.session).await?;
    Ok(see_other(paths::TENANT_LOGIN))
}

/// The answer form as typed: `answer`, an overall `reason`, and `dispute_N` per line.
#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    /// `accept` or `dispute`.
    #[serde(default)]
    pub answer: String,
    /// Overall reason.
    #[serde(default)]
    pub reason: String,
    /// Per-line reasons.
    #[serde(flatten)]
    pub lines: std::collections::BTreeMap<String, String>,
}

async fn render_home(t: &TenantCtx, retry: Option<(Uuid, &AnswerForm, &FieldErrors)>) -> Result<Markup, AppError> {
    let db = &t.ctx.state.db;
    let rows = tenancies::for_tenant_portal(db, t.org.id, t.tenant.tenant_id).await?;
    let now = t.ctx.state.settings.clock.now();
    let mut sections = Vec::new();
    for row in &rows {
        let tenancy = &row.tenancy;
        let property = properties::get(db, t.org.id, tenancy.property_id).await?;
        let address = property.as_ref().map_or(String::new(), |p| p.address());
        let docs: Vec<_> = documents::for_property(db, t.org.id, tenancy.property_id)
            .await?
            .into_iter()
            .filter(|d| d.tenant_may_see(tenancy))
            .collect();
        let proposals = deposits::for_tenancy(db, t.org.id, tenancy.id).await?;
        let mut cards = Vec::new();
        for proposal in proposals.iter().filter(|p| p.status() != ProposalStatus::Withdrawn) {
            let lines = deposits::deductions(db, proposal.id).await?;
            let mine = retry.filter(|(id, _, _)| *id == proposal.id);
            let empty = FieldErrors::new();
            let (form, errors) = match mine {
                Some((_, form, errors)) => (Some(form), errors),
                None => (None, &empty),
            };
            cards.push(html! {
                div class="card" id={ "proposal-" (proposal.id.simple()) } {
                    h3 { "Deposit release proposal" }
                    (proposal_ui::card(proposal, &lines, now))
                    @if proposal.status() == ProposalStatus::Open {
                        form class="stack" method="post" action=(paths::tenant_proposal_answer(proposal.id)) {
                            (csrf_input(&t.ctx.csrf))
                            (error_summary(errors, &["answer", "reason"]))
                            fieldset class="field" {
                                legend { "Your answer" }
                                label { input type="radio" name="answer" value="accept" checked[form.is_some_and(|f| f.answer == "accept")]; " I accept this proposal" }
                                br;
                                label { input type="radio" name="answer" value="dispute" checked[form.is_some_and(|f| f.answer == "dispute")]; " I dispute it" }
                            }
                            @for line in &lines {
                                @let name = format!("dispute_{}", line.position);
                                div class="field" {
                                    label for=(name) { "If you dispute \"" (line.reason) "\" (" (money(line.amount_pence)) "), why? (optional)" }
                                    textarea id=(name) name=(name) rows="2" { (form.and_then(|f| f.lines.get(&name)).map_or("", String::as_str)) }
                                }
                            }
                            div class="field" {
                                label for="reason" { "Anything else you disagree with (optional)" }
                                textarea id="reason" name="reason" rows="3" { (form.map_or("", |f| f.reason.as_str())) }
                            }
                            button type="submit" { "Send my answer" }
                        }
                    }
                }
            });
        }
        sections.push(html! {
            section class="card" {
                h2 { (address) " " (status_badge(tenancy.status)) }
                ul class="facts" {
                    li { (tenancy.rent_label()) }
                    li { (format::date(tenancy.start_date)) " to " @match tenancy.end_date { Some(d) => (format::date(d)), None => "periodic" } }
                    li { "Deposit " (money(tenancy.deposit_pence)) " (" (tenancy.scheme().label()) @if let Some(r) = &tenancy.deposit_reference { ", " (r) } ")" }
                }
                @for card in &cards { (card) }
                h3 { "Documents" }
                @if docs.is_empty() { p class="empty" { "No documents shared with you yet." } } @else {
                    ul { @for d in &docs { li { a href=(paths::tenant_document(d.id)) download { (d.title) } } } }
                }
            }
        });
    }
    let content = html! {
        p class="welcome" { "Welcome, " (t.tenant.first_name) " " (t.tenant.last_name) }
        @if let Some(flash) = &t.ctx.flash { div class={ "flash " (flash.kind) } role="status" { (flash.message) } }
        @if sections.is_empty() { p class="empty" { "No tenancies to show." } }
        @for s in &sections { (s) }
    };
    Ok(layout(Some(&t.org), "Your tenancy", &t.ctx, true, content))
}

/// `GET /tenant-portal`.
#[handler]
pub async fn home(t: TenantCtx) -> Result<Markup, AppError> {
    render_home(&t, None).await
}

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

/// `GET /tenant-portal/documents/{id}`: `tenant` and `all` documents of the tenant's tenancies' properties.
#[handler]
pub async fn download(t: TenantCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let db = &t.ctx.state.db;
    let document = documents::get(db, t.org.id, id).await?.ok_or(AppError::NotFound)?;
    let mine = tenancies::for_tenant_portal(db, t.org.id, t.tenant.tenant_id)
        .await?
        .iter()
        .any(|row| document.tenant_may_see(&row.tenancy));
    if !mine {
        return Err(AppError::NotFound);
    }
    stream(&t.ctx.state, &document).await
}

//! ContractorPort (seed 002): a contractor invited to one work order opens
//! the single-use link from their email, presses the button (a POST, so mail
//! scanners that fetch links do not spend it), and that browser gets a
//! 30-day session for that one job: read it, quote or decline, propose an
//! appointment, write to the agency. No branding, no other record reachable.
//!
//! [`link`] holds the emailed link's screens (the button, spending it, asking
//! for a fresh one); [`job`] the job page and its forms. This file keeps what
//! they share: the door, its routes, the page around them and the
//! contractor's session ([`ContractorCtx`]).

pub mod job;
pub mod link;

use chrono::TimeDelta;
use maud::{DOCTYPE, Markup, html};
use poem::http::{HeaderValue, header};
use poem::{FromRequest, IntoResponse, Request, RequestBody, Response};
use uuid::Uuid;

use super::access::{Caller, CsrfGuard, Declared, Door, DoorRoutes, ErrorPages};
use super::middleware::{contractor_cookie_name, read_cookies};
use super::paths::pattern;
use super::{AppState, Settings, assets, paths};
use crate::domain::contractor_port::{SESSION_DAYS, SESSION_REFRESH_EVERY, form_token, session_hash};
use crate::error::AppError;
use crate::store::contractor_links::{self, ContractorLink};
use crate::store::orgs::{self, Organisation};
use crate::store::work_orders::{self, WorkOrder};

/// ContractorPort: the emailed link's pages, and the job pages of the
/// session it opened (its own cookie and form tokens).
pub const DOOR: Door = Door {
    name: "contractor-port",
    mount: Some(paths::CONTRACTOR_PORT),
    sign_in: None,
    error_pages: ErrorPages::Contractor,
    csrf: CsrfGuard::DoorToken,
    private: true,
};

/// Every ContractorPort route, with the caller it serves.
pub fn routes() -> Vec<Declared> {
    use Caller::{Contractor, ContractorLink};
    DoorRoutes::new(DOOR)
        .get(pattern::CONTRACTOR_LINK, ContractorLink, link::page)
        .post(pattern::CONTRACTOR_LINK, ContractorLink, link::spend)
        .post(pattern::CONTRACTOR_FRESH_LINK, ContractorLink, link::fresh)
        .get(pattern::CONTRACTOR_JOB, Contractor, job::page)
        .post(pattern::CONTRACTOR_JOB_DECLINE, Contractor, job::decline)
        .post(pattern::CONTRACTOR_JOB_QUOTE, Contractor, job::quote)
        .post(pattern::CONTRACTOR_JOB_APPOINTMENT, Contractor, job::appointment)
        .post(pattern::CONTRACTOR_JOB_COMMENTS, Contractor, job::comment)
        .post(pattern::CONTRACTOR_JOB_CERTIFICATES, Contractor, job::certificate)
        .post(pattern::CONTRACTOR_JOB_COMPLETE, Contractor, job::complete)
        .post(pattern::CONTRACTOR_JOB_QUOTE_FILE, Contractor, job::quote_file)
        .get(pattern::CONTRACTOR_JOB_PHOTO, Contractor, job::photo_full)
        .get(pattern::CONTRACTOR_JOB_PHOTO_THUMB, Contractor, job::photo_thumb)
        .into_routes()
}

/// The page around every ContractorPort screen: plain, unbranded, the agency
/// named as who the job is from.
fn layout(org: Option<&Organisation>, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex, nofollow";
                meta name="referrer" content="no-referrer";
                title { (title) " – ContractorPort" }
                link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
                link rel="stylesheet" href=(assets::url("app.css"));
            }
            body class="portal" {
                header class="portal-header" {
                    span class="portal-name" { "ContractorPort" }
                    @if let Some(org) = org { span class="hint" { "Work for " (org.name) } }
                }
                main id="main" { (content) }
                @if let Some(org) = org {
                    footer class="portal-footer" {
                        "Questions about this job? " (org.name)
                        @if let Some(email) = &org.support_email { " · " a href={ "mailto:" (email) } { (email) } }
                        @if let Some(phone) = &org.support_phone { " · " (crate::web::ui::format::phone_link(phone)) }
                    }
                }
            }
        }
    }
}

/// The `Set-Cookie` value of a contractor's session for one job: scoped to
/// that job's pages, HttpOnly, not sent on cross-site posts, 30 days.
fn session_cookie(settings: &Settings, job: Uuid, token: &str) -> String {
    let secure = if settings.https { "; Secure" } else { "" };
    format!(
        "{}={token}; Path={}; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        contractor_cookie_name(settings),
        paths::contractor_job(job, paths::JobAction::Page),
        SESSION_DAYS * 24 * 3600
    )
}

/// A contractor in the session their link opened, for one job.
pub struct ContractorCtx {
    /// App state.
    pub state: AppState,
    /// Their access to the job (who they are, what they were asked).
    pub link: ContractorLink,
    /// The job.
    pub order: WorkOrder,
    /// The agency the job is for.
    pub org: Organisation,
    /// The form token of this session.
    pub csrf: String,
    /// The cookie to send again when the session's expiry moved on.
    refreshed_cookie: Option<String>,
}

impl ContractorCtx {
    /// A whole page of this door, with the session's cookie renewed when due.
    pub fn page(&self, title: &str, content: Markup) -> Response {
        let response = layout(Some(&self.org), title, content).into_response();
        self.with_cookie(response)
    }

    /// A response with the session's cookie renewed when due.
    pub fn with_cookie(&self, mut response: Response) -> Response {
        if let Some(cookie) = &self.refreshed_cookie
            && let Ok(value) = HeaderValue::from_str(cookie)
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        response
    }

    /// The contractor as an actor in the audit trail.
    pub fn actor(&self) -> crate::domain::audit::Actor {
        self.link.actor()
    }
}

/// A live contractor session of the request for the job in its path.
pub struct LiveSession {
    /// The access it opens.
    pub link: ContractorLink,
    /// When it expires.
    pub expires: chrono::DateTime<chrono::Utc>,
    /// The cookie's value (to send again when renewed).
    pub token: String,
    /// Its stored hash.
    pub hash: String,
}

/// The first of the request's contractor cookies that is a live session of
/// the job named in its path (`:job`), if any: the one session both the form
/// token check and [`ContractorCtx`] use.
pub async fn session_of(state: &AppState, req: &Request) -> Result<Option<LiveSession>, AppError> {
    let Some(job) = req.raw_path_param("job").and_then(|id| Uuid::parse_str(id).ok()) else {
        return Ok(None);
    };
    let now = state.settings.clock.now();
    for token in read_cookies(req, contractor_cookie_name(&state.settings)) {
        let hash = session_hash(&token);
        if let Some((link, expires)) = contractor_links::session(&state.db, job, &hash, now).await? {
            return Ok(Some(LiveSession {
                link,
                expires,
                token,
                hash,
            }));
        }
    }
    Ok(None)
}

impl<'a> FromRequest<'a> for ContractorCtx {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("app state missing")))?;
        let Some(LiveSession {
            link,
            expires,
            token,
            hash,
        }) = session_of(&state, req).await?
        else {
            return Err(AppError::NotFound.into());
        };
        let now = state.settings.clock.now();
        let order = work_orders::get(&state.db, link.org_id, link.work_order_id)
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let org = orgs::get(&state.db, link.org_id)
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let refreshed_cookie = if expires < now + TimeDelta::days(SESSION_DAYS) - SESSION_REFRESH_EVERY {
            contractor_links::refresh_session(&state.db, &hash, now)
                .await
                .map_err(AppError::from)?;
            Some(session_cookie(&state.settings, link.id, &token))
        } else {
            None
        };
        let csrf = form_token(&state.settings.secret_key, &hash);
        Ok(ContractorCtx {
            state,
            link,
            order,
            org,
            csrf,
            refreshed_cookie,
        })
    }
}

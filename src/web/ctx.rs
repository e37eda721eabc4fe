//! Request context extractors: the session, its CSRF token, whether htmx asked,
//! and who is signed in. The wrappers [`AgentCtx`], [`AdminCtx`] and
//! [`AccountCtx`] are the only way a handler gets a signed-in user, so forgetting
//! an authorisation check does not compile.

use poem::{FromRequest, Request, RequestBody};
use rand::Rng;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use crate::db::session_store::USER_ID_KEY;
use crate::domain::users::Role;
use crate::error::AppError;
use crate::store::orgs::Organisation;
use crate::store::users::User;
use crate::store::{orgs, users};

/// Session key of the CSRF token.
pub const CSRF_KEY: &str = "csrf";
/// Session key of the sign-in time (unix seconds), for the absolute timeout.
const LOGIN_AT_KEY: &str = "login_at";
/// Session key of the last time activity was recorded (unix seconds).
const SEEN_AT_KEY: &str = "seen_at";
/// Session key of the one-shot message shown on the next page.
const FLASH_KEY: &str = "flash";

/// A session ends after this long without activity.
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 12;
/// Activity is written to the session at most this often.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A one-shot message for the next page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    /// `success`, `warning` or `error` (a CSS class).
    pub kind: String,
    /// The text.
    pub message: String,
}

/// The signed-in user and their agency.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The user.
    pub user: User,
    /// Their agency.
    pub org: Organisation,
    /// Landlord messages no agent has opened yet (the count beside Messages);
    /// counted only for whole pages, 0 for an htmx fragment (no navigation).
    pub unread_messages: i64,
}

impl Viewer {
    /// Whether the user is an admin.
    pub fn is_admin(&self) -> bool {
        self.user.role() == Role::Admin
    }
}

/// Everything a page needs about the request.
#[derive(Clone)]
pub struct Ctx {
    /// App state.
    pub state: AppState,
    /// The visitor's session.
    pub session: Session,
    /// The CSRF token to embed in forms and the `hx-headers` of `<body>`.
    pub csrf: String,
    /// An htmx request (answer with a fragment).
    pub htmx: bool,
    /// The id of the element htmx will swap, if it said.
    pub hx_target: Option<String>,
    /// The request path, for navigation state.
    pub path: String,
    /// Signed-in user, if any.
    pub viewer: Option<Viewer>,
    /// The one-shot message for this page, if any.
    pub flash: Option<Flash>,
}

impl Ctx {
    /// Leaves a one-shot message for the next page.
    pub async fn set_flash(&self, kind: &str, message: impl Into<String>) -> Result<(), AppError> {
        self.session
            .insert(
                FLASH_KEY,
                Flash {
                    kind: kind.into(),
                    message: message.into(),
                },
            )
            .await?;
        Ok(())
    }

    /// Puts this page's flash message back, for a request that renders no page
    /// (a redirect), so the next page shows it.
    pub async fn keep_flash(&self) -> Result<(), AppError> {
        if let Some(flash) = &self.flash {
            self.session.insert(FLASH_KEY, flash).await?;
        }
        Ok(())
    }

    /// Whether htmx asked for the element with this id only.
    pub fn wants_fragment(&self, target: &str) -> bool {
        self.htmx && self.hx_target.as_deref() == Some(target)
    }
}

/// The session of the request, put there by the session middleware.
pub fn session_of(req: &Request) -> Result<Session, AppError> {
    req.extensions()
        .get::<Session>()
        .cloned()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("session middleware missing")))
}

/// A new random token for CSRF protection (256 bits, URL-safe base64).
pub fn random_token() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>())
}

/// Signs `user` in on `session`: a new session id (so a planted id is useless), a
/// new CSRF token, and the timestamps the timeouts use (by the app's clock).
pub async fn sign_in(state: &AppState, session: &Session, user: &User) -> Result<(), AppError> {
    session.cycle_id().await?;
    let now = state.settings.clock.now().timestamp();
    session.insert(USER_ID_KEY, user.id).await?;
    session.insert(LOGIN_AT_KEY, now).await?;
    session.insert(SEEN_AT_KEY, now).await?;
    session.insert(CSRF_KEY, random_token()).await?;
    Ok(())
}

/// Ends the session on the server and starts a fresh anonymous one.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}

/// The signed-in user of a session, if any; `whole_page` says whether the
/// answer can be a whole page (not an htmx fragment), the only kind that shows
/// the navigation and so needs the unread-message count.
async fn load_viewer(state: &AppState, session: &Session, whole_page: bool) -> Result<Option<Viewer>, AppError> {
    let Some(user_id) = session.get::<Uuid>(USER_ID_KEY).await? else {
        return Ok(None);
    };
    let now = state.settings.clock.now().timestamp();
    let login_at = session.get::<i64>(LOGIN_AT_KEY).await?.unwrap_or(0);
    if now - login_at > ABSOLUTE_TIMEOUT_HOURS * 3600 {
        sign_out(session).await?;
        return Ok(None);
    }
    let user = match users::get(&state.db, user_id).await? {
        Some(user) if user.is_active => user,
        _ => {
            sign_out(session).await?;
            return Ok(None);
        }
    };
    let Some(org) = orgs::get(&state.db, user.org_id).await? else {
        sign_out(session).await?;
        return Ok(None);
    };
    let seen_at = session.get::<i64>(SEEN_AT_KEY).await?.unwrap_or(0);
    if now - seen_at >= TOUCH_EVERY_SECONDS {
        session.insert(SEEN_AT_KEY, now).await?;
    }
    let unread_messages = if whole_page {
        crate::store::portal_messages::unread_count(&state.db, org.id).await?
    } else {
        0
    };
    Ok(Some(Viewer {
        user,
        org,
        unread_messages,
    }))
}

impl<'a> FromRequest<'a> for Ctx {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("app state missing")))?;
        let session = session_of(req)?;
        let csrf = match session.get::<String>(CSRF_KEY).await.map_err(AppError::from)? {
            Some(token) => token,
            None => {
                let token = random_token();
                session.insert(CSRF_KEY, &token).await.map_err(AppError::from)?;
                token
            }
        };
        let htmx = super::is_htmx(req);
        let viewer = load_viewer(&state, &session, !htmx).await?;
        // `remove` marks the session changed even when there is nothing to
        // remove, which would save it (a database write) on every page view.
        let flash = match session.get::<Flash>(FLASH_KEY).await.map_err(AppError::from)? {
            Some(_) => session.remove::<Flash>(FLASH_KEY).await.map_err(AppError::from)?,
            None => None,
        };
        Ok(Ctx {
            state,
            csrf,
            htmx,
            hx_target: req.header("HX-Target").map(str::to_string),
            path: req.uri().path().to_string(),
            viewer,
            flash,
            session,
        })
    }
}

/// A signed-in agent or admin whose password need not be changed first.
pub struct AgentCtx {
    /// The request context.
    pub ctx: Ctx,
    /// The signed-in user.
    pub viewer: Viewer,
}

/// A signed-in admin.
pub struct AdminCtx {
    /// The request context.
    pub ctx: Ctx,
    /// The signed-in admin.
    pub viewer: Viewer,
}

/// A signed-in user, even one who must still change a one-time password.
pub struct AccountCtx {
    /// The request context.
    pub ctx: Ctx,
    /// The signed-in user.
    pub viewer: Viewer,
}

async fn signed_in(req: &Request, body: &mut RequestBody) -> poem::Result<(Ctx, Viewer)> {
    let ctx = Ctx::from_request(req, body).await?;
    match ctx.viewer.clone() {
        Some(viewer) => Ok((ctx, viewer)),
        None => refuse(&ctx, AppError::Unauthenticated).await,
    }
}

/// Refuses the request, keeping the flash message for the page it ends up on.
async fn refuse<T>(ctx: &Ctx, err: AppError) -> poem::Result<T> {
    ctx.keep_flash().await?;
    Err(err.into())
}

impl<'a> FromRequest<'a> for AccountCtx {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let (ctx, viewer) = signed_in(req, body).await?;
        Ok(AccountCtx { ctx, viewer })
    }
}

impl<'a> FromRequest<'a> for AgentCtx {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let (ctx, viewer) = signed_in(req, body).await?;
        if viewer.user.must_change_password {
            return refuse(&ctx, AppError::PasswordChangeRequired).await;
        }
        Ok(AgentCtx { ctx, viewer })
    }
}

impl<'a> FromRequest<'a> for AdminCtx {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let AgentCtx { ctx, viewer } = AgentCtx::from_request(req, body).await?;
        if !viewer.is_admin() {
            return Err(AppError::Forbidden.into());
        }
        Ok(AdminCtx { ctx, viewer })
    }
}

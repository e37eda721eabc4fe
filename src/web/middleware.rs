//! The middleware every request passes through, outermost first: [`observe`]
//! (request id, session load/save and cookie, error pages, security headers,
//! one log line) and [`compress_html`]. Inside the router each declared route
//! also passes its door's checks ([`super::access`]): the body limit and, for
//! doors with sessions, the CSRF token. Error pages and headers follow the door
//! the router stamped on the answer; an unknown URL outside every door gets
//! the back office's.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use poem::PathPattern;
use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use tower_sessions::Session;
use tower_sessions::session::{Expiry, Id};

use super::access::{Door, ErrorPages};
use super::csrf::is_state_changing;
use super::ctx::IDLE_TIMEOUT_MINUTES;
use super::{AppState, Settings, paths, ui};
use crate::error::AppError;

/// The id of one request, shown on error pages and in the log line.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The name of the session cookie (`__Host-` prefixed over https).
pub fn session_cookie_name(settings: &Settings) -> &'static str {
    if settings.https {
        "__Host-portico_session"
    } else {
        "portico_session"
    }
}

/// The name of ContractorPort's session cookie: one per job, each scoped to
/// its job's path, kept apart from the staff and tenant session.
pub fn contractor_cookie_name(settings: &Settings) -> &'static str {
    if settings.https {
        "__Secure-portico_contractor"
    } else {
        "portico_contractor"
    }
}

/// Every value the request carries for a cookie name (a browser may send
/// one name several times, for different paths).
pub fn read_cookies(req: &Request, name: &str) -> Vec<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
        .collect()
}

fn read_cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

fn session_cookie(settings: &Settings, value: Option<&str>) -> String {
    let name = session_cookie_name(settings);
    let secure = if settings.https { "; Secure" } else { "" };
    match value {
        Some(value) => format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// Saves the session if the request changed it; returns the `Set-Cookie` to send.
async fn persist_session(
    session: &Session,
    incoming: Option<Id>,
    settings: &Settings,
) -> Result<Option<String>, AppError> {
    if !session.is_modified() {
        return Ok(None);
    }
    if session.is_empty().await {
        return Ok(incoming.map(|_| session_cookie(settings, None)));
    }
    session.save().await?;
    let id = session.id();
    if id == incoming {
        return Ok(None);
    }
    Ok(id.map(|id| session_cookie(settings, Some(&id.to_string()))))
}

fn new_request_id() -> String {
    use rand::Rng;
    hex::encode(rand::rng().random::<[u8; 8]>())
}

/// Request id, session, error pages, security headers and the request log line.
pub async fn observe<E: Endpoint>(state: AppState, ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    let started = Instant::now();
    let request_id = new_request_id();
    let method = req.method().clone();
    let htmx = super::is_htmx(&req);
    let return_to = (method == Method::GET)
        .then(|| req.uri().path_and_query().map(|pq| pq.to_string()))
        .flatten();

    let incoming = read_cookie(&req, session_cookie_name(&state.settings)).and_then(|value| Id::from_str(&value).ok());
    let expiry = Expiry::OnInactivity(time::Duration::minutes(IDLE_TIMEOUT_MINUTES));
    let session = Session::new(incoming, state.sessions.clone(), Some(expiry));
    req.extensions_mut().insert(session.clone());
    req.extensions_mut().insert(RequestId(request_id.clone()));

    let (mut response, route, door) = match ep.call(req).await {
        Ok(output) => {
            let response = output.into_response();
            let route = response.data::<PathPattern>().map(|p| p.0.to_string());
            let door = response.data::<Door>().copied();
            (response, route, door)
        }
        Err(err) => {
            let route = err.data::<PathPattern>().map(|p| p.0.to_string());
            let door = err.data::<Door>().copied();
            (
                error_response(err, &request_id, htmx, door, return_to.as_deref()),
                route,
                door,
            )
        }
    };
    match persist_session(&session, incoming, &state.settings).await {
        Ok(Some(cookie)) => {
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        Ok(None) => {}
        // A page that was only read stays readable on a full disk: what its
        // session lost (a moved idle timer, a flash shown once more) is harmless.
        Err(AppError::StorageFull(reason)) if !is_state_changing(&method) && response.status().is_success() => {
            tracing::warn!(request_id = %request_id, reason = %reason, "session not saved: storage full");
        }
        Err(err) => response = error_response(err.into(), &request_id, htmx, door, None),
    }
    if response.status() == StatusCode::INSUFFICIENT_STORAGE {
        state.storage_full_events.record();
    }
    super::security::headers(&mut response, &state.settings, door.is_some_and(|door| door.private));
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("X-Request-Id", value);
    }
    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = route.as_deref().unwrap_or("(unmatched)"),
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    Ok(response)
}

fn redirect(location: &str, htmx: bool) -> Response {
    if htmx {
        // htmx follows this with a full page load.
        Response::builder()
            .status(StatusCode::OK)
            .header("HX-Redirect", location)
            .finish()
    } else {
        Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, location)
            .finish()
    }
}

/// Turns any error into the page the visitor should see, logging what needs it.
fn error_response(
    err: poem::Error,
    request_id: &str,
    htmx: bool,
    door: Option<Door>,
    return_to: Option<&str>,
) -> Response {
    if let Some(door) = door
        && door.error_pages != ErrorPages::Staff
    {
        return portal_error_response(err, door, request_id, htmx);
    }
    let page =
        |status: StatusCode, title: &str, message: &str| ui::error_page(status, title, message, request_id, htmx);
    if let Some(app) = err.downcast_ref::<AppError>() {
        return match app {
            AppError::PortalLinkInvalid => page(StatusCode::NOT_FOUND, "Page not found", ui::NOT_FOUND_MESSAGE),
            AppError::TooManyRequests(seconds) => too_many(page, *seconds),
            AppError::NotFound => page(StatusCode::NOT_FOUND, "Page not found", ui::NOT_FOUND_MESSAGE),
            AppError::Forbidden => page(
                StatusCode::FORBIDDEN,
                "You do not have access to this page",
                "This page is for your agency's admins. Ask an admin if you need something done here.",
            ),
            AppError::CsrfRejected => page(
                StatusCode::FORBIDDEN,
                "This form has expired",
                "Nothing was changed. Go back, reload the page and try again.",
            ),
            AppError::Unauthenticated => {
                let location = match return_to {
                    Some(target) if target != paths::HOME => {
                        let next: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
                        format!("{}?next={next}", paths::LOGIN)
                    }
                    _ => paths::LOGIN.to_string(),
                };
                redirect(&location, htmx)
            }
            AppError::PasswordChangeRequired => redirect(paths::ACCOUNT, htmx),
            AppError::BadRequest(reason) => {
                tracing::info!(request_id, reason = %reason, "bad request");
                page(
                    StatusCode::BAD_REQUEST,
                    "That request could not be understood",
                    ui::BAD_REQUEST_MESSAGE,
                )
            }
            AppError::Unavailable(reason) => unavailable(
                page,
                request_id,
                reason,
                "Portico is briefly unavailable",
                "We cannot reach the database right now. Nothing you sent was lost: try again in a few seconds.",
            ),
            AppError::StorageFull(reason) => storage_full(page, request_id, reason),
            AppError::Internal(inner) => internal(request_id, htmx, &format!("{inner:#}")),
        };
    }
    let status = err.status();
    if err.is::<poem::error::ParsePathError>() || status == StatusCode::NOT_FOUND {
        return page(StatusCode::NOT_FOUND, "Page not found", ui::NOT_FOUND_MESSAGE);
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        return page(status, "That action is not available here", ui::NOT_FOUND_MESSAGE);
    }
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return page(status, "That is too large to send", TOO_LARGE_MESSAGE);
    }
    if status.is_client_error() {
        tracing::info!(request_id, error = %err, "bad request");
        return page(
            StatusCode::BAD_REQUEST,
            "That request could not be understood",
            ui::BAD_REQUEST_MESSAGE,
        );
    }
    internal(request_id, htmx, &err.to_string())
}

/// The 503 page for a database that cannot be reached, with `Retry-After`.
fn unavailable(
    page: impl Fn(StatusCode, &str, &str) -> Response,
    request_id: &str,
    reason: &str,
    title: &str,
    message: &str,
) -> Response {
    tracing::warn!(request_id, reason = %reason, "database unavailable");
    let mut response = page(StatusCode::SERVICE_UNAVAILABLE, title, message);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// What a visitor is told when a form or an upload is over its size limit.
const TOO_LARGE_MESSAGE: &str = "Nothing was saved. Shorten what you entered, or choose a smaller file, and try again.";

/// What a visitor is told when the disk is full.
pub const STORAGE_FULL_MESSAGE: &str =
    "The server has run out of disk space. Nothing was saved; please try again later.";

/// The 507 page for a full disk, with `Retry-After`; logged as an error, since
/// only an operator can free space.
fn storage_full(page: impl Fn(StatusCode, &str, &str) -> Response, request_id: &str, reason: &str) -> Response {
    tracing::error!(request_id, reason = %reason, "storage full: a write was refused");
    let mut response = page(
        StatusCode::INSUFFICIENT_STORAGE,
        "Out of disk space",
        STORAGE_FULL_MESSAGE,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

fn too_many(page: impl Fn(StatusCode, &str, &str) -> Response, seconds: u64) -> Response {
    let mut response = page(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        "Please wait a few minutes before trying again.",
    );
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Errors inside a landlord portal: plain pages with no agency branding and no
/// back-office links; an unknown, rotated or deactivated link all look the same.
fn portal_error_response(err: poem::Error, door: Door, request_id: &str, htmx: bool) -> Response {
    use super::ui::layout::portal_error_page as page;
    let page = |status: StatusCode, title: &str, message: &str| page(status, title, message, request_id, htmx);
    let app = err.downcast_ref::<AppError>();
    let contractor = door.error_pages == ErrorPages::Contractor;
    // A portal with sign-in sends visitors to its own sign-in page.
    if let (Some(AppError::Unauthenticated), Some(sign_in)) = (app, door.sign_in) {
        return redirect(sign_in, htmx);
    }
    match app {
        Some(AppError::PortalLinkInvalid) => page(
            StatusCode::NOT_FOUND,
            "This link is not active",
            if contractor {
                "The link may have been replaced by a newer one. Open the latest link the agency emailed you, or ask them for a new one."
            } else {
                "The link may have been replaced or switched off. Please contact your letting agency for a new link."
            },
        ),
        Some(AppError::TooManyRequests(seconds)) => too_many(page, *seconds),
        Some(AppError::NotFound) => page(
            StatusCode::NOT_FOUND,
            "Not found",
            if contractor {
                "That is not part of your job. Go back, or open the latest link the agency emailed you."
            } else {
                "That item is not in your portal. Go back, or open your portal link again."
            },
        ),
        Some(AppError::CsrfRejected) => page(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Nothing was changed. Go back, reload the page and try again.",
        ),
        Some(AppError::BadRequest(_)) => page(
            StatusCode::BAD_REQUEST,
            "That request could not be understood",
            "Nothing was changed. Go back, reload the page and try again.",
        ),
        Some(AppError::Unavailable(reason)) => unavailable(
            page,
            request_id,
            reason,
            "Briefly unavailable",
            "Nothing you sent was lost: try again in a few seconds.",
        ),
        Some(AppError::StorageFull(reason)) => storage_full(page, request_id, reason),
        Some(AppError::Internal(inner)) => {
            tracing::error!(request_id, error = %format!("{inner:#}"), "internal error");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Sorry, that could not be finished and nothing was changed. Please try again.",
            )
        }
        _ => {
            let status = err.status();
            if status == StatusCode::NOT_FOUND || err.is::<poem::error::ParsePathError>() {
                let message = if contractor {
                    "That page is not part of your job."
                } else {
                    "That page is not in your portal."
                };
                page(StatusCode::NOT_FOUND, "Not found", message)
            } else if status == StatusCode::METHOD_NOT_ALLOWED {
                page(status, "Not available", "That action is not available here.")
            } else if status == StatusCode::PAYLOAD_TOO_LARGE {
                page(status, "That is too large to send", TOO_LARGE_MESSAGE)
            } else if status.is_client_error() {
                page(
                    StatusCode::BAD_REQUEST,
                    "That request could not be understood",
                    "Nothing was changed. Go back, reload the page and try again.",
                )
            } else {
                tracing::error!(request_id, error = %err, "internal error");
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Sorry, that could not be finished and nothing was changed. Please try again.",
                )
            }
        }
    }
}

fn internal(request_id: &str, htmx: bool, detail: &str) -> Response {
    tracing::error!(request_id, error = %detail, "internal error");
    ui::error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Sorry, Portico could not finish that. Nothing was changed. If it keeps happening, give your administrator the reference below.",
        request_id,
        htmx,
    )
}

/// Compresses HTML responses (pages and fragments) for clients that accept it:
/// brotli at a fast level, else gzip. Assets are compressed at build time and
/// downloads are left alone.
pub async fn compress_html<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    use poem::web::{Compress, CompressionAlgo, CompressionLevel};
    let algo = if super::assets::accepts_encoding(&req, "br") {
        Some(CompressionAlgo::BR)
    } else if super::assets::accepts_encoding(&req, "gzip") {
        Some(CompressionAlgo::GZIP)
    } else {
        None
    };
    let response = ep.call(req).await?.into_response();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    let compressible = is_html
        && response.status() != StatusCode::NO_CONTENT
        && !response.headers().contains_key(header::CONTENT_ENCODING);
    match algo {
        Some(algo) if compressible => {
            let mut response = Compress::new(response, algo)
                .with_quality(CompressionLevel::Precise(5))
                .into_response();
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            Ok(response)
        }
        _ => Ok(response),
    }
}

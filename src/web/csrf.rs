//! The CSRF check of the doors whose callers have a session: a state-changing
//! request must carry the session's token. Doors whose secret is in the URL
//! (a landlord portal link) are declared without it in the access table, as a
//! forged cross-site request cannot name a secret it does not know.

use std::sync::Arc;

use poem::http::{Method, header};
use poem::{Endpoint, IntoResponse, Request, Response};

use super::body_limit::MAX_FORM_BYTES;
use super::ctx::{CSRF_KEY, session_of};
use crate::error::AppError;

/// Whether a request may change something (anything but GET, HEAD, OPTIONS, TRACE).
pub fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// Compares two tokens in time that does not depend on where they differ.
fn tokens_match(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Refuses a state-changing request unless it carries the session's CSRF token in
/// the `X-CSRF-Token` header, the `csrf_token` form field, or (for uploads) the
/// `csrf_token` query parameter. Nothing runs otherwise.
pub async fn csrf<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    if !is_state_changing(req.method()) {
        return ep.call(req).await.map(IntoResponse::into_response);
    }
    let session = session_of(&req)?;
    let expected: Option<String> = session.get(CSRF_KEY).await.map_err(AppError::from)?;
    let Some(expected) = expected else {
        return Err(AppError::CsrfRejected.into());
    };
    // Multipart forms (uploads) carry the token in their action URL, as their
    // body is streamed to storage rather than read here.
    let in_query = req.uri().query().is_some_and(|query| {
        form_urlencoded::parse(query.as_bytes())
            .any(|(key, value)| key == "csrf_token" && tokens_match(&expected, &value))
    });
    let mut valid = in_query
        || req
            .header("X-CSRF-Token")
            .is_some_and(|given| tokens_match(&expected, given));
    let is_form = req
        .header(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !valid && is_form {
        let body = req
            .take_body()
            .into_bytes_limit(MAX_FORM_BYTES)
            .await
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        valid =
            form_urlencoded::parse(&body).any(|(key, value)| key == "csrf_token" && tokens_match(&expected, &value));
        req.set_body(body);
    }
    if !valid {
        return Err(AppError::CsrfRejected.into());
    }
    ep.call(req).await.map(IntoResponse::into_response)
}

/// ContractorPort's check: a state-changing request on a job's pages that
/// carries a live session for that job must carry that session's form token
/// (in the `csrf_token` query parameter or form field). The session is found
/// exactly as the door's extractor finds it (the first of the request's
/// contractor cookies that is a live session of the job in the path), so a
/// planted cookie's token cannot stand in for the session the request runs
/// as. A request with no live session goes on, to be refused by the door.
pub async fn door_token<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    if !is_state_changing(req.method()) {
        return ep.call(req).await.map(IntoResponse::into_response);
    }
    let state = req
        .data::<super::AppState>()
        .cloned()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("app state missing")))?;
    let Some(session) = super::contractor_port::session_of(&state, &req).await? else {
        return ep.call(req).await.map(IntoResponse::into_response);
    };
    let expected = crate::domain::contractor_port::form_token(&state.settings.secret_key, &session.hash);
    let in_query = req.uri().query().is_some_and(|query| {
        form_urlencoded::parse(query.as_bytes())
            .any(|(key, value)| key == "csrf_token" && tokens_match(&expected, &value))
    });
    let mut valid = in_query;
    let is_form = req
        .header(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !valid && is_form {
        let body = req
            .take_body()
            .into_bytes_limit(MAX_FORM_BYTES)
            .await
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        valid =
            form_urlencoded::parse(&body).any(|(key, value)| key == "csrf_token" && tokens_match(&expected, &value));
        req.set_body(body);
    }
    if !valid {
        return Err(AppError::CsrfRejected.into());
    }
    ep.call(req).await.map(IntoResponse::into_response)
}

//! The limit on request bodies read into memory, applied to every declared route.

use std::sync::Arc;

use poem::http::{Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};

use crate::error::AppError;

/// Largest request body Portico reads into memory: every form but an upload
/// (whose file is streamed to storage under its own limit). The longest form,
/// 5,000 characters of notes written in a script of 4-byte characters and
/// percent-encoded, is about 60 KB.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Refuses with 413 any request body other than a multipart upload that is
/// larger than [`MAX_FORM_BYTES`], before a handler or the CSRF check reads
/// it: by its `Content-Length` when it says, otherwise by reading no further
/// than the limit. A sign-in form with an 800 MB body no longer reaches memory.
pub async fn bounded_body<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    let multipart = req
        .header(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if !multipart && !matches!(*req.method(), Method::GET | Method::HEAD) {
        let too_large = || poem::Error::from_status(StatusCode::PAYLOAD_TOO_LARGE);
        let declared = req
            .header(header::CONTENT_LENGTH)
            .and_then(|length| length.parse::<u64>().ok());
        if declared.is_some_and(|length| length > MAX_FORM_BYTES as u64) {
            return Err(too_large());
        }
        let body = req
            .take_body()
            .into_bytes_limit(MAX_FORM_BYTES)
            .await
            .map_err(|err| match err {
                poem::error::ReadBodyError::PayloadTooLarge => too_large(),
                other => AppError::BadRequest(other.to_string()).into(),
            })?;
        req.set_body(body);
    }
    ep.call(req).await.map(IntoResponse::into_response)
}

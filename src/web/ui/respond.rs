//! Answers every door gives the same way: a redirect after a form post, a page
//! with a status of its own.

use poem::http::{StatusCode, header};
use poem::{IntoResponse, Response};

/// A 303 redirect after a successful form post.
pub fn see_other(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .finish()
}

/// A page answered with a given status (e.g. 422 for a form with errors).
pub fn with_status(markup: maud::Markup, status: StatusCode) -> Response {
    let mut response = markup.into_response();
    response.set_status(status);
    response
}

//! Back-office pages for agents and admins, one file per screen.

pub mod account;
pub mod audit;
pub mod auth;
pub mod home;
pub mod landlords;
pub mod users;

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

//! Probes for orchestrators: `/healthz` (the process answers) and `/readyz` (the
//! database answers too).

use poem::http::StatusCode;
use poem::web::Data;
use poem::{IntoResponse, Response, handler};

use super::AppState;

/// Always 200 while the process serves requests.
#[handler]
pub fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers, 503 otherwise.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    if state.db.ping().await {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
            .with_header("Retry-After", "5")
            .into_response()
    }
}

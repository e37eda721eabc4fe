//! One error type for the whole app. Handlers return `Result<_, poem::Error>` and
//! use `?` on anything; the outer middleware (`web::middleware`) turns every error
//! into a full HTML page, or a fragment for htmx, with a way back.

use poem::error::ResponseError;
use poem::http::StatusCode;

/// Everything that can go wrong in a request, as the visitor should hear it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or record — also for another agency's records.
    #[error("not found")]
    NotFound,
    /// Signed in, but not allowed here.
    #[error("forbidden")]
    Forbidden,
    /// A state change without a valid CSRF token.
    #[error("the form has expired")]
    CsrfRejected,
    /// Not signed in (or the session ended): go to the sign-in page.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in with a one-time password: choose a new one first.
    #[error("password change required")]
    PasswordChangeRequired,
    /// A malformed request that no form of ours sends.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The database cannot be reached; try again shortly.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A landlord portal link that is unknown, rotated or deactivated (all look the same).
    #[error("portal link not valid")]
    PortalLinkInvalid,
    /// Too many failed attempts from this client; retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests(u64),
    /// A bug or an unexpected failure.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl AppError {
    /// Wraps any unexpected failure.
    pub fn internal(err: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(err.into())
    }
}

impl ResponseError for AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::PortalLinkInvalid => StatusCode::NOT_FOUND,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::Unauthenticated | AppError::PasswordChangeRequired => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if crate::db::is_unavailable(&err) {
            AppError::Unavailable(err.to_string())
        } else {
            AppError::Internal(err.into())
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> Self {
        match err {
            // The session store only fails when the database does.
            tower_sessions::session::Error::Store(store) => AppError::Unavailable(store.to_string()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        match err.downcast::<sqlx::Error>() {
            Ok(sql) => sql.into(),
            Err(other) => AppError::Internal(other),
        }
    }
}

/// The result type of store functions and helpers.
pub type AppResult<T> = Result<T, AppError>;

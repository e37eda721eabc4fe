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
    /// The disk holding the database or the documents is full (SQLite's
    /// `SQLITE_FULL`, PostgreSQL's `disk_full`, or `ENOSPC` from a file write).
    /// The write was rolled back and any partial file removed, so nothing was
    /// saved; it answers 507 Insufficient Storage and works again once space is freed.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// A bug or an unexpected failure.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl AppError {
    /// Wraps any unexpected failure.
    pub fn internal(err: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(err.into())
    }

    /// Wraps a failure of the document store: [`AppError::StorageFull`] when the
    /// disk is full, otherwise an internal error.
    pub fn file_store(err: object_store::Error) -> AppError {
        if is_storage_full(&err) {
            AppError::StorageFull(err.to_string())
        } else {
            AppError::Internal(err.into())
        }
    }
}

/// Whether an error, or any error it wraps, means the disk is full: an I/O
/// error of kind `StorageFull` or `QuotaExceeded` (`ENOSPC`, `EDQUOT`), or a
/// database's "disk full" code (see [`crate::db::is_storage_full`]).
pub fn is_storage_full(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            )
        {
            return true;
        }
        if let Some(sql) = err.downcast_ref::<sqlx::Error>()
            && crate::db::is_storage_full(sql)
        {
            return true;
        }
        next = err.source();
    }
    false
}

impl ResponseError for AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::PortalLinkInvalid => StatusCode::NOT_FOUND,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::Unauthenticated | AppError::PasswordChangeRequired => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if crate::db::is_storage_full(&err) {
            AppError::StorageFull(err.to_string())
        } else if crate::db::is_unavailable(&err) {
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
            tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(reason))
                if reason.starts_with(crate::db::session_store::STORAGE_FULL) =>
            {
                AppError::StorageFull(reason)
            }
            tower_sessions::session::Error::Store(store) => AppError::Unavailable(store.to_string()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        match err.downcast::<sqlx::Error>() {
            Ok(sql) => sql.into(),
            Err(other) if other.chain().any(is_storage_full) => AppError::StorageFull(format!("{other:#}")),
            Err(other) => AppError::Internal(other),
        }
    }
}

/// The result type of store functions and helpers.
pub type AppResult<T> = Result<T, AppError>;

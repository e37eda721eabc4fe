//! Documents as every door hands them out: the size label of a list, and the
//! download itself.

use object_store::ObjectStoreExt;
use poem::http::header;
use poem::{Body, Response};

use crate::domain::documents::download_name;
use crate::error::AppError;
use crate::store::documents::Document;

/// "1.2 MB", "340 KB".
pub fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// Streams a document's bytes as an attachment (every door that lets its caller download one).
pub async fn stream(state: &crate::web::AppState, document: &Document) -> Result<Response, AppError> {
    let file = match state.files.get(&document.storage_path()).await {
        Ok(file) => file,
        Err(object_store::Error::NotFound { .. }) => return Err(AppError::NotFound),
        Err(err) => return Err(AppError::internal(err)),
    };
    let name = download_name(&document.file_name);
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, document.content_type.as_str())
        .header(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))
        .header(header::CACHE_CONTROL, "private, no-store")
        .header(header::CONTENT_LENGTH, document.size_bytes.to_string())
        .body(Body::from_bytes_stream(file.into_stream())))
}

//! Sending a work order's stored photos, for every door that shows them (the
//! back-office, ContractorPort); not a door itself, so no door imports another.

use poem::Response;
use uuid::Uuid;

use super::AppState;
use crate::error::AppError;
use crate::store::work_orders as store;

/// A work order's photo (or its thumbnail) of an agency, else the plain 404.
pub async fn send(
    state: &AppState,
    org_id: Uuid,
    work_order_id: Uuid,
    photo_id: Uuid,
    thumb: bool,
) -> Result<Response, AppError> {
    let photo = store::photo(&state.db, org_id, work_order_id, photo_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let file = match object_store::ObjectStoreExt::get(&state.files, &store::photo_path(photo.org_id, photo.id, thumb))
        .await
    {
        Ok(file) => file,
        Err(object_store::Error::NotFound { .. }) => return Err(AppError::NotFound),
        Err(err) => return Err(AppError::file_store(err)),
    };
    Ok(Response::builder()
        .header(poem::http::header::CONTENT_TYPE, "image/jpeg")
        .header(poem::http::header::CACHE_CONTROL, "private, max-age=86400, immutable")
        .body(poem::Body::from_bytes_stream(file.into_stream())))
}

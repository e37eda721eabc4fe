//! Document downloads in the tenant portal: only documents shared with
//! tenants, of the properties of the tenant's own tenancies.

use poem::web::Path;
use poem::{Response, handler};
use uuid::Uuid;

use super::TenantCtx;
use crate::error::AppError;
use crate::store::{documents, tenancies};
use crate::web::ui::files::stream;

/// `GET /tenant-portal/documents/{id}`: `tenant` and `all` documents of the tenant's tenancies' properties.
#[handler]
pub async fn download(t: TenantCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let db = &t.ctx.state.db;
    let document = documents::get(db, t.org.id, id).await?.ok_or(AppError::NotFound)?;
    let mine = tenancies::for_tenant_portal(db, t.org.id, t.tenant.tenant_id)
        .await?
        .iter()
        .any(|row| document.tenant_may_see(&row.tenancy));
    if !mine {
        return Err(AppError::NotFound);
    }
    stream(&t.ctx.state, &document).await
}

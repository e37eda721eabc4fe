//! Inviting a tenant to the tenant portal, shared by the doors that do it
//! (the back-office today): the store's reissue use case, the branded invite
//! email with its link, in one transaction. Not a door itself, so no door
//! imports another for it.

use chrono::TimeDelta;
use uuid::Uuid;

use crate::domain::audit::Actor;
use crate::error::AppError;
use crate::mail::templates::{self, Brand};
use crate::store::orgs::Organisation;
use crate::store::outbox;
use crate::store::tenant_invites::{self, Invite};
use crate::web::paths;

/// Creates an invite for a tenant of a tenancy and queues its email (the manual
/// flow); earlier unused invites for them are revoked so one link is live.
pub async fn invite_tenant(
    state: &crate::web::AppState,
    org: &Organisation,
    tenancy_id: Uuid,
    tenant: &crate::store::tenancies::TenancyTenant,
    actor: &Actor,
) -> Result<Invite, AppError> {
    let mut tx = state.db.begin().await?;
    let days = state.settings.tenant_invite_days;
    let invite = tenant_invites::reissue(
        &mut tx,
        org.id,
        tenancy_id,
        tenant.tenant_id,
        &tenant.name(),
        TimeDelta::days(days),
        actor,
    )
    .await?;
    let url = format!(
        "{}{}",
        state.settings.base_url,
        paths::tenant_invite(&invite.link_token(&state.settings.secret_key))
    );
    let content = templates::tenant_invite(&Brand::of_org(org), &tenant.name(), &url, days);
    outbox::enqueue(&mut tx, Some(org.id), "tenant_invite", &tenant.email, &content).await?;
    tx.commit().await?;
    Ok(invite)
}

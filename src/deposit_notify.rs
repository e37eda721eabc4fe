//! The seed's `deposit-release-proposed-notify` function: for each new deposit
//! release proposal, check the primary tenant's portal invite (reuse an active
//! one; otherwise make a new one through the same code path as the manual
//! invite), then queue one email with the proposal and the portal link. All of it
//! happens in one transaction that also finishes the job under its claim, so a
//! crash, a retry or a second node never sends a second email.

use chrono::TimeDelta;
use uuid::Uuid;

use crate::db::Db;
use crate::domain::audit::Actor;
use crate::domain::money::money;
use crate::mail::templates::{self, Brand, ProposalSummary};
use crate::store::deposits::{self, NOTIFY_JOB};
use crate::store::jobs::{self, Job};
use crate::store::{orgs, outbox, properties, tenancies, tenant_invites};
use crate::web::{Settings, paths};
use crate::{on_tx, store};

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Notifications queued.
    pub notified: usize,
    /// Jobs with nothing to send (the proposal was withdrawn meanwhile).
    pub skipped: usize,
    /// Jobs that failed this time (retried later).
    pub failed: usize,
}

/// What happened to one job.
enum Outcome {
    Notified,
    Skipped,
    LostClaim,
}

async fn process(db: &Db, settings: &Settings, job: &Job) -> anyhow::Result<Outcome> {
    let org_id = job.org_id.ok_or_else(|| anyhow::anyhow!("job without an agency"))?;
    let mut tx = db.begin().await?;
    let proposal = deposits::get_in_tx(&mut tx, org_id, job.subject_id).await?;
    let Some(proposal) = proposal.filter(|p| p.status() == crate::domain::deposits::ProposalStatus::Open) else {
        return Ok(if jobs::finish(&mut tx, job).await? {
            tx.commit().await?;
            Outcome::Skipped
        } else {
            Outcome::LostClaim
        });
    };
    let tenancy = tenancies::get(db, org_id, proposal.tenancy_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("proposal without its tenancy"))?;
    let primary = tenancy
        .tenants
        .iter()
        .find(|t| t.is_primary)
        .or_else(|| tenancy.tenants.first())
        .ok_or_else(|| anyhow::anyhow!("tenancy without tenants"))?;
    let org = orgs::get(db, org_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no agency"))?;
    let property = properties::get(db, org_id, tenancy.tenancy.property_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no property"))?;
    let (invite, _new) = tenant_invites::ensure_active(
        &mut tx,
        org_id,
        tenancy.tenancy.id,
        primary.tenant_id,
        &primary.name(),
        TimeDelta::days(settings.tenant_invite_days),
        &Actor::system(),
    )
    .await?;
    let url = match invite.status() {
        tenant_invites::InviteStatus::Accepted => format!("{}{}", settings.base_url, paths::TENANT_LOGIN),
        _ => format!(
            "{}{}",
            settings.base_url,
            paths::tenant_invite(&invite.link_token(&settings.secret_key))
        ),
    };
    let earlier: i64 = on_tx!(&mut tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM deposit_release_proposals WHERE tenancy_id = $1 AND status = 'withdrawn' \
         AND created_at < $2"
    )
    .bind(proposal.tenancy_id)
    .bind(proposal.created_at)
    .fetch_one(conn)
    .await)?;
    let lines = deposits::deductions(db, proposal.id).await?;
    let summary = ProposalSummary {
        address: property.address(),
        deposit: money(proposal.deposit_pence),
        to_tenant: money(proposal.to_tenant_pence),
        to_landlord: money(proposal.to_landlord_pence),
        deductions: lines
            .iter()
            .map(|l| (l.reason.clone(), money(l.amount_pence)))
            .collect(),
        replaces_earlier: earlier > 0,
    };
    let content = templates::deposit_proposal(&Brand::of_org(&org), &primary.name(), &summary, &url);
    outbox::enqueue(
        &mut tx,
        Some(org_id),
        "deposit_release_proposed",
        &primary.email,
        &content,
    )
    .await?;
    deposits::mark_notified(&mut tx, proposal.id, invite.id).await?;
    crate::store::audit::record(
        &mut tx,
        crate::store::audit::Entry {
            org_id,
            actor: &Actor::system(),
            action: "deposit_release.notify",
            entity_type: deposits::ENTITY,
            entity_id: Some(proposal.id),
            description: format!(
                "emailed the deposit release proposal to {} with their portal link",
                primary.name()
            ),
            changes: crate::domain::audit::Changes::new(),
        },
    )
    .await?;
    if !jobs::finish(&mut tx, job).await? {
        return Ok(Outcome::LostClaim);
    }
    tx.commit().await?;
    Ok(Outcome::Notified)
}

/// Claims and processes the due notification jobs once.
pub async fn run_once(db: &Db, settings: &Settings, base_backoff: TimeDelta) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    for job in jobs::claim_due(db, NOTIFY_JOB, TimeDelta::minutes(2), 20).await? {
        match process(db, settings, &job).await {
            Ok(Outcome::Notified) => pass.notified += 1,
            Ok(Outcome::Skipped) => pass.skipped += 1,
            Ok(Outcome::LostClaim) => tracing::info!(job_id = %job.id, "job taken over by another worker"),
            Err(err) => {
                pass.failed += 1;
                tracing::warn!(job_id = %job.id, error = %format!("{err:#}"), "deposit notification failed; will retry");
                jobs::failed_attempt(db, &job, &format!("{err:#}"), base_backoff).await?;
            }
        }
    }
    Ok(pass)
}

/// Processes notification jobs forever.
pub async fn run(db: Db, settings: Settings) {
    loop {
        match run_once(&db, &settings, TimeDelta::seconds(15)).await {
            Ok(pass) if pass.notified + pass.skipped + pass.failed > 0 => continue,
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "deposit notifications: could not read the queue"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    }
}

/// The id of the invite a proposal's notification used, for tests and the agent's view.
pub async fn invite_of(db: &Db, org_id: Uuid, proposal_id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    Ok(store::deposits::get(db, org_id, proposal_id)
        .await?
        .and_then(|p| p.invite_id))
}

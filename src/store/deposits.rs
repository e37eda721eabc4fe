//! Deposit release proposals: proposing (which withdraws any open one and
//! queues the tenant's notification in the same transaction), the tenant's
//! answer, and what agents, landlords and tenants read.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, ActorType, Changes};
use crate::domain::deposits::{Answer, ProposalFields, ProposalStatus};
use crate::domain::money::money;
use crate::store::{audit, jobs};
use crate::{on_pool, on_tx};

/// The audit entity type of proposals.
pub const ENTITY: &str = "deposit_release_proposal";
/// The job that tells the tenant about a new proposal (the seed's
/// `deposit-release-proposed-notify`).
pub const NOTIFY_JOB: &str = "deposit_release_proposed_notify";

/// A proposal as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Proposal {
    pub id: Uuid,
    pub org_id: Uuid,
    pub tenancy_id: Uuid,
    #[sqlx(try_from = "String")]
    pub status: ProposalStatus,
    pub deposit_pence: i64,
    pub to_tenant_pence: i64,
    pub to_landlord_pence: i64,
    pub note: Option<String>,
    pub proposed_by_type: String,
    pub proposed_by_name: String,
    pub invite_id: Option<Uuid>,
    pub notified_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    pub response_note: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Proposal {
    /// The status as a value.
    pub fn status(&self) -> ProposalStatus {
        self.status
    }

    /// Whole days an open proposal has waited for the tenant.
    pub fn days_waiting(&self, now: DateTime<Utc>) -> Option<i64> {
        (self.status() == ProposalStatus::Open).then(|| (now - self.created_at).num_days())
    }
}

/// A deduction line as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeductionLine {
    pub id: Uuid,
    pub proposal_id: Uuid,
    pub position: i32,
    pub reason: String,
    pub amount_pence: i64,
    pub disputed: bool,
    pub dispute_reason: Option<String>,
}

/// `SELECT <every Proposal column> FROM deposit_release_proposals <tail>`.
macro_rules! select_proposal {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, tenancy_id, status, deposit_pence, to_tenant_pence, to_landlord_pence, note, \
             proposed_by_type, proposed_by_name, invite_id, notified_at, responded_at, response_note, withdrawn_at, \
             created_at FROM deposit_release_proposals ",
            $tail
        )
    };
}

/// Proposes how the deposit held is released: any open proposal of the tenancy
/// is withdrawn, the new one and its deductions are stored, audited, and the
/// tenant's notification is queued — all in the caller's transaction.
pub async fn propose(
    tx: &mut Tx,
    org_id: Uuid,
    tenancy_id: Uuid,
    deposit_pence: i64,
    fields: &ProposalFields,
    actor: &Actor,
) -> Result<Uuid, sqlx::Error> {
    // Two proposals for one tenancy at once must queue one after the other:
    // otherwise, on PostgreSQL, both find no open proposal to withdraw and the
    // second insert breaks the one-open-proposal index (a 500). Locking the
    // tenancy row serialises them; SQLite already runs one writer at a time.
    if let Tx::Postgres(tx) = tx {
        sqlx::query("SELECT id FROM tenancies WHERE id = $1 AND org_id = $2 FOR UPDATE")
            .bind(tenancy_id)
            .bind(org_id)
            .execute(&mut **tx)
            .await?;
    }
    let now = super::now();
    let withdrawn: Vec<Uuid> = on_tx!(tx, |conn| sqlx::query_scalar(
        "UPDATE deposit_release_proposals SET status = 'withdrawn', withdrawn_at = $1, updated_at = $1 \
         WHERE org_id = $2 AND tenancy_id = $3 AND status = 'open' RETURNING id"
    )
    .bind(now)
    .bind(org_id)
    .bind(tenancy_id)
    .fetch_all(conn)
    .await)?;
    for old in &withdrawn {
        audit::record(
            tx,
            audit::Entry {
                org_id,
                actor,
                action: "deposit_release.withdraw",
                entity_type: ENTITY,
                entity_id: Some(*old),
                description: "withdrew a deposit release proposal by proposing a new one".into(),
                changes: Changes::new().field("status", Some("open"), Some("withdrawn")),
            },
        )
        .await?;
    }
    let id = super::new_id();
    let by_id = actor
        .id
        .filter(|_| matches!(actor.kind, ActorType::Agent | ActorType::Landlord));
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO deposit_release_proposals (id, org_id, tenancy_id, status, deposit_pence, to_tenant_pence, \
         to_landlord_pence, note, proposed_by_type, proposed_by_id, proposed_by_name, created_at, updated_at) \
         VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $10, $11, $11)"
    )
    .bind(id)
    .bind(org_id)
    .bind(tenancy_id)
    .bind(deposit_pence)
    .bind(fields.to_tenant_pence)
    .bind(fields.to_landlord_pence)
    .bind(&fields.note)
    .bind(actor.kind.as_str())
    .bind(by_id)
    .bind(&actor.name)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    for (position, deduction) in fields.deductions.iter().enumerate() {
        on_tx!(tx, |conn| sqlx::query(
            "INSERT INTO deposit_deductions (id, proposal_id, position, reason, amount_pence, disputed) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(super::new_id())
        .bind(id)
        .bind(position as i32 + 1)
        .bind(&deduction.reason)
        .bind(deduction.amount_pence)
        .bind(false)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "deposit_release.propose",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!(
                "proposed releasing the deposit: {} to the tenant, {} to the landlord",
                money(fields.to_tenant_pence),
                money(fields.to_landlord_pence)
            ),
            changes: Changes::new()
                .field("to_tenant", None, Some(&money(fields.to_tenant_pence)))
                .field("to_landlord", None, Some(&money(fields.to_landlord_pence)))
                .field("deductions", None, Some(&fields.deductions.len().to_string())),
        },
    )
    .await?;
    jobs::enqueue(tx, Some(org_id), NOTIFY_JOB, id).await?;
    Ok(id)
}

/// Records the tenant's answer to an open proposal; false when it is no longer open.
pub async fn respond(tx: &mut Tx, proposal: &Proposal, answer: &Answer, actor: &Actor) -> Result<bool, sqlx::Error> {
    let now = super::now();
    let (status, note) = match answer {
        Answer::Accept => (ProposalStatus::Accepted, None),
        Answer::Dispute { overall, .. } => (ProposalStatus::Disputed, overall.clone()),
    };
    let changed = on_tx!(tx, |conn| sqlx::query(
        "UPDATE deposit_release_proposals SET status = $1, responded_at = $2, response_note = $3, updated_at = $2 \
         WHERE id = $4 AND org_id = $5 AND status = 'open'"
    )
    .bind(status.as_str())
    .bind(now)
    .bind(&note)
    .bind(proposal.id)
    .bind(proposal.org_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Ok(false);
    }
    if let Answer::Dispute { lines, .. } = answer {
        for (position, reason) in lines {
            on_tx!(tx, |conn| {
                sqlx::query(
                "UPDATE deposit_deductions SET disputed = $1, dispute_reason = $2 WHERE proposal_id = $3 AND position = $4"
            )
            .bind(true)
            .bind(reason)
            .bind(proposal.id)
            .bind(*position as i32)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
    }
    let (action, description) = match answer {
        Answer::Accept => (
            "deposit_release.accept",
            "accepted the deposit release proposal".to_string(),
        ),
        Answer::Dispute { lines, .. } => (
            "deposit_release.dispute",
            format!(
                "disputed the deposit release proposal ({} deduction(s) disputed)",
                lines.len()
            ),
        ),
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: proposal.org_id,
            actor,
            action,
            entity_type: ENTITY,
            entity_id: Some(proposal.id),
            description,
            changes: Changes::new()
                .field("status", Some("open"), Some(status.as_str()))
                .field("reason", None, note.as_deref()),
        },
    )
    .await?;
    Ok(true)
}

/// One proposal of this agency, read inside a transaction.
pub async fn get_in_tx(tx: &mut Tx, org_id: Uuid, id: Uuid) -> Result<Option<Proposal>, sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query_as(select_proposal!(
        "WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(conn)
    .await)
}

/// One proposal of this agency.
pub async fn get(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<Proposal>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_proposal!(
        "WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org_id)
    .fetch_optional(pool)
    .await)
}

/// A tenancy's proposals, newest first.
pub async fn for_tenancy(db: &Db, org_id: Uuid, tenancy_id: Uuid) -> Result<Vec<Proposal>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_proposal!(
        "WHERE org_id = $1 AND tenancy_id = $2 ORDER BY created_at DESC, id DESC"
    ))
    .bind(org_id)
    .bind(tenancy_id)
    .fetch_all(pool)
    .await)
}

/// Every proposal on the tenancies of a property, newest first, each with its
/// deduction lines: two queries however many tenancies and proposals there are.
pub async fn for_property(
    db: &Db,
    org_id: Uuid,
    property_id: Uuid,
) -> Result<Vec<(Proposal, Vec<DeductionLine>)>, sqlx::Error> {
    let proposals: Vec<Proposal> = on_pool!(db, |pool| sqlx::query_as(select_proposal!(
        "WHERE org_id = $1 AND tenancy_id IN (SELECT id FROM tenancies WHERE org_id = $1 AND property_id = $2) \
         ORDER BY created_at DESC, id DESC"
    ))
    .bind(org_id)
    .bind(property_id)
    .fetch_all(pool)
    .await)?;
    if proposals.is_empty() {
        return Ok(Vec::new());
    }
    let lines: Vec<DeductionLine> = on_pool!(db, |pool| sqlx::query_as(
        "SELECT d.id, d.proposal_id, d.position, d.reason, d.amount_pence, d.disputed, d.dispute_reason \
         FROM deposit_deductions d JOIN deposit_release_proposals p ON p.id = d.proposal_id \
         WHERE p.org_id = $1 AND p.tenancy_id IN (SELECT id FROM tenancies WHERE org_id = $1 AND property_id = $2) \
         ORDER BY d.proposal_id, d.position"
    )
    .bind(org_id)
    .bind(property_id)
    .fetch_all(pool)
    .await)?;
    let mut lines_of: std::collections::HashMap<Uuid, Vec<DeductionLine>> = std::collections::HashMap::new();
    for line in lines {
        lines_of.entry(line.proposal_id).or_default().push(line);
    }
    Ok(proposals
        .into_iter()
        .map(|proposal| {
            let lines = lines_of.remove(&proposal.id).unwrap_or_default();
            (proposal, lines)
        })
        .collect())
}

/// A proposal's deduction lines, in order.
pub async fn deductions(db: &Db, proposal_id: Uuid) -> Result<Vec<DeductionLine>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT id, proposal_id, position, reason, amount_pence, disputed, dispute_reason FROM deposit_deductions \
         WHERE proposal_id = $1 ORDER BY position"
    )
    .bind(proposal_id)
    .fetch_all(pool)
    .await)
}

/// Records that the notification went out (with which invite), inside the job's transaction.
pub async fn mark_notified(tx: &mut Tx, proposal_id: Uuid, invite_id: Uuid) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE deposit_release_proposals SET notified_at = $1, invite_id = $2 WHERE id = $3"
    )
    .bind(super::now())
    .bind(invite_id)
    .bind(proposal_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many proposals an agency has.
pub async fn count(db: &Db, org_id: Uuid) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM deposit_release_proposals WHERE org_id = $1"
    )
    .bind(org_id)
    .fetch_one(pool)
    .await)
}

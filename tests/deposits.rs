//! Deposit release proposals and the tenant invite auto-send (seed 003), on both
//! databases: each row of the seed's Edge Cases table, a revoked invite, a newer
//! proposal withdrawing an older one, the tenant's answers, the expiry sweep, and
//! exactly one email per proposal however the worker is interrupted.

mod common;

use chrono::TimeDelta;
use common::*;
use portico::deposit_notify;
use portico::domain::audit::Actor;
use portico::domain::deposits::{Answer, ProposalForm, ProposalStatus};
use portico::store::{deposits, tenant_invites};
use uuid::Uuid;

struct Fixture {
    app: TestApp,
    org_id: Uuid,
    tenancy_id: Uuid,
    /// (tenant id, email) of the primary tenant.
    primary: (Uuid, String),
    /// (tenant id, email) of the other tenant, if any.
    other: Option<(Uuid, String)>,
    /// The agent who proposes.
    agent: Actor,
}

/// An agency with a let property and a tenancy holding a £1,300 deposit; with
/// `two_tenants`, Ben is the second tenant and Amy (listed second) the primary.
async fn fixture(two_tenants: bool) -> Fixture {
    let app = TestApp::spawn().await;
    let agency = app.agency("Acme Lettings", "ada@acme.example").await;
    let mut admin = app.signed_in(&agency.admin.email, ADMIN_PASSWORD).await;
    let home = app.property(agency.org.id, |f| f.status = "let".into()).await;
    let new = format!("/properties/{home}/tenancies/new");
    admin.get(&new).await;
    let mut fields = vec![
        ("rent", "1,300"),
        ("rent_frequency", "monthly"),
        ("start_date", "2025-03-01"),
        ("status", "active"),
        ("deposit", "1,300"),
        ("deposit_scheme", "dps"),
        ("deposit_reference", "DPS-123"),
        ("deposit_protected_on", "2025-03-05"),
        ("tenant_1_first_name", "Ben"),
        ("tenant_1_last_name", "Okafor"),
        ("tenant_1_email", "ben.okafor@example.com"),
        ("primary_tenant", "1"),
    ];
    if two_tenants {
        fields.extend([
            ("tenant_2_first_name", "Amy"),
            ("tenant_2_last_name", "Lee"),
            ("tenant_2_email", "amy.lee@example.com"),
        ]);
        fields.retain(|(k, _)| *k != "primary_tenant");
        fields.push(("primary_tenant", "2"));
    }
    let made = admin.post(&new, &fields).await;
    assert_eq!(made.status(), 303, "{}", made.body);
    let tenancy_id: Uuid = made
        .location()
        .unwrap()
        .trim_start_matches("/tenancies/")
        .parse()
        .unwrap();
    let tenancy = portico::store::tenancies::get(&app.db, agency.org.id, tenancy_id)
        .await
        .unwrap()
        .unwrap();
    let primary = tenancy.tenants.iter().find(|t| t.is_primary).unwrap();
    let other = tenancy.tenants.iter().find(|t| !t.is_primary);
    Fixture {
        org_id: agency.org.id,
        tenancy_id,
        primary: (primary.tenant_id, primary.email.clone()),
        other: other.map(|t| (t.tenant_id, t.email.clone())),
        agent: agency.admin.actor(),
        app,
    }
}

impl Fixture {
    /// Proposes £1,100 to the tenant and £200 of deductions, as the agent.
    async fn propose(&self) -> Uuid {
        let mut form = ProposalForm {
            to_tenant: "1,100".into(),
            to_landlord: "200".into(),
            note: "Thanks for looking after the flat.".into(),
            ..ProposalForm::default()
        };
        form.lines.insert("deduction_1_reason".into(), "Carpet cleaning".into());
        form.lines.insert("deduction_1_amount".into(), "150".into());
        form.lines.insert("deduction_2_reason".into(), "Missing keys".into());
        form.lines.insert("deduction_2_amount".into(), "50".into());
        let fields = form.parse(130_000).expect("valid proposal");
        let mut tx = self.app.db.begin().await.unwrap();
        let id = deposits::propose(&mut tx, self.org_id, self.tenancy_id, 130_000, &fields, &self.agent)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    async fn invite(&self, tenant: Uuid, valid_for: TimeDelta) -> tenant_invites::Invite {
        let mut tx = self.app.db.begin().await.unwrap();
        let invite = tenant_invites::create(
            &mut tx,
            self.org_id,
            self.tenancy_id,
            tenant,
            "Tenant",
            valid_for,
            &Actor::system(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        invite
    }

    async fn notify(&self) -> deposit_notify::Pass {
        deposit_notify::run_once(&self.app.db, &self.app.state.settings, TimeDelta::milliseconds(1))
            .await
            .unwrap()
    }

    async fn invites(&self) -> i64 {
        self.app.count("SELECT COUNT(*) FROM tenant_portal_invites").await
    }

    fn link_of(&self, invite: &tenant_invites::Invite) -> String {
        portico::web::paths::tenant_invite(&invite.link_token(&self.app.state.settings.secret_key))
    }

    /// Delivers the outbox and returns what arrived.
    async fn mail(&self) -> Vec<portico::mail::DeliveredEmail> {
        self.app.deliver_mail().await;
        self.app.mailbox.delivered()
    }
}

#[tokio::test]
async fn an_active_invite_is_reused_and_no_new_token_is_made() {
    let f = fixture(false).await;
    let invite = f.invite(f.primary.0, TimeDelta::days(14)).await;
    f.propose().await;
    assert_eq!(f.notify().await.notified, 1);
    assert_eq!(f.invites().await, 1, "no new invite");
    let mail = f.mail().await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, f.primary.1);
    assert!(
        mail[0].text.contains(&f.link_of(&invite)),
        "the existing link is in the email"
    );
    assert!(mail[0].text.contains("£1,100.00") && mail[0].text.contains("Carpet cleaning"));
}

#[tokio::test]
async fn an_accepted_invite_counts_as_active_and_the_email_links_to_sign_in() {
    let f = fixture(false).await;
    let invite = f.invite(f.primary.0, TimeDelta::days(14)).await;
    let mut tx = f.app.db.begin().await.unwrap();
    assert!(
        tenant_invites::accept(&mut tx, &invite, &Actor::system())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    f.propose().await;
    f.notify().await;
    assert_eq!(f.invites().await, 1);
    let mail = f.mail().await;
    assert!(mail[0].text.contains("/tenant-portal/login") && !mail[0].text.contains("/tenant-portal/invite/"));
}

#[tokio::test]
async fn an_older_accepted_invite_beside_a_newer_expired_one_still_counts_and_no_new_invite_is_made() {
    let f = fixture(false).await;
    let accepted = f.invite(f.primary.0, TimeDelta::days(14)).await;
    let mut tx = f.app.db.begin().await.unwrap();
    assert!(
        tenant_invites::accept(&mut tx, &accepted, &Actor::system())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    // A later invite, never used, that has expired since.
    f.invite(f.primary.0, TimeDelta::milliseconds(-1)).await;
    assert_eq!(f.invites().await, 2);
    f.propose().await;
    f.notify().await;
    assert_eq!(f.invites().await, 2, "no third invite");
    let mail = f.mail().await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].text.contains("/tenant-portal/login") && !mail[0].text.contains("/tenant-portal/invite/"));
}

#[tokio::test]
async fn an_expired_invite_is_replaced_by_a_new_token_in_the_proposal_email() {
    let f = fixture(false).await;
    let old = f.invite(f.primary.0, TimeDelta::milliseconds(-1)).await;
    f.propose().await;
    f.notify().await;
    assert_eq!(f.invites().await, 2);
    let mail = f.mail().await;
    assert_eq!(mail.len(), 1, "one email, never a separate invite email");
    assert!(!mail[0].text.contains(&f.link_of(&old)));
    assert!(mail[0].text.contains("/tenant-portal/invite/"));
}

#[tokio::test]
async fn a_tenant_never_invited_gets_a_new_token_in_the_proposal_email() {
    let f = fixture(false).await;
    assert_eq!(f.invites().await, 0);
    let proposal = f.propose().await;
    f.notify().await;
    assert_eq!(f.invites().await, 1);
    let invite_id = deposit_notify::invite_of(&f.app.db, f.org_id, proposal)
        .await
        .unwrap()
        .unwrap();
    let invite = tenant_invites::get_for_link(&f.app.db, invite_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(invite.tenant_id, f.primary.0);
    assert_eq!(invite.created_by_type, "system");
    let mail = f.mail().await;
    assert!(mail[0].text.contains(&f.link_of(&invite)));
}

#[tokio::test]
async fn a_revoked_invite_is_replaced_by_a_new_token() {
    let f = fixture(false).await;
    let old = f.invite(f.primary.0, TimeDelta::days(14)).await;
    let mut tx = f.app.db.begin().await.unwrap();
    assert!(tenant_invites::revoke(&mut tx, &old, &Actor::system()).await.unwrap());
    tx.commit().await.unwrap();
    f.propose().await;
    f.notify().await;
    assert_eq!(f.invites().await, 2);
    let mail = f.mail().await;
    assert!(!mail[0].text.contains(&f.link_of(&old)) && mail[0].text.contains("/tenant-portal/invite/"));
}

#[tokio::test]
async fn with_several_tenants_only_the_primary_is_checked_and_emailed() {
    let f = fixture(true).await;
    let (other_id, other_email) = f.other.clone().unwrap();
    // The other tenant's active invite does not count for the primary.
    f.invite(other_id, TimeDelta::days(14)).await;
    f.propose().await;
    f.notify().await;
    let primary_invites = f
        .app
        .count("SELECT COUNT(*) FROM tenant_portal_invites WHERE status = 'present'")
        .await;
    assert_eq!(
        primary_invites, 2,
        "a new one for the primary beside the other tenant's"
    );
    let mail = f.mail().await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, f.primary.1);
    assert_ne!(mail[0].to, other_email);
}

#[tokio::test]
async fn a_new_proposal_withdraws_the_open_one_and_the_tenant_is_told() {
    let f = fixture(false).await;
    let first = f.propose().await;
    f.notify().await;
    let second = f.propose().await;
    let first_row = deposits::get(&f.app.db, f.org_id, first).await.unwrap().unwrap();
    assert_eq!(first_row.status, ProposalStatus::Withdrawn);
    assert!(first_row.withdrawn_at.is_some());
    f.notify().await;
    let mail = f.mail().await;
    assert_eq!(mail.len(), 2, "one email per proposal");
    let replacing = mail
        .iter()
        .filter(|m| m.text.contains("replaces the earlier one"))
        .count();
    assert_eq!(replacing, 1, "the second email says it replaces the first");
    assert_eq!(f.invites().await, 1, "the second reuses the invite the first made");
    let open = f
        .app
        .count("SELECT COUNT(*) FROM deposit_release_proposals WHERE status = 'open'")
        .await;
    assert_eq!(open, 1);
    assert_eq!(
        deposits::get(&f.app.db, f.org_id, second)
            .await
            .unwrap()
            .unwrap()
            .status,
        ProposalStatus::Open
    );
}

#[tokio::test]
async fn a_proposal_withdrawn_before_its_job_runs_sends_nothing() {
    let f = fixture(false).await;
    f.propose().await;
    f.propose().await;
    let pass = f.notify().await;
    assert_eq!((pass.notified, pass.skipped), (1, 1));
    assert_eq!(f.mail().await.len(), 1);
}

#[tokio::test]
async fn the_tenant_accepts_or_disputes_with_reasons_audited_as_the_tenant() {
    let f = fixture(false).await;
    let tenant = Actor {
        kind: portico::domain::audit::ActorType::Tenant,
        id: Some(f.primary.0),
        name: "Ben Okafor".into(),
    };
    let id = f.propose().await;
    let proposal = deposits::get(&f.app.db, f.org_id, id).await.unwrap().unwrap();
    assert_eq!(proposal.days_waiting(chrono::Utc::now()), Some(0));
    let answer =
        portico::domain::deposits::parse_answer("dispute", "", &[(1, "It was already stained".into())]).unwrap();
    let mut tx = f.app.db.begin().await.unwrap();
    assert!(deposits::respond(&mut tx, &proposal, &answer, &tenant).await.unwrap());
    tx.commit().await.unwrap();
    let lines = deposits::deductions(&f.app.db, id).await.unwrap();
    assert!(lines[0].disputed && !lines[1].disputed);
    assert_eq!(lines[0].dispute_reason.as_deref(), Some("It was already stained"));
    let mut tx = f.app.db.begin().await.unwrap();
    assert!(
        !deposits::respond(&mut tx, &proposal, &Answer::Accept, &tenant)
            .await
            .unwrap(),
        "answered once"
    );
    tx.commit().await.unwrap();
    let after = deposits::get(&f.app.db, f.org_id, id).await.unwrap().unwrap();
    assert_eq!(after.status, ProposalStatus::Disputed);
    assert_eq!(after.days_waiting(chrono::Utc::now()), None);
    let audited = f
        .app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'deposit_release.dispute' AND actor_type = 'tenant'")
        .await;
    assert_eq!(audited, 1);

    let second = f.propose().await;
    let proposal = deposits::get(&f.app.db, f.org_id, second).await.unwrap().unwrap();
    let mut tx = f.app.db.begin().await.unwrap();
    assert!(
        deposits::respond(&mut tx, &proposal, &Answer::Accept, &tenant)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(
        deposits::get(&f.app.db, f.org_id, second)
            .await
            .unwrap()
            .unwrap()
            .status,
        ProposalStatus::Accepted
    );
}

#[tokio::test]
async fn the_sweep_expires_overdue_invites_once_as_the_system() {
    let f = fixture(true).await;
    let overdue = f.invite(f.primary.0, TimeDelta::milliseconds(-1)).await;
    let current = f.invite(f.other.clone().unwrap().0, TimeDelta::days(14)).await;
    let (a, b) = tokio::join!(
        tenant_invites::sweep_expired(&f.app.db),
        tenant_invites::sweep_expired(&f.app.db)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "two nodes sweeping expire it once");
    let overdue = tenant_invites::get_for_link(&f.app.db, overdue.id)
        .await
        .unwrap()
        .unwrap();
    let current = tenant_invites::get_for_link(&f.app.db, current.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (overdue.status.as_str(), current.status.as_str()),
        ("expired", "present")
    );
    let audited = f
        .app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'tenant_invite.expire' AND actor_type = 'system'")
        .await;
    assert_eq!(audited, 1);
    assert_eq!(tenant_invites::sweep_expired(&f.app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn each_proposal_gets_exactly_one_email_however_the_worker_is_interrupted() {
    let f = fixture(false).await;
    f.propose().await;
    // A worker claims the job and dies before finishing it: nothing is queued.
    let claimed = portico::store::jobs::claim_due(&f.app.db, deposits::NOTIFY_JOB, TimeDelta::milliseconds(20), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(f.notify().await.notified, 0, "the lease keeps others off");
    tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    // Two workers after the lease ran out: one of them sends it.
    let (a, b) = tokio::join!(f.notify(), f.notify());
    assert_eq!(a.notified + b.notified, 1);
    assert_eq!(f.notify().await.notified, 0);
    assert_eq!(f.app.count("SELECT COUNT(*) FROM email_outbox").await, 1);
    assert_eq!(f.invites().await, 1, "and one invite");
    // The first worker coming back late cannot finish the job again.
    let mut tx = f.app.db.begin().await.unwrap();
    assert!(!portico::store::jobs::finish(&mut tx, &claimed[0]).await.unwrap());
}

//! The outbox worker: claims due emails with a lease, sends them, and records
//! the outcome — sent once, retried with backoff while the mail server is down,
//! failed with the error after the last attempt. Safe on several nodes at once.

use std::time::Duration;

use chrono::TimeDelta;
use lettre::message::Mailbox;

use super::Mailer;
use crate::db::Db;
use crate::store::outbox::{self, OutboxStatus};

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// The sender address (`PORTICO_MAIL_FROM`); the agency's name is shown with it.
    pub from: Mailbox,
    /// How long to sleep when nothing is due.
    pub poll_every: Duration,
    /// The first retry delay; it doubles with every failed attempt (at most an hour).
    pub base_backoff: TimeDelta,
    /// How long a claim lasts before another worker may take the email over.
    pub lease: TimeDelta,
    /// Most emails claimed at once.
    pub batch: i64,
}

impl OutboxSettings {
    /// Production pacing for a sender address.
    pub fn new(from: Mailbox) -> OutboxSettings {
        OutboxSettings {
            from,
            poll_every: Duration::from_secs(2),
            base_backoff: TimeDelta::seconds(15),
            lease: TimeDelta::minutes(2),
            batch: 20,
        }
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Delivered.
    pub sent: usize,
    /// Failed, to be retried.
    pub retrying: usize,
    /// Failed for good.
    pub failed: usize,
}

/// Claims and sends what is due once.
pub async fn deliver_due(db: &Db, mailer: &Mailer, settings: &OutboxSettings) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    let claimed = outbox::claim_due(db, settings.lease, settings.batch).await?;
    for email in claimed {
        let Some(claim_id) = email.claim_id else { continue };
        match mailer.send(&settings.from, &email).await {
            Ok(()) => {
                if outbox::mark_sent(db, &email, claim_id).await? {
                    pass.sent += 1;
                    tracing::info!(outbox_id = %email.id, kind = %email.kind, attempt = email.attempts, "email sent");
                }
            }
            Err(err) => {
                let status = outbox::mark_attempt_failed(
                    db,
                    &email,
                    claim_id,
                    &err.message,
                    settings.base_backoff,
                    err.permanent,
                )
                .await?;
                match status {
                    OutboxStatus::Failed => {
                        pass.failed += 1;
                        tracing::error!(outbox_id = %email.id, kind = %email.kind, attempts = email.attempts,
                            error = %err.message, "email failed for good");
                    }
                    _ => {
                        pass.retrying += 1;
                        tracing::warn!(outbox_id = %email.id, kind = %email.kind, attempt = email.attempts,
                            error = %err.message, "email not sent; will retry");
                    }
                }
            }
        }
    }
    Ok(pass)
}

/// Delivers outbox email forever.
pub async fn run(db: Db, mailer: Mailer, settings: OutboxSettings) {
    loop {
        match deliver_due(&db, &mailer, &settings).await {
            Ok(pass) if pass.sent + pass.retrying + pass.failed > 0 => continue,
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "outbox: could not read the queue"),
        }
        tokio::time::sleep(settings.poll_every).await;
    }
}

//! Reminder emails to contractors (issue 15), through the outbox, at most one
//! a day per contractor and job: a quote request unanswered after 3 days, an
//! instructed job with no appointment after 2 days, a job past its target
//! date not reported complete. Each carries a fresh single-use link (their
//! open sessions keep working). Safe on every node at once: a reminder is
//! claimed in the database before it is queued.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::AppError;
use crate::mail::templates::ContractorAsk;
use crate::store::contractor_links::{self, Reminder};
use crate::store::{orgs, properties, work_orders};
use crate::web::AppState;
use crate::web::contractor_mail::JobMail;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Reminders queued.
    pub sent: usize,
}

/// Queues the reminders due at `now`.
pub async fn run_once(state: &AppState, now: DateTime<Utc>) -> Result<Pass, AppError> {
    let mut pass = Pass::default();
    for (link, reason) in contractor_links::due_reminders(&state.db, now).await? {
        let (Some(order), Some(org)) = (
            work_orders::get(&state.db, link.org_id, link.work_order_id).await?,
            orgs::get(&state.db, link.org_id).await?,
        ) else {
            continue;
        };
        let Some(property) = properties::get(&state.db, org.id, order.property_id).await? else {
            continue;
        };
        let mut tx = state.db.begin().await?;
        let valid_for = TimeDelta::days(state.settings.contractor_link_days);
        let Some(renewed) = contractor_links::claim_reminder(&mut tx, &link, valid_for, now).await? else {
            continue;
        };
        let ask = match reason {
            Reminder::Quote => ContractorAsk::QuoteReminder,
            Reminder::Appointment => ContractorAsk::AppointmentReminder,
            Reminder::Overdue => ContractorAsk::OverdueReminder,
        };
        JobMail::new(state, &org, &order, &property)
            .send_link(&mut tx, &renewed, ask)
            .await?;
        tx.commit().await?;
        pass.sent += 1;
    }
    Ok(pass)
}

/// Runs a pass every `every`, forever.
pub async fn run(state: AppState, every: Duration) {
    let mut interval = tokio::time::interval(every);
    loop {
        interval.tick().await;
        match run_once(&state, state.settings.clock.now()).await {
            Ok(pass) if pass.sent > 0 => tracing::info!(sent = pass.sent, "contractor reminders queued"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not send contractor reminders"),
        }
    }
}

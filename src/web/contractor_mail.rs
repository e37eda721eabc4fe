//! The emails contractors get about a work order, shared by the doors that
//! send them (the back-office asks and instructs, ContractorPort sends fresh
//! links): each queued through the outbox in the caller's transaction, so an
//! email goes out exactly when its change is kept. Not a door itself, so no
//! door imports another for it.

use chrono::TimeDelta;
use uuid::Uuid;

use crate::db::Tx;
use crate::domain::audit::Actor;
use crate::domain::choice::Choice;
use crate::domain::contractor_port::InvitedTo;
use crate::domain::quotes::QuoteStatus;
use crate::error::AppError;
use crate::mail::templates::{self, Brand, ContractorAsk, JobSummary, StandDown};
use crate::store::contractor_links::{self, ContractorLink};
use crate::store::contractors;
use crate::store::orgs::Organisation;
use crate::store::outbox;
use crate::store::properties::Property;
use crate::store::quotes::Quote;
use crate::store::work_orders::WorkOrder;
use crate::web::{AppState, paths};

/// What a contractor's email says about the work order.
pub fn job_summary(order: &WorkOrder, property: &Property) -> JobSummary {
    JobSummary {
        reference: order.reference(),
        title: order.title.clone(),
        address: property.address(),
        priority: order.priority.label().to_string(),
        due: crate::web::ui::format::date(crate::domain::work_orders::target_day(order.target_at)),
    }
}

/// The absolute URL of a link's current token.
pub fn link_url(state: &AppState, link: &ContractorLink) -> String {
    format!(
        "{}{}",
        state.settings.base_url,
        paths::contractor_link(&link.link_token(&state.settings.secret_key))
    )
}

/// A work order's emails to contractors: the agency sending, the work order
/// and what the emails say about it.
pub struct JobMail<'a> {
    /// The app (settings for links, the clock).
    pub state: &'a AppState,
    /// The agency sending.
    pub org: &'a Organisation,
    /// The work order.
    pub order: &'a WorkOrder,
    /// What the emails say about it.
    pub summary: JobSummary,
}

impl<'a> JobMail<'a> {
    /// The emails about `order` on `property`.
    pub fn new(state: &'a AppState, org: &'a Organisation, order: &'a WorkOrder, property: &Property) -> JobMail<'a> {
        JobMail {
            state,
            org,
            order,
            summary: job_summary(order, property),
        }
    }

    /// Queues the email carrying a link's current token.
    pub async fn send_link(&self, tx: &mut Tx, link: &ContractorLink, ask: ContractorAsk) -> Result<(), AppError> {
        let days = (link.link_expires_at - self.state.settings.clock.now())
            .num_days()
            .max(1);
        let content = templates::contractor_link(
            &Brand::of_org(self.org),
            &link.company_name,
            ask,
            &self.summary,
            &link_url(self.state, link),
            days,
        );
        let kind = match ask {
            ContractorAsk::Quote => "contractor_quote_request",
            ContractorAsk::Instruction => "contractor_instruction",
            ContractorAsk::FreshLink => "contractor_fresh_link",
            ContractorAsk::Message => "contractor_message",
            ContractorAsk::QuoteReminder | ContractorAsk::AppointmentReminder | ContractorAsk::OverdueReminder => {
                "contractor_reminder"
            }
        };
        outbox::enqueue(tx, Some(self.org.id), kind, &link.email, &content).await?;
        Ok(())
    }

    /// Gives a contractor a new link to the work order (asking for a quote,
    /// or instructing) and queues its email.
    pub async fn invite(
        &self,
        tx: &mut Tx,
        contractor_id: Uuid,
        invited_to: InvitedTo,
        actor: &Actor,
    ) -> Result<ContractorLink, AppError> {
        let link = contractor_links::issue(
            tx,
            self.order,
            contractor_id,
            invited_to,
            TimeDelta::days(self.state.settings.contractor_link_days),
            actor,
        )
        .await?;
        let ask = match invited_to {
            InvitedTo::Quote => ContractorAsk::Quote,
            InvitedTo::Instruct => ContractorAsk::Instruction,
        };
        self.send_link(tx, &link, ask).await?;
        Ok(link)
    }

    /// Tells the contractors whose quotes (of `open`, those still open before
    /// `accepted` was) were not chosen, politely, by email.
    pub async fn tell_not_chosen(&self, tx: &mut Tx, open: &[Quote], accepted: Uuid) -> Result<(), AppError> {
        for quote in open
            .iter()
            .filter(|q| q.id != accepted && matches!(q.status, QuoteStatus::Submitted | QuoteStatus::AwaitingLandlord))
        {
            let Some(contractor) = contractors::get(&self.state.db, self.org.id, quote.contractor_id).await? else {
                continue;
            };
            let content =
                templates::contractor_not_chosen(&Brand::of_org(self.org), &contractor.company_name, &self.summary);
            outbox::enqueue(
                tx,
                Some(self.org.id),
                "contractor_not_chosen",
                &contractor.email,
                &content,
            )
            .await?;
        }
        Ok(())
    }

    /// Tells contractors (their accesses) that they need not act on the job any more.
    pub async fn stand_down(&self, tx: &mut Tx, links: &[ContractorLink], why: StandDown) -> Result<(), AppError> {
        for link in links {
            let content =
                templates::contractor_stood_down(&Brand::of_org(self.org), &link.company_name, &self.summary, why);
            outbox::enqueue(tx, Some(self.org.id), "contractor_stood_down", &link.email, &content).await?;
        }
        Ok(())
    }
}

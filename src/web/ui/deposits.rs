//! A deposit release proposal as everyone sees it: agent, landlord and tenant.

use maud::{Markup, html};

use crate::domain::deposits::ProposalStatus;
use crate::domain::money::money;
use crate::store::deposits::{DeductionLine, Proposal};
use crate::web::ui::format;

/// Who reads a proposal: the agency and the landlord read about the tenant;
/// the tenant reads about themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// An agent or the landlord.
    AboutTheTenant,
    /// The tenant.
    Tenant,
}

/// The badge of a proposal's status, in the reader's words.
pub fn badge(status: ProposalStatus, reader: Reader) -> Markup {
    let class = match status {
        ProposalStatus::Open => "badge warn",
        ProposalStatus::Accepted => "badge ok",
        ProposalStatus::Disputed => "badge danger",
        ProposalStatus::Withdrawn => "badge muted",
    };
    let label = match reader {
        Reader::AboutTheTenant => status.label(),
        Reader::Tenant => status.label_for_tenant(),
    };
    html! { span class=(class) { (label) } }
}

/// The proposal: amounts, deductions (with any dispute), note, who proposed it
/// when, the tenant's answer, and how long an open one has waited.
pub fn card(
    proposal: &Proposal,
    lines: &[DeductionLine],
    now: chrono::DateTime<chrono::Utc>,
    reader: Reader,
) -> Markup {
    let tenant = reader == Reader::Tenant;
    html! {
        div class="stack" {
            p { (badge(proposal.status(), reader))
                @if let Some(days) = proposal.days_waiting(now).filter(|_| !tenant) {
                    " " span class="hint" data-testid="days-waiting" { "Waiting " (days) @if days == 1 { " day" } @else { " days" } " for the tenant" }
                }
            }
            dl class="details" {
                dt { "Deposit held" } dd { (money(proposal.deposit_pence)) }
                dt { "To the tenant" } dd { (money(proposal.to_tenant_pence)) }
                dt { "To the landlord" } dd { (money(proposal.to_landlord_pence)) }
                dt { "Proposed" } dd { "by " (proposal.proposed_by_name) " (" (proposal.proposed_by_type) "), " (format::date_time(proposal.created_at)) }
                @if let Some(at) = proposal.notified_at { dt { @if tenant { "Emailed to you" } @else { "Tenant emailed" } } dd { (format::date_time(at)) } }
                @if let Some(at) = proposal.responded_at { dt { @if tenant { "You answered" } @else { "Tenant answered" } } dd { (format::date_time(at)) } }
                @if let Some(at) = proposal.withdrawn_at { dt { "Withdrawn" } dd { (format::date_time(at)) } }
            }
            @if !lines.is_empty() {
                table {
                    thead { tr { th { "Deduction" } th { "Amount" } th { @if tenant { "You" } @else { "Tenant" } } } }
                    tbody {
                        @for line in lines {
                            tr {
                                td data-label="Deduction" { (line.reason) }
                                td data-label="Amount" class="nowrap" { (money(line.amount_pence)) }
                                td data-label=(if tenant { "You" } else { "Tenant" }) { @if line.disputed { span class="badge danger" { "Disputed" } @if let Some(r) = &line.dispute_reason { br; (r) } } @else { "—" } }
                            }
                        }
                    }
                }
            }
            @if let Some(note) = &proposal.note { p { strong { "Note: " } (note) } }
            @if let Some(note) = &proposal.response_note { p { strong { @if tenant { "Your reason: " } @else { "Tenant's reason: " } } (note) } }
        }
    }
}

//! The tenant portal's home page: the tenant's tenancies, each with its
//! deposit release proposals (open ones with the answer form) and the
//! documents shared with them. [`super::proposals`] shows it again with an
//! answer's errors.

use maud::{Markup, html};
use poem::handler;
use serde::Deserialize;
use uuid::Uuid;

use super::{TenantCtx, layout};
use crate::domain::choice::Choice;
use crate::domain::deposits::ProposalStatus;
use crate::domain::money::money;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::{deposits, documents, properties, tenancies};
use crate::web::paths;
use crate::web::ui::badges::tenancy_status as status_badge;
use crate::web::ui::form::{csrf_input, error_summary};
use crate::web::ui::{deposits as proposal_ui, format};

/// The answer form of a proposal on the home page, as typed (the answer
/// itself is posted to [`super::proposals`]): `answer`, an overall `reason`, and `dispute_N` per line.
#[derive(Debug, Default, Deserialize)]
pub struct AnswerForm {
    /// `accept` or `dispute`.
    #[serde(default)]
    pub answer: String,
    /// Overall reason.
    #[serde(default)]
    pub reason: String,
    /// Per-line reasons.
    #[serde(flatten)]
    pub lines: std::collections::BTreeMap<String, String>,
}

/// The home page; with `retry`, the proposal it names shows the answer as
/// typed and its errors.
pub(super) async fn render_home(
    t: &TenantCtx,
    retry: Option<(Uuid, &AnswerForm, &FieldErrors)>,
) -> Result<Markup, AppError> {
    let db = &t.ctx.state.db;
    let rows = tenancies::for_tenant_portal(db, t.org.id, t.tenant.tenant_id).await?;
    let now = t.ctx.state.settings.clock.now();
    let today = t.ctx.state.settings.clock.today();
    let mut sections = Vec::new();
    for row in &rows {
        let tenancy = &row.tenancy;
        let property = properties::get(db, t.org.id, tenancy.property_id).await?;
        let address = property.as_ref().map_or(String::new(), |p| p.address());
        let docs: Vec<_> = documents::for_property(db, t.org.id, tenancy.property_id)
            .await?
            .into_iter()
            .filter(|d| d.tenant_may_see(tenancy))
            .collect();
        let proposals = deposits::for_tenancy(db, t.org.id, tenancy.id).await?;
        let mut cards = Vec::new();
        for proposal in proposals.iter().filter(|p| p.status() != ProposalStatus::Withdrawn) {
            let lines = deposits::deductions(db, proposal.id).await?;
            let mine = retry.filter(|(id, _, _)| *id == proposal.id);
            let empty = FieldErrors::new();
            let (form, errors) = match mine {
                Some((_, form, errors)) => (Some(form), errors),
                None => (None, &empty),
            };
            cards.push(html! {
                div class="card" id={ "proposal-" (proposal.id.simple()) } {
                    h3 { "Deposit release proposal" }
                    (proposal_ui::card(proposal, &lines, now, proposal_ui::Reader::Tenant))
                    @if proposal.status() == ProposalStatus::Open {
                        form class="stack" method="post" action=(paths::tenant_proposal_answer(proposal.id)) {
                            (csrf_input(&t.ctx.csrf))
                            (error_summary(errors, &["answer", "reason"]))
                            fieldset class="field" {
                                legend { "Your answer" }
                                label { input type="radio" name="answer" value="accept" checked[form.is_some_and(|f| f.answer == "accept")]; " I accept this proposal" }
                                br;
                                label { input type="radio" name="answer" value="dispute" checked[form.is_some_and(|f| f.answer == "dispute")]; " I dispute it" }
                            }
                            @for line in &lines {
                                @let name = format!("dispute_{}", line.position);
                                div class="field dispute-only" {
                                    label for=(name) { "If you dispute \"" (line.reason) "\" (" (money(line.amount_pence)) "), why? (optional)" }
                                    textarea id=(name) name=(name) rows="2" { (form.and_then(|f| f.lines.get(&name)).map_or("", String::as_str)) }
                                }
                            }
                            div class="field dispute-only" {
                                label for="reason" { "Anything else you disagree with (optional)" }
                                textarea id="reason" name="reason" rows="3" { (form.map_or("", |f| f.reason.as_str())) }
                            }
                            button type="submit" { "Send my answer" }
                        }
                    }
                }
            });
        }
        sections.push(html! {
            section class="card" {
                h2 { (address) " " (status_badge(tenancy.status_on(today))) }
                ul class="facts" {
                    li { (tenancy.rent_label()) }
                    li { (format::date(tenancy.start_date)) " to " @match tenancy.end_date { Some(d) => (format::date(d)), None => "periodic" } }
                    li { "Deposit " (money(tenancy.deposit_pence)) " (" (tenancy.scheme().label()) @if let Some(r) = &tenancy.deposit_reference { ", " (r) } ")" }
                }
                @for card in &cards { (card) }
                h3 { "Documents" }
                @if docs.is_empty() { p class="empty" { "No documents shared with you yet." } } @else {
                    ul { @for d in &docs { li { a href=(paths::tenant_document(d.id)) download { (d.title) } } } }
                }
            }
        });
    }
    let content = html! {
        h1 { "Your tenancy" }
        p class="welcome" { "Welcome, " (t.tenant.first_name) " " (t.tenant.last_name) }
        @if let Some(flash) = &t.ctx.flash { div class={ "flash " (flash.kind) } role="status" { (flash.message) } }
        @if sections.is_empty() { p class="empty" { "No tenancies to show." } }
        @for s in &sections { (s) }
    };
    Ok(layout(Some(&t.org), "Your tenancy", &t.ctx, true, content))
}

/// `GET /tenant-portal`.
#[handler]
pub async fn home(t: TenantCtx) -> Result<Markup, AppError> {
    render_home(&t, None).await
}

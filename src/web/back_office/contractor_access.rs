//! A work order's contractors in the back-office: asking some for quotes,
//! instructing one, each by an email with their own ContractorPort link;
//! withdrawing a contractor's access; and the thread with each of them.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::contractors::insurance_badge;
use super::quotes::{active_contractors, contractor_options};
use super::work::find_property;
use super::work_orders::find;
use super::{see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::contractor_port::{InvitedTo, LinkStatus, parse_text};
use crate::domain::money::money;
use crate::domain::quotes::QuoteStatus;
use crate::domain::validation::FieldErrors;
use crate::domain::work_orders::WorkOrderStatus;
use crate::error::AppError;
use crate::store::contractor_certificates::{self, ReceivedCertificate};
use crate::store::contractor_links::{self, Comment, ContractorLink};
use crate::store::contractors::{self, Contractor};
use crate::store::quotes::{self, Quote};
use crate::store::work_orders::{self, MoveError, WorkOrder};
use crate::web::contractor_mail::JobMail;
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::paths;
use crate::web::ui::form::{csrf_input, error_summary, select};
use crate::web::ui::{self, format};
use object_store::ObjectStoreExt;

/// Whether contractors may be asked to quote for a work order now.
fn asks_quotes(w: &WorkOrder) -> bool {
    quotes::takes_quotes(w.status)
}

/// Whether a contractor may be instructed now: before the work is under way,
/// and not while a quote waits for the landlord's decision.
fn instructs(w: &WorkOrder, quotes: &[Quote]) -> bool {
    w.status.can_move_to(WorkOrderStatus::Instructed)
        && matches!(
            w.status,
            WorkOrderStatus::New | WorkOrderStatus::QuotesRequested | WorkOrderStatus::QuoteAccepted
        )
        && !quotes.iter().any(|q| q.status == QuoteStatus::AwaitingLandlord)
}

/// The work order page's section: who was asked or instructed, their link's
/// state, a refusal with its reason, and each one's thread with a reply box.
pub fn section(
    ctx: &Ctx,
    w: &WorkOrder,
    links: &[ContractorLink],
    comments: &[Comment],
    quotes: &[Quote],
    reply: Option<&Reply>,
) -> Markup {
    let now = ctx.state.settings.clock.now();
    html! {
        section class="card" id="contractors" {
            div class="actions" {
                h2 { "Contractors (" (links.len()) ")" }
                @if asks_quotes(w) {
                    a class="button secondary" href=(paths::work_order_request_quotes(w.id)) { "Ask for quotes" }
                }
                @if instructs(w, quotes) {
                    a class="button" href=(paths::work_order_instruct(w.id)) { "Instruct a contractor" }
                }
            }
            @if links.is_empty() {
                p class="empty" { "No contractor has been asked yet. Asking sends each one an email with a link to this job only." }
            }
            @for link in links {
                article class="card" {
                    div class="actions" {
                        strong { (link.company_name) }
                        span class="badge" { (link.invited_to.label()) }
                        span class="hint" { (link.state_label(now)) }
                        @if link.link_status != LinkStatus::Revoked && !matches!(w.status, WorkOrderStatus::Closed | WorkOrderStatus::Cancelled) {
                            a href=(paths::work_order_contractor_revoke(w.id, link.id)) { "Withdraw access…" }
                        }
                    }
                    @if let Some(reason) = &link.decline_reason {
                        p { "Declined to quote: " (reason) }
                    }
                    @let thread: Vec<&Comment> = comments.iter().filter(|c| c.link_id == link.id).collect();
                    @if !thread.is_empty() {
                        ul class="thread" {
                            @for m in &thread {
                                li class=[(!m.by_contractor()).then_some("mine")] {
                                    (m.body)
                                    span class="meta" { (m.author_name) " · " (format::date_time(m.created_at)) }
                                }
                            }
                        }
                    }
                    @if link.link_status != LinkStatus::Revoked {
                        @let typed = reply.filter(|r| r.link_id == link.id);
                        @let field = format!("reply-{}", link.id.simple());
                        details open[typed.is_some()] {
                            summary { "Write to " (link.company_name) }
                            form class="stack" method="post" action=(paths::work_order_contractor_comment(w.id, link.id)) {
                                (csrf_input(&ctx.csrf))
                                div class={ "field" @if typed.is_some() { " has-error" } } {
                                    label for=(field) { "Your message (they read it on the job's page)" }
                                    @if let Some(r) = typed { span class="field-error" id={ (field) "-error" } { "Error: " (r.error) } }
                                    textarea id=(field) name="body" rows="4"
                                        aria-invalid=[typed.map(|_| "true")]
                                        aria-describedby=[typed.map(|_| format!("{field}-error"))] { @if let Some(r) = typed { (r.body) } }
                                }
                                div class="actions" { button type="submit" class="secondary" { "Send" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A refused reply to a contractor, shown again with what was typed.
pub struct Reply {
    /// The contractor's access it was written to.
    pub link_id: Uuid,
    /// What was typed.
    pub body: String,
    /// Why it was refused.
    pub error: String,
}

/// The contractors of the agency that may be asked, and the work order's
/// property (for the emails).
async fn context(
    ctx: &Ctx,
    viewer: &Viewer,
    id: Uuid,
) -> Result<(WorkOrder, crate::store::properties::Property, Vec<Contractor>), AppError> {
    let w = find(ctx, viewer, id).await?;
    let property = find_property(ctx, viewer, w.property_id).await?;
    let list = active_contractors(ctx, viewer).await?;
    Ok((w, property, list))
}

/// The ask-for-quotes form: a box per active contractor.
fn request_page(ctx: &Ctx, w: &WorkOrder, list: &[Contractor], chosen: &[Uuid], errors: &FieldErrors) -> Markup {
    let today = ctx.state.settings.clock.today();
    let content = html! {
        p { a href=(paths::work_order(w.id)) { "← " (w.reference()) } }
        h1 { "Ask for quotes: " (w.reference()) }
        p class="lede" { (w.title) }
        (error_summary(errors, &["contractor"]))
        @if list.is_empty() {
            p class="empty" { "There are no active contractors. " a href=(paths::CONTRACTOR_NEW) { "Add a contractor" } " first." }
        } @else {
            form class="stack card narrow" method="post" action=(paths::work_order_request_quotes(w.id)) novalidate {
                (csrf_input(&ctx.csrf))
                fieldset id="contractor" {
                    legend { "Who should quote?" }
                    @if let Some(message) = errors.get("contractor") { p class="error" { (message) } }
                    @for c in list {
                        div class="field checkbox" {
                            input type="checkbox" id={ "c-" (c.id) } name="contractor" value=(c.id) checked[chosen.contains(&c.id)];
                            label for={ "c-" (c.id) } { (c.company_name) " (" (c.trades_label()) ") " (insurance_badge(c.insurance_expires_on, today)) }
                        }
                    }
                }
                p class="hint" { "Each gets an email with a link to this job only, where they can quote or decline." }
                div class="actions" {
                    button type="submit" { "Send requests" }
                    a href=(paths::work_order(w.id)) { "Cancel" }
                }
            }
        }
    };
    ui::page(ctx, "Ask for quotes", content)
}

/// `GET /work-orders/{id}/request-quotes`.
#[handler]
pub async fn request_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (w, _, list) = context(&ctx, &viewer, id).await?;
    if !asks_quotes(&w) {
        return Ok(see_other(&paths::work_order(id)));
    }
    Ok(with_status(
        request_page(&ctx, &w, &list, &[], &FieldErrors::new()),
        StatusCode::OK,
    ))
}

/// `POST /work-orders/{id}/request-quotes`: one link and one email per contractor.
#[handler]
pub async fn request(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (w, property, list) = context(&ctx, &viewer, id).await?;
    let chosen: Vec<Uuid> = pairs
        .iter()
        .filter(|(name, _)| name == "contractor")
        .filter_map(|(_, value)| Uuid::parse_str(value.trim()).ok())
        .filter(|cid| list.iter().any(|c| c.id == *cid))
        .collect();
    if chosen.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add("contractor", "Choose at least one contractor");
        return Ok(with_status(
            request_page(&ctx, &w, &list, &chosen, &errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    if !asks_quotes(&w) {
        ctx.set_flash(
            "error",
            format!(
                "{} is {} and takes no more quotes.",
                w.reference(),
                w.status.label().to_lowercase()
            ),
        )
        .await?;
        return Ok(see_other(&paths::work_order(id)));
    }
    let actor = viewer.user.actor();
    let mut tx = ctx.state.db.begin().await?;
    if w.status == WorkOrderStatus::New {
        match work_orders::move_to(&mut tx, &w, WorkOrderStatus::QuotesRequested, None, &actor).await {
            Ok(()) => {}
            Err(MoveError::NotAllowed { from, .. }) => {
                ctx.set_flash(
                    "error",
                    format!("{} is {} now; nobody was asked.", w.reference(), from.to_lowercase()),
                )
                .await?;
                return Ok(see_other(&paths::work_order(id)));
            }
            Err(MoveError::Database(err)) => return Err(err.into()),
        }
    }
    let mail = JobMail::new(&ctx.state, &viewer.org, &w, &property);
    for contractor in &chosen {
        mail.invite(&mut tx, *contractor, InvitedTo::Quote, &actor).await?;
    }
    tx.commit().await?;
    let count = chosen.len();
    ctx.set_flash(
        "success",
        format!(
            "Asked {count} contractor{} to quote; each has an email with their link.",
            if count == 1 { "" } else { "s" }
        ),
    )
    .await?;
    Ok(see_other(&format!("{}#contractors", paths::work_order(id))))
}

/// The instruct form: the accepted quote's contractor, or a choice.
#[derive(Debug, Default, Deserialize)]
pub struct InstructForm {
    /// The contractor's id.
    #[serde(default)]
    pub contractor_id: String,
}

fn instruct_page(
    ctx: &Ctx,
    w: &WorkOrder,
    list: &[Contractor],
    accepted: Option<&Quote>,
    form: &InstructForm,
    errors: &FieldErrors,
) -> Markup {
    let today = ctx.state.settings.clock.today();
    let content = html! {
        p { a href=(paths::work_order(w.id)) { "← " (w.reference()) } }
        div class="card narrow" {
            h1 { "Instruct a contractor: " (w.reference()) }
            (error_summary(errors, &["contractor_id"]))
            form class="stack" method="post" action=(paths::work_order_instruct(w.id)) novalidate {
                (csrf_input(&ctx.csrf))
                @match accepted {
                    Some(q) => {
                        p { "Instruct " strong { (q.contractor_name) } " to do the work, as quoted at " (money(q.total_pence)) "." }
                        input type="hidden" name="contractor_id" value=(q.contractor_id);
                    }
                    None => (select("contractor_id", "Contractor", &contractor_options(list, today), &form.contractor_id, errors)),
                }
                p class="hint" { "They get an email with a link to this job, where they see the access details and the occupier's contact and propose an appointment." }
                div class="actions" {
                    button type="submit" { "Instruct" }
                    a href=(paths::work_order(w.id)) { "Cancel" }
                }
            }
        }
    };
    ui::page(ctx, "Instruct a contractor", content)
}

/// `GET /work-orders/{id}/instruct`.
#[handler]
pub async fn instruct_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (w, _, list) = context(&ctx, &viewer, id).await?;
    let (quotes, _) = quotes::for_work_order(&ctx.state.db, viewer.org.id, id).await?;
    if !instructs(&w, &quotes) {
        return Ok(see_other(&paths::work_order(id)));
    }
    let accepted = quotes.iter().find(|q| q.status == QuoteStatus::Accepted);
    Ok(with_status(
        instruct_page(&ctx, &w, &list, accepted, &InstructForm::default(), &FieldErrors::new()),
        StatusCode::OK,
    ))
}

/// `POST /work-orders/{id}/instruct`: the work order names the contractor,
/// moves to instructed, and they get their email and link.
#[handler]
pub async fn instruct(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<InstructForm>,
) -> Result<Response, AppError> {
    let (w, property, list) = context(&ctx, &viewer, id).await?;
    let (quotes, _) = quotes::for_work_order(&ctx.state.db, viewer.org.id, id).await?;
    if !instructs(&w, &quotes) {
        ctx.set_flash(
            "error",
            format!(
                "{} cannot be instructed now (it is {}).",
                w.reference(),
                w.status.label().to_lowercase()
            ),
        )
        .await?;
        return Ok(see_other(&paths::work_order(id)));
    }
    let accepted = quotes.iter().find(|q| q.status == QuoteStatus::Accepted);
    let wanted = Uuid::parse_str(form.contractor_id.trim()).ok();
    let contractor = match accepted {
        Some(q) => contractors::get(&ctx.state.db, viewer.org.id, q.contractor_id).await?,
        None => wanted.and_then(|cid| list.iter().find(|c| c.id == cid).cloned()),
    };
    let Some(contractor) = contractor else {
        let mut errors = FieldErrors::new();
        errors.add("contractor_id", "Choose a contractor from the list");
        return Ok(with_status(
            instruct_page(&ctx, &w, &list, accepted, &form, &errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let actor = viewer.user.actor();
    let mut tx = ctx.state.db.begin().await?;
    match work_orders::instruct(&mut tx, &w, contractor.id, &contractor.company_name, &actor).await {
        Ok(()) => {}
        Err(MoveError::NotAllowed { from, .. }) => {
            ctx.set_flash(
                "error",
                format!(
                    "{} is {} now and was not instructed.",
                    w.reference(),
                    from.to_lowercase()
                ),
            )
            .await?;
            return Ok(see_other(&paths::work_order(id)));
        }
        Err(MoveError::Database(err)) => return Err(err.into()),
    }
    JobMail::new(&ctx.state, &viewer.org, &w, &property)
        .invite(&mut tx, contractor.id, InvitedTo::Instruct, &actor)
        .await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        format!(
            "{} is instructed; they have an email with their link.",
            contractor.company_name
        ),
    )
    .await?;
    Ok(see_other(&format!("{}#contractors", paths::work_order(id))))
}

/// A contractor's access to this agency's work order, else the plain 404.
async fn find_link(ctx: &Ctx, viewer: &Viewer, id: Uuid, job: Uuid) -> Result<(WorkOrder, ContractorLink), AppError> {
    let w = find(ctx, viewer, id).await?;
    let link = contractor_links::get(&ctx.state.db, viewer.org.id, w.id, job)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((w, link))
}

/// `GET /work-orders/{id}/contractors/{job}/revoke`: asks first.
#[handler]
pub async fn confirm_revoke(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, job)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let (w, link) = find_link(&ctx, &viewer, id, job).await?;
    let content = html! {
        div class="card narrow" {
            h1 { "Withdraw " (link.company_name) "'s access to " (w.reference()) "?" }
            p { "Their link and every browser it opened stop working at once. Their quotes and messages stay on record." }
            form class="actions" method="post" action=(paths::work_order_contractor_revoke(id, job)) {
                (csrf_input(&ctx.csrf))
                button type="submit" class="danger" { "Withdraw access" }
                a href=(paths::work_order(id)) { "Keep it" }
            }
        }
    };
    Ok(with_status(ui::page(&ctx, "Withdraw access", content), StatusCode::OK))
}

/// `POST /work-orders/{id}/contractors/{job}/revoke`.
#[handler]
pub async fn revoke(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, job)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let (w, link) = find_link(&ctx, &viewer, id, job).await?;
    let property = find_property(&ctx, &viewer, w.property_id).await?;
    let mut tx = ctx.state.db.begin().await?;
    let revoked = contractor_links::revoke(&mut tx, &w, &link, &viewer.user.actor()).await?;
    if revoked {
        JobMail::new(&ctx.state, &viewer.org, &w, &property)
            .stand_down(
                &mut tx,
                std::slice::from_ref(&link),
                crate::mail::templates::StandDown::Withdrawn,
            )
            .await?;
    }
    tx.commit().await?;
    let message = if revoked {
        format!("{}'s access to {} is withdrawn.", link.company_name, w.reference())
    } else {
        format!("{}'s access was already withdrawn.", link.company_name)
    };
    ctx.set_flash("success", message).await?;
    Ok(see_other(&format!("{}#contractors", paths::work_order(id))))
}

/// The agent's message to a contractor.
#[derive(Debug, Default, Deserialize)]
pub struct CommentForm {
    /// The message.
    #[serde(default)]
    pub body: String,
}

/// `POST /work-orders/{id}/contractors/{job}/comments`.
#[handler]
pub async fn comment(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, job)): Path<(Uuid, Uuid)>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let (w, link) = find_link(&ctx, &viewer, id, job).await?;
    let body = match parse_text("body", "the message", &form.body) {
        Ok(body) => body,
        Err(errors) => {
            let reply = Reply {
                link_id: link.id,
                body: form.body.clone(),
                error: errors.get("body").unwrap_or("Write a message").to_string(),
            };
            let page =
                super::work_orders::work_order_page(&ctx, &viewer, &w, &FieldErrors::new(), Some(&reply)).await?;
            return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let property = find_property(&ctx, &viewer, w.property_id).await?;
    let mut tx = ctx.state.db.begin().await?;
    contractor_links::add_comment(&mut tx, &w, &link, &viewer.user.actor(), &body).await?;
    // The email carries a fresh single-use link; their open sessions keep working.
    let valid_for = chrono::TimeDelta::days(ctx.state.settings.contractor_link_days);
    if let Some(renewed) = contractor_links::renew(&mut tx, &link, valid_for).await? {
        JobMail::new(&ctx.state, &viewer.org, &w, &property)
            .send_link(&mut tx, &renewed, crate::mail::templates::ContractorAsk::Message)
            .await?;
    }
    tx.commit().await?;
    ctx.set_flash(
        "success",
        format!(
            "Your message to {} is on the job; they have an email about it.",
            link.company_name
        ),
    )
    .await?;
    Ok(see_other(&format!("{}#contractors", paths::work_order(id))))
}

/// The work order page's section of what the instructed contractor sent: the
/// completion report and invoice, and certificates to check into compliance.
pub fn completion_section(ctx: &Ctx, w: &WorkOrder, received: &[ReceivedCertificate]) -> Markup {
    if w.completed_on.is_none() && received.is_empty() {
        return html! {};
    }
    html! {
        section class="card" id="completion" {
            h2 { "Completion and certificates" }
            @if let Some(done) = w.completed_on {
                dl class="details" {
                    dt { "Finished on" } dd { (format::date(done)) }
                    @if let Some(time) = &w.time_on_site { dt { "Time on site" } dd { (time) } }
                    @if let Some(notes) = &w.completion_notes { dt { "Notes" } dd class="notes" { (notes) } }
                    dt { "Invoice" } dd {
                        @match (&w.invoice_number, w.invoice_pence, w.invoice_file_id) {
                            (Some(number), Some(pence), Some(invoice)) => {
                                a href=(paths::work_order_file(w.id, invoice)) { (number) } " for " (money(pence))
                            }
                            _ => "Not required",
                        }
                    }
                }
            }
            @if !received.is_empty() {
                ul class="quotes" {
                    @for r in received {
                        li class="card" {
                            strong { (r.kind_label()) } " from " (r.company_name)
                            ul class="facts" {
                                li { "Issued " (format::date(r.issued_on)) }
                                li { "Expires " (format::date(r.expires_on)) }
                                @if let Some(reference) = &r.reference { li { "No. " (reference) } }
                                li { a href=(paths::work_order_file(w.id, r.file_id)) { "The certificate (PDF)" } }
                            }
                            @if r.awaiting_check() {
                                p class="hint" { "Received from the contractor, awaiting your check." }
                                form method="post" action=(paths::work_order_certificate_accept(w.id, r.id)) {
                                    (csrf_input(&ctx.csrf))
                                    button type="submit" { "Accept into the property's compliance record" }
                                }
                            } @else {
                                p class="hint" { "Accepted by " (r.decided_by_name.as_deref().unwrap_or("an agent")) "; it is the property's certificate." }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /work-orders/{id}/files/{file}`: an invoice or certificate PDF a contractor sent.
#[handler]
pub async fn file(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    let file = work_orders::file(&ctx.state.db, viewer.org.id, w.id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let stored = match ctx.state.files.get(&work_orders::file_path(file.org_id, file.id)).await {
        Ok(stored) => stored,
        Err(object_store::Error::NotFound { .. }) => return Err(AppError::NotFound),
        Err(err) => return Err(AppError::file_store(err)),
    };
    let name = crate::domain::documents::download_name(&file.file_name);
    Ok(Response::builder()
        .header(poem::http::header::CONTENT_TYPE, "application/pdf")
        .header(
            poem::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .header(poem::http::header::CACHE_CONTROL, "private, no-store")
        .body(poem::Body::from_bytes_stream(stored.into_stream())))
}

/// `POST /work-orders/{id}/certificates/{received}/accept`: the certificate
/// becomes the property's current one.
#[handler]
pub async fn accept_certificate(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, received_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let w = find(&ctx, &viewer, id).await?;
    let received = contractor_certificates::get(&ctx.state.db, viewer.org.id, w.id, received_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let property = find_property(&ctx, &viewer, w.property_id).await?;
    let mut tx = ctx.state.db.begin().await?;
    let accepted =
        contractor_certificates::accept(&mut tx, &w, &received, &property.address_line1, &viewer.user.actor()).await?;
    tx.commit().await?;
    let message = if accepted {
        format!("The {} certificate is now the property's.", received.kind_label())
    } else {
        "That certificate was already accepted.".to_string()
    };
    ctx.set_flash("success", message).await?;
    Ok(see_other(&format!("{}#completion", paths::work_order(id))))
}

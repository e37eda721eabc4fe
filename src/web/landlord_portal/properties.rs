//! The Properties tab (`listProperties`) and a property's drill-down with its
//! four sub-views: tenancies (`listTenancies`), compliance
//! (`listComplianceDocs`), documents (`listDocuments`, downloads) and repairs
//! (the property's work orders).

use maud::{Markup, html};
use poem::web::{Form, Path};
use poem::{Response, handler};
use uuid::Uuid;

use super::{PortalCtx, Tab, page};
use crate::domain::audit::Changes;
use crate::domain::choice::Choice;
use crate::domain::compliance::Indicator;
use crate::domain::deposits::{LINE_FIELDS, ProposalForm};
use crate::domain::money::money;
use crate::domain::quotes::QuoteStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::certificates;
use crate::store::deposits;
use crate::store::properties::{self, Property};
use crate::store::quotes as quote_store;
use crate::store::{documents, landlords, portal, tenancies, work_orders};
use crate::web::paths;
use crate::web::ui::badges::indicator as indicator_badge;
use crate::web::ui::badges::property_status as status_badge;
use crate::web::ui::badges::tenancy_status as tenancy_badge;
use crate::web::ui::badges::{priority as priority_badge, work_order_status as work_order_badge};
use crate::web::ui::deposits as deposit_ui;
use crate::web::ui::files::{size_label, stream};
use crate::web::ui::form::{Input, error_summary, textarea};
use crate::web::ui::format;

/// A property's sub-views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Its tenancies.
    Tenancies,
    /// Its compliance certificates.
    Compliance,
    /// Its documents the landlord may see.
    Documents,
    /// Its repairs and maintenance (work orders).
    Repairs,
}

impl View {
    const ALL: [View; 4] = [View::Tenancies, View::Compliance, View::Documents, View::Repairs];

    /// The URL segment.
    pub fn segment(self) -> &'static str {
        match self {
            View::Tenancies => "tenancies",
            View::Compliance => "compliance",
            View::Documents => "documents",
            View::Repairs => "repairs",
        }
    }

    fn label(self) -> &'static str {
        match self {
            View::Tenancies => "Tenancies",
            View::Compliance => "Compliance",
            View::Documents => "Documents",
            View::Repairs => "Repairs",
        }
    }

    fn parse(segment: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.segment() == segment)
    }
}

fn card(ctx: &PortalCtx, p: &Property) -> Markup {
    html! {
        a class="property-card" href=(paths::portal::property_view(&ctx.link, p.id, View::Tenancies.segment())) {
            strong { (p.address()) }
            ul class="facts" {
                li { (p.property_type().label()) }
                @if let Some(rooms) = p.bedrooms_label() { li { (rooms) } }
                li { (p.bathrooms) " bath" }
                li { "EPC " (p.epc().map_or("not recorded", |r| r.label())) }
                li { (status_badge(p.status)) }
            }
        }
    }
}

/// "Waiting for you": what needs the landlord, each a link to where they act
/// on it, before anything else on the first screen.
fn waiting_for_you(ctx: &PortalCtx, quotes: &[(Uuid, quote_store::Quote)]) -> Markup {
    let a = ctx.attention;
    // "An offer is" for one, "2 offers are" for more.
    let plural = |n: i64, one: &str, many: &str| if n == 1 { one.to_string() } else { format!("{n} {many}") };
    html! {
        section class="card attention" aria-labelledby="waiting" {
            h2 id="waiting" { "Waiting for you" }
            @if a.offers_awaiting + a.tasks_pending + a.unread_messages == 0 && quotes.is_empty() {
                p class="empty" { "Nothing needs you right now." }
            } @else {
                ul {
                    @for (property_id, q) in quotes {
                        li { a href=(paths::portal::property_view(&ctx.link, *property_id, View::Repairs.segment())) {
                            "A quote of " (money(q.total_pence)) " from " (q.contractor_name) " waits for your approval"
                        } }
                    }
                    @if a.offers_awaiting > 0 {
                        li { a href=(paths::portal::offers(&ctx.link)) {
                            (plural(a.offers_awaiting, "An offer is", "offers are")) " waiting for your answer"
                        } }
                    }
                    @if a.tasks_overdue > 0 {
                        li { a href=(paths::portal::tasks(&ctx.link)) {
                            (plural(a.tasks_overdue, "A task is past its due date", "tasks are past their due date"))
                        } }
                    } @else if a.tasks_pending > 0 {
                        li { a href=(paths::portal::tasks(&ctx.link)) {
                            (plural(a.tasks_pending, "A task is", "tasks are")) " waiting for you"
                        } }
                    }
                    @if a.unread_messages > 0 {
                        li { a href=(paths::portal::messages(&ctx.link)) {
                            (plural(a.unread_messages, "A new message", "new messages")) " from " (ctx.token.brand_name)
                        } }
                    }
                }
            }
        }
    }
}

async fn properties_tab(ctx: PortalCtx) -> Result<Response, AppError> {
    let rows = properties::for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id).await?;
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let quotes = quote_store::awaiting_landlord_on(&ctx.state.db, ctx.token.org_id, &ids).await?;
    let content = html! {
        (waiting_for_you(&ctx, &quotes))
        h1 { "Your properties" }
        @if rows.is_empty() {
            p class="empty" { "No properties are shared with you yet. Your agency will add them here." }
        } @else {
            ul class="cards" { @for p in &rows { li { (card(&ctx, p)) } } }
        }
    };
    Ok(page(&ctx, Tab::Properties, "Your properties", content))
}

/// `GET /landlord-portal/{token}`: the portal opens on the Properties tab.
#[handler]
pub async fn home(ctx: PortalCtx) -> Result<Response, AppError> {
    properties_tab(ctx).await
}

/// `GET /landlord-portal/{token}/properties`.
#[handler]
pub async fn list(ctx: PortalCtx) -> Result<Response, AppError> {
    properties_tab(ctx).await
}

/// A property linked to this token, else 404 (whatever agency or landlord it belongs to).
async fn linked_property(ctx: &PortalCtx, id: Uuid) -> Result<Property, AppError> {
    properties::get_for_portal(&ctx.state.db, ctx.token.org_id, ctx.token.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A deposit release form being shown again with errors: (tenancy, form, errors).
type Retry<'a> = Option<(Uuid, &'a ProposalForm, &'a FieldErrors)>;

async fn drill_down(ctx: PortalCtx, id: Uuid, view: View) -> Result<Response, AppError> {
    drill_down_with(&ctx, id, view, None).await
}

async fn drill_down_with(ctx: &PortalCtx, id: Uuid, view: View, retry: Retry<'_>) -> Result<Response, AppError> {
    let property = linked_property(ctx, id).await?;
    let db = &ctx.state.db;
    let org_id = ctx.token.org_id;
    let today = ctx.state.settings.clock.today();
    let body = match view {
        View::Tenancies => {
            let rows = tenancies::for_property(db, org_id, property.id).await?;
            let now = ctx.state.settings.clock.now();
            let proposals = deposits::for_property(db, org_id, property.id).await?;
            let release: Vec<Vec<Markup>> = rows
                .iter()
                .map(|row| {
                    proposals
                        .iter()
                        .filter(|(proposal, _)| proposal.tenancy_id == row.tenancy.id)
                        .map(|(proposal, lines)| {
                            deposit_ui::card(proposal, lines, now, deposit_ui::Reader::AboutTheTenant)
                        })
                        .collect()
                })
                .collect();
            let empty = FieldErrors::new();
            html! {
                @if rows.is_empty() { p class="empty" { "No tenancies on record." } } @else {
                    ul class="cards" {
                        @for (row, cards) in rows.iter().zip(&release) {
                            @let t = &row.tenancy;
                            li class="card" {
                                strong { @for (i, tenant) in row.tenants.iter().enumerate() { @if i > 0 { ", " } (tenant.name()) } }
                                ul class="facts" {
                                    li { (t.rent_label()) }
                                    li { (format::date(t.start_date)) " to " @match t.end_date { Some(d) => (format::date(d)), None => "periodic" } }
                                    li { (tenancy_badge(t.status)) }
                                    li { "Deposit " (money(t.deposit_pence)) }
                                }
                                @for card in cards { div class="card" { (card) } }
                                @if t.deposit_pence > 0 {
                                    @let (form, errors) = match retry { Some((id, f, e)) if id == t.id => (f.clone(), e), _ => (ProposalForm::default(), &empty) };
                                    details open[retry.is_some_and(|(id, _, _)| id == t.id)] {
                                        summary { "Propose how the deposit is released" }
                                        (error_summary(errors, &["to_tenant", "to_landlord", "note"]))
                                        form class="stack" method="post" action=(paths::portal::deposit_release(&ctx.link, t.id)) hx-boost="false" novalidate {
                                            (Input::text("to_tenant", "To the tenant (£)", &form.to_tenant).render(errors))
                                            (Input::text("to_landlord", "To you (£)", &form.to_landlord).hint("The deductions must add up to this").render(errors))
                                            @for (n, (reason, amount)) in LINE_FIELDS.iter().take(3).enumerate() {
                                                (Input::text(reason, &format!("Deduction {} reason", n + 1), form.line(n + 1, "reason")).render(errors))
                                                (Input::text(amount, &format!("Deduction {} amount (£)", n + 1), form.line(n + 1, "amount")).render(errors))
                                            }
                                            (textarea("note", "Note for the tenant (optional)", &form.note, None, errors))
                                            button type="submit" { "Propose release" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        View::Compliance => {
            let all = certificates::for_property(db, org_id, property.id).await?;
            let missing = crate::domain::compliance::missing(property.status(), property.has_gas, &all);
            let current = crate::domain::compliance::current(&all);
            html! {
                @if current.is_empty() && missing.is_empty() { p class="empty" { "No certificates on record." } } @else {
                    ul class="cards" {
                        @for kind in &missing {
                            li class="card" { strong { (kind.label()) } ul class="facts" { li { "Not on record" } li { (indicator_badge(Indicator::Missing)) } } }
                        }
                        @for c in &current {
                            li class="card" {
                                strong { (c.kind().label()) @if let Some(r) = &c.epc_rating { " (" (r) ")" } }
                                ul class="facts" {
                                    li { "Expires " (format::date(c.expires_on)) }
                                    li { (indicator_badge(c.indicator(today))) }
                                }
                            }
                        }
                    }
                }
            }
        }
        View::Documents => {
            let docs: Vec<_> = documents::for_property(db, org_id, property.id)
                .await?
                .into_iter()
                .filter(|d| d.visibility().landlord_can_see())
                .collect();
            html! {
                @if docs.is_empty() { p class="empty" { "No documents shared with you for this property." } } @else {
                    ul class="cards" {
                        @for d in &docs {
                            li class="card" {
                                a href=(paths::portal::document(&ctx.link, d.id)) hx-boost="false" download { (d.title) }
                                ul class="facts" { li { (d.file_name) } li { (size_label(d.size_bytes)) } li { (format::date(crate::clock::local_date(d.created_at))) } }
                            }
                        }
                    }
                }
            }
        }
        View::Repairs => {
            let orders = work_orders::for_property(db, org_id, property.id).await?;
            let now = ctx.state.settings.clock.now();
            let waiting = quote_store::awaiting_landlord_on(db, org_id, &[property.id]).await?;
            let limit = if waiting.is_empty() {
                0
            } else {
                landlord_limit(ctx, &property).await?
            };
            html! {
                @for (_, q) in &waiting {
                    @if let Some(w) = orders.iter().find(|w| w.id == q.work_order_id) {
                        section class="card attention" {
                            h2 { "A quote for you to approve" }
                            p { (q.contractor_name) " quoted " strong { (money(q.total_pence)) } " for " (w.reference()) " · " (w.title) ". "
                                "It is above the " (money(limit)) " you approve repairs up to, so the work waits for your answer." }
                            form class="actions" method="post" action=(paths::portal::quote_decision(&ctx.link, property.id, q.id)) hx-boost="false" {
                                button type="submit" name="decision" value="approve" { "Approve…" }
                                button type="submit" name="decision" value="decline" class="secondary" { "Decline…" }
                            }
                        }
                    }
                }
                @if orders.is_empty() { p class="empty" { "No repairs or maintenance on record for this property." } } @else {
                    ul class="cards" {
                        @for w in &orders {
                            li class="card" {
                                strong { (w.reference()) " · " (w.title) }
                                ul class="facts" {
                                    li { (work_order_badge(w.status)) }
                                    li { (priority_badge(w.priority)) }
                                    li { "Raised " (format::date(crate::clock::local_date(w.raised_at))) }
                                    @if w.status.is_open() {
                                        li { "Due " (format::date(crate::clock::local_date(w.target_at))) @if w.overdue(now) { " (overdue)" } }
                                    }
                                    @if let Some(pence) = w.budget_pence { li { "Up to " (money(pence)) } }
                                }
                                @if let Some(d) = &w.description { p class="hint" { (d) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let content = html! {
        p { a href=(paths::portal::properties(&ctx.link)) { "← All properties" } }
        h1 { (property.address()) }
        ul class="facts" {
            li { (property.property_type().label()) }
            @if let Some(rooms) = property.bedrooms_label() { li { (rooms) } }
            li { (property.bathrooms) " bath" }
            li { "EPC " (property.epc().map_or("not recorded", |r| r.label())) }
            li { (status_badge(property.status)) }
        }
        nav class="tabs" aria-label="Property" {
            @for v in View::ALL {
                a href=(paths::portal::property_view(&ctx.link, property.id, v.segment())) aria-current=[(v == view).then_some("page")] { (v.label()) }
            }
        }
        (body)
    };
    let title = format!("{} – {}", property.address_line1, view.label());
    Ok(page(ctx, Tab::Properties, &title, content))
}

/// `POST /landlord-portal/{token}/tenancies/{id}/deposit-release`: the landlord
/// proposes a release on a tenancy of a linked property.
#[handler]
pub async fn propose_release(
    ctx: PortalCtx,
    Path((_, id)): Path<(String, Uuid)>,
    Form(form): Form<ProposalForm>,
) -> Result<Response, AppError> {
    let row = tenancies::get(&ctx.state.db, ctx.token.org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let property_id = row.tenancy.property_id;
    linked_property(&ctx, property_id).await?;
    let fields = match form.parse(row.tenancy.deposit_pence) {
        Ok(fields) => fields,
        Err(errors) => {
            let mut response = drill_down_with(&ctx, property_id, View::Tenancies, Some((id, &form, &errors))).await?;
            response.set_status(poem::http::StatusCode::UNPROCESSABLE_ENTITY);
            return Ok(response);
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    deposits::propose(
        &mut tx,
        ctx.token.org_id,
        id,
        row.tenancy.deposit_pence,
        &fields,
        &ctx.token.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(super::see_other(&paths::portal::property_view(
        &ctx.link,
        property_id,
        View::Tenancies.segment(),
    )))
}

/// `GET /landlord-portal/{token}/properties/{id}`: the drill-down, on tenancies.
#[handler]
pub async fn show(ctx: PortalCtx, Path((_, id)): Path<(String, Uuid)>) -> Result<Response, AppError> {
    drill_down(ctx, id, View::Tenancies).await
}

/// `GET /landlord-portal/{token}/properties/{id}/{view}`.
#[handler]
pub async fn show_view(
    ctx: PortalCtx,
    Path((_, id, view)): Path<(String, Uuid, String)>,
) -> Result<Response, AppError> {
    let view = View::parse(&view).ok_or(AppError::NotFound)?;
    drill_down(ctx, id, view).await
}

/// `GET /landlord-portal/{token}/documents/{id}`: only `landlord` and `all`
/// documents of linked properties; anything else is 404. Audited.
#[handler]
pub async fn download(ctx: PortalCtx, Path((_, id)): Path<(String, Uuid)>) -> Result<Response, AppError> {
    let document = documents::get(&ctx.state.db, ctx.token.org_id, id)
        .await?
        .filter(|d| d.visibility().landlord_can_see())
        .ok_or(AppError::NotFound)?;
    if !portal::is_linked(&ctx.state.db, ctx.token.id, document.property_id).await? {
        return Err(AppError::NotFound);
    }
    let response = stream(&ctx.state, &document).await?;
    let mut tx = ctx.state.db.begin().await?;
    portal::log_landlord_portal_audit(
        &mut tx,
        &ctx.token,
        "landlord_portal.download",
        documents::ENTITY,
        Some(document.id),
        format!("downloaded \"{}\"", document.title),
        Changes::new(),
    )
    .await?;
    tx.commit().await?;
    Ok(response)
}

/// The repair approval limit of the property's landlord.
async fn landlord_limit(ctx: &PortalCtx, property: &Property) -> Result<i64, AppError> {
    Ok(landlords::get(&ctx.state.db, ctx.token.org_id, property.landlord_id)
        .await?
        .map_or(crate::domain::landlords::DEFAULT_REPAIR_APPROVAL_LIMIT_PENCE, |l| {
            l.repair_approval_limit_pence
        }))
}

/// The landlord's answer to a quote: `decision` is `approve` or `decline`;
/// `confirm` is `yes` once they have confirmed it (it cannot be undone).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct QuoteDecisionForm {
    decision: String,
    confirm: String,
}

/// `POST /landlord-portal/{token}/properties/{id}/quotes/{quote}`: asks
/// first, then approves or declines a quote waiting for the landlord, on a
/// work order of a property linked to this link.
#[handler]
pub async fn decide_quote(
    ctx: PortalCtx,
    Path((_, property_id, quote_id)): Path<(String, Uuid, Uuid)>,
    Form(form): Form<QuoteDecisionForm>,
) -> Result<Response, AppError> {
    let property = linked_property(&ctx, property_id).await?;
    let db = &ctx.state.db;
    let org_id = ctx.token.org_id;
    let quote = quote_store::get_on_property(db, org_id, property.id, quote_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let w = work_orders::get(db, org_id, quote.work_order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(AppError::BadRequest("Choose approve or decline".into())),
    };
    let repairs = paths::portal::property_view(&ctx.link, property.id, View::Repairs.segment());
    if quote.status != QuoteStatus::AwaitingLandlord {
        return Ok(crate::web::ui::respond::see_other(&repairs));
    }
    if form.confirm != "yes" {
        let verb = if approve { "Approve" } else { "Decline" };
        let content = html! {
            section class="card highlight" {
                h1 { (verb) " the quote of " (money(quote.total_pence)) " from " (quote.contractor_name) "?" }
                p { (w.reference()) " · " (w.title) " at " (property.address()) }
                @if approve { p { "Your agent can then instruct " (quote.contractor_name) " to do the work." } }
                @else { p { "Your agent will look for another way to get the work done." } }
                p { "This cannot be undone." }
                form class="actions" method="post" action=(paths::portal::quote_decision(&ctx.link, property.id, quote.id)) hx-boost="false" {
                    input type="hidden" name="decision" value=(form.decision);
                    input type="hidden" name="confirm" value="yes";
                    button type="submit" { "Yes, " (verb.to_lowercase()) " it" }
                    a href=(repairs) { "Not now" }
                }
            }
        };
        return Ok(page(&ctx, Tab::Properties, "Confirm your decision", content));
    }
    let (open, _) = quote_store::for_work_order(db, org_id, w.id).await?;
    let org = crate::store::orgs::get(db, org_id).await?.ok_or(AppError::NotFound)?;
    let mut tx = ctx.state.db.begin().await?;
    let heading = match quote_store::landlord_decides(&mut tx, &w, &quote, approve, &ctx.token.actor()).await {
        Ok(()) => {
            if approve {
                crate::web::contractor_mail::JobMail::new(&ctx.state, &org, &w, &property)
                    .tell_not_chosen(&mut tx, &open, quote.id)
                    .await?;
            }
            tx.commit().await?;
            let said = if approve { "approved" } else { "declined" };
            format!("You {said} the quote from {}.", quote.contractor_name)
        }
        // Decided, or the work order cancelled, meanwhile: nothing changed.
        Err(quote_store::QuoteError::Refused(why)) => format!("Nothing was changed. {why}"),
        Err(quote_store::QuoteError::Database(err)) => return Err(err.into()),
    };
    let content = html! {
        section class="card highlight" {
            h1 { (heading) }
            p { (w.reference()) " · " (w.title) }
            p { a href=(repairs) { "Back to the repairs of " (property.address_line1) } }
        }
    };
    Ok(page(&ctx, Tab::Properties, "Your decision", content))
}

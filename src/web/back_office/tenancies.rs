//! Tenancies of a property: add, view and edit, with their tenants (one primary)
//! and the rent, deposit and protection rules.

use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};
use uuid::Uuid;

use super::{see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::deposits::{LINE_FIELDS, ProposalForm};
use crate::domain::money::money;
use crate::domain::tenancies::{
    DepositScheme, MAX_TENANTS, RentFrequency, TenancyForm, TenancyStatus, protection_warning, tenant_field,
};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::audit;
use crate::store::deposits;
use crate::store::properties::{self, Property};
use crate::store::tenancies::{self as store, TenancyWithTenants};
use crate::store::tenant_invites::{self, InviteStatus};
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::ui::audit::history;
use crate::web::ui::badges::tenancy_status as status_badge;
use crate::web::ui::deposits as deposit_ui;
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::format;
use crate::web::{paths, ui};

/// A property's tenancies as a table (on the property page).
pub fn table(rows: &[TenancyWithTenants]) -> Markup {
    html! {
        div class="table-wrap" {
            table {
                thead { tr { th { "Tenants" } th { "Rent" } th { "Start" } th { "End" } th { "Status" } } }
                tbody {
                    @for row in rows {
                        @let t = &row.tenancy;
                        tr {
                            td data-label="Tenants" { a href=(paths::tenancy(t.id)) {
                                @for (i, tenant) in row.tenants.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (tenant.name())
                                }
                            } }
                            td data-label="Rent" class="nowrap" { (t.rent_label()) }
                            td data-label="Start" class="nowrap" { (format::date(t.start_date)) }
                            td data-label="End" class="nowrap" { @match t.end_date { Some(d) => (format::date(d)), None => "Periodic" } }
                            td data-label="Status" { (status_badge(t.status)) }
                        }
                    }
                }
            }
        }
    }
}

fn error_fields() -> Vec<&'static str> {
    let mut fields = vec![
        "rent",
        "rent_frequency",
        "start_date",
        "end_date",
        "status",
        "deposit",
        "deposit_scheme",
        "deposit_reference",
        "deposit_protected_on",
        "primary_tenant",
    ];
    for n in 1..=MAX_TENANTS {
        fields.extend(["first_name", "last_name", "email", "phone"].map(|column| tenant_field(n, column)));
    }
    fields
}

fn form_page(
    ctx: &Ctx,
    property: &Property,
    existing: Option<&TenancyWithTenants>,
    form: &TenancyForm,
    errors: &FieldErrors,
) -> Markup {
    let (title, action, cancel, button) = match existing {
        None => (
            format!("Add a tenancy at {}", property.address_line1),
            paths::property_tenancy_new(property.id),
            paths::property(property.id),
            "Add tenancy",
        ),
        Some(t) => (
            format!("Edit the tenancy at {}", property.address_line1),
            paths::tenancy_edit(t.tenancy.id),
            paths::tenancy(t.tenancy.id),
            "Save changes",
        ),
    };
    let fields = error_fields();
    let primary_error = errors.get("primary_tenant");
    let content = html! {
        h1 { (title) }
        (error_summary(errors, &fields))
        form class="stack" method="post" action=(action) novalidate {
            (csrf_input(&ctx.csrf))
            fieldset {
                legend { "Rent and dates" }
                (Input::text("rent", "Rent (£)", &form.rent).hint("For example 1250 or 1,250.00").required().render(errors))
                (select("rent_frequency", "Rent is due", &choice_options::<RentFrequency>(None), &form.rent_frequency, errors))
                (Input::text("start_date", "Start date", &form.start_date).kind("date").required().render(errors))
                (Input::text("end_date", "End date (optional)", &form.end_date).kind("date").hint("Leave empty for a periodic tenancy").render(errors))
                (select("status", "Status", &choice_options::<TenancyStatus>(None), &form.status, errors))
            }
            fieldset {
                legend { "Deposit" }
                (Input::text("deposit", "Deposit (£, optional)", &form.deposit).hint("At most 5 weeks' rent, or 6 when the rent is £50,000 a year or more").render(errors))
                (select("deposit_scheme", "Protection scheme", &choice_options::<DepositScheme>(None), &form.deposit_scheme, errors))
                (Input::text("deposit_reference", "Scheme reference (optional)", &form.deposit_reference).render(errors))
                (Input::text("deposit_protected_on", "Protected on (optional)", &form.deposit_protected_on).kind("date").hint("Deposits must be protected within 30 days of the start").render(errors))
            }
            fieldset {
                legend { "Tenants" }
                p class="hint" { "Add up to " (MAX_TENANTS) " tenants and choose the primary tenant. A tenant already known to your agency (same email) is reused." }
                @if let Some(error) = primary_error { span class="field-error" id="primary_tenant" { "Error: " (error) } }
                @for n in 1..=MAX_TENANTS {
                    @let row = form.tenants.get(n - 1).cloned().unwrap_or_default();
                    div class="tenant-row" {
                        h3 { "Tenant " (n) }
                        div class="field checkbox" {
                            input type="radio" id={ "primary-" (n) } name="primary_tenant" value=(n) checked[form.primary_tenant == n.to_string()];
                            label for={ "primary-" (n) } { "Primary tenant" }
                        }
                        (Input::text(tenant_field(n, "first_name"), "First name", &row.first_name).render(errors))
                        (Input::text(tenant_field(n, "last_name"), "Last name", &row.last_name).render(errors))
                        (Input::text(tenant_field(n, "email"), "Email", &row.email).kind("email").render(errors))
                        (Input::text(tenant_field(n, "phone"), "Phone (optional)", &row.phone).kind("tel").render(errors))
                    }
                }
            }
            div class="actions" {
                button type="submit" { (button) }
                a href=(cancel) { "Cancel" }
            }
        }
    };
    ui::page(ctx, &title, content)
}

async fn find_property(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<Property, AppError> {
    properties::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The form's message when the store refuses a tenancy (the rule itself is
/// checked inside the writing transaction, see [`store::Refused`]).
fn refusal_errors(refused: store::Refused) -> FieldErrors {
    let mut errors = FieldErrors::new();
    match refused {
        store::Refused::AnotherActive => errors.add(
            "status",
            "This property already has an active tenancy. End that one first, or save this one as a draft.",
        ),
    }
    errors
}

/// `GET /properties/{id}/tenancies/new`.
#[handler]
pub async fn new_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    Ok(form_page(
        &ctx,
        &property,
        None,
        &TenancyForm::with_defaults(),
        &FieldErrors::new(),
    ))
}

/// `POST /properties/{id}/tenancies/new`.
#[handler]
pub async fn create(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    let form = TenancyForm::from_fields(&fields);
    let refused = |errors: FieldErrors| {
        with_status(
            form_page(&ctx, &property, None, &form, &errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return Ok(refused(errors)),
    };
    let mut tx = ctx.state.db.begin().await?;
    let created = store::create(
        &mut tx,
        viewer.org.id,
        property.id,
        &property.address_line1,
        &fields,
        &viewer.user.actor(),
    )
    .await?;
    let tenancy = match created {
        Ok(tenancy) => tenancy,
        Err(rule) => return Ok(refused(refusal_errors(rule))),
    };
    tx.commit().await?;
    ctx.set_flash("success", "The tenancy has been added.").await?;
    Ok(see_other(&paths::tenancy(tenancy)))
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<(TenancyWithTenants, Property), AppError> {
    let tenancy = store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let property = find_property(ctx, viewer, tenancy.tenancy.property_id).await?;
    Ok((tenancy, property))
}

/// `GET /tenancies/{id}`.
#[handler]
pub async fn show(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    render(&ctx, &viewer, id, &ProposalForm::default(), &FieldErrors::new()).await
}

/// The tenancy page, with the deposit release form as typed.
async fn render(
    ctx: &Ctx,
    viewer: &Viewer,
    id: Uuid,
    proposal_form: &ProposalForm,
    proposal_errors: &FieldErrors,
) -> Result<Markup, AppError> {
    let (row, property) = find(ctx, viewer, id).await?;
    let invites = tenant_invites::for_tenancy(&ctx.state.db, viewer.org.id, id).await?;
    let proposals = deposits::for_tenancy(&ctx.state.db, viewer.org.id, id).await?;
    let mut proposal_cards = Vec::new();
    let now = ctx.state.settings.clock.now();
    for proposal in &proposals {
        let lines = deposits::deductions(&ctx.state.db, proposal.id).await?;
        proposal_cards.push(deposit_ui::card(
            proposal,
            &lines,
            now,
            deposit_ui::Reader::AboutTheTenant,
        ));
    }
    let t = &row.tenancy;
    let entries = audit::for_entity(&ctx.state.db, viewer.org.id, store::ENTITY, id, 50).await?;
    let names = audit::names_mentioned(&ctx.state.db, viewer.org.id, &entries).await?;
    let today = ctx.state.settings.clock.today();
    let warning = protection_warning(t.deposit_pence, t.scheme(), t.start_date, t.deposit_protected_on, today);
    let content = html! {
        p { a href=(paths::property(property.id)) { "← " (property.address()) } }
        div class="actions" {
            h1 { "Tenancy at " (property.address_line1) }
            (status_badge(t.status))
        }
        @if let Some(warning) = warning { div class="flash warning" role="status" { (warning) } }
        div class="actions card" { a class="button" href=(paths::tenancy_edit(id)) { "Edit" } }
        div class="grid-2" {
            section class="card" {
                h2 { "Rent and dates" }
                dl class="details" {
                    dt { "Rent" } dd { (t.rent_label()) }
                    dt { "Start" } dd { (format::date(t.start_date)) }
                    dt { "End" } dd { @match t.end_date { Some(d) => (format::date(d)), None => "Periodic (no end date)" } }
                }
            }
            section class="card" {
                h2 { "Deposit" }
                dl class="details" {
                    dt { "Amount" } dd { (money(t.deposit_pence)) }
                    dt { "Scheme" } dd { (t.scheme().label()) }
                    dt { "Reference" } dd { (t.deposit_reference.as_deref().unwrap_or("—")) }
                    dt { "Protected on" } dd { @match t.deposit_protected_on { Some(d) => (format::date(d)), None => "Not yet" } }
                }
            }
        }
        section class="card" {
            h2 { "Tenants" }
            ul {
                @for tenant in &row.tenants {
                    li { (tenant.name()) " — " (tenant.email) @if let Some(phone) = &tenant.phone { ", " (phone) } @if tenant.is_primary { " " span class="badge ok" { "Primary" } } }
                }
            }
        }
        section class="card" id="tenant-portal" {
            h2 { "Tenant portal" }
            ul {
                @for tenant in &row.tenants {
                    @let latest = invites.iter().find(|i| i.tenant_id == tenant.tenant_id);
                    li {
                        (tenant.name()) ": "
                        @match latest {
                            Some(invite) => {
                                span class="badge" data-testid="invite-status" { (invite.status().label()) }
                                @if invite.status() == InviteStatus::Present { " until " (format::date_time(invite.expires_at)) }
                                @if matches!(invite.status(), InviteStatus::Present | InviteStatus::Accepted) {
                                    " "
                                    form class="inline-form" method="post" action=(paths::tenancy_invite_revoke(id, invite.id)) {
                                        (csrf_input(&ctx.csrf))
                                        button type="submit" class="small secondary" {
                                            @if invite.status() == InviteStatus::Accepted { "Revoke access" } @else { "Revoke" }
                                        }
                                    }
                                }
                            }
                            None => span class="hint" { "Not invited" },
                        }
                        " "
                        form class="inline-form" method="post" action=(paths::tenancy_invite(id)) {
                            (csrf_input(&ctx.csrf))
                            input type="hidden" name="tenant_id" value=(tenant.tenant_id);
                            button type="submit" class="small" { "Invite to portal" }
                        }
                    }
                }
            }
        }
        section class="card" id="deposit-release" {
            h2 { "Deposit release" }
            @if proposal_cards.is_empty() { p class="empty" { "No release proposed yet." } }
            @for card in &proposal_cards { div class="card" { (card) } }
            @if t.deposit_pence > 0 {
                h3 { "Propose how the deposit is released" }
                p class="hint" { "A new proposal replaces any open one; the primary tenant is emailed with a link to answer it." }
                (error_summary(proposal_errors, &["to_tenant", "to_landlord", "note"]))
                form class="stack" method="post" action=(paths::tenancy_deposit_release(id)) novalidate {
                    (csrf_input(&ctx.csrf))
                    (Input::text("to_tenant", "To the tenant (£)", &proposal_form.to_tenant).render(proposal_errors))
                    (Input::text("to_landlord", "To the landlord (£)", &proposal_form.to_landlord).hint("The deductions below must add up to this").render(proposal_errors))
                    @for (n, (reason, amount)) in LINE_FIELDS.iter().take(5).enumerate() {
                        div class="grid-2" {
                            (Input::text(reason, &format!("Deduction {} reason", n + 1), proposal_form.line(n + 1, "reason")).render(proposal_errors))
                            (Input::text(amount, &format!("Deduction {} amount (£)", n + 1), proposal_form.line(n + 1, "amount")).render(proposal_errors))
                        }
                    }
                    (textarea("note", "Note for the tenant (optional)", &proposal_form.note, None, proposal_errors))
                    button type="submit" { "Propose release" }
                }
            }
        }
        section { h2 { "History" } (history(&entries, &names)) }
    };
    Ok(ui::page(ctx, "Tenancy", content))
}

/// A tenant's id posted from the tenancy page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TenantChoice {
    /// The tenant.
    #[serde(default)]
    pub tenant_id: String,
}

/// `POST /tenancies/{id}/invites`: the manual "Invite to portal".
#[handler]
pub async fn invite_tenant(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<TenantChoice>,
) -> Result<Response, AppError> {
    let (row, _) = find(&ctx, &viewer, id).await?;
    let tenant = row
        .tenants
        .iter()
        .find(|t| t.tenant_id.to_string() == form.tenant_id.trim())
        .ok_or(AppError::NotFound)?;
    crate::web::invites::invite_tenant(&ctx.state, &viewer.org, id, tenant, &viewer.user.actor()).await?;
    ctx.set_flash(
        "success",
        format!("{} has been emailed an invite to the tenant portal.", tenant.name()),
    )
    .await?;
    Ok(see_other(&format!("{}#tenant-portal", paths::tenancy(id))))
}

/// `POST /tenancies/{id}/invites/{invite}/revoke`.
#[handler]
pub async fn revoke_invite(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, invite_id)): Path<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    find(&ctx, &viewer, id).await?;
    let invite = tenant_invites::for_tenancy(&ctx.state.db, viewer.org.id, id)
        .await?
        .into_iter()
        .find(|i| i.id == invite_id)
        .ok_or(AppError::NotFound)?;
    let mut tx = ctx.state.db.begin().await?;
    let revoked = tenant_invites::revoke(&mut tx, &invite, &viewer.user.actor()).await?;
    tx.commit().await?;
    match (revoked, invite.status()) {
        (true, InviteStatus::Accepted) => {
            ctx.set_flash(
                "success",
                "Portal access revoked: the tenant can no longer open this tenancy in the tenant portal.",
            )
            .await?
        }
        (true, _) => {
            ctx.set_flash("success", "The invite was revoked; its link no longer works.")
                .await?
        }
        (false, _) => {
            ctx.set_flash(
                "warning",
                "Nothing to revoke: that invite was already revoked or expired.",
            )
            .await?
        }
    }
    Ok(see_other(&format!("{}#tenant-portal", paths::tenancy(id))))
}

/// `POST /tenancies/{id}/deposit-release`: an agent proposes a release.
#[handler]
pub async fn propose_release(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<ProposalForm>,
) -> Result<Response, AppError> {
    let (row, _) = find(&ctx, &viewer, id).await?;
    let fields = match form.parse(row.tenancy.deposit_pence) {
        Ok(fields) => fields,
        Err(errors) => {
            let page = render(&ctx, &viewer, id, &form, &errors).await?;
            return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    deposits::propose(
        &mut tx,
        viewer.org.id,
        id,
        row.tenancy.deposit_pence,
        &fields,
        &viewer.user.actor(),
    )
    .await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        "The release is proposed; the tenant will be emailed a link to answer it.",
    )
    .await?;
    Ok(see_other(&format!("{}#deposit-release", paths::tenancy(id))))
}

/// `GET /tenancies/{id}/edit`.
#[handler]
pub async fn edit_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let (row, property) = find(&ctx, &viewer, id).await?;
    Ok(form_page(
        &ctx,
        &property,
        Some(&row),
        &row.to_form(),
        &FieldErrors::new(),
    ))
}

/// `POST /tenancies/{id}/edit`.
#[handler]
pub async fn update(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (row, property) = find(&ctx, &viewer, id).await?;
    let form = TenancyForm::from_fields(&fields);
    let refused = |errors: FieldErrors| {
        with_status(
            form_page(&ctx, &property, Some(&row), &form, &errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return Ok(refused(errors)),
    };
    let mut tx = ctx.state.db.begin().await?;
    let changed = match store::update(&mut tx, &row, &property.address_line1, &fields, &viewer.user.actor()).await? {
        Ok(changed) => changed,
        Err(rule) => return Ok(refused(refusal_errors(rule))),
    };
    tx.commit().await?;
    ctx.set_flash(
        "success",
        if changed {
            "Changes saved."
        } else {
            "Nothing was changed."
        },
    )
    .await?;
    Ok(see_other(&paths::tenancy(id)))
}

//! Landlord management (seed 001): the list with search, filters and cursor
//! pagination; create and edit with validation next to each field; the record with
//! its properties, portal access and audit history; archive, restore and
//! (admins only) anonymise.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::list_screen::{self, CsvExport, Heading, ListScreen, ListView};
use super::{Lookups, see_other, with_status};
use crate::clock::Clock;
use crate::domain::landlords::{Choice, ContactMethod, LandlordForm, LandlordStatus, LandlordType, mask};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::Order;
use crate::store::audit;
use crate::store::landlords::{self as store, Landlord, LandlordColumn, ListFilter};
use crate::web::ctx::{AdminCtx, AgentCtx, Ctx, Viewer};
use crate::web::ui::audit::history;
use crate::web::ui::form::{Input, checkbox, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::format;
use crate::web::ui::list::PageQuery;
use crate::web::{paths, ui};

/// The status filter value that shows every status.
const ALL_STATUSES: &str = "all";

/// The list's filters as they appear in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    landlord_type: String,
    branch: String,
    managed_by: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListScreen for ListQuery {
    type Row = Landlord;
    type Filter = ListFilter;
    type Column = LandlordColumn;

    const PATH: &'static str = paths::LANDLORDS;
    const TITLE: &'static str = "Landlords";
    const NOUN: &'static str = "landlords";
    const RESULTS_ID: &'static str = "landlord-results";
    const SEARCH_HINT: &'static str = "Name, email, company, postcode, town or phone";
    const COLUMNS: &'static [Heading<LandlordColumn>] = &[
        Heading::sorted("Name", LandlordColumn::Name),
        Heading::sorted("Email", LandlordColumn::Email).hide_small(),
        Heading::sorted("Postcode", LandlordColumn::Postcode).nowrap(),
        Heading::plain("Status"),
        Heading::plain("Managed by").hide_small(),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::LANDLORDS_CSV,
        file_name: "landlords.csv",
        header: &[
            "Name", "Email", "Phone", "Type", "Address", "Town", "Postcode", "Country", "Status",
        ],
    });

    list_screen::plumbing!(store::list, store::list_count, |row| row.id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status.clone()),
            ("landlord_type", self.landlord_type.clone()),
            ("branch", self.branch.clone()),
            ("managed_by", self.managed_by.clone()),
        ]
    }

    fn store_filter(&self, search: Vec<String>, order: Order<LandlordColumn>, _clock: Clock) -> ListFilter {
        ListFilter {
            search,
            status: LandlordStatus::parse(&self.status).ok(),
            all_statuses: self.status == ALL_STATUSES,
            landlord_type: LandlordType::parse(&self.landlord_type).ok(),
            branch_id: Uuid::parse_str(&self.branch).ok(),
            managed_by_user_id: Uuid::parse_str(&self.managed_by).ok(),
            hide_anonymised: false,
            order,
        }
    }

    fn cells(landlord: &Landlord, view: &ListView<'_>) -> Vec<Markup> {
        vec![
            html! { a href=(paths::landlord(landlord.id)) { (landlord.display_name()) } },
            html! { (landlord.email) },
            html! { (landlord.postcode.as_deref().unwrap_or("—")) },
            status_badge(landlord.status),
            html! { (view.lookups.agent_name(landlord.managed_by_user_id).unwrap_or("—")) },
        ]
    }

    fn empty() -> Markup {
        html! { "No landlords yet. " a href=(paths::LANDLORD_NEW) { "Add the first one" } }
    }

    fn fields(&self, view: &ListView<'_>) -> Markup {
        let none = FieldErrors::new();
        let statuses = choice_options::<LandlordStatus>(Some(("", "Active and inactive")))
            .into_iter()
            .chain([(ALL_STATUSES.to_string(), "All, including archived".to_string())])
            .collect::<Vec<_>>();
        let types = choice_options::<LandlordType>(Some(("", "Any type")));
        html! {
            (select("status", "Status", &statuses, &self.status, &none))
            (select("landlord_type", "Type", &types, &self.landlord_type, &none))
            (select("branch", "Branch", &view.lookups.branch_options("Any branch"), &self.branch, &none))
            (select("managed_by", "Managed by", &view.lookups.agent_options("Anyone"), &self.managed_by, &none))
        }
    }

    fn actions() -> Markup {
        html! { a class="button" href=(paths::LANDLORD_NEW) { "Add a landlord" } }
    }

    fn csv_cells(landlord: &Landlord) -> Vec<String> {
        vec![
            landlord.display_name(),
            landlord.email.clone(),
            landlord.phone.clone().unwrap_or_default(),
            landlord.landlord_type.label().to_string(),
            landlord.address_line1.clone().unwrap_or_default(),
            landlord.city.clone().unwrap_or_default(),
            landlord.postcode.clone().unwrap_or_default(),
            crate::domain::countries::name(&landlord.country).to_string(),
            landlord.status.label().to_string(),
        ]
    }
}

/// The badge of a status.
pub fn status_badge(status: LandlordStatus) -> Markup {
    let class = match status {
        LandlordStatus::Active => "badge ok",
        LandlordStatus::Inactive => "badge warn",
        LandlordStatus::Archived => "badge muted",
    };
    html! { span class=(class) { (status.label()) } }
}

/// `GET /landlords` (`landlord.list`).
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
}

/// `GET /landlords.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

/// Which form is shown: new, or editing an existing landlord.
enum FormMode<'a> {
    New,
    Edit(&'a Landlord),
}

/// Fields in page order, for the error summary.
const FORM_FIELDS: &[&str] = &[
    "title",
    "first_name",
    "last_name",
    "email",
    "phone",
    "alt_phone",
    "landlord_type",
    "company_name",
    "company_registration_number",
    "address_line1",
    "address_line2",
    "city",
    "county",
    "postcode",
    "country",
    "preferred_contact_method",
    "bank_account_name",
    "bank_sort_code",
    "bank_account_number",
    "tax_reference",
    "repair_approval_limit",
    "status",
    "notes",
    "managed_by_user_id",
    "branch_id",
];

fn landlord_form(
    ctx: &Ctx,
    mode: FormMode<'_>,
    form: &LandlordForm,
    errors: &FieldErrors,
    lookups: &Lookups,
    duplicate: bool,
) -> Markup {
    let (title, action, button) = match mode {
        FormMode::New => (
            "Add a landlord".to_string(),
            paths::LANDLORDS.to_string(),
            "Add landlord",
        ),
        FormMode::Edit(l) => (
            format!("Edit {}", l.display_name()),
            paths::landlord_edit(l.id),
            "Save changes",
        ),
    };
    let cancel = match mode {
        FormMode::New => paths::LANDLORDS.to_string(),
        FormMode::Edit(l) => paths::landlord(l.id),
    };
    let text = |name: &'static str, label: &'static str, value: &str| Input::text(name, label, value).render(errors);
    let content = html! {
        h1 { (title) }
        (error_summary(errors, FORM_FIELDS))
        form class="stack" method="post" action=(action) novalidate {
            (csrf_input(&ctx.csrf))
            fieldset {
                legend { "Contact details" }
                (Input::text("title", "Title (optional)", &form.title).hint("For example Mr, Mrs, Dr").render(errors))
                (Input::text("first_name", "First name", &form.first_name).autocomplete("off").required().render(errors))
                (Input::text("last_name", "Last name", &form.last_name).autocomplete("off").required().render(errors))
                (Input::text("email", "Email address", &form.email).kind("email").autocomplete("off").hint("Used for portal access and communications").required().render(errors))
                @if duplicate || form.duplicate_confirmed() {
                    (checkbox("confirm_duplicate_email", "This is a different person with the same email address", form.duplicate_confirmed(), None))
                }
                (Input::text("phone", "Phone (optional)", &form.phone).kind("tel").render(errors))
                (Input::text("alt_phone", "Alternative phone (optional)", &form.alt_phone).kind("tel").render(errors))
            }
            fieldset {
                legend { "Landlord type" }
                (select("landlord_type", "Type", &choice_options::<LandlordType>(None), &form.landlord_type, errors))
                (Input::text("company_name", "Company name", &form.company_name).hint("Required for a company").render(errors))
                (Input::text("company_registration_number", "Companies House number (optional)", &form.company_registration_number).render(errors))
            }
            fieldset {
                legend { "Address" }
                (text("address_line1", "Address line 1", &form.address_line1))
                (text("address_line2", "Address line 2", &form.address_line2))
                (text("city", "Town or city", &form.city))
                (text("county", "County", &form.county))
                (Input::text("postcode", "Postcode", &form.postcode).hint("UK postcodes are checked, e.g. SW1A 1AA").render(errors))
                (select("country", "Country", &country_options(&form.country), &form.country, errors))
            }
            fieldset {
                legend { "Communication preferences" }
                (select("preferred_contact_method", "Preferred contact method", &choice_options::<ContactMethod>(None), &form.preferred_contact_method, errors))
                (checkbox("email_notifications_enabled", "Email notifications", form.email_notifications_enabled.is_some(), None))
                (checkbox("sms_notifications_enabled", "SMS notifications", form.sms_notifications_enabled.is_some(), None))
            }
            fieldset {
                legend { "Portal access" }
                (checkbox("portal_access_enabled", "Portal access enabled", form.portal_access_enabled.is_some(), Some("The landlord can open their portal with their link")))
            }
            fieldset {
                legend { "Financial" }
                (text("bank_account_name", "Bank account name", &form.bank_account_name))
                (Input::text("bank_sort_code", "Sort code", &form.bank_sort_code).autocomplete("off").render(errors))
                (Input::text("bank_account_number", "Account number", &form.bank_account_number).autocomplete("off").render(errors))
                (Input::text("tax_reference", "Tax reference (UTR)", &form.tax_reference).autocomplete("off").render(errors))
                (checkbox("is_overseas", "Overseas landlord (non-resident landlord scheme)", form.is_overseas.is_some(), None))
                (Input::text("repair_approval_limit", "Repair approval limit, £", &form.repair_approval_limit)
                    .hint("A repair quote above this waits for the landlord's approval in their portal")
                    .inputmode("decimal").render(errors))
            }
            fieldset {
                legend { "Status and tracking" }
                (select("status", "Status", &choice_options::<LandlordStatus>(None), &form.status, errors))
                (select("managed_by_user_id", "Managed by", &lookups.agent_options("Nobody yet"), &form.managed_by_user_id, errors))
                (select("branch_id", "Branch", &lookups.branch_options("No branch"), &form.branch_id, errors))
                (textarea("notes", "Notes (internal, up to 5,000 characters)", &form.notes, Some("Only agents see these"), errors))
            }
            div class="actions" {
                button type="submit" { (button) }
                a href=(cancel) { "Cancel" }
            }
        }
    };
    ui::page(ctx, &title, content)
}

/// `GET /landlords/new`.
#[handler]
pub async fn new_form(AgentCtx { ctx, viewer }: AgentCtx) -> Result<Markup, AppError> {
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let mut form = LandlordForm::with_defaults();
    form.managed_by_user_id = viewer.user.id.to_string();
    Ok(landlord_form(
        &ctx,
        FormMode::New,
        &form,
        &FieldErrors::new(),
        &lookups,
        false,
    ))
}

/// Checks the form, the agency's own choices, and the duplicate-email rule.
async fn check(
    ctx: &Ctx,
    viewer: &Viewer,
    form: &LandlordForm,
    lookups: &Lookups,
    existing: Option<&Landlord>,
) -> Result<Result<crate::domain::landlords::LandlordFields, (FieldErrors, bool)>, AppError> {
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return Ok(Err((errors, false))),
    };
    let mut errors = FieldErrors::new();
    if let Some(agent) = fields.managed_by_user_id
        && !lookups.agents.iter().any(|u| u.id == agent)
    {
        errors.add("managed_by_user_id", "Choose an agent from the list");
    }
    if let Some(branch) = fields.branch_id
        && !lookups.branches.iter().any(|b| b.id == branch)
    {
        errors.add("branch_id", "Choose a branch from the list");
    }
    let email_changed = existing.is_none_or(|l| l.email != fields.email.as_str());
    let duplicate = email_changed
        && store::email_in_use(
            &ctx.state.db,
            viewer.org.id,
            fields.email.as_str(),
            existing.map(|l| l.id),
        )
        .await?;
    if duplicate && !form.duplicate_confirmed() {
        errors.add(
            "email",
            "Another landlord in your agency already has this email address. If this is a different person, tick the box below and save again.",
        );
    }
    if errors.is_empty() {
        Ok(Ok(fields))
    } else {
        Ok(Err((errors, duplicate)))
    }
}

/// `POST /landlords` (`landlord.create`).
#[handler]
pub async fn create(AgentCtx { ctx, viewer }: AgentCtx, Form(form): Form<LandlordForm>) -> Result<Response, AppError> {
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let fields = match check(&ctx, &viewer, &form, &lookups, None).await? {
        Ok(fields) => fields,
        Err((errors, duplicate)) => {
            let page = landlord_form(&ctx, FormMode::New, &form, &errors, &lookups, duplicate);
            return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let id = store::create(
        &mut tx,
        viewer.org.id,
        &fields,
        Some(viewer.user.id),
        &viewer.user.actor(),
    )
    .await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        format!("{} {} has been added.", fields.first_name, fields.last_name),
    )
    .await?;
    Ok(see_other(&paths::landlord(id)))
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<Landlord, AppError> {
    store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A line of a details list: the label, and the value or "—".
pub fn row(label: &str, value: Option<&str>) -> Markup {
    html! { dt { (label) } dd { (value.filter(|v| !v.is_empty()).unwrap_or("—")) } }
}

/// `GET /landlords/{id}` (`landlord.get`, `landlord.listProperties`, history).
#[handler]
pub async fn show(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let landlord = find(&ctx, &viewer, id).await?;
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let properties = crate::store::properties::for_landlord(&ctx.state.db, viewer.org.id, id).await?;
    let entries = audit::for_entity(&ctx.state.db, viewer.org.id, store::ENTITY, id, 50).await?;
    let names = audit::names_mentioned(&ctx.state.db, viewer.org.id, &entries).await?;
    let portal_token = crate::store::portal::for_landlord(&ctx.state.db, viewer.org.id, id).await?;
    let yes_no = |b: bool| if b { "Yes" } else { "No" };
    let masked = |v: &Option<String>| v.as_deref().map(mask);
    let status = landlord.status();
    let content = html! {
        p { a href=(paths::LANDLORDS) { "← All landlords" } }
        div class="actions" {
            h1 { (landlord.display_name()) }
            (status_badge(landlord.status))
        }
        @if landlord.anonymised_at.is_some() {
            div class="flash warning" { "This landlord was anonymised. Their personal data has been erased; the record is kept for its links." }
        }
        div class="actions card" {
            @if landlord.anonymised_at.is_none() {
                a class="button" href=(paths::landlord_edit(id)) { "Edit" }
            }
            @if status == LandlordStatus::Archived {
                form class="inline-form" method="post" action=(paths::landlord_restore(id)) {
                    (csrf_input(&ctx.csrf))
                    input type="hidden" name="status" value="active";
                    button type="submit" class="secondary" { "Restore as active" }
                }
                form class="inline-form" method="post" action=(paths::landlord_restore(id)) {
                    (csrf_input(&ctx.csrf))
                    input type="hidden" name="status" value="inactive";
                    button type="submit" class="secondary" { "Restore as inactive" }
                }
            } @else {
                a class="button secondary" href=(paths::landlord_archive(id)) { "Archive…" }
            }
            @if viewer.is_admin() && landlord.anonymised_at.is_none() {
                a class="button danger" href=(paths::landlord_anonymise(id)) { "Anonymise…" }
            }
        }
        div class="grid-2" {
            section class="card" {
                h2 { "Contact details" }
                dl class="details" {
                    (row("Title", landlord.title.as_deref()))
                    (row("First name", Some(&landlord.first_name)))
                    (row("Last name", Some(&landlord.last_name)))
                    dt { "Email" } dd { a href={ "mailto:" (landlord.email) } { (landlord.email) } }
                    (row("Phone", landlord.phone.as_deref()))
                    (row("Alternative phone", landlord.alt_phone.as_deref()))
                    (row("Type", Some(landlord.landlord_type.label())))
                    (row("Company name", landlord.company_name.as_deref()))
                    (row("Companies House number", landlord.company_registration_number.as_deref()))
                }
            }
            section class="card" {
                h2 { "Address" }
                dl class="details" {
                    (row("Address line 1", landlord.address_line1.as_deref()))
                    (row("Address line 2", landlord.address_line2.as_deref()))
                    (row("Town or city", landlord.city.as_deref()))
                    (row("County", landlord.county.as_deref()))
                    (row("Postcode", landlord.postcode.as_deref()))
                    (row("Country", Some(crate::domain::countries::name(&landlord.country))))
                }
            }
            section class="card" {
                h2 { "Communication" }
                dl class="details" {
                    (row("Preferred contact", Some(landlord.preferred_contact_method.label())))
                    (row("Email notifications", Some(yes_no(landlord.email_notifications_enabled))))
                    (row("SMS notifications", Some(yes_no(landlord.sms_notifications_enabled))))
                }
            }
            section class="card" {
                h2 { "Financial" }
                dl class="details" {
                    (row("Account name", landlord.bank_account_name.as_deref()))
                    (row("Sort code", masked(&landlord.bank_sort_code).as_deref()))
                    (row("Account number", masked(&landlord.bank_account_number).as_deref()))
                    (row("Tax reference", masked(&landlord.tax_reference).as_deref()))
                    (row("Overseas (NRL)", Some(yes_no(landlord.is_overseas))))
                    (row("Repair approval limit", Some(&crate::domain::money::money(landlord.repair_approval_limit_pence))))
                }
            }
            (super::portal_access::landlord_section(&ctx, &landlord, portal_token.as_ref(), &properties))
            section class="card" {
                h2 { "Tracking" }
                dl class="details" {
                    (row("Managed by", lookups.agent_name(landlord.managed_by_user_id)))
                    (row("Branch", lookups.branch_name(landlord.branch_id)))
                    (row("Created by", lookups.agent_name(landlord.created_by_user_id)))
                    (row("Created", Some(&format::date_time(landlord.created_at))))
                    (row("Last updated", Some(&format::date_time(landlord.updated_at))))
                }
            }
        }
        section class="card" {
            h2 { "Notes" }
            @match &landlord.notes { Some(notes) => p class="notes" { (notes) }, None => p class="hint" { "No notes." } }
        }
        section class="card" {
            div class="actions" {
                h2 { "Properties (" (properties.len()) ")" }
                a href=(paths::landlord_tasks(id)) { "Tasks on these properties" }
                a class="button secondary" href={ (paths::PROPERTY_NEW) "?landlord=" (id) } { "Add a property" }
            }
            @if properties.is_empty() {
                p class="empty" { "No properties are linked to this landlord yet." }
            } @else {
                (super::properties::table(&properties))
            }
        }
        section {
            h2 { "History" }
            (history(&entries, &names))
        }
    };
    Ok(ui::page(&ctx, &landlord.display_name(), content))
}

/// `GET /landlords/{id}/edit`.
#[handler]
pub async fn edit_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let landlord = find(&ctx, &viewer, id).await?;
    if landlord.anonymised_at.is_some() {
        return Ok(see_other(&paths::landlord(id)));
    }
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let page = landlord_form(
        &ctx,
        FormMode::Edit(&landlord),
        &landlord.to_form(),
        &FieldErrors::new(),
        &lookups,
        false,
    );
    Ok(with_status(page, StatusCode::OK))
}

/// `POST /landlords/{id}/edit` (`landlord.update`).
#[handler]
pub async fn update(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<LandlordForm>,
) -> Result<Response, AppError> {
    let landlord = find(&ctx, &viewer, id).await?;
    if landlord.anonymised_at.is_some() {
        return Err(AppError::Forbidden);
    }
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let fields = match check(&ctx, &viewer, &form, &lookups, Some(&landlord)).await? {
        Ok(fields) => fields,
        Err((errors, duplicate)) => {
            let page = landlord_form(&ctx, FormMode::Edit(&landlord), &form, &errors, &lookups, duplicate);
            return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let changed = store::update(&mut tx, &landlord, &fields, &viewer.user.actor()).await?;
    tx.commit().await?;
    let message = if changed {
        "Changes saved."
    } else {
        "Nothing was changed."
    };
    ctx.set_flash("success", message).await?;
    Ok(see_other(&paths::landlord(id)))
}

/// `GET /landlords/{id}/archive`: asks for confirmation.
#[handler]
pub async fn confirm_archive(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let landlord = find(&ctx, &viewer, id).await?;
    if landlord.status() == LandlordStatus::Archived {
        return Ok(see_other(&paths::landlord(id)));
    }
    let content = html! {
        div class="card narrow" {
            h1 { "Archive " (landlord.display_name()) "?" }
            p { "Archived landlords are hidden from the landlord list unless you filter for them. Nothing is deleted, and you can restore them at any time." }
            form class="actions" method="post" action=(paths::landlord_archive(id)) {
                (csrf_input(&ctx.csrf))
                button type="submit" class="danger" { "Archive landlord" }
                a href=(paths::landlord(id)) { "Cancel" }
            }
        }
    };
    Ok(with_status(ui::page(&ctx, "Archive landlord", content), StatusCode::OK))
}

/// `POST /landlords/{id}/archive` (`landlord.archive`).
#[handler]
pub async fn archive(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let landlord = find(&ctx, &viewer, id).await?;
    let mut tx = ctx.state.db.begin().await?;
    store::set_status(&mut tx, &landlord, LandlordStatus::Archived, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash("success", format!("{} has been archived.", landlord.display_name()))
        .await?;
    Ok(see_other(&paths::landlord(id)))
}

/// The restore form.
#[derive(Debug, Default, Deserialize)]
pub struct RestoreForm {
    #[serde(default)]
    status: String,
}

/// `POST /landlords/{id}/restore`: archived → active or inactive.
#[handler]
pub async fn restore(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<RestoreForm>,
) -> Result<Response, AppError> {
    let landlord = find(&ctx, &viewer, id).await?;
    let status = match LandlordStatus::parse(&form.status) {
        Ok(status @ (LandlordStatus::Active | LandlordStatus::Inactive)) => status,
        _ => return Err(AppError::BadRequest("restore to active or inactive".into())),
    };
    if landlord.status() != LandlordStatus::Archived {
        return Ok(see_other(&paths::landlord(id)));
    }
    let mut tx = ctx.state.db.begin().await?;
    store::set_status(&mut tx, &landlord, status, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        format!(
            "{} has been restored as {}.",
            landlord.display_name(),
            status.label().to_lowercase()
        ),
    )
    .await?;
    Ok(see_other(&paths::landlord(id)))
}

fn anonymise_page(ctx: &Ctx, landlord: &Landlord, errors: &FieldErrors) -> Markup {
    let content = html! {
        div class="card narrow warning-box" {
            h1 { "Anonymise " (landlord.display_name()) "?" }
            p { strong { "This cannot be undone." } }
            p { "For a data erasure request. Every piece of this landlord's personal data — names, email, phone numbers, address, bank and tax details and notes — is overwritten for good, in this record and in the history of earlier changes. Portal access is turned off. The record itself stays so that linked properties and tenancies keep working." }
            form class="stack" method="post" action=(paths::landlord_anonymise(landlord.id)) {
                (csrf_input(&ctx.csrf))
                @if let Some(error) = errors.get("confirm") { span class="field-error" id="confirm-error" { "Error: " (error) } }
                (checkbox("confirm", "I understand that this permanently erases this landlord's personal data", false, None))
                div class="actions" {
                    button type="submit" class="danger" { "Anonymise permanently" }
                    a href=(paths::landlord(landlord.id)) { "Cancel" }
                }
            }
        }
    };
    ui::page(ctx, "Anonymise landlord", content)
}

/// `GET /landlords/{id}/anonymise` (admins): the confirmation step.
#[handler]
pub async fn confirm_anonymise(AdminCtx { ctx, viewer }: AdminCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let landlord = find(&ctx, &viewer, id).await?;
    if landlord.anonymised_at.is_some() {
        return Ok(see_other(&paths::landlord(id)));
    }
    Ok(with_status(
        anonymise_page(&ctx, &landlord, &FieldErrors::new()),
        StatusCode::OK,
    ))
}

/// The anonymise confirmation.
#[derive(Debug, Default, Deserialize)]
pub struct AnonymiseForm {
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /landlords/{id}/anonymise` (`landlord.anonymise`, admins only).
#[handler]
pub async fn anonymise(
    AdminCtx { ctx, viewer }: AdminCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<AnonymiseForm>,
) -> Result<Response, AppError> {
    let landlord = find(&ctx, &viewer, id).await?;
    if landlord.anonymised_at.is_some() {
        return Ok(see_other(&paths::landlord(id)));
    }
    if form.confirm.as_deref() != Some("on") {
        let mut errors = FieldErrors::new();
        errors.add(
            "confirm",
            "Tick the box to confirm you understand this cannot be undone",
        );
        return Ok(with_status(
            anonymise_page(&ctx, &landlord, &errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let mut tx = ctx.state.db.begin().await?;
    store::anonymise(&mut tx, &landlord, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash("success", "The landlord has been anonymised.").await?;
    Ok(see_other(&paths::landlord(id)))
}

/// The country choices: every known country, and the stored code if it is
/// not one of them (so an older record keeps its value).
fn country_options(current: &str) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = crate::domain::countries::COUNTRIES
        .iter()
        .map(|(code, name)| (code.to_string(), name.to_string()))
        .collect();
    if !current.is_empty() && !options.iter().any(|(code, _)| code.eq_ignore_ascii_case(current)) {
        options.push((current.to_string(), current.to_string()));
    }
    options
}

//! Properties: the list with search, filters and cursor pagination; create and
//! edit with validation next to each field; the property page.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::list_screen::{self, CsvExport, Heading, LANDLORD_FILTER, ListScreen, ListView};
use super::{Lookups, see_other, with_status};
use crate::clock::Clock;
use crate::domain::choice::Choice;
use crate::domain::money::per_month;
use crate::domain::properties::{EpcRating, PropertyFields, PropertyForm, PropertyStatus, PropertyType};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::certificates;
use crate::store::landlords::{self, Landlord};
use crate::store::properties::{self as store, ListFilter, Property, PropertyColumn};
use crate::store::{Order, audit};
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::ui::audit::history;
use crate::web::ui::badges::property_status as status_badge;
use crate::web::ui::form::{Input, checkbox, choice_options, csrf_input, error_summary, select};
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
    property_type: String,
    branch: String,
    landlord: String,
    #[serde(flatten)]
    page: PageQuery,
}

/// The index of the landlord column in [`ListQuery::COLUMNS`] (left out on
/// a landlord's own page).
const LANDLORD_COLUMN: usize = 4;

/// A property's cells, in the order of [`ListQuery::COLUMNS`].
fn property_cells(p: &Property) -> Vec<Markup> {
    vec![
        html! { a href=(paths::property(p.id)) { (p.address_line1) @if let Some(l2) = &p.address_line2 { ", " (l2) } ", " (p.city) } },
        html! { (p.postcode) },
        html! { (p.property_type().label()) },
        html! { (p.bedrooms_label().unwrap_or_else(|| "—".into())) },
        html! { a href=(paths::landlord(p.landlord_id)) { (p.landlord_name) } },
        status_badge(p.status),
    ]
}

impl ListScreen for ListQuery {
    type Row = Property;
    type Filter = ListFilter;
    type Column = PropertyColumn;

    const PATH: &'static str = paths::PROPERTIES;
    const TITLE: &'static str = "Properties";
    const NOUN: &'static str = "properties";
    const RESULTS_ID: &'static str = "property-results";
    const SEARCH_HINT: &'static str = "Address, postcode or landlord";
    const COLUMNS: &'static [Heading<PropertyColumn>] = &[
        Heading::sorted("Address", PropertyColumn::Address),
        Heading::sorted("Postcode", PropertyColumn::Postcode).nowrap(),
        Heading::plain("Type").hide_small(),
        Heading::sorted("Beds", PropertyColumn::Bedrooms).hide_small(),
        Heading::sorted("Landlord", PropertyColumn::Landlord).hide_small(),
        Heading::plain("Status"),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::PROPERTIES_CSV,
        file_name: "properties.csv",
        header: &[
            "Address",
            "Town",
            "Postcode",
            "Type",
            "Bedrooms",
            "Landlord",
            "Status",
            "EPC rating",
            "Asking rent per month",
        ],
    });

    list_screen::plumbing!(store::list, store::list_count, |row| row.id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status.clone()),
            ("property_type", self.property_type.clone()),
            ("branch", self.branch.clone()),
            (LANDLORD_FILTER, self.landlord.clone()),
        ]
    }

    fn store_filter(&self, search: Vec<String>, order: Order<PropertyColumn>, _clock: Clock) -> ListFilter {
        ListFilter {
            search,
            status: PropertyStatus::parse(&self.status).ok(),
            all_statuses: self.status == ALL_STATUSES,
            property_type: PropertyType::parse(&self.property_type).ok(),
            branch_id: Uuid::parse_str(&self.branch).ok(),
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            order,
        }
    }

    fn cells(row: &Property, _view: &ListView<'_>) -> Vec<Markup> {
        property_cells(row)
    }

    fn empty() -> Markup {
        html! { "No properties yet. " a href=(paths::PROPERTY_NEW) { "Add the first one" } }
    }

    fn fields(&self, view: &ListView<'_>) -> Markup {
        let none = FieldErrors::new();
        let statuses = choice_options::<PropertyStatus>(Some(("", "All but archived")))
            .into_iter()
            .chain([(ALL_STATUSES.to_string(), "All, including archived".to_string())])
            .collect::<Vec<_>>();
        let types = choice_options::<PropertyType>(Some(("", "Any type")));
        html! {
            (select("status", "Status", &statuses, &self.status, &none))
            (select("property_type", "Type", &types, &self.property_type, &none))
            (select("branch", "Branch", &view.lookups.branch_options("Any branch"), &self.branch, &none))
        }
    }

    fn actions() -> Markup {
        html! { a class="button" href=(paths::PROPERTY_NEW) { "Add a property" } }
    }

    fn csv_cells(p: &Property) -> Vec<String> {
        vec![
            [Some(p.address_line1.as_str()), p.address_line2.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            p.city.clone(),
            p.postcode.clone(),
            p.property_type().label().to_string(),
            p.bedrooms.to_string(),
            p.landlord_name.clone(),
            p.status.label().to_string(),
            p.epc().map(|r| r.label().to_string()).unwrap_or_default(),
            p.asking_rent_pence.map(crate::domain::money::money).unwrap_or_default(),
        ]
    }
}

/// A table of properties (a landlord's page, without the landlord column).
pub fn table(rows: &[Property]) -> Markup {
    let without_landlord = |cells: Vec<Markup>| -> Vec<Markup> {
        cells
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != LANDLORD_COLUMN)
            .map(|(_, cell)| cell)
            .collect()
    };
    let columns: Vec<&Heading<PropertyColumn>> = ListQuery::COLUMNS
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != LANDLORD_COLUMN)
        .map(|(_, c)| c)
        .collect();
    list_screen::plain_table(&columns, rows.iter().map(|p| without_landlord(property_cells(p))))
}

/// How many matching landlords the picker offers at once.
pub const PICKER_MATCHES: u32 = 20;

/// Landlords matching what was typed into the picker (none for an empty search),
/// anonymised ones left out, leaving out `except` (already chosen).
async fn landlord_matches(
    ctx: &Ctx,
    viewer: &Viewer,
    typed: &str,
    except: Option<Uuid>,
) -> Result<Vec<Landlord>, AppError> {
    let search: Vec<String> = typed.split_whitespace().map(str::to_string).take(8).collect();
    if search.is_empty() {
        return Ok(Vec::new());
    }
    let filter = landlords::ListFilter {
        search,
        all_statuses: true,
        hide_anonymised: true,
        ..Default::default()
    };
    let found = landlords::list(
        &ctx.state.db,
        viewer.org.id,
        &filter,
        &crate::store::PageAt::First,
        PICKER_MATCHES,
    )
    .await?
    .rows;
    Ok(found.into_iter().filter(|l| Some(l.id) != except).collect())
}

/// The landlord chosen in a form, when it is one of this agency's (not anonymised).
async fn chosen_landlord(ctx: &Ctx, viewer: &Viewer, value: &str) -> Result<Option<Landlord>, AppError> {
    let Ok(id) = Uuid::parse_str(value.trim()) else {
        return Ok(None);
    };
    Ok(landlords::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .filter(|l| l.anonymised_at.is_none()))
}

/// The `<option>`s of the landlord select: an empty choice, the chosen landlord
/// (selected), then the matches of the search.
fn landlord_options(chosen: Option<&Landlord>, matches: &[Landlord], typed: &str) -> Markup {
    let prompt = match (typed.trim().is_empty(), matches.len()) {
        (true, _) => "Search for a landlord above".to_string(),
        (false, 0) => format!("No other landlord matches \u{201c}{}\u{201d}", typed.trim()),
        (false, 1) => "Choose the matching landlord".to_string(),
        (false, n) => format!("Choose one of {n} matching landlords"),
    };
    html! {
        option value="" selected[chosen.is_none()] { (prompt) }
        @if let Some(l) = chosen {
            option value=(l.id) selected { (l.display_name()) " · " (l.email) }
        }
        @for l in matches {
            option value=(l.id) { (l.display_name()) " · " (l.email) }
        }
    }
}

/// The landlord picker: a search box whose matches (fetched by htmx as you
/// type, or listed when the form comes back without JavaScript) fill a short
/// select, so the page never lists every landlord of the agency.
fn landlord_picker_field(chosen: Option<&Landlord>, matches: &[Landlord], typed: &str, errors: &FieldErrors) -> Markup {
    let error = errors.get("landlord_id");
    html! {
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for="landlord_q" { "Find the landlord" }
            span class="hint" id="landlord_q-hint" {
                "Part of a name, email or postcode. Without JavaScript, submit the form to list the matches."
            }
            input type="search" id="landlord_q" name="landlord_q" value=(typed) autocomplete="off"
                aria-describedby="landlord_q-hint" aria-controls="landlord_id"
                hx-get=(paths::LANDLORD_PICKER) hx-trigger="input changed delay:300ms, search"
                hx-target="#landlord_id" hx-swap="innerHTML" hx-include="#landlord_id";
        }
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for="landlord_id" { "Landlord" }
            @if let Some(error) = error { span class="field-error" id="landlord_id-error" { "Error: " (error) } }
            select id="landlord_id" name="landlord_id" aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| "landlord_id-error")] {
                (landlord_options(chosen, matches, typed))
            }
        }
    }
}

/// The landlord picker's query: what was typed and who is chosen.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PickerQuery {
    landlord_q: String,
    landlord_id: String,
}

/// `GET /landlord-picker?landlord_q=…`: for htmx, the select's new options;
/// opened directly, a page of matching landlords, each with a link to add a
/// property for them.
#[handler]
pub async fn landlord_picker(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<PickerQuery>,
) -> Result<Markup, AppError> {
    let chosen = chosen_landlord(&ctx, &viewer, &query.landlord_id).await?;
    let matches = landlord_matches(&ctx, &viewer, &query.landlord_q, chosen.as_ref().map(|l| l.id)).await?;
    if ctx.htmx {
        return Ok(landlord_options(chosen.as_ref(), &matches, &query.landlord_q));
    }
    let content = html! {
        h1 { "Find a landlord" }
        form class="filters card" method="get" action=(paths::LANDLORD_PICKER) role="search" {
            div class="field" {
                label for="landlord_q" { "Search" }
                input type="search" id="landlord_q" name="landlord_q" value=(query.landlord_q) autocomplete="off";
            }
            div class="field" { button type="submit" { "Search" } }
        }
        @if matches.is_empty() {
            p class="empty" { "No landlord matches this search." }
        } @else {
            ul {
                @for l in &matches {
                    li {
                        a href=(paths::landlord(l.id)) { (l.display_name()) } " · " (l.email) " · "
                        a href={ (paths::PROPERTY_NEW) "?landlord=" (l.id) } { "Add a property" }
                    }
                }
            }
        }
    };
    Ok(ui::page(&ctx, "Find a landlord", content))
}

/// `GET /properties`.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
}

/// `GET /properties.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

const FORM_FIELDS: &[&str] = &[
    "landlord_id",
    "address_line1",
    "address_line2",
    "city",
    "county",
    "postcode",
    "property_type",
    "bedrooms",
    "bathrooms",
    "epc_rating",
    "status",
    "asking_rent",
    "branch_id",
];

async fn form_page(
    ctx: &Ctx,
    viewer: &Viewer,
    existing: Option<&Property>,
    form: &PropertyForm,
    errors: &FieldErrors,
) -> Result<Markup, AppError> {
    let lookups = Lookups::load(ctx, viewer.org.id).await?;
    let certified = match existing {
        Some(p) => certificates::current_epc_rating(&ctx.state.db, viewer.org.id, p.id).await?,
        None => None,
    };
    let chosen = chosen_landlord(ctx, viewer, &form.landlord_id).await?;
    let matches = landlord_matches(ctx, viewer, &form.landlord_q, chosen.as_ref().map(|l| l.id)).await?;
    let (title, action, cancel, button) = match existing {
        None => (
            "Add a property".to_string(),
            paths::PROPERTIES.to_string(),
            paths::PROPERTIES.to_string(),
            "Add property",
        ),
        Some(p) => (
            format!("Edit {}", p.address_line1),
            paths::property_edit(p.id),
            paths::property(p.id),
            "Save changes",
        ),
    };
    let epc = choice_options::<EpcRating>(Some(("", "Not known")));
    let content = html! {
        h1 { (title) }
        (error_summary(errors, FORM_FIELDS))
        form class="stack" method="post" action=(action) novalidate {
            (csrf_input(&ctx.csrf))
            fieldset {
                legend { "Owner" }
                (landlord_picker_field(chosen.as_ref(), &matches, &form.landlord_q, errors))
            }
            fieldset {
                legend { "Address" }
                (Input::text("address_line1", "Address line 1", &form.address_line1).required().render(errors))
                (Input::text("address_line2", "Address line 2 (optional)", &form.address_line2).render(errors))
                (Input::text("city", "Town or city", &form.city).required().render(errors))
                (Input::text("county", "County (optional)", &form.county).render(errors))
                (Input::text("postcode", "Postcode", &form.postcode).hint("A UK postcode, like BS8 4JX").required().render(errors))
            }
            fieldset {
                legend { "The property" }
                (select("property_type", "Type", &choice_options::<PropertyType>(None), &form.property_type, errors))
                (Input::text("bedrooms", "Bedrooms", &form.bedrooms).kind("number").render(errors))
                (Input::text("bathrooms", "Bathrooms", &form.bathrooms).kind("number").render(errors))
                @match certified {
                    Some(rating) => div class="field" {
                        span class="label" { "EPC rating" }
                        p data-testid="epc-from-certificate" { strong { (rating.as_str()) } " " span class="hint" { "from the property's EPC certificate; change it there" } }
                    },
                    None => (select("epc_rating", "EPC rating", &epc, &form.epc_rating, errors)),
                }
                (checkbox("has_gas", "Has a gas supply", form.has_gas.is_some(), Some("Gas appliances need a yearly Gas Safety record")))
            }
            fieldset {
                legend { "Status" }
                (select("status", "Status", &choice_options::<PropertyStatus>(None), &form.status, errors))
                (Input::text("asking_rent", "Asking rent per month (£, optional)", &form.asking_rent).hint("What it is advertised at, like 1,175").render(errors))
                (select("branch_id", "Branch", &lookups.branch_options("No branch"), &form.branch_id, errors))
            }
            div class="actions" {
                button type="submit" { (button) }
                a href=(cancel) { "Cancel" }
            }
        }
    };
    Ok(ui::page(ctx, &title, content))
}

/// The new-property form's query: which landlord to preselect.
#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    landlord: String,
}

/// `GET /properties/new`.
#[handler]
pub async fn new_form(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<NewQuery>) -> Result<Markup, AppError> {
    let form = PropertyForm {
        landlord_id: query.landlord,
        ..PropertyForm::with_defaults()
    };
    form_page(&ctx, &viewer, None, &form, &FieldErrors::new()).await
}

/// Checks the form and that the landlord and branch are this agency's.
async fn check(
    ctx: &Ctx,
    viewer: &Viewer,
    form: &PropertyForm,
) -> Result<Result<PropertyFields, FieldErrors>, AppError> {
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => return Ok(Err(errors)),
    };
    let mut errors = FieldErrors::new();
    match landlords::get(&ctx.state.db, viewer.org.id, fields.landlord_id).await? {
        Some(landlord) if landlord.anonymised_at.is_none() => {}
        _ => errors.add("landlord_id", "Choose the landlord who owns the property"),
    }
    if let Some(branch) = fields.branch_id
        && !crate::store::orgs::branches(&ctx.state.db, viewer.org.id)
            .await?
            .iter()
            .any(|b| b.id == branch)
    {
        errors.add("branch_id", "Choose a branch from the list");
    }
    Ok(if errors.is_empty() { Ok(fields) } else { Err(errors) })
}

/// `POST /properties`.
#[handler]
pub async fn create(AgentCtx { ctx, viewer }: AgentCtx, Form(form): Form<PropertyForm>) -> Result<Response, AppError> {
    let fields = match check(&ctx, &viewer, &form).await? {
        Ok(fields) => fields,
        Err(errors) => {
            let page = form_page(&ctx, &viewer, None, &form, &errors).await?;
            return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let id = store::create(&mut tx, viewer.org.id, &fields, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash("success", format!("{} has been added.", fields.address_line1))
        .await?;
    Ok(see_other(&paths::property(id)))
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<Property, AppError> {
    store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /properties/{id}`.
#[handler]
pub async fn show(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let property = find(&ctx, &viewer, id).await?;
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let entries = audit::for_entity(&ctx.state.db, viewer.org.id, store::ENTITY, id, 50).await?;
    let names = audit::names_mentioned(&ctx.state.db, viewer.org.id, &entries).await?;
    let tenancies = crate::store::tenancies::for_property(&ctx.state.db, viewer.org.id, id).await?;
    let certificates = crate::store::certificates::for_property(&ctx.state.db, viewer.org.id, id).await?;
    let task_list = crate::store::tasks::for_property(&ctx.state.db, viewer.org.id, id).await?;
    let work_order_list = crate::store::work_orders::for_property(&ctx.state.db, viewer.org.id, id).await?;
    let offer_list = crate::store::offers::for_property(&ctx.state.db, viewer.org.id, id).await?;
    let document_list = crate::store::documents::for_property(&ctx.state.db, viewer.org.id, id).await?;
    let portal_token = crate::store::portal::for_landlord(&ctx.state.db, viewer.org.id, property.landlord_id).await?;
    let shown_in_portal = match &portal_token {
        Some(token) => crate::store::portal::is_linked(&ctx.state.db, token.id, id).await?,
        None => false,
    };
    let epc = property.epc();
    let content = html! {
        p { a href=(paths::PROPERTIES) { "← All properties" } }
        div class="actions" {
            h1 { (property.address()) }
            (status_badge(property.status))
        }
        div class="actions card" {
            a class="button" href=(paths::property_edit(id)) { "Edit" }
        }
        nav class="tabs" aria-label="Sections of this property" {
            a href="#overview" { "Overview" }
            a href="#compliance" { "Compliance" }
            a href="#tenancies" { "Tenancies (" (tenancies.len()) ")" }
            a href="#tasks" { "Tasks" }
            a href="#offers" { "Offers (" (offer_list.len()) ")" }
            a href="#documents" { "Documents (" (document_list.len()) ")" }
            a href="#history" { "History" }
        }
        div class="grid-2" id="overview" {
            section class="card" {
                h2 { "The property" }
                dl class="details" {
                    dt { "Type" } dd { (property.property_type().label()) }
                    dt { "Bedrooms" } dd { (property.bedrooms) }
                    dt { "Bathrooms" } dd { (property.bathrooms) }
                    dt { "EPC rating" } dd {
                        @match epc {
                            Some(rating) if rating.meets_minimum() => (rating.as_str()),
                            Some(rating) => { (rating.as_str()) " " span class="badge danger" { "Below minimum (E)" } },
                            None => "Not known",
                        }
                    }
                    dt { "Gas supply" } dd { @if property.has_gas { "Yes" } @else { "No" } }
                    dt { "Asking rent" } dd {
                        @match property.asking_rent_pence { Some(pence) => (per_month(pence)), None => "Not set" }
                    }
                }
            }
            section class="card" {
                h2 { "Owner and branch" }
                dl class="details" {
                    dt { "Landlord" } dd { a href=(paths::landlord(property.landlord_id)) { (property.landlord_name) } }
                    dt { "Branch" } dd { (lookups.branch_name(property.branch_id).unwrap_or("—")) }
                    dt { "Address" } dd {
                        (property.address_line1) br;
                        @if let Some(l2) = &property.address_line2 { (l2) br; }
                        (property.city) br;
                        @if let Some(county) = &property.county { (county) br; }
                        (property.postcode)
                    }
                }
            }
        }
        (super::portal_access::property_section(&ctx, &property, portal_token.as_ref(), shown_in_portal))
        (super::compliance::property_section(&ctx, &property, &certificates))
        section class="card" id="tenancies" {
            div class="actions" {
                h2 { "Tenancies (" (tenancies.len()) ")" }
                a class="button secondary" href=(paths::property_tenancy_new(id)) { "Add a tenancy" }
            }
            @if tenancies.is_empty() {
                p class="empty" { "No tenancies yet." }
            } @else {
                (super::tenancies::table(&tenancies))
            }
        }
        (super::work_orders::property_section(&property, &work_order_list, ctx.state.settings.clock.now()))
        (super::work::property_sections(&ctx, &property, &task_list, &offer_list, &lookups))
        (super::documents::property_section(&ctx, &property, &document_list, &tenancies, &certificates))
        section id="history" {
            h2 { "History" }
            (history(&entries, &names))
        }
    };
    Ok(ui::page(&ctx, &property.address_line1, content))
}

/// `GET /properties/{id}/edit`.
#[handler]
pub async fn edit_form(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let property = find(&ctx, &viewer, id).await?;
    form_page(&ctx, &viewer, Some(&property), &property.to_form(), &FieldErrors::new()).await
}

/// `POST /properties/{id}/edit`.
#[handler]
pub async fn update(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<PropertyForm>,
) -> Result<Response, AppError> {
    let property = find(&ctx, &viewer, id).await?;
    let mut fields = match check(&ctx, &viewer, &form).await? {
        Ok(fields) => fields,
        Err(errors) => {
            let page = form_page(&ctx, &viewer, Some(&property), &form, &errors).await?;
            return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    // The EPC rating is the certificate's where there is one (the form shows
    // it without a field); the transaction makes sure of it.
    if let Some(certified) = certificates::current_epc_rating(&ctx.state.db, viewer.org.id, id).await? {
        fields.epc_rating = Some(certified);
    }
    let mut tx = ctx.state.db.begin().await?;
    let changed = store::update(&mut tx, &property, &fields, &viewer.user.actor()).await?;
    certificates::sync_property_epc(&mut tx, viewer.org.id, id, &property.address(), &viewer.user.actor()).await?;
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
    Ok(see_other(&paths::property(id)))
}

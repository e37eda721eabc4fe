//! Offers in the back-office: the agency's list across every property
//! (filters, search, counts, pages both ways), and on a property record one,
//! show it, and move it through its statuses ("Send to landlord" and the rest). (The property
//! page's offer list is in [`super::work`], with its tasks.)

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::list_screen::{self, CsvExport, Heading, LANDLORD_FILTER, ListScreen, ListView};
use super::work::find_property;
use super::{see_other, with_status};
use crate::clock::Clock;
use crate::domain::choice::Choice;
use crate::domain::money::{money, per_month};
use crate::domain::offers::{OfferForm, OfferStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::Order;
use crate::store::offers::{self, ListFilter, ListedOffer, MoveError, OfferColumn};
use crate::store::properties::Property;
use crate::web::ctx::{AgentCtx, Ctx};
use crate::web::ui::audit::history;
use crate::web::ui::badges::offer_badge;
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::format;
use crate::web::ui::list::PageQuery;
use crate::web::{paths, ui};

/// The status filter value for offers still open (the default).
const OPEN: &str = "open";
/// The status filter value that shows every status.
const ANY_STATUS: &str = "any";

/// The list's filters as they appear in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    branch: String,
    landlord: String,
    #[serde(flatten)]
    page: PageQuery,
}

impl ListQuery {
    fn status(&self) -> &str {
        if self.status.is_empty() { OPEN } else { &self.status }
    }
}

impl ListScreen for ListQuery {
    type Row = ListedOffer;
    type Filter = ListFilter;
    type Column = OfferColumn;

    const PATH: &'static str = paths::OFFERS;
    const TITLE: &'static str = "Offers";
    const NOUN: &'static str = "offers";
    const RESULTS_ID: &'static str = "offer-results";
    const SEARCH_HINT: &'static str = "Applicant or address";
    const COLUMNS: &'static [Heading<OfferColumn>] = &[
        Heading::sorted("Applicant", OfferColumn::Applicant),
        Heading::sorted("Property", OfferColumn::Property),
        Heading::plain("Landlord").hide_small(),
        Heading::sorted("Rent", OfferColumn::Rent).nowrap(),
        Heading::sorted("Received", OfferColumn::Received).hide_small().nowrap(),
        Heading::plain("Status"),
    ];
    const CSV: Option<CsvExport> = Some(CsvExport {
        path: paths::OFFERS_CSV,
        file_name: "offers.csv",
        header: &[
            "Applicant",
            "Email",
            "Property",
            "Landlord",
            "Rent per month",
            "Received",
            "Status",
        ],
    });

    list_screen::plumbing!(offers::list, offers::list_count, |row| row.offer.id);

    fn filters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status().to_string()),
            ("branch", self.branch.clone()),
            (LANDLORD_FILTER, self.landlord.clone()),
        ]
    }

    /// Newest first.
    fn default_order() -> Order<OfferColumn> {
        OfferColumn::NEWEST_FIRST
    }

    fn store_filter(&self, search: Vec<String>, order: Order<OfferColumn>, _clock: Clock) -> ListFilter {
        let statuses = match self.status() {
            ANY_STATUS => None,
            OPEN => Some(
                OfferStatus::ALL
                    .iter()
                    .copied()
                    .filter(|s| !s.next().is_empty())
                    .collect(),
            ),
            other => Some(OfferStatus::parse(other).map(|s| vec![s]).unwrap_or_default()),
        };
        ListFilter {
            search,
            statuses,
            branch_id: Uuid::parse_str(&self.branch).ok(),
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            order,
        }
    }

    fn cells(row: &ListedOffer, _view: &ListView<'_>) -> Vec<Markup> {
        let offer = &row.offer;
        vec![
            html! { a href=(paths::offer(offer.id)) { (offer.applicant_name) } },
            html! { a href=(paths::property(offer.property_id)) { (row.address) } },
            html! { a href=(paths::landlord(row.landlord_id)) { (row.landlord_name) } },
            html! { (money(offer.rent_pence)) },
            html! { (format::date(crate::clock::local_date(offer.created_at))) },
            offer_badge(offer.status()),
        ]
    }

    fn empty() -> Markup {
        html! { "No open offers. Offers are recorded from a property's page." }
    }

    fn fields(&self, view: &ListView<'_>) -> Markup {
        let none = FieldErrors::new();
        let statuses: Vec<(String, String)> = [(OPEN.to_string(), "Open".to_string())]
            .into_iter()
            .chain(choice_options::<OfferStatus>(None))
            .chain([(ANY_STATUS.to_string(), "Any status".to_string())])
            .collect();
        html! {
            (select("status", "Status", &statuses, self.status(), &none))
            (select("branch", "Branch", &view.lookups.branch_options("Any branch"), &self.branch, &none))
        }
    }

    fn csv_cells(row: &ListedOffer) -> Vec<String> {
        let offer = &row.offer;
        vec![
            offer.applicant_name.clone(),
            offer.applicant_email.clone(),
            row.address.clone(),
            row.landlord_name.clone(),
            money(offer.rent_pence),
            crate::clock::local_date(offer.created_at).to_string(),
            offer.status().label().to_string(),
        ]
    }
}

/// `GET /offers.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(
    AgentCtx { ctx, viewer }: AgentCtx,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_screen::download(&ctx, &viewer, query)
}

/// `GET /offers`: the agency's offers, newest first, open ones by default.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    list_screen::page(&ctx, &viewer, query).await
}

fn offer_form_page(ctx: &Ctx, property: &Property, form: &OfferForm, errors: &FieldErrors) -> Markup {
    let content = html! {
        h1 { "Record an offer on " (property.address_line1) }
        (error_summary(errors, &["applicant_name", "applicant_email", "applicant_phone", "rent", "move_in_on", "term_months", "notes"]))
        form class="stack card narrow" method="post" action=(paths::property_offer_new(property.id)) novalidate {
            (csrf_input(&ctx.csrf))
            (Input::text("applicant_name", "Applicant's name", &form.applicant_name).required().render(errors))
            (Input::text("applicant_email", "Applicant's email", &form.applicant_email).kind("email").required().render(errors))
            (Input::text("applicant_phone", "Applicant's phone (optional)", &form.applicant_phone).kind("tel").render(errors))
            (Input::text("rent", "Rent offered per month (£)", &form.rent).required().render(errors))
            (Input::text("move_in_on", "Proposed move-in date (optional)", &form.move_in_on).kind("date").render(errors))
            (Input::text("term_months", "Term in months (optional)", &form.term_months).kind("number").render(errors))
            (textarea("notes", "Notes (optional)", &form.notes, None, errors))
            div class="actions" {
                button type="submit" { "Record offer" }
                a href=(paths::property(property.id)) { "Cancel" }
            }
        }
    };
    ui::page(ctx, "Record an offer", content)
}

/// `GET /properties/{id}/offers/new`.
#[handler]
pub async fn new_offer(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    Ok(offer_form_page(
        &ctx,
        &property,
        &OfferForm::default(),
        &FieldErrors::new(),
    ))
}

/// `POST /properties/{id}/offers/new`.
#[handler]
pub async fn create_offer(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<OfferForm>,
) -> Result<Response, AppError> {
    let property = find_property(&ctx, &viewer, id).await?;
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                offer_form_page(&ctx, &property, &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let offer = offers::create(
        &mut tx,
        viewer.org.id,
        property.id,
        &property.address_line1,
        &fields,
        &viewer.user.actor(),
    )
    .await?;
    tx.commit().await?;
    ctx.set_flash("success", "The offer has been recorded.").await?;
    Ok(see_other(&paths::offer(offer)))
}

/// `GET /offers/{id}`: the offer and the moves it can make.
#[handler]
pub async fn show_offer(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let offer = offers::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let property = find_property(&ctx, &viewer, offer.property_id).await?;
    let entries = crate::store::audit::for_entity(&ctx.state.db, viewer.org.id, offers::ENTITY, id, 50).await?;
    let names = crate::store::audit::names_mentioned(&ctx.state.db, viewer.org.id, &entries).await?;
    let status = offer.status();
    let content = html! {
        p { a href=(paths::property(property.id)) { "← " (property.address()) } }
        div class="actions" { h1 { "Offer from " (offer.applicant_name) } (offer_badge(status)) }
        div class="grid-2" {
            section class="card" {
                h2 { "The offer" }
                dl class="details" {
                    dt { "Rent offered" } dd { (per_month(offer.rent_pence)) }
                    dt { "Move in" } dd { @match offer.move_in_on { Some(d) => (format::date(d)), None => "Not given" } }
                    dt { "Term" } dd { @match offer.term_months { Some(m) => { (m) " months" }, None => "Not given" } }
                    dt { "Notes" } dd class="notes" { (offer.notes.as_deref().unwrap_or("—")) }
                    @if let Some(decision) = offer.landlord_decision() {
                        dt { "Landlord's decision" } dd data-testid="landlord-decision" {
                            strong { (decision.label()) }
                            @if let Some(at) = offer.landlord_reviewed_at { " on " (format::date_time(at)) }
                            @if let Some(comment) = &offer.landlord_comment { br; "“" (comment) "”" }
                        }
                    }
                }
            }
            section class="card" {
                h2 { "Applicant" }
                dl class="details" {
                    dt { "Name" } dd { (offer.applicant_name) }
                    dt { "Email" } dd { a href={ "mailto:" (offer.applicant_email) } { (offer.applicant_email) } }
                    dt { "Phone" } dd { (offer.applicant_phone.as_deref().unwrap_or("—")) }
                }
            }
        }
        @if !status.next().is_empty() {
            section class="card actions" {
                @for next in status.next() {
                    form class="inline-form" method="post" action=(paths::offer_status(offer.id)) {
                        (csrf_input(&ctx.csrf))
                        input type="hidden" name="status" value=(next.as_str());
                        button type="submit" class=(if *next == OfferStatus::SentToLandlord { "" } else { "secondary" }) { (next.action_label()) }
                    }
                }
            }
        }
        section { h2 { "History" } (history(&entries, &names)) }
    };
    Ok(ui::page(&ctx, "Offer", content))
}

/// The status-move form.
#[derive(Debug, Default, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    status: String,
}

/// `POST /offers/{id}/status`: one allowed move (refused moves change nothing).
#[handler]
pub async fn move_offer(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let offer = offers::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = OfferStatus::parse(&form.status).map_err(AppError::BadRequest)?;
    let mut tx = ctx.state.db.begin().await?;
    match offers::move_to(&mut tx, &offer, to, &viewer.user.actor()).await {
        Ok(()) => {
            tx.commit().await?;
            ctx.set_flash("success", format!("The offer is now \"{}\".", to.label()))
                .await?;
        }
        Err(MoveError::NotAllowed { from, to }) => {
            drop(tx);
            ctx.set_flash(
                "error",
                format!("An offer that is \"{from}\" cannot become \"{to}\". Nothing was changed."),
            )
            .await?;
            return Ok(see_other(&paths::offer(id)));
        }
        Err(MoveError::Database(err)) => return Err(err.into()),
    }
    Ok(see_other(&paths::offer(id)))
}

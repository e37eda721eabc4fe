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

use super::work::find_property;
use super::{Lookups, see_other, with_status};
use crate::domain::choice::Choice;
use crate::domain::money::{money, per_month};
use crate::domain::offers::{OfferForm, OfferStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::offers::{self, ListFilter, ListedOffer, MoveError, OfferColumn};
use crate::store::properties::Property;
use crate::store::{Order, PageAt, Paged};
use crate::web::ctx::{AgentCtx, Ctx};
use crate::web::ui::audit::history;
use crate::web::ui::badges::offer_badge;
use crate::web::ui::export;
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::format;
use crate::web::ui::list::{PageQuery, counted_pager, sort_heading};
use crate::web::{paths, ui};

/// The id of the results region htmx swaps.
const RESULTS_ID: &str = "offer-results";
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

    fn filter(&self) -> ListFilter {
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
            search: self.q.split_whitespace().map(str::to_string).take(8).collect(),
            statuses,
            branch_id: Uuid::parse_str(&self.branch).ok(),
            landlord_id: Uuid::parse_str(&self.landlord).ok(),
            order: self.order(),
        }
    }

    /// The order asked for (`?sort=rent`, `?sort=-move_in`), else newest first.
    fn order(&self) -> Order<OfferColumn> {
        Order::parse(&self.page.sort, OfferColumn::NEWEST_FIRST, OfferColumn::parse)
    }

    /// The list's URL sorted by `sort`, from the first page.
    fn sorted_by(&self, sort: &str) -> String {
        let mut sorted = self.clone();
        sorted.page.sort = sort.to_string();
        format!("{}?{}", paths::OFFERS, sorted.to_query(&PageAt::First))
    }

    fn to_query(&self, at: &PageAt) -> String {
        self.page.link(
            &[
                ("q", &self.q),
                ("status", self.status()),
                ("branch", &self.branch),
                ("landlord", &self.landlord),
            ],
            at,
        )
    }

    fn is_filtered(&self) -> bool {
        !(self.q.trim().is_empty() && self.status() == OPEN && self.branch.is_empty() && self.landlord.is_empty())
    }
}

fn results(query: &ListQuery, page: &Paged<ListedOffer>, counts: (i64, i64)) -> Markup {
    let (total, before) = counts;
    html! {
        div id=(RESULTS_ID) class="results" aria-live="polite" {
            @if page.rows.is_empty() {
                div class="table-wrap" {
                    @if query.is_filtered() {
                        p class="empty" { "No offers match these filters. " a href=(paths::OFFERS) { "Clear the filters" } }
                    } @else {
                        p class="empty" { "No open offers. Offers are recorded from a property's page." }
                    }
                }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr {
                            @let order = query.order();
                            @let current = Some((order.column.as_str(), order.descending));
                            @let heading = |label: &str, column: OfferColumn, class: Option<&str>| {
                                sort_heading(label, column.as_str(), current, class, |s| query.sorted_by(s))
                            };
                            (heading("Applicant", OfferColumn::Applicant, None))
                            (heading("Property", OfferColumn::Property, None))
                            th class="hide-small" { "Landlord" }
                            (heading("Rent", OfferColumn::Rent, None))
                            (heading("Received", OfferColumn::Received, Some("hide-small")))
                            th { "Status" }
                        } }
                        tbody {
                            @for row in &page.rows {
                                @let offer = &row.offer;
                                tr {
                                    td data-label="Applicant" { a href=(paths::offer(offer.id)) { (offer.applicant_name) } }
                                    td data-label="Property" { a href=(paths::property(offer.property_id)) { (row.address) } }
                                    td data-label="Landlord" class="hide-small" { a href=(paths::landlord(row.landlord_id)) { (row.landlord_name) } }
                                    td data-label="Rent" class="nowrap" { (money(offer.rent_pence)) }
                                    td data-label="Received" class="hide-small nowrap" { (format::date(crate::clock::local_date(offer.created_at))) }
                                    td data-label="Status" { (offer_badge(offer.status())) }
                                }
                            }
                        }
                    }
                }
            }
            (counted_pager(
                paths::OFFERS,
                before,
                page.rows.len(),
                total,
                page.previous.as_ref().map(|at| query.to_query(at)),
                page.next.as_ref().map(|next| query.to_query(&PageAt::After(next.clone()))),
            ))
        }
    }
}

fn filters(query: &ListQuery, lookups: &Lookups) -> Markup {
    let none = FieldErrors::new();
    let statuses: Vec<(String, String)> = [(OPEN.to_string(), "Open".to_string())]
        .into_iter()
        .chain(choice_options::<OfferStatus>(None))
        .chain([(ANY_STATUS.to_string(), "Any status".to_string())])
        .collect();
    html! {
        form class="filters card" method="get" action=(paths::OFFERS) role="search"
            hx-get=(paths::OFFERS) hx-target={ "#" (RESULTS_ID) } hx-swap="outerHTML" hx-push-url="true"
            hx-trigger="input changed delay:300ms from:#q, change, submit" hx-indicator="#offer-loading" {
            @if !query.landlord.is_empty() { input type="hidden" name="landlord" value=(query.landlord); }
            @if !query.page.sort.is_empty() { input type="hidden" name="sort" value=(query.page.sort); }
            div class="field" {
                label for="q" { "Search" }
                input type="search" id="q" name="q" value=(query.q) autocomplete="off" aria-describedby="q-hint";
                span class="hint" id="q-hint" { "Applicant or address" }
            }
            (select("status", "Status", &statuses, query.status(), &none))
            (select("branch", "Branch", &lookups.branch_options("Any branch"), &query.branch, &none))
            (select("per_page", "Show", &PageQuery::size_options(), &query.page.size().to_string(), &none))
            div class="field" {
                button type="submit" { "Search" }
                span id="offer-loading" class="htmx-indicator hint" { "Loading…" }
            }
        }
    }
}

/// `GET /offers.csv`: the list as filtered, every row, as CSV.
#[handler]
pub async fn download_csv(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Response {
    let db = ctx.state.db.clone();
    let org = viewer.org.id;
    let filter = query.filter();
    export::download(
        "offers.csv",
        &[
            "Applicant",
            "Email",
            "Property",
            "Landlord",
            "Rent per month",
            "Received",
            "Status",
        ],
        move |at, rows| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { offers::list(&db, org, &filter, &at, rows).await }
        },
        |row| {
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
        },
    )
}

/// `GET /offers`: the agency's offers, newest first, open ones by default.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    let lookups = Lookups::load(&ctx, viewer.org.id).await?;
    let filter = query.filter();
    let at = query.page.at();
    let db = &ctx.state.db;
    let page = offers::list(db, viewer.org.id, &filter, &at, query.page.size()).await?;
    let first = page.rows.first().map(|row| crate::store::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.offer.id,
    });
    let counts = offers::list_count(db, viewer.org.id, &filter, first.as_ref()).await?;
    let results = results(&query, &page, counts);
    if ctx.wants_fragment(RESULTS_ID) {
        return Ok(results);
    }
    let content = html! {
        div class="actions" {
            h1 { "Offers" }
            a class="button secondary" href={ (paths::OFFERS_CSV) "?" (query.to_query(&PageAt::First)) } download { "Download CSV" }
        }
        (filters(&query, &lookups))
        (results)
    };
    Ok(ui::page(&ctx, "Offers", content))
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

//! A contractor's job page and its forms, within their session for that one
//! work order: the job (access details and the occupier only once they are
//! instructed), their quote or their refusal, the appointment, and their
//! thread with the agency. Every action is audited on the work order with the
//! contractor as actor, via ContractorPort.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::ContractorCtx;
use crate::domain::choice::Choice;
use crate::domain::contractor_port::{AppointmentForm, AppointmentWindow, InvitedTo, parse_text};
use crate::domain::money::money;
use crate::domain::quotes::{QuoteForm, QuoteStatus};
use crate::domain::validation::FieldErrors;
use crate::domain::work_orders::{WorkOrderStatus, target_day};
use crate::error::AppError;
use crate::store::contractor_links;
use crate::store::properties;
use crate::store::quotes::{self, QuoteError};
use crate::store::work_orders::{self, MoveError};
use crate::web::paths::{self, JobAction};
use crate::web::ui::form::{Input, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::respond::see_other;
use crate::web::ui::{format, quote_form};

/// What the page says after a form was kept (`?done=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Declined,
    Quoted,
    Appointment,
    Comment,
}

impl Done {
    const ALL: [Done; 4] = [Done::Declined, Done::Quoted, Done::Appointment, Done::Comment];

    fn code(self) -> &'static str {
        match self {
            Done::Declined => "declined",
            Done::Quoted => "quoted",
            Done::Appointment => "appointment",
            Done::Comment => "comment",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Done::Declined => "Thank you: the agency knows you will not quote for this job.",
            Done::Quoted => "Your quote has been sent to the agency. You can change it until it is accepted.",
            Done::Appointment => "Your appointment has been sent to the agency.",
            Done::Comment => "Your message has been sent to the agency.",
        }
    }

    fn parse(code: &str) -> Option<Done> {
        Done::ALL.into_iter().find(|d| d.code() == code)
    }

    fn location(self, job: Uuid) -> String {
        format!("{}?done={}", paths::contractor_job(job, JobAction::Page), self.code())
    }
}

/// The job page's query.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// What was just kept, if anything.
    #[serde(default)]
    pub done: String,
}

/// What the page's forms hold: as typed after a refused form, else empty or
/// the contractor's own quote.
#[derive(Default)]
struct Forms {
    quote: Option<QuoteForm>,
    decline_reason: String,
    appointment: AppointmentForm,
    comment: String,
    errors: FieldErrors,
}

/// Whether the contractor is the one instructed to do the work (so they see
/// the access details and the occupier's contact).
fn instructed(c: &ContractorCtx) -> bool {
    use WorkOrderStatus::*;
    c.order.contractor_id == Some(c.link.contractor_id)
        && matches!(c.order.status, Instructed | Scheduled | Completed | Invoiced | Closed)
}

/// What the contractor reads about where the job is, from their side.
fn state_line(c: &ContractorCtx) -> &'static str {
    use WorkOrderStatus::*;
    match c.order.status {
        Cancelled => "This job was called off by the agency.",
        Closed => "This job is closed.",
        _ if instructed(c) => match c.order.status {
            Instructed => "You are instructed to do this job. Propose an appointment below.",
            Scheduled => "You are instructed to do this job and have an appointment.",
            _ => "You have reported this job complete.",
        },
        _ if c.order.contractor_id.is_some() => "The agency has instructed another contractor for this job.",
        _ if c.link.declined_at.is_some() => "You declined to quote for this job.",
        New | QuotesRequested => "The agency would like your quotation.",
        _ => "The agency is deciding on the quotes it received.",
    }
}

/// Renders the job page.
async fn render(c: &ContractorCtx, mut forms: Forms, done: Option<Done>) -> Result<Markup, AppError> {
    let db = &c.state.db;
    let property = properties::get(db, c.org.id, c.order.property_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let photos = work_orders::photos(db, c.org.id, c.order.id).await?;
    let (all_quotes, lines) = quotes::for_work_order(db, c.org.id, c.order.id).await?;
    let mine: Vec<_> = all_quotes
        .iter()
        .filter(|q| q.contractor_id == c.link.contractor_id)
        .collect();
    let open_quote = mine.iter().find(|q| q.status == QuoteStatus::Submitted);
    let comments = contractor_links::comments(db, c.org.id, c.order.id, Some(c.link.id)).await?;
    let job = c.link.id;
    let today = c.state.settings.clock.today();
    let can_quote = quotes::takes_quotes(c.order.status)
        && c.link.declined_at.is_none()
        && mine
            .iter()
            .all(|q| matches!(q.status, QuoteStatus::Submitted | QuoteStatus::Declined));
    let quote_form = forms
        .quote
        .take()
        .or_else(|| open_quote.map(|q| q.to_form(&lines)))
        .unwrap_or_default();
    let can_schedule =
        instructed(c) && matches!(c.order.status, WorkOrderStatus::Instructed | WorkOrderStatus::Scheduled);
    let shown_appointment = if forms.appointment.date.is_empty() && forms.appointment.window.is_empty() {
        c.order
            .appointment()
            .map(|(on, window)| AppointmentForm {
                date: on.to_string(),
                window: window.as_str().into(),
            })
            .unwrap_or_default()
    } else {
        forms.appointment.clone()
    };
    let errors = &forms.errors;
    let mut summary_fields: Vec<&str> = quote_form::FIELD_NAMES.to_vec();
    summary_fields.extend(["reason", "date", "window", "body"]);
    let o = &c.order;
    Ok(html! {
        @if let Some(done) = done { div class="flash success" role="status" { (done.message()) } }
        (error_summary(errors, &summary_fields))
        h1 { (o.reference()) ": " (o.title) }
        p class="lede" { (state_line(c)) }
        section class="card" {
            h2 { "The job" }
            dl class="details" {
                dt { "Where" } dd { (property.address()) }
                dt { "Priority" } dd { (o.priority.label()) }
                dt { "To be done by" } dd {
                    (format::date(target_day(o.target_at)))
                    @if o.overdue(c.state.settings.clock.now()) { " " strong { "(overdue)" } }
                }
                @if let Some(budget) = o.budget_pence { dt { "Not to exceed" } dd { (money(budget)) } }
            }
            @match &o.description { Some(d) => p class="notes" { (d) }, None => p class="hint" { "No details given." } }
            @if !photos.is_empty() {
                ul class="photos" {
                    @for p in &photos {
                        li { a href=(paths::contractor_job_photo(job, p.id, false)) {
                            img src=(paths::contractor_job_photo(job, p.id, true)) alt="Photo of the job" loading="lazy" width="160";
                        } }
                    }
                }
            }
        }
        section class="card" {
            h2 { "Access" }
            @if instructed(c) {
                dl class="details" {
                    dt { "Access" } dd class="notes" { (o.access_instructions.as_deref().unwrap_or("Ask the agency.")) }
                    dt { "Occupier" } dd { (o.occupier_contact.as_deref().unwrap_or("Ask the agency.")) }
                    @if let Some((on, window)) = o.appointment() {
                        dt { "Appointment" } dd { (format::date(on)) ", " (window.label()) }
                    }
                }
            } @else {
                p class="hint" { "Access details and the occupier's contact are shown here once you are instructed." }
            }
        }
        @if can_schedule {
            section class="card" id="appointment" {
                h2 { @if o.appointment().is_some() { "Change the appointment" } @else { "Propose an appointment" } }
                form class="stack" method="post" action=(paths::contractor_job(job, JobAction::Appointment)) novalidate {
                    (csrf_input(&c.csrf))
                    (Input::text("date", "Day", &shown_appointment.date).kind("date").render(errors))
                    (select("window", "Time", &choice_options::<AppointmentWindow>(Some(("", "Choose a time window"))), &shown_appointment.window, errors))
                    button type="submit" { "Send appointment" }
                }
            }
        }
        section class="card" id="quote" {
            h2 { "Your quote" }
            @for q in &mine {
                p { (money(q.total_pence)) " including VAT — " strong { (contractor_quote_status(q.status)) } }
            }
            @if let Some(reason) = &c.link.decline_reason { p { "You declined to quote: " (reason) } }
            @if can_quote {
                form class="stack" method="post" action=(paths::contractor_job(job, JobAction::Quote)) novalidate {
                    (csrf_input(&c.csrf))
                    (quote_form::fields(&quote_form, errors))
                    button type="submit" { @if open_quote.is_some() { "Update my quote" } @else { "Send my quote" } }
                }
                @if open_quote.is_none() && c.link.invited_to == InvitedTo::Quote {
                    details class="card" open[errors.get("reason").is_some()] {
                        summary { "Not able to quote?" }
                        form class="stack" method="post" action=(paths::contractor_job(job, JobAction::Decline)) novalidate {
                            (csrf_input(&c.csrf))
                            (textarea("reason", "Why not? (the agency reads this)", &forms.decline_reason, Some("For example: fully booked until next month"), errors))
                            button type="submit" class="secondary" { "Decline to quote" }
                        }
                    }
                }
            } @else if mine.is_empty() && c.link.declined_at.is_none() {
                p class="hint" { "This job takes no quotes now." }
            }
        }
        section class="card" id="messages" {
            h2 { "Messages with " (c.org.name) }
            @if comments.is_empty() { p class="empty" { "No messages yet." } } @else {
                ul class="thread" {
                    @for m in &comments {
                        li class=[m.by_contractor().then_some("mine")] {
                            (m.body)
                            span class="meta" { @if m.by_contractor() { "You" } @else { (m.author_name) } " · " (format::date_time(m.created_at)) }
                        }
                    }
                }
            }
            @if !matches!(o.status, WorkOrderStatus::Closed | WorkOrderStatus::Cancelled) {
                form class="stack" method="post" action=(paths::contractor_job(job, JobAction::Comments)) novalidate {
                    (csrf_input(&c.csrf))
                    (textarea("body", "Write to the agency", &forms.comment, None, errors))
                    button type="submit" { "Send message" }
                }
            }
        }
        @if today > target_day(o.target_at) && o.status.is_open() && instructed(c) {
            p class="hint" { "This job is past its target date." }
        }
    })
}

/// What a contractor reads about their own quote.
fn contractor_quote_status(status: QuoteStatus) -> &'static str {
    match status {
        QuoteStatus::Submitted => "sent, waiting for the agency",
        QuoteStatus::AwaitingLandlord => "accepted by the agency, waiting for the landlord's approval",
        QuoteStatus::Accepted => "accepted",
        QuoteStatus::Declined => "not chosen",
    }
}

/// The page again after a refused form, its input kept, with a 422.
async fn refused(c: &ContractorCtx, forms: Forms) -> Result<Response, AppError> {
    let title = format!("{} · {}", c.order.reference(), c.order.title);
    let markup = render(c, forms, None).await?;
    let mut response = c.page(&title, markup);
    response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
    Ok(response)
}

/// The page again with one message against one field.
async fn refused_with(
    c: &ContractorCtx,
    mut forms: Forms,
    field: &'static str,
    message: String,
) -> Result<Response, AppError> {
    forms.errors.add(field, message);
    refused(c, forms).await
}

/// `GET /contractor/jobs/{job}`.
#[handler]
pub async fn page(c: ContractorCtx, Query(query): Query<PageQuery>) -> Result<Response, AppError> {
    let title = format!("{} · {}", c.order.reference(), c.order.title);
    let markup = render(&c, Forms::default(), Done::parse(&query.done)).await?;
    Ok(c.page(&title, markup))
}

/// The decline form.
#[derive(Debug, Default, Deserialize)]
pub struct DeclineForm {
    /// Why they will not quote.
    #[serde(default)]
    pub reason: String,
}

/// `POST /contractor/jobs/{job}/decline`.
#[handler]
pub async fn decline(c: ContractorCtx, Form(form): Form<DeclineForm>) -> Result<Response, AppError> {
    let forms = || Forms {
        decline_reason: form.reason.clone(),
        ..Forms::default()
    };
    let reason = match parse_text("reason", "the reason", &form.reason) {
        Ok(reason) => reason,
        Err(errors) => return refused(&c, Forms { errors, ..forms() }).await,
    };
    if !quotes::takes_quotes(c.order.status) || c.link.invited_to != InvitedTo::Quote {
        return refused_with(&c, forms(), "reason", "This job takes no quotes now.".into()).await;
    }
    let mut tx = c.state.db.begin().await?;
    contractor_links::decline(&mut tx, &c.order, &c.link, &reason).await?;
    tx.commit().await?;
    Ok(c.with_cookie(see_other(&Done::Declined.location(c.link.id))))
}

/// `POST /contractor/jobs/{job}/quote`: a new quote, or the open one amended.
#[handler]
pub async fn quote(c: ContractorCtx, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = QuoteForm::from_pairs(&pairs);
    let fields = match form.parse(c.state.settings.clock.today()) {
        Ok(fields) => fields,
        Err(errors) => {
            return refused(
                &c,
                Forms {
                    quote: Some(form),
                    errors,
                    ..Forms::default()
                },
            )
            .await;
        }
    };
    if c.link.declined_at.is_some() {
        let message = "You declined to quote for this job. Ask the agency if you would like to quote after all.";
        return refused_with(
            &c,
            Forms {
                quote: Some(form),
                ..Forms::default()
            },
            "line1_description",
            message.into(),
        )
        .await;
    }
    let mut tx = c.state.db.begin().await?;
    match quotes::record(
        &mut tx,
        &c.order,
        c.link.contractor_id,
        &c.link.company_name,
        &fields,
        &c.actor(),
    )
    .await
    {
        Ok(_) => tx.commit().await?,
        Err(QuoteError::Refused(message)) => {
            return refused_with(
                &c,
                Forms {
                    quote: Some(form),
                    ..Forms::default()
                },
                "line1_description",
                message,
            )
            .await;
        }
        Err(QuoteError::Database(err)) => return Err(err.into()),
    }
    Ok(c.with_cookie(see_other(&Done::Quoted.location(c.link.id))))
}

/// `POST /contractor/jobs/{job}/appointment`: the instructed contractor's day and time.
#[handler]
pub async fn appointment(c: ContractorCtx, Form(form): Form<AppointmentForm>) -> Result<Response, AppError> {
    let (on, window) = match form.parse(c.state.settings.clock.today()) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return refused(
                &c,
                Forms {
                    appointment: form,
                    errors,
                    ..Forms::default()
                },
            )
            .await;
        }
    };
    if !instructed(&c) {
        let message = "Appointments are made once you are instructed.";
        return refused_with(
            &c,
            Forms {
                appointment: form,
                ..Forms::default()
            },
            "date",
            message.into(),
        )
        .await;
    }
    let mut tx = c.state.db.begin().await?;
    match work_orders::set_appointment(&mut tx, &c.order, on, window, &c.actor()).await {
        Ok(()) => tx.commit().await?,
        Err(MoveError::NotAllowed { from, .. }) => {
            let message = format!("The job is {} and takes no appointment now.", from.to_lowercase());
            return refused_with(
                &c,
                Forms {
                    appointment: form,
                    ..Forms::default()
                },
                "date",
                message,
            )
            .await;
        }
        Err(MoveError::Database(err)) => return Err(err.into()),
    }
    Ok(c.with_cookie(see_other(&Done::Appointment.location(c.link.id))))
}

/// The message form.
#[derive(Debug, Default, Deserialize)]
pub struct CommentForm {
    /// The message.
    #[serde(default)]
    pub body: String,
}

/// `POST /contractor/jobs/{job}/comments`.
#[handler]
pub async fn comment(c: ContractorCtx, Form(form): Form<CommentForm>) -> Result<Response, AppError> {
    let body = match parse_text("body", "your message", &form.body) {
        Ok(body) => body,
        Err(errors) => {
            return refused(
                &c,
                Forms {
                    comment: form.body,
                    errors,
                    ..Forms::default()
                },
            )
            .await;
        }
    };
    if matches!(c.order.status, WorkOrderStatus::Closed | WorkOrderStatus::Cancelled) {
        let message = "This job is finished with; contact the agency directly.".to_string();
        return refused_with(
            &c,
            Forms {
                comment: form.body,
                ..Forms::default()
            },
            "body",
            message,
        )
        .await;
    }
    let mut tx = c.state.db.begin().await?;
    contractor_links::add_comment(&mut tx, &c.order, &c.link, &c.actor(), &body).await?;
    tx.commit().await?;
    Ok(c.with_cookie(see_other(&Done::Comment.location(c.link.id))))
}

/// `GET /contractor/jobs/{job}/photos/{photo}`.
#[handler]
pub async fn photo_full(c: ContractorCtx, Path((_, photo)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    crate::web::photo_files::send(&c.state, c.org.id, c.order.id, photo, false)
        .await
        .map(|r| c.with_cookie(r.into_response()))
}

/// `GET /contractor/jobs/{job}/photos/{photo}/thumb`.
#[handler]
pub async fn photo_thumb(c: ContractorCtx, Path((_, photo)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    crate::web::photo_files::send(&c.state, c.org.id, c.order.id, photo, true)
        .await
        .map(|r| c.with_cookie(r.into_response()))
}

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
use crate::domain::compliance::{CertificateForm, CertificateKind};
use crate::domain::contractor_port::CompletionForm;
use crate::domain::contractor_port::{AppointmentForm, AppointmentWindow, InvitedTo, parse_text};
use crate::domain::money::money;
use crate::domain::quotes::{QuoteForm, QuoteStatus};
use crate::domain::tenancies::pounds_input;
use crate::domain::validation::FieldErrors;
use crate::domain::work_orders::{WorkOrderStatus, target_day};
use crate::error::AppError;
use crate::store::contractor_certificates::{self, ReceivedCertificate};
use crate::store::contractor_links;
use crate::store::properties;
use crate::store::quotes::{self, QuoteError};
use crate::store::quotes::{Line, Quote};
use crate::store::work_orders::{self, MoveError};
use crate::web::paths::{self, JobAction};
use crate::web::ui::form::{Input, checkbox, choice_options, csrf_input, error_summary, select, textarea};
use crate::web::ui::respond::see_other;
use crate::web::ui::{format, quote_form};
use crate::web::uploads;
use object_store::ObjectStoreExt;
use poem::web::Multipart;

/// What the page says after a form was kept (`?done=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Declined,
    Quoted,
    Appointment,
    Comment,
    Certificate,
    Completed,
    QuoteFile,
}

impl Done {
    const ALL: [Done; 7] = [
        Done::QuoteFile,
        Done::Declined,
        Done::Quoted,
        Done::Appointment,
        Done::Comment,
        Done::Certificate,
        Done::Completed,
    ];

    fn code(self) -> &'static str {
        match self {
            Done::Declined => "declined",
            Done::Quoted => "quoted",
            Done::Appointment => "appointment",
            Done::Comment => "comment",
            Done::Certificate => "certificate",
            Done::Completed => "completed",
            Done::QuoteFile => "quote-file",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Done::Declined => "Thank you: the agency knows you will not quote for this job.",
            Done::Quoted => "Your quote has been sent to the agency. You can change it until it is accepted.",
            Done::Appointment => "Your appointment has been sent to the agency.",
            Done::Comment => "Your message has been sent to the agency.",
            Done::Certificate => "Your certificate has been sent. The agency will check it.",
            Done::Completed => "Thank you: the job is reported complete.",
            Done::QuoteFile => "Your PDF is attached to your quote.",
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
    certificate: CertificateForm,
    completion: Option<CompletionForm>,
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
    let received =
        contractor_certificates::for_work_order(db, c.org.id, c.order.id, Some(c.link.contractor_id)).await?;
    let accepted = mine.iter().copied().find(|q| q.status == QuoteStatus::Accepted);
    let completion_form = forms.completion.take().unwrap_or_else(|| CompletionForm {
        completed_on: today.to_string(),
        invoice_amount: accepted.map(|q| pounds_input(q.total_pence)).unwrap_or_default(),
        ..CompletionForm::default()
    });
    let errors = &forms.errors;
    let mut summary_fields: Vec<&str> = quote_form::FIELD_NAMES.to_vec();
    summary_fields.extend(["quote_file", "reason", "date", "window", "body"]);
    summary_fields.extend(CERTIFICATE_FIELDS);
    summary_fields.extend(COMPLETION_FIELDS);
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
        @if instructed(c) {
            (certificates_section(c, &received, &forms.certificate, errors))
            (completion_section(c, &completion_form, accepted, &lines, errors))
        }
        section class="card" id="quote" {
            h2 { "Your quote" }
            @for q in &mine {
                p { (money(q.total_pence)) " including VAT — " strong { (contractor_quote_status(q.status)) } }
            }
            @if let Some(reason) = &c.link.decline_reason { p { "You declined to quote: " (reason) } }
            @if let Some(q) = open_quote {
                @if q.file_id.is_some() { p class="hint" { "Your PDF is attached to the quote." } }
                form class="stack" method="post" enctype="multipart/form-data" action={ (paths::contractor_job(job, JobAction::QuoteFile)) "?csrf_token=" (c.csrf) } novalidate {
                    div class={ "field" @if errors.get("quote_file").is_some() { " has-error" } } {
                        label for="quote_file" { @if q.file_id.is_some() { "Replace the PDF of your quote" } @else { "Attach your quote as a PDF (optional)" } }
                        @if let Some(message) = errors.get("quote_file") { p class="error" id="quote_file-error" { (message) } }
                        input type="file" id="quote_file" name="quote_file" accept="application/pdf,.pdf";
                    }
                    div class="actions" { button type="submit" class="secondary" { "Attach PDF" } }
                }
            }
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
    let (sent, _) = quotes::for_work_order(&c.state.db, c.org.id, c.order.id).await?;
    if sent
        .iter()
        .any(|q| q.contractor_id == c.link.contractor_id && q.status != QuoteStatus::Declined)
    {
        let message = "You have sent a quote for this job; write to the agency if you can no longer do it.";
        return refused_with(&c, forms(), "reason", message.into()).await;
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

/// The certificate form's fields, in page order.
const CERTIFICATE_FIELDS: [&str; 5] = ["kind", "issued_on", "expires_on", "reference", "certificate_file"];
/// The completion form's fields, in page order.
const COMPLETION_FIELDS: [&str; 7] = [
    "completed_on",
    "time_on_site",
    "notes",
    "photos",
    "invoice_number",
    "invoice_amount",
    "invoice_file",
];
/// Most photos sent with a completion report.
const COMPLETION_PHOTOS: usize = 10;

/// What the contractor reads about a certificate they sent.
fn received_status(r: &ReceivedCertificate) -> &'static str {
    if r.awaiting_check() {
        "received, awaiting the agency's check"
    } else {
        "accepted into the property's record"
    }
}

/// The certificates the contractor sent, and the form for another.
fn certificates_section(
    c: &ContractorCtx,
    received: &[ReceivedCertificate],
    form: &CertificateForm,
    errors: &FieldErrors,
) -> Markup {
    let action = format!(
        "{}?csrf_token={}",
        paths::contractor_job(c.link.id, JobAction::Certificates),
        c.csrf
    );
    html! {
        section class="card" id="certificates" {
            h2 { "Certificates from this job" }
            @if received.is_empty() { p class="empty" { "None sent yet." } } @else {
                ul {
                    @for r in received {
                        li { (r.kind_label()) ", issued " (format::date(r.issued_on)) ", expires " (format::date(r.expires_on)) " — " (received_status(r)) }
                    }
                }
            }
            form class="stack" method="post" enctype="multipart/form-data" action=(action) novalidate {
                (select("kind", "Certificate", &choice_options::<CertificateKind>(Some(("", "Choose the certificate"))), &form.kind, errors))
                (Input::text("issued_on", "Issued on", &form.issued_on).kind("date").render(errors))
                (Input::text("expires_on", "Expires on (optional)", &form.expires_on).kind("date").hint("Left empty, it follows from the certificate's kind").render(errors))
                (Input::text("reference", "Certificate number (optional)", &form.reference).render(errors))
                div class={ "field" @if errors.get("certificate_file").is_some() { " has-error" } } {
                    label for="certificate_file" { "The certificate (PDF)" }
                    @if let Some(message) = errors.get("certificate_file") { p class="error" id="certificate_file-error" { (message) } }
                    input type="file" id="certificate_file" name="certificate_file" accept="application/pdf,.pdf";
                }
                button type="submit" class="secondary" { "Send certificate" }
            }
        }
    }
}

/// The completion report: sent once, while the job is instructed or scheduled.
fn completion_section(
    c: &ContractorCtx,
    form: &CompletionForm,
    accepted: Option<&Quote>,
    lines: &[Line],
    errors: &FieldErrors,
) -> Markup {
    let o = &c.order;
    let action = format!(
        "{}?csrf_token={}",
        paths::contractor_job(c.link.id, JobAction::Complete),
        c.csrf
    );
    html! {
        section class="card" id="complete" {
            h2 { "Completion" }
            @if let (false, Some(done)) = (matches!(o.status, WorkOrderStatus::Instructed | WorkOrderStatus::Scheduled), o.completed_on) {
                p { "Reported complete on " (format::date(done)) "." }
                @match (&o.invoice_number, o.invoice_pence) {
                    (Some(number), Some(pence)) => p { "Invoice " (number) " for " (money(pence)) "." },
                    _ => p { "No invoice required." },
                }
            } @else if matches!(o.status, WorkOrderStatus::Instructed | WorkOrderStatus::Scheduled) {
                @if let Some(done) = o.completed_on {
                    p class="hint" { "You reported it complete on " (format::date(done)) "; the agency sent it back. Report it again once it is done." }
                }
                @if let Some(q) = accepted {
                    p class="hint" { "Your accepted quote: " (money(q.total_pence)) " including VAT." }
                    ul class="hint" {
                        @for l in lines.iter().filter(|l| l.quote_id == q.id) {
                            li { (l.kind.label()) ": " (l.description) ", " (money(l.amount_pence)) }
                        }
                    }
                }
                form class="stack" method="post" enctype="multipart/form-data" action=(action) novalidate {
                    (Input::text("completed_on", "Finished on", &form.completed_on).kind("date").render(errors))
                    (Input::text("time_on_site", "Time on site (optional)", &form.time_on_site).hint("For example: 3 hours").render(errors))
                    (textarea("notes", "What was done (optional)", &form.notes, None, errors))
                    div class={ "field" @if errors.get("photos").is_some() { " has-error" } } {
                        label for="photos" { "Photos of the finished work (optional)" }
                        @if let Some(message) = errors.get("photos") { p class="error" id="photos-error" { (message) } }
                        input type="file" id="photos" name="photos" accept="image/jpeg,image/png,image/webp" multiple;
                    }
                    fieldset {
                        legend { "Invoice" }
                        (checkbox("invoice_not_required", "No invoice is required for this job", form.invoice_not_required == "on", None))
                        (Input::text("invoice_number", "Invoice number", &form.invoice_number).render(errors))
                        (Input::text("invoice_amount", "Invoice total including VAT, £", &form.invoice_amount).inputmode("decimal").render(errors))
                        div class={ "field" @if errors.get("invoice_file").is_some() { " has-error" } } {
                            label for="invoice_file" { "The invoice (PDF)" }
                            @if let Some(message) = errors.get("invoice_file") { p class="error" id="invoice_file-error" { (message) } }
                            input type="file" id="invoice_file" name="invoice_file" accept="application/pdf,.pdf";
                        }
                    }
                    button type="submit" { "Report the job complete" }
                }
            }
        }
    }
}

/// Stores files in the file store; on a failure removes those already stored.
async fn store_files(c: &ContractorCtx, files: &[(object_store::path::Path, Vec<u8>)]) -> Result<(), AppError> {
    for (n, (path, bytes)) in files.iter().enumerate() {
        if let Err(err) = c.state.files.put(path, bytes.clone().into()).await {
            remove_files(c, &files[..n]).await;
            return Err(AppError::file_store(err));
        }
    }
    Ok(())
}

/// Removes stored files (a refused or failed form leaves none behind).
async fn remove_files(c: &ContractorCtx, files: &[(object_store::path::Path, Vec<u8>)]) {
    for (path, _) in files {
        if let Err(err) = c.state.files.delete(path).await {
            tracing::warn!(error = %err, "a stored file could not be removed");
        }
    }
}

/// `POST /contractor/jobs/{job}/certificates` (multipart): a certificate and its PDF.
#[handler]
pub async fn certificate(c: ContractorCtx, multipart: poem::Result<Multipart>) -> Result<Response, AppError> {
    let read = uploads::read(multipart, c.state.settings.max_upload_bytes, 1).await?;
    let mut form = CertificateForm::default();
    let read = match read {
        Ok(read) => read,
        Err(message) => return refused_with(&c, Forms::default(), "certificate_file", message).await,
    };
    for (name, value) in &read.fields {
        match name.as_str() {
            "kind" => form.kind = value.clone(),
            "issued_on" => form.issued_on = value.clone(),
            "expires_on" => form.expires_on = value.clone(),
            "reference" => form.reference = value.clone(),
            _ => {}
        }
    }
    let mut errors = form.parse().err().unwrap_or_default();
    let file = read.files_of("certificate_file").next();
    let file_name = match file.map(uploads::pdf) {
        Some(Ok(name)) => Some(name),
        Some(Err(message)) => {
            errors.add("certificate_file", message);
            None
        }
        None => {
            errors.add("certificate_file", "Choose the certificate's PDF");
            None
        }
    };
    if !instructed(&c) {
        errors.add("kind", "Certificates are sent once you are instructed.");
    }
    let (Ok(fields), Some(file), Some(file_name), true) = (form.parse(), file, file_name, errors.is_empty()) else {
        return refused(
            &c,
            Forms {
                certificate: form,
                errors,
                ..Forms::default()
            },
        )
        .await;
    };
    let file_id = crate::store::new_id();
    let stored = [(work_orders::file_path(c.org.id, file_id), file.bytes.clone())];
    store_files(&c, &stored).await?;
    let actor = c.actor();
    let saved = async {
        let mut tx = c.state.db.begin().await?;
        work_orders::add_file(
            &mut tx,
            &c.order,
            file_id,
            "certificate",
            &file_name,
            file.bytes.len(),
            &actor,
        )
        .await?;
        contractor_certificates::submit(&mut tx, &c.order, c.link.contractor_id, &fields, file_id, &actor).await?;
        tx.commit().await
    }
    .await;
    if let Err(err) = saved {
        remove_files(&c, &stored).await;
        return Err(err.into());
    }
    Ok(c.with_cookie(see_other(&Done::Certificate.location(c.link.id))))
}

/// `POST /contractor/jobs/{job}/complete` (multipart): the completion report,
/// photos and the invoice; once.
#[handler]
pub async fn complete(c: ContractorCtx, multipart: poem::Result<Multipart>) -> Result<Response, AppError> {
    let max = c.state.settings.max_upload_bytes.max(crate::photos::MAX_BYTES as u64);
    let read = match uploads::read(multipart, max, COMPLETION_PHOTOS + 1).await? {
        Ok(read) => read,
        Err(message) => return refused_with(&c, Forms::default(), "photos", message).await,
    };
    let mut form = CompletionForm::default();
    for (name, value) in &read.fields {
        form.set(name, value.clone());
    }
    let forms = |errors: FieldErrors| Forms {
        completion: Some(form.clone()),
        errors,
        ..Forms::default()
    };
    if !instructed(&c) || !matches!(c.order.status, WorkOrderStatus::Instructed | WorkOrderStatus::Scheduled) {
        let mut errors = FieldErrors::new();
        errors.add(
            "completed_on",
            "This job cannot be reported complete now: it is already reported, or not yours to do.",
        );
        return refused(&c, forms(errors)).await;
    }
    let today = c.state.settings.clock.today();
    let raised_on = crate::clock::local_date(c.order.raised_at);
    let parsed = form.parse(today, raised_on);
    let mut errors = parsed.clone().err().unwrap_or_default();
    let invoice = read.files_of("invoice_file").next();
    let mut invoice_name = None;
    if form.invoice_not_required != "on" {
        match invoice.map(uploads::pdf) {
            Some(Ok(name)) => invoice_name = Some(name),
            Some(Err(message)) => errors.add("invoice_file", message),
            None => errors.add(
                "invoice_file",
                "Choose the invoice's PDF, or tick that no invoice is required",
            ),
        }
    }
    let mut photos = Vec::new();
    for upload in read.files_of("photos") {
        let bytes = upload.bytes.clone();
        let done = tokio::task::spawn_blocking(move || crate::photos::process(&bytes))
            .await
            .map_err(AppError::internal)?;
        match done {
            Ok(photo) => photos.push(photo),
            Err(message) => {
                errors.add(
                    "photos",
                    format!(
                        "{}: {message}",
                        crate::domain::documents::download_name(&upload.file_name)
                    ),
                );
                break;
            }
        }
    }
    if photos.len() > COMPLETION_PHOTOS {
        errors.add("photos", format!("Send up to {COMPLETION_PHOTOS} photos."));
    }
    let fields = match parsed {
        Ok(fields) if errors.is_empty() => fields,
        _ => return refused(&c, forms(errors)).await,
    };
    let org_id = c.org.id;
    let mut stored = Vec::new();
    let mut photo_rows = Vec::new();
    for photo in photos {
        let id = crate::store::new_id();
        photo_rows.push((id, photo.width, photo.height, photo.full.len()));
        stored.push((work_orders::photo_path(org_id, id, false), photo.full));
        stored.push((work_orders::photo_path(org_id, id, true), photo.thumb));
    }
    let invoice_file = match (invoice, invoice_name) {
        (Some(upload), Some(name)) => {
            let id = crate::store::new_id();
            stored.push((work_orders::file_path(org_id, id), upload.bytes.clone()));
            Some((id, name, upload.bytes.len()))
        }
        _ => None,
    };
    store_files(&c, &stored).await?;
    let actor = c.actor();
    let saved = async {
        let mut tx = c.state.db.begin().await?;
        if let Some((id, name, size)) = &invoice_file {
            work_orders::add_file(&mut tx, &c.order, *id, "invoice", name, *size, &actor).await?;
        }
        if !photo_rows.is_empty() {
            work_orders::add_photos(&mut tx, &c.order, &photo_rows, &actor).await?;
        }
        let moved = work_orders::complete(&mut tx, &c.order, &fields, invoice_file.as_ref().map(|f| f.0), &actor).await;
        match moved {
            Ok(()) => tx.commit().await.map(|()| Ok(())),
            Err(MoveError::NotAllowed { .. }) => Ok(Err(())),
            Err(MoveError::Database(err)) => Err(err),
        }
    }
    .await;
    match saved {
        Ok(Ok(())) => Ok(c.with_cookie(see_other(&Done::Completed.location(c.link.id)))),
        Ok(Err(())) => {
            remove_files(&c, &stored).await;
            let mut errors = FieldErrors::new();
            errors.add("completed_on", "This job is already reported complete.");
            refused(&c, forms(errors)).await
        }
        Err(err) => {
            remove_files(&c, &stored).await;
            Err(err.into())
        }
    }
}

/// `POST /contractor/jobs/{job}/quote-file` (multipart): a PDF of the open quote.
#[handler]
pub async fn quote_file(c: ContractorCtx, multipart: poem::Result<Multipart>) -> Result<Response, AppError> {
    let read = match uploads::read(multipart, c.state.settings.max_upload_bytes, 1).await? {
        Ok(read) => read,
        Err(message) => return refused_with(&c, Forms::default(), "quote_file", message).await,
    };
    let (quotes_now, _) = quotes::for_work_order(&c.state.db, c.org.id, c.order.id).await?;
    let Some(open) = quotes_now
        .into_iter()
        .find(|q| q.contractor_id == c.link.contractor_id && q.status == QuoteStatus::Submitted)
    else {
        return refused_with(
            &c,
            Forms::default(),
            "quote_file",
            "Send your quote first; then attach its PDF.".into(),
        )
        .await;
    };
    let (file, name) = match read.files_of("quote_file").next().map(|f| (f, uploads::pdf(f))) {
        Some((file, Ok(name))) => (file, name),
        Some((_, Err(message))) => return refused_with(&c, Forms::default(), "quote_file", message).await,
        None => {
            return refused_with(
                &c,
                Forms::default(),
                "quote_file",
                "Choose the PDF of your quote".into(),
            )
            .await;
        }
    };
    let file_id = crate::store::new_id();
    let stored = [(work_orders::file_path(c.org.id, file_id), file.bytes.clone())];
    store_files(&c, &stored).await?;
    let actor = c.actor();
    let saved = async {
        let mut tx = c.state.db.begin().await?;
        work_orders::add_file(&mut tx, &c.order, file_id, "quote", &name, file.bytes.len(), &actor).await?;
        let attached = quotes::attach_file(&mut tx, &c.order, &open, file_id, &actor).await?;
        if attached {
            tx.commit().await?;
        }
        Ok::<bool, sqlx::Error>(attached)
    }
    .await;
    match saved {
        Ok(true) => {
            if let Some(replaced) = open.file_id {
                remove_files(&c, &[(work_orders::file_path(c.org.id, replaced), Vec::new())]).await;
            }
            Ok(c.with_cookie(see_other(&Done::QuoteFile.location(c.link.id))))
        }
        Ok(false) => {
            remove_files(&c, &stored).await;
            refused_with(
                &c,
                Forms::default(),
                "quote_file",
                "Your quote is no longer open to changes.".into(),
            )
            .await
        }
        Err(err) => {
            remove_files(&c, &stored).await;
            Err(err.into())
        }
    }
}

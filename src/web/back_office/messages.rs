//! Landlord messages in the back-office: the inbox of threads (unread counts,
//! newest activity first) and a thread (`listMessages`, `sendMessage`), which
//! marks the landlord's messages read when an agent opens it.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path, Query};
use poem::{IntoResponse, Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::{see_other, with_status};
use crate::domain::portal::parse_message;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::mail::templates::{self, Brand};
use crate::store::portal::{self as store, PortalToken};
use crate::store::portal_messages::{self, SenderType};
use crate::store::{Cursor, landlords};
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::links::messages_url;
use crate::web::paths;
use crate::web::ui::form::{csrf_input, textarea};
use crate::web::ui::list::pager;
use crate::web::ui::thread::{MessageForm, PollQuery, parse_after};
use crate::web::ui::{self, format, thread};

/// Threads per page of the inbox.
pub const PAGE_SIZE: u32 = 50;

/// Where a page of the inbox starts.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    after: String,
}

fn page_query(after: Option<&Cursor>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(after) = after {
        query.append_pair("after", &after.encode());
    }
    query.finish()
}

/// `GET /messages`: the landlord threads with messages, newest activity first,
/// a page at a time.
#[handler]
pub async fn inbox(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<InboxQuery>) -> Result<Markup, AppError> {
    let after = Cursor::decode(&query.after);
    let (threads, next) = portal_messages::inbox(&ctx.state.db, viewer.org.id, after.as_ref(), PAGE_SIZE).await?;
    let content = html! {
        h1 { "Messages" }
        @if threads.is_empty() {
            @if after.is_some() {
                p class="empty" { "No older threads. " a href=(paths::MESSAGES) { "Back to the newest" } }
            } @else {
                p class="empty" { "No messages yet. Landlords with portal access can write to you from their portal." }
            }
        } @else {
            div class="table-wrap" {
                table {
                    thead { tr { th { "Landlord" } th { "Last message" } th { "Unread" } } }
                    tbody {
                        @for t in &threads {
                            tr class=[(t.unread > 0).then_some("unread")] {
                                td data-label="Landlord" { a href=(paths::message_thread(t.token_id)) { (t.landlord_name) } }
                                td data-label="Last message" class="nowrap" { (format::date_time(t.last_message_at)) }
                                td data-label="Unread" { @if t.unread > 0 { span class="badge warn" { (t.unread) " new" } } @else { "—" } }
                            }
                        }
                    }
                }
            }
        }
        (pager(paths::MESSAGES, after.is_some().then(|| page_query(None)), next.map(|n| page_query(Some(&n)))))
    };
    Ok(ui::page(&ctx, "Messages", content))
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<PortalToken, AppError> {
    store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn render(
    ctx: &Ctx,
    viewer: &Viewer,
    token: &PortalToken,
    form: &MessageForm,
    errors: &FieldErrors,
) -> Result<Markup, AppError> {
    let messages = portal_messages::thread(&ctx.state.db, token.id, None).await?;
    let last = messages.last().map(|m| m.id);
    let action = paths::message_thread(token.id);
    let content = html! {
        p { a href=(paths::MESSAGES) { "← All messages" } }
        h1 { "Messages with " (token.landlord_name) }
        @if !token.opens() { div class="flash warning" { "This landlord's portal does not open now (access switched off, or their record archived or without portal access): they cannot read replies until it opens again." } }
        (thread::thread(&messages, thread::Reader::Agent(viewer.user.id), &paths::message_thread_poll(token.id, last), "No messages yet."))
        p class="hint" { span class="js-only" { "New messages appear here by themselves. " } a href=(action) { "Refresh" } " · " a href=(paths::portal_token(token.id)) { "Portal access" } }
        form class="stack card" method="post" action=(action) {
            (csrf_input(&ctx.csrf))
            (textarea("body", "Reply", &form.body, None, errors))
            button type="submit" { "Send message" }
        }
    };
    portal_messages::mark_read(&ctx.state.db, token.id, SenderType::Landlord, &messages).await?;
    Ok(ui::page(
        ctx,
        &format!("Messages with {}", token.landlord_name),
        content,
    ))
}

/// `GET /messages/{id}`: the thread; the landlord's messages are marked read.
#[handler]
pub async fn show(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let token = find(&ctx, &viewer, id).await?;
    render(&ctx, &viewer, &token, &MessageForm::default(), &FieldErrors::new()).await
}

/// `POST /messages/{id}`: an agent's message; the landlord is emailed if they
/// want notifications (at most one email per thread per 15 minutes).
#[handler]
pub async fn send(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<MessageForm>,
) -> Result<Response, AppError> {
    let token = find(&ctx, &viewer, id).await?;
    let body = match parse_message(&form.body) {
        Ok(body) => body,
        Err(errors) => {
            let page = render(&ctx, &viewer, &token, &form, &errors).await?;
            return Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let landlord = landlords::get(&ctx.state.db, viewer.org.id, token.landlord_id).await?;
    let wants_email =
        token.opens() && landlord.is_some_and(|l| l.email_notifications_enabled && l.anonymised_at.is_none());
    let notification = wants_email.then(|| {
        templates::message_notification(
            &Brand::of_token(&token),
            &token.landlord_name,
            &viewer.user.name,
            &messages_url(&ctx.state, &token),
        )
    });
    let mut tx = ctx.state.db.begin().await?;
    portal_messages::send_from_agent(&mut tx, &token, &viewer.user.actor(), &body, notification.as_ref()).await?;
    tx.commit().await?;
    Ok(see_other(&paths::message_thread(token.id)))
}

/// `GET /messages/{id}/poll?after=ID`: new messages only, or an empty 204.
#[handler]
pub async fn poll(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Query(query): Query<PollQuery>,
) -> Result<Response, AppError> {
    let token = find(&ctx, &viewer, id).await?;
    let after = parse_after(&query)?;
    let messages = portal_messages::thread(&ctx.state.db, token.id, after).await?;
    let Some(last) = messages.last().map(|m| m.id) else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    if !ctx.htmx {
        return Ok(see_other(&paths::message_thread(token.id)));
    }
    let fragment = html! {
        (thread::items(&messages, thread::Reader::Agent(viewer.user.id)))
        (thread::poller(&paths::message_thread_poll(token.id, Some(last)), true))
    };
    portal_messages::mark_read(&ctx.state.db, token.id, SenderType::Landlord, &messages).await?;
    Ok(fragment.into_response())
}

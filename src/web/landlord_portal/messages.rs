//! The Messages tab (`listMessages`, `sendMessage`): a chat thread with the
//! agency that refreshes every 15 seconds without a WebSocket — and a refresh
//! that finds nothing new answers an empty 204.

use maud::html;
use poem::http::StatusCode;
use poem::web::{Form, Query};
use poem::{FromRequest, IntoResponse, Request, RequestBody, Response, handler};
use uuid::Uuid;

use super::{PortalCtx, Tab, page_with_status, see_other};
use crate::domain::portal::parse_message;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::portal_messages::{self, SenderType};
use crate::web::paths;
use crate::web::ui::form::textarea;
use crate::web::ui::thread;
use crate::web::ui::thread::{MessageForm, PollQuery, parse_after};

async fn render(
    ctx: &PortalCtx,
    form: &MessageForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let messages = portal_messages::thread(&ctx.state.db, ctx.token.id, None).await?;
    let last = messages.last().map(|m| m.id);
    let action = paths::portal::messages(&ctx.link);
    let content = html! {
        h1 { "Messages" }
        (thread::thread(&messages, thread::Reader::Landlord, &paths::portal::messages_poll(&ctx.link, last),
            "No messages yet. Write to your agency below."))
        p class="hint" { span class="js-only" { "New messages appear here by themselves. " } a href=(action) { "Refresh" } }
        form class="stack" method="post" action=(action) hx-post=(action) hx-target="#portal-content" hx-push-url="false" {
            (textarea("body", "Your message", &form.body, None, errors))
            button type="submit" { "Send message" }
        }
    };
    portal_messages::mark_read(&ctx.state.db, ctx.token.id, SenderType::Agent, &messages).await?;
    Ok(page_with_status(ctx, Tab::Messages, "Messages", content, status))
}

/// `GET /landlord-portal/{token}/messages`: the thread; agent messages shown are marked read.
#[handler]
pub async fn list(ctx: PortalCtx) -> Result<Response, AppError> {
    render(&ctx, &MessageForm::default(), &FieldErrors::new(), StatusCode::OK).await
}

/// `POST /landlord-portal/{token}/messages`: sends a message to the agency.
#[handler]
pub async fn send(ctx: PortalCtx, Form(form): Form<MessageForm>) -> Result<Response, AppError> {
    let body = match parse_message(&form.body) {
        Ok(body) => body,
        Err(errors) => return render(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let mut tx = ctx.state.db.begin().await?;
    portal_messages::send_from_landlord(&mut tx, &ctx.token, &body).await?;
    tx.commit().await?;
    if ctx.htmx {
        render(&ctx, &MessageForm::default(), &FieldErrors::new(), StatusCode::OK).await
    } else {
        Ok(see_other(&paths::portal::messages(&ctx.link)))
    }
}

/// A message refresh: the checked link and whether the thread has anything newer
/// than `?after=`, both from one query (see [`portal_messages::get_for_poll`]).
pub struct PollCtx {
    ctx: PortalCtx,
    after: Option<Uuid>,
    has_newer: bool,
}

impl<'a> FromRequest<'a> for PollCtx {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let Query(query) = Query::<PollQuery>::from_request_without_body(req).await?;
        // The link is checked first, so a bad link answers 404 whatever else is wrong.
        let after = match parse_after(&query) {
            Ok(after) => after,
            Err(err) => {
                PortalCtx::from_request_without_body(req).await?;
                return Err(err.into());
            }
        };
        let (ctx, has_newer) =
            PortalCtx::from_request_with(req, async |db, id| portal_messages::get_for_poll(db, id, after).await)
                .await?;
        Ok(PollCtx { ctx, after, has_newer })
    }
}

/// `GET /landlord-portal/{token}/messages/poll?after=ID`: only what is new, or
/// an empty 204. Without JavaScript the Refresh link reloads the tab instead.
#[handler]
pub async fn poll(PollCtx { ctx, after, has_newer }: PollCtx) -> Result<Response, AppError> {
    if !has_newer {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if !ctx.htmx {
        return Ok(see_other(&paths::portal::messages(&ctx.link)));
    }
    let messages = portal_messages::thread(&ctx.state.db, ctx.token.id, after).await?;
    let Some(last) = messages.last().map(|m| m.id) else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let fragment = html! {
        (thread::items(&messages, thread::Reader::Landlord))
        (thread::poller(&paths::portal::messages_poll(&ctx.link, Some(last)), true))
    };
    portal_messages::mark_read(&ctx.state.db, ctx.token.id, SenderType::Agent, &messages).await?;
    Ok(fragment.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_must_be_an_id_when_given() {
        assert_eq!(parse_after(&PollQuery { after: None }).unwrap(), None);
        assert_eq!(
            parse_after(&PollQuery {
                after: Some(String::new())
            })
            .unwrap(),
            None
        );
        assert!(
            parse_after(&PollQuery {
                after: Some("x".into())
            })
            .is_err()
        );
        let id = Uuid::now_v7();
        assert_eq!(
            parse_after(&PollQuery {
                after: Some(id.to_string())
            })
            .unwrap(),
            Some(id)
        );
    }
}

//! A landlord message thread as both sides see it: the messages, the poller
//! that asks every 15 seconds for what is new since the last one shown, and
//! the send form and refresh query both sides read.

use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::AppError;

use crate::store::portal_messages::{Message, SenderType};
use crate::web::ui::format;

/// How often an open thread asks for new messages.
pub const POLL_TRIGGER: &str = "every 15s, poll-now";

/// Who is reading a thread: the landlord, or one agent, who sees their own
/// messages as "You" and a colleague's under the colleague's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The landlord, in their portal.
    Landlord,
    /// This agent, in the back-office.
    Agent(Uuid),
}

impl Reader {
    /// The side of the thread the reader is on.
    fn side(self) -> SenderType {
        match self {
            Reader::Landlord => SenderType::Landlord,
            Reader::Agent(_) => SenderType::Agent,
        }
    }

    /// Whether the reader wrote this message themselves.
    fn wrote(self, message: &Message) -> bool {
        match self {
            Reader::Landlord => message.from_landlord(),
            Reader::Agent(me) => !message.from_landlord() && message.sender_user_id == Some(me),
        }
    }
}

/// The messages as list items, for `reader`: their side's messages on the
/// right; unread messages from the other side marked new.
pub fn items(messages: &[Message], reader: Reader) -> Markup {
    html! {
        @for m in messages {
            @let own = m.from_landlord() == (reader.side() == SenderType::Landlord);
            @let new = !own && !m.is_read;
            li id={ "message-" (m.id.simple()) } class={ @if own { "mine" } @if new { " new" } } {
                (m.body)
                span class="meta" {
                    @if reader.wrote(m) { "You" } @else { (m.sender_name) }
                    " · " (format::date_time(m.created_at))
                    @if new { " · " strong { "New" } }
                }
            }
        }
    }
}

/// The element that polls `poll_url` and appends what comes back to `#thread`.
/// With `oob` it replaces the current poller (so the next poll starts after the
/// newest message).
pub fn poller(poll_url: &str, oob: bool) -> Markup {
    html! {
        div id="poller" data-poll hx-get=(poll_url) hx-trigger=(POLL_TRIGGER) hx-target="#thread" hx-swap="beforeend"
            hx-swap-oob=[oob.then_some("true")] {}
    }
}

/// The whole thread: the list (with an empty state) and its poller.
pub fn thread(messages: &[Message], reader: Reader, poll_url: &str, empty: &str) -> Markup {
    html! {
        ol class="thread" id="thread" aria-live="polite" { (items(messages, reader)) }
        p class="empty thread-empty" { (empty) }
        (poller(poll_url, false))
    }
}

/// The send form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct MessageForm {
    /// The message.
    #[serde(default)]
    pub body: String,
}

/// `?after=ID` of a refresh.
#[derive(Debug, Default, Deserialize)]
pub struct PollQuery {
    /// The newest message already shown.
    pub after: Option<String>,
}

/// Reads `?after=`: absent means from the start; anything but an id is a bad request.
pub fn parse_after(query: &PollQuery) -> Result<Option<Uuid>, AppError> {
    match query.after.as_deref().filter(|a| !a.is_empty()) {
        Some(after) => Uuid::parse_str(after)
            .map(Some)
            .map_err(|_| AppError::BadRequest("after is not a message id".into())),
        None => Ok(None),
    }
}

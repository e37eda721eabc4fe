//! The agency's outgoing email, for admins: what was sent, what is waiting to
//! be retried, and what failed for good (with the error), which can be retried.

use maud::{Markup, html};
use poem::web::{Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::see_other;
use crate::error::AppError;
use crate::store::outbox::{self as store, OutboxStatus};
use crate::web::ctx::AdminCtx;
use crate::web::paths;
use crate::web::ui::form::csrf_input;
use crate::web::ui::{self, format};

/// Most emails listed.
const LIMIT: i64 = 200;

/// `?status=` filter.
#[derive(Debug, Default, Deserialize)]
pub struct OutboxQuery {
    /// `pending`, `sent` or `failed`.
    #[serde(default)]
    pub status: String,
}

fn badge(status: OutboxStatus) -> Markup {
    let class = match status {
        OutboxStatus::Sent => "badge ok",
        OutboxStatus::Pending => "badge warn",
        OutboxStatus::Failed => "badge danger",
    };
    html! { span class=(class) { (status.label()) } }
}

/// `GET /outbox`.
#[handler]
pub async fn page(AdminCtx { ctx, viewer }: AdminCtx, Query(query): Query<OutboxQuery>) -> Result<Markup, AppError> {
    let filter = OutboxStatus::parse(&query.status);
    let emails = store::list(&ctx.state.db, viewer.org.id, filter, LIMIT).await?;
    let counts = store::count_by_status(&ctx.state.db, viewer.org.id).await?;
    let count = |s: OutboxStatus| counts.iter().find(|(k, _)| k == s.as_str()).map_or(0, |(_, n)| *n);
    let content = html! {
        h1 { "Outgoing email" }
        nav class="tabs" aria-label="Filter" {
            a href=(paths::OUTBOX) aria-current=[filter.is_none().then_some("page")] { "All" }
            @for s in [OutboxStatus::Pending, OutboxStatus::Failed, OutboxStatus::Sent] {
                a href={ (paths::OUTBOX) "?status=" (s.as_str()) } aria-current=[(filter == Some(s)).then_some("page")] { (s.label()) " (" (count(s)) ")" }
            }
        }
        @if emails.is_empty() { p class="empty" { "No emails here." } } @else {
            div class="table-wrap" {
                table {
                    thead { tr { th { "To" } th { "Subject" } th { "Queued" } th { "Attempts" } th { "Status" } } }
                    tbody {
                        @for e in &emails {
                            tr {
                                td data-label="To" { (e.to_address) }
                                td data-label="Subject" { (e.subject) }
                                td data-label="Queued" class="nowrap" { (format::date_time(e.created_at)) }
                                td data-label="Attempts" { (e.attempts) }
                                td data-label="Status" {
                                    (badge(e.status()))
                                    @if let Some(error) = &e.last_error { br; span class="hint" { (error) } }
                                    @if e.status() == OutboxStatus::Failed {
                                        form class="inline-form" method="post" action=(paths::outbox_retry(e.id)) {
                                            (csrf_input(&ctx.csrf))
                                            button type="submit" class="small secondary" { "Retry" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(ui::page(&ctx, "Outgoing email", content))
}

/// `POST /outbox/{id}/retry`.
#[handler]
pub async fn retry(AdminCtx { ctx, viewer }: AdminCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let mut tx = ctx.state.db.begin().await?;
    let retried = store::retry(&mut tx, viewer.org.id, id).await?;
    tx.commit().await?;
    if !retried {
        return Err(AppError::NotFound);
    }
    ctx.set_flash("success", "The email will be sent again shortly.")
        .await?;
    Ok(see_other(&format!("{}?status=pending", paths::OUTBOX)))
}

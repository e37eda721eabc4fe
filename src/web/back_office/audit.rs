//! The audit trail (admins only): newest first, cursor pagination, filters for
//! actor, kind of record and date range. With JavaScript the filters update the
//! results in place and the URL follows; without it the form submits as a GET.

use chrono::NaiveDate;
use maud::{Markup, html};
use poem::handler;
use poem::web::Query;
use serde::Deserialize;
use std::collections::HashMap;

use uuid::Uuid;

use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::audit::{self, AuditFilter, AuditRow};
use crate::store::users;
use crate::web::ctx::{AdminCtx, Ctx};
use crate::web::ui::form::select;
use crate::web::ui::format;
use crate::web::{paths, ui};

/// Rows per page.
pub const PAGE_SIZE: u32 = 50;
/// The id of the results region htmx swaps.
const RESULTS_ID: &str = "audit-results";
/// The actor filter value for changes made by Portico itself.
const SYSTEM_ACTOR: &str = "system";

/// The filter form, as it appears in the URL.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

impl AuditQuery {
    /// The query string for these filters, optionally with a cursor.
    fn to_query(&self, before: Option<Uuid>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("actor", &self.actor),
            ("entity", &self.entity),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.is_empty() {
                query.append_pair(key, value);
            }
        }
        if let Some(before) = before {
            query.append_pair("before", &before.to_string());
        }
        query.finish()
    }

    fn parse(&self, errors: &mut FieldErrors) -> AuditFilter {
        let date = |field: &'static str, value: &str, errors: &mut FieldErrors| -> Option<NaiveDate> {
            if value.is_empty() {
                return None;
            }
            errors.check(
                field,
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| "Enter a real date, like 2026-03-27".to_string()),
            )
        };
        let from = date("from", &self.from, errors);
        let to = date("to", &self.to, errors);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.add("to", "The end date must be on or after the start date");
        }
        AuditFilter {
            actor_id: Uuid::parse_str(&self.actor).ok(),
            system_only: self.actor == SYSTEM_ACTOR,
            entity_type: (!self.entity.is_empty()).then(|| self.entity.clone()),
            from: from.and_then(crate::clock::start_of_local_day),
            until: to.and_then(|d| d.succ_opt()).and_then(crate::clock::start_of_local_day),
            before: Uuid::parse_str(&self.before).ok(),
        }
    }
}

fn results(query: &AuditQuery, rows: &[AuditRow], names: &HashMap<Uuid, String>, more: bool) -> Markup {
    html! {
        div id=(RESULTS_ID) class="results" aria-live="polite" {
            @if rows.is_empty() {
                div class="table-wrap" { p class="empty" { "No changes match these filters." } }
            } @else {
                div class="table-wrap" {
                    table {
                        thead { tr { th { "When" } th { "What happened" } } }
                        tbody {
                            @for row in rows {
                                tr {
                                    td data-label="When" { (format::date_time(row.created_at)) }
                                    td data-label="What happened" {
                                        (row.summary)
                                        (ui::audit::changes(row, names))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            nav class="pager" aria-label="Pages" {
                @if !query.before.is_empty() {
                    a href={ (paths::AUDIT) "?" (query.to_query(None)) } { "← Newest" }
                } @else { span {} }
                @if more && let Some(last) = rows.last() {
                    a href={ (paths::AUDIT) "?" (query.to_query(Some(last.id))) } rel="next" { "Older →" }
                }
            }
        }
    }
}

fn date_field(name: &'static str, label: &str, value: &str, errors: &FieldErrors) -> Markup {
    ui::form::Input::text(name, label, value).kind("date").render(errors)
}

async fn filters(ctx: &Ctx, org_id: Uuid, query: &AuditQuery, errors: &FieldErrors) -> Result<Markup, AppError> {
    let db = &ctx.state.db;
    let mut actors = vec![
        (String::new(), "Anyone".to_string()),
        (SYSTEM_ACTOR.to_string(), "Portico (system)".to_string()),
    ];
    actors.extend(
        users::list_in_org(db, org_id)
            .await?
            .into_iter()
            .map(|u| (u.id.to_string(), u.name)),
    );
    let mut entities = vec![(String::new(), "Any record".to_string())];
    entities.extend(
        audit::entity_types(db, org_id)
            .await?
            .into_iter()
            .map(|e| (e.clone(), ui::audit::record_label(&e))),
    );
    Ok(html! {
        form class="filters card" method="get" action=(paths::AUDIT)
            hx-get=(paths::AUDIT) hx-target={ "#" (RESULTS_ID) } hx-swap="outerHTML" hx-push-url="true"
            hx-trigger="change, submit" hx-indicator="#audit-loading" {
            (select("actor", "Who", &actors, &query.actor, errors))
            (select("entity", "Record", &entities, &query.entity, errors))
            (date_field("from", "From", &query.from, errors))
            (date_field("to", "To", &query.to, errors))
            div class="field" {
                button type="submit" { "Filter" }
                span id="audit-loading" class="htmx-indicator hint" { "Loading…" }
            }
        }
    })
}

/// `GET /audit`.
#[handler]
pub async fn page(AdminCtx { ctx, viewer }: AdminCtx, Query(query): Query<AuditQuery>) -> Result<Markup, AppError> {
    let mut errors = FieldErrors::new();
    let filter = query.parse(&mut errors);
    let (rows, more) = audit::list(&ctx.state.db, viewer.org.id, &filter, PAGE_SIZE).await?;
    let names = audit::names_mentioned(&ctx.state.db, viewer.org.id, &rows).await?;
    let results = results(&query, &rows, &names, more);
    if ctx.wants_fragment(RESULTS_ID) {
        return Ok(results);
    }
    let filters = filters(&ctx, viewer.org.id, &query, &errors).await?;
    let content = html! {
        h1 { "Audit trail" }
        p class="lede" { "Every change made in " (viewer.org.name) ", newest first. Times are UK time." }
        (filters)
        (results)
    };
    Ok(ui::page(&ctx, "Audit trail", content))
}

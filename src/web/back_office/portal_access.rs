//! Landlord portal access in the back-office (`landlordPortalManage`): give a
//! landlord access from their page or a property's (`createToken`), the list of
//! every token (`listTokens`), and a token's page (`getToken`) with its actions.

use maud::{Markup, html};
use poem::web::{Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::see_other;
use crate::error::AppError;
use crate::mail::templates::{self, Brand};
use crate::store::Cursor;
use crate::store::landlords::{self, Landlord};
use crate::store::portal::{self as store, PortalToken, Provisioned};
use crate::store::properties::{self, Property};
use crate::web::ctx::{AgentCtx, Ctx, Viewer};
use crate::web::links::link_url;
use crate::web::paths::{self, TokenAction};
use crate::web::ui;
use crate::web::ui::form::csrf_input;
use crate::web::ui::format;
use crate::web::ui::list::pager;

/// A property chosen in a form.
#[derive(Debug, Default, Deserialize)]
pub struct PropertyChoice {
    /// The property's id.
    #[serde(default)]
    pub property_id: String,
}

fn active_badge(active: bool) -> Markup {
    html! { @if active { span class="badge ok" { "Active" } } @else { span class="badge muted" { "Deactivated" } } }
}

/// The "Landlord portal" card on a landlord's page.
pub fn landlord_section(
    ctx: &Ctx,
    landlord: &Landlord,
    token: Option<&PortalToken>,
    properties: &[Property],
) -> Markup {
    html! {
        section class="card" id="portal" {
            h2 { "Landlord portal" }
            @match token {
                Some(token) => {
                    p { (active_badge(token.is_active)) " "
                        @match token.last_accessed_at { Some(at) => { "Last opened " (format::date_time(at)) }, None => "Not opened yet" } }
                    p { a href=(paths::portal_token(token.id)) { "Manage portal access and link" } }
                }
                None => p class="hint" { "No portal access yet." }
            }
            @if token.is_none_or(|t| !t.is_active) {
                @if properties.is_empty() {
                    p class="hint" { "Add a property for this landlord to give them portal access." }
                } @else if landlord.anonymised_at.is_none() {
                    form class="stack" method="post" action=(paths::landlord_portal_grant(landlord.id)) {
                        (csrf_input(&ctx.csrf))
                        div class="field" {
                            label for="portal-property" { "Property to show first" }
                            select id="portal-property" name="property_id" {
                                @for p in properties { option value=(p.id) { (p.address_line1) ", " (p.postcode) } }
                            }
                        }
                        button type="submit" { "Give portal access" }
                    }
                }
            }
        }
    }
}

/// The portal line on a property's page.
pub fn property_section(ctx: &Ctx, property: &Property, token: Option<&PortalToken>, linked: bool) -> Markup {
    html! {
        section class="card" id="portal" {
            h2 { "Landlord portal" }
            @match token {
                Some(token) if token.is_active && linked => {
                    p { "Shown in " (token.landlord_name) "'s portal. " a href=(paths::portal_token(token.id)) { "Manage portal access" } }
                }
                _ => {
                    p class="hint" { "Not shown in " (property.landlord_name) "'s landlord portal." }
                    form method="post" action=(paths::property_portal_grant(property.id)) {
                        (csrf_input(&ctx.csrf))
                        button type="submit" class="secondary" { "Give " (property.landlord_name) " portal access to this property" }
                    }
                }
            }
        }
    }
}

async fn grant(ctx: &Ctx, viewer: &Viewer, landlord: &Landlord, property: &Property) -> Result<Response, AppError> {
    if landlord.anonymised_at.is_some() {
        return Err(AppError::NotFound);
    }
    let mut tx = ctx.state.db.begin().await?;
    // None: the property changed hands meanwhile; nothing is kept.
    let (token, outcome) = store::provision(&mut tx, &viewer.org, landlord, property, &viewer.user.actor())
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let message = match outcome {
        Provisioned::Created => "Portal access given. Copy the link below or email it to the landlord.",
        Provisioned::Renewed => "Portal access given again with a new link (the old link stays switched off).",
        Provisioned::Reused => "The landlord already had portal access; the property is now shown in it.",
    };
    ctx.set_flash("success", message).await?;
    Ok(see_other(&paths::portal_token(token.id)))
}

/// `POST /landlords/{id}/portal` (`createToken` from a landlord's page).
#[handler]
pub async fn grant_from_landlord(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<PropertyChoice>,
) -> Result<Response, AppError> {
    let landlord = landlords::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let property_id =
        Uuid::parse_str(form.property_id.trim()).map_err(|_| AppError::BadRequest("property_id".into()))?;
    let property = properties::get(&ctx.state.db, viewer.org.id, property_id)
        .await?
        .filter(|p| p.landlord_id == landlord.id)
        .ok_or(AppError::NotFound)?;
    grant(&ctx, &viewer, &landlord, &property).await
}

/// `POST /properties/{id}/portal` (`createToken` from a property's page).
#[handler]
pub async fn grant_from_property(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let property = properties::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let landlord = landlords::get(&ctx.state.db, viewer.org.id, property.landlord_id)
        .await?
        .ok_or(AppError::NotFound)?;
    grant(&ctx, &viewer, &landlord, &property).await
}

/// Tokens per page of the Portal access list.
pub const PAGE_SIZE: u32 = 50;

/// The Portal access list's search and where the page starts.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    after: String,
}

impl ListQuery {
    fn to_query(&self, after: Option<&Cursor>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if !self.q.trim().is_empty() {
            query.append_pair("q", self.q.trim());
        }
        if let Some(after) = after {
            query.append_pair("after", &after.encode());
        }
        query.finish()
    }
}

/// `GET /portal-access` (`listTokens`): active first, by landlord name, a page at
/// a time, optionally only landlords whose name or email matches the search.
#[handler]
pub async fn list(AgentCtx { ctx, viewer }: AgentCtx, Query(query): Query<ListQuery>) -> Result<Markup, AppError> {
    let after = Cursor::decode(&query.after);
    let filter = store::TokenFilter {
        search: query.q.split_whitespace().map(str::to_string).take(8).collect(),
    };
    let (tokens, next) = store::list_page(&ctx.state.db, viewer.org.id, &filter, after.as_ref(), PAGE_SIZE).await?;
    let ids: Vec<Uuid> = tokens.iter().map(|t| t.id).collect();
    let linked = store::linked_addresses_of(&ctx.state.db, viewer.org.id, &ids).await?;
    let content = html! {
        h1 { "Landlord portal access" }
        p class="hint" { "Give a landlord access from their page or one of their properties' pages." }
        form class="filters card" method="get" action=(paths::PORTAL_ACCESS) role="search" {
            div class="field" {
                label for="q" { "Search" }
                input type="search" id="q" name="q" value=(query.q) autocomplete="off" aria-describedby="q-hint";
                span class="hint" id="q-hint" { "Landlord name or email" }
            }
            div class="field" { button type="submit" { "Search" } }
        }
        @if tokens.is_empty() {
            @if !filter.search.is_empty() {
                p class="empty" { "No portal access matches this search. " a href=(paths::PORTAL_ACCESS) { "Clear the search" } }
            } @else if after.is_some() {
                p class="empty" { "No more portal access. " a href=(paths::PORTAL_ACCESS) { "Back to the first page" } }
            } @else {
                p class="empty" { "No landlord has portal access yet." }
            }
        } @else {
            div class="table-wrap" {
                table {
                    thead { tr { th { "Landlord" } th { "Properties shown" } th { "Access" } th { "Created" } th { "Last opened" } } }
                    tbody {
                        @for t in &tokens {
                            tr {
                                td data-label="Landlord" { a href=(paths::portal_token(t.id)) { (t.landlord_name) } br; span class="hint" { (t.landlord_email) } }
                                td data-label="Properties shown" {
                                    @let shown: Vec<_> = linked.iter().filter(|l| l.token_id == t.id).collect();
                                    @if shown.is_empty() { "—" }
                                    @for (i, l) in shown.iter().enumerate() { @if i > 0 { br; } (l.address_line1) ", " (l.postcode) }
                                }
                                td data-label="Access" { (active_badge(t.is_active)) }
                                td data-label="Created" class="nowrap" { (format::date(crate::clock::local_date(t.created_at))) }
                                td data-label="Last opened" class="nowrap" { @match t.last_accessed_at { Some(at) => (format::date_time(at)), None => "Never" } }
                            }
                        }
                    }
                }
            }
        }
        (pager(paths::PORTAL_ACCESS, after.is_some().then(|| query.to_query(None)), next.map(|n| query.to_query(Some(&n)))))
    };
    Ok(ui::page(&ctx, "Portal access", content))
}

async fn find(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<PortalToken, AppError> {
    store::get(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

fn action_button(ctx: &Ctx, token: &PortalToken, action: TokenAction, label: &str, class: &str) -> Markup {
    html! {
        form class="inline-form" method="post" action=(paths::portal_token_action(token.id, action)) {
            (csrf_input(&ctx.csrf))
            button type="submit" class=(class) { (label) }
        }
    }
}

/// `GET /portal-access/{id}` (`getToken`).
#[handler]
pub async fn show(AgentCtx { ctx, viewer }: AgentCtx, Path(id): Path<Uuid>) -> Result<Markup, AppError> {
    let token = find(&ctx, &viewer, id).await?;
    let shown = properties::for_portal(&ctx.state.db, viewer.org.id, token.id).await?;
    let own = properties::for_landlord_email(&ctx.state.db, viewer.org.id, &token.landlord_email).await?;
    let addable: Vec<&Property> = own.iter().filter(|p| !shown.iter().any(|s| s.id == p.id)).collect();
    let url = link_url(&ctx.state, &token);
    let content = html! {
        p { a href=(paths::PORTAL_ACCESS) { "← All portal access" } }
        div class="actions" {
            h1 { (token.landlord_name) "'s landlord portal" }
            (active_badge(token.is_active))
        }
        @if token.is_active && !token.opens() {
            div class="flash warning" role="status" {
                "The link does not open the portal now: the landlord's record is not active or has portal access switched off. "
                a href=(paths::landlord(token.landlord_id)) { "Open the landlord's record" }
                " to change that; the same link works again once it is."
            }
        }
        div class="grid-2" {
            section class="card" {
                h2 { "Link" }
                @if token.is_active {
                    details {
                        summary { "Show link" }
                        p class="hint" { "Anyone with this link can open the portal. Share it only with the landlord." }
                        div class="copy-row" {
                            input id="portal-link" type="text" readonly value=(url) aria-label="Portal link";
                            button type="button" class="secondary" data-copy="portal-link" { "Copy" }
                        }
                    }
                    div class="actions" {
                        @if token.opens() {
                            (action_button(&ctx, &token, TokenAction::EmailLink, "Email the link to the landlord", "secondary"))
                        }
                        a href=(paths::message_thread(token.id)) { "Messages" }
                    }
                    details {
                        summary { "Replace the link…" }
                        p { "The current link stops working at once. The landlord needs the new one to get in." }
                        (action_button(&ctx, &token, TokenAction::Rotate, "Replace the link", "danger"))
                    }
                    details {
                        summary { "Switch off access…" }
                        p { "The link stops working until access is switched back on." }
                        (action_button(&ctx, &token, TokenAction::Deactivate, "Switch off portal access", "danger"))
                    }
                } @else {
                    p { "Access is switched off: the link does not work." }
                    (action_button(&ctx, &token, TokenAction::Reactivate, "Switch access back on", ""))
                }
            }
            section class="card" {
                h2 { "Details" }
                dl class="details" {
                    dt { "Landlord" } dd { a href=(paths::landlord(token.landlord_id)) { (token.landlord_name) } }
                    dt { "Email" } dd { (token.landlord_email) }
                    dt { "Created" } dd { (format::date_time(token.created_at)) }
                    dt { "Last opened" } dd { @match token.last_accessed_at { Some(at) => (format::date_time(at)), None => "Never" } }
                    @if let Some(at) = token.deactivated_at { dt { "Switched off" } dd { (format::date_time(at)) } }
                }
            }
            section class="card" {
                h2 { "Branding" }
                dl class="details" {
                    dt { "Agency name" } dd { (token.brand_name) }
                    dt { "Colour" } dd { (token.brand_primary_color) }
                    dt { "Logo" } dd { (token.brand_logo_url.as_deref().unwrap_or("Letter avatar")) }
                    dt { "Support" } dd { (token.brand_support_email.as_deref().unwrap_or("—")) " · " (token.brand_support_phone.as_deref().unwrap_or("—")) }
                }
                (action_button(&ctx, &token, TokenAction::RefreshBranding, "Refresh branding from agency settings", "secondary"))
            }
        }
        section class="card" {
            h2 { "Properties shown (" (shown.len()) ")" }
            @if shown.is_empty() { p class="empty" { "No properties are shown." } } @else {
                ul {
                    @for p in &shown {
                        li {
                            a href=(paths::property(p.id)) { (p.address()) } " "
                            form class="inline-form" method="post" action=(paths::portal_token_action(token.id, TokenAction::UnlinkProperty)) {
                                (csrf_input(&ctx.csrf))
                                input type="hidden" name="property_id" value=(p.id);
                                button type="submit" class="small secondary" { "Stop showing" }
                            }
                        }
                    }
                }
            }
            @if !addable.is_empty() {
                form class="actions" method="post" action=(paths::portal_token_action(token.id, TokenAction::LinkProperty)) {
                    (csrf_input(&ctx.csrf))
                    label for="link-property" { "Also show" }
                    select id="link-property" name="property_id" {
                        @for p in &addable { option value=(p.id) { (p.address_line1) ", " (p.postcode) } }
                    }
                    button type="submit" class="secondary" { "Show in portal" }
                }
            }
        }
    };
    Ok(ui::page(&ctx, "Landlord portal", content))
}

/// `POST /portal-access/{id}/{action}`.
#[handler]
pub async fn act(
    AgentCtx { ctx, viewer }: AgentCtx,
    Path((id, action)): Path<(Uuid, String)>,
    Form(form): Form<PropertyChoice>,
) -> Result<Response, AppError> {
    let action = TokenAction::parse(&action).ok_or(AppError::NotFound)?;
    let token = find(&ctx, &viewer, id).await?;
    let actor = viewer.user.actor();
    let chosen_property = || async {
        let property_id =
            Uuid::parse_str(form.property_id.trim()).map_err(|_| AppError::BadRequest("property_id".into()))?;
        properties::get(&ctx.state.db, viewer.org.id, property_id)
            .await?
            .ok_or(AppError::NotFound)
    };
    let mut tx = ctx.state.db.begin().await?;
    let message = match action {
        TokenAction::Deactivate => {
            store::set_active(&mut tx, &token, false, &actor).await?;
            "Portal access switched off. The link no longer works."
        }
        TokenAction::Reactivate => {
            store::set_active(&mut tx, &token, true, &actor).await?;
            "Portal access switched back on. The same link works again."
        }
        TokenAction::Rotate => {
            if !token.is_active {
                return Err(AppError::BadRequest("rotate needs an active token".into()));
            }
            store::rotate(&mut tx, &token, &actor).await?;
            "The link was replaced. The old link no longer works; share the new one."
        }
        TokenAction::RefreshBranding => {
            store::refresh_branding(&mut tx, &token, &viewer.org, &actor).await?;
            "Branding refreshed from the agency settings."
        }
        TokenAction::EmailLink => {
            if !token.opens() {
                return Err(AppError::BadRequest("cannot email a deactivated link".into()));
            }
            let content = templates::portal_link(
                &Brand::of_token(&token),
                &token.landlord_name,
                &link_url(&ctx.state, &token),
            );
            store::email_link(&mut tx, &token, &content, &actor).await?;
            "The link is on its way to the landlord by email."
        }
        TokenAction::LinkProperty => {
            let property = chosen_property().await?;
            if store::link_property(&mut tx, &token, &property, &actor).await? == store::Linking::NotTheirs {
                // Not this landlord's property: the same answer as a missing one.
                return Err(AppError::NotFound);
            }
            "The property is now shown in the portal."
        }
        TokenAction::UnlinkProperty => {
            let property = chosen_property().await?;
            store::unlink_property(&mut tx, &token, &property, &actor).await?;
            "The property is no longer shown in the portal."
        }
    };
    tx.commit().await?;
    ctx.set_flash("success", message).await?;
    Ok(see_other(&paths::portal_token(token.id)))
}

//! The landlord portal at `/landlord-portal/{token}`: no account, the link is the
//! key. Every request checks the link ([`PortalCtx`]), records the visit, and
//! answers a full page, or for htmx only the tab's content. One file per tab.

pub mod messages;
pub mod offers;
pub mod properties;
pub mod tasks;

use maud::{DOCTYPE, Markup, html};
use poem::http::{HeaderValue, StatusCode, header};
use poem::{FromRequest, IntoResponse, Request, RequestBody, Response, handler};

use super::access::{Caller, Declared, Door, DoorRoutes, ErrorPages};
use super::paths::pattern;
use super::{AppState, assets, client_addr, paths};
use uuid::Uuid;

use crate::db::Db;
use crate::domain::portal::ParsedToken;
use crate::error::AppError;
use crate::store::portal::{self as store, PortalToken};

/// The landlord portal: the link in the URL is the landlord's key.
pub const DOOR: Door = Door {
    name: "landlord-portal",
    mount: Some(paths::LANDLORD_PORTAL_PREFIX),
    sign_in: None,
    error_pages: ErrorPages::Portal,
    csrf: crate::web::access::CsrfGuard::SecretInUrl,
    private: true,
};

/// Every landlord portal route: each serves the holder of a live link.
pub fn routes() -> Vec<Declared> {
    use Caller::LandlordLink as Link;
    DoorRoutes::new(DOOR)
        .get(pattern::PORTAL_HOME, Link, properties::home)
        .get(pattern::PORTAL_PROPERTIES, Link, properties::list)
        .get(pattern::PORTAL_PROPERTY, Link, properties::show)
        .get(pattern::PORTAL_PROPERTY_VIEW, Link, properties::show_view)
        .get(pattern::PORTAL_DOCUMENT, Link, properties::download)
        .post(pattern::PORTAL_DEPOSIT_RELEASE, Link, properties::propose_release)
        .post(pattern::PORTAL_QUOTE_DECISION, Link, properties::decide_quote)
        .get(pattern::PORTAL_TASKS, Link, tasks::list)
        .post(pattern::PORTAL_TASK_COMPLETE, Link, tasks::complete)
        .get(pattern::PORTAL_OFFERS, Link, offers::list)
        .post(pattern::PORTAL_OFFER_REVIEW, Link, offers::review)
        .get(pattern::PORTAL_MESSAGES, Link, messages::list)
        .post(pattern::PORTAL_MESSAGES, Link, messages::send)
        .get(pattern::PORTAL_MESSAGES_POLL, Link, messages::poll)
        .into_routes()
}

/// A checked portal request: the token row and the link it was opened with.
pub struct PortalCtx {
    /// App state.
    pub state: AppState,
    /// The landlord's token (active, link verified).
    pub token: PortalToken,
    /// The link token from the URL, for building the portal's own links.
    pub link: String,
    /// An htmx request (answer with the tab's content only).
    pub htmx: bool,
    /// What awaits the landlord (counted for pages; zero for a refresh).
    pub attention: store::Attention,
}

impl PortalCtx {
    /// The absolute URL of a portal path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.state.settings.base_url)
    }
}

/// Looks the link up with `lookup`, which fetches the token row and may bring
/// more from the same query (what a handler needs besides the token): unknown,
/// malformed, rotated and deactivated links, and links of a landlord whose
/// record is archived or has portal access switched off, all give
/// [`AppError::PortalLinkInvalid`] and count as a failure for the client address.
async fn check_link<T>(
    state: &AppState,
    link: &str,
    addr: &str,
    lookup: impl AsyncFnOnce(&Db, Uuid) -> Result<Option<(PortalToken, T)>, sqlx::Error>,
) -> Result<(PortalToken, T), AppError> {
    if let Some(seconds) = state.portal_failures.blocked_for(addr) {
        return Err(AppError::TooManyRequests(seconds));
    }
    let found = match ParsedToken::parse(link) {
        Some(parsed) => lookup(&state.db, parsed.id)
            .await?
            .filter(|(token, _)| parsed.verifies(&state.settings.secret_key, &token.link_nonce) && token.opens()),
        None => None,
    };
    match found {
        Some(found) => Ok(found),
        None => {
            state.portal_failures.record(addr);
            Err(AppError::PortalLinkInvalid)
        }
    }
}

/// The plain lookup for [`check_link`]: the token behind a link, nothing more.
async fn token_only(db: &Db, id: Uuid) -> Result<Option<(PortalToken, ())>, sqlx::Error> {
    Ok(store::get_for_link(db, id).await?.map(|token| (token, ())))
}

impl PortalCtx {
    /// Checks the request's link (through `lookup`, see [`check_link`]) and
    /// records the visit.
    pub async fn from_request_with<T>(
        req: &Request,
        lookup: impl AsyncFnOnce(&Db, Uuid) -> Result<Option<(PortalToken, T)>, sqlx::Error>,
    ) -> poem::Result<(PortalCtx, T)> {
        let state = req
            .data::<AppState>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("app state missing")))?;
        let link = req.raw_path_param("link").unwrap_or_default().to_string();
        let addr = client_addr(req, &state.settings);
        let (token, extra) = check_link(&state, &link, &addr, lookup).await?;
        // Recording the visit must not stop a landlord reading their portal
        // while the disk is full; any other failure still does.
        if let Err(err) = store::touch(&state.db, &token).await {
            match AppError::from(err) {
                AppError::StorageFull(reason) => tracing::warn!(reason = %reason, "portal visit not recorded"),
                other => return Err(other.into()),
            }
        }
        let ctx = PortalCtx {
            htmx: super::is_htmx(req),
            state,
            token,
            link,
            attention: store::Attention::default(),
        };
        Ok((ctx, extra))
    }
}

impl<'a> FromRequest<'a> for PortalCtx {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let (mut ctx, ()) = PortalCtx::from_request_with(req, token_only).await?;
        let today = ctx.state.settings.clock.today();
        ctx.attention = store::attention(&ctx.state.db, &ctx.token, today)
            .await
            .map_err(AppError::from)?;
        Ok(ctx)
    }
}

/// The portal's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Properties and their drill-down.
    Properties,
    /// The landlord's tasks.
    Tasks,
    /// Offers on their properties.
    Offers,
    /// The message thread.
    Messages,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Properties => "Properties",
            Tab::Tasks => "Tasks",
            Tab::Offers => "Offers",
            Tab::Messages => "Messages",
        }
    }

    fn href(self, link: &str) -> String {
        match self {
            Tab::Properties => paths::portal::properties(link),
            Tab::Tasks => paths::portal::tasks(link),
            Tab::Offers => paths::portal::offers(link),
            Tab::Messages => paths::portal::messages(link),
        }
    }
}

fn tabs(ctx: &PortalCtx, current: Tab) -> Markup {
    html! {
        nav class="tabs" aria-label="Portal" {
            @for tab in [Tab::Properties, Tab::Tasks, Tab::Offers, Tab::Messages] {
                @let count = match tab {
                    Tab::Properties => 0,
                    Tab::Tasks => ctx.attention.tasks_pending,
                    Tab::Offers => ctx.attention.offers_awaiting,
                    Tab::Messages => ctx.attention.unread_messages,
                };
                a href=(tab.href(&ctx.link)) aria-current=[(tab == current).then_some("page")] {
                    (tab.label())
                    @if count > 0 { " " span class="tab-count" { (count) } }
                }
            }
        }
    }
}

/// The origin of an https logo URL (for the CSP), if it is one.
fn logo_origin(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':')))
    .then(|| format!("https://{host}"))
}

fn header_bar(token: &PortalToken) -> Markup {
    let initial = token
        .brand_name
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    html! {
        header class="portal-header" {
            @match token.brand_logo_url.as_deref().filter(|url| logo_origin(url).is_some()) {
                Some(url) => img class="portal-logo" src=(url) alt={ (token.brand_name) " logo" } referrerpolicy="no-referrer";
                None => span class="portal-avatar" aria-hidden="true" { (initial) },
            }
            span class="portal-name" { (token.brand_name) }
        }
    }
}

fn footer_bar(token: &PortalToken) -> Markup {
    html! {
        footer class="portal-footer" {
            (token.brand_name)
            @if let Some(email) = &token.brand_support_email {
                " · " a href={ "mailto:" (email) } { (email) }
            }
            @if let Some(phone) = &token.brand_support_phone {
                " · " (super::ui::format::phone_link(phone))
            }
        }
    }
}

/// A portal page: the whole document, or for htmx only the title and the tab's
/// content (swapped into `#portal-content`).
pub fn page(ctx: &PortalCtx, current: Tab, title: &str, content: Markup) -> Response {
    let inner = html! { (tabs(ctx, current)) (content) };
    let token = &ctx.token;
    let full_title = format!("{title} – {}", token.brand_name);
    let markup = if ctx.htmx {
        html! { title { (full_title) } (inner) }
    } else {
        let brand_css = format!(
            "{}?color={}",
            paths::BRAND_CSS,
            token.brand_primary_color.trim_start_matches('#')
        );
        html! {
            (DOCTYPE)
            html lang="en-GB" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="robots" content="noindex, nofollow";
                    meta name="referrer" content="no-referrer";
                    meta name="htmx-config" content=(crate::web::ui::layout::HTMX_CONFIG);
                    title { (full_title) }
                    link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
                    link rel="stylesheet" href=(assets::url("app.css"));
                    link rel="stylesheet" href=(brand_css);
                    script src=(assets::url("htmx-2.0.11.min.js")) defer {}
                    script src=(assets::url("portico.js")) defer {}
                }
                body class="portal" {
                    (header_bar(token))
                    main id="main" {
                        p class="welcome" { "Welcome, " (token.landlord_name) }
                        div id="portal-content" hx-boost="true" hx-target="#portal-content" hx-swap="innerHTML show:window:top" {
                            (inner)
                        }
                    }
                    (footer_bar(token))
                }
            }
        }
    };
    let mut response = markup.into_response();
    if let Some(origin) = token.brand_logo_url.as_deref().and_then(logo_origin) {
        let csp = format!("{}; img-src 'self' {origin}", super::security::CONTENT_SECURITY_POLICY);
        if let Ok(value) = HeaderValue::from_str(&csp) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// A page with a status (e.g. 422 for a form with errors).
pub fn page_with_status(ctx: &PortalCtx, current: Tab, title: &str, content: Markup, status: StatusCode) -> Response {
    let mut response = page(ctx, current, title, content);
    response.set_status(status);
    response
}

/// After a form post without JavaScript: back to a tab with a 303.
pub use super::ui::respond::see_other;

/// `/robots.txt`: keep crawlers out of both portals.
#[handler]
pub fn robots() -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(header::CACHE_CONTROL, "public, max-age=86400")
        .body(format!(
            "User-agent: *\nDisallow: {}\nDisallow: {}/\n",
            paths::LANDLORD_PORTAL_PREFIX,
            paths::TENANT_PORTAL
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_https_hosts_widen_the_image_policy() {
        assert_eq!(
            logo_origin("https://cdn.example.com/logo.png").as_deref(),
            Some("https://cdn.example.com")
        );
        assert_eq!(logo_origin("http://cdn.example.com/logo.png"), None);
        assert_eq!(logo_origin("https://evil.example.com;script-src *"), None);
        assert_eq!(logo_origin("https:///x"), None);
    }
}

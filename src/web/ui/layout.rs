//! The page layout: agency name and navigation, the flash message, the main
//! content, and the error pages.

use maud::{DOCTYPE, Markup, html};
use poem::http::{HeaderValue, StatusCode};
use poem::{IntoResponse, Response};

use crate::web::assets;
use crate::web::ctx::{Ctx, Flash};
use crate::web::paths;

/// What a 404 page says.
pub const NOT_FOUND_MESSAGE: &str =
    "The page may have moved, or the link may be wrong. If you typed the address, check it and try again.";
/// What a 400 page says.
pub const BAD_REQUEST_MESSAGE: &str = "Nothing was changed. Go back, reload the page and try again.";

/// htmx settings: no injected inline styles and no eval, so the CSP needs neither
/// `unsafe-inline` nor `unsafe-eval`; no history cache of pages with personal data;
/// error pages swapped in so the visitor sees them.
pub const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0,"refreshOnHistoryMiss":true,"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"[45]..","swap":true,"error":true}]}"#;

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="htmx-config" content=(HTMX_CONFIG);
            title { (title) " – Portico" }
            link rel="icon" type="image/svg+xml" href=(assets::url("favicon.svg"));
            link rel="stylesheet" href=(assets::url("app.css"));
            script src=(assets::url("htmx-2.0.11.min.js")) defer {}
            script src=(assets::url("portico.js")) defer {}
        }
    }
}

fn nav_link(ctx: &Ctx, href: &str, label: &str) -> Markup {
    nav_link_counted(ctx, href, label, 0)
}

/// A navigation link with a count beside it (unread messages) when there is one.
fn nav_link_counted(ctx: &Ctx, href: &str, label: &str, count: i64) -> Markup {
    let current = if href == paths::HOME {
        ctx.path == href
    } else {
        ctx.path.starts_with(href)
    };
    html! {
        li { a href=(href) aria-current=[current.then_some("page")] {
            (label)
            @if count > 0 { " " span class="nav-count" data-testid="unread-count" { (count) span class="visually-hidden" { " unread" } } }
        } }
    }
}

fn flash(flash: &Option<Flash>) -> Markup {
    html! {
        @if let Some(flash) = flash {
            div class={ "flash " (flash.kind) } role="status" { (flash.message) }
        }
    }
}

/// A back-office page: the full document, or for an htmx request only the title
/// and content.
pub fn page(ctx: &Ctx, title: &str, content: Markup) -> Markup {
    if ctx.htmx {
        return html! { title { (title) " – Portico" } (flash(&ctx.flash)) (content) };
    }
    let hx_headers = serde_json::json!({ "X-CSRF-Token": ctx.csrf }).to_string();
    let brand = ctx.viewer.as_ref().map_or("Portico", |viewer| viewer.org.name.as_str());
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            (head(title))
            body hx-headers=(hx_headers) {
                a class="skip-link" href="#main" { "Skip to main content" }
                header class="site-header" {
                    div class="bar" {
                        a class="brand" href=(paths::HOME) { (brand) }
                        @if let Some(viewer) = &ctx.viewer {
                            nav class="site-nav" aria-label="Main" {
                                ul {
                                    (nav_link(ctx, paths::HOME, "Home"))
                                    (nav_link(ctx, paths::LANDLORDS, "Landlords"))
                                    (nav_link(ctx, paths::PROPERTIES, "Properties"))
                                    (nav_link(ctx, paths::TENANCIES, "Tenancies"))
                                    (nav_link(ctx, paths::TENANTS, "Tenants"))
                                    (nav_link(ctx, paths::TASKS, "Tasks"))
                                    (nav_link(ctx, paths::OFFERS, "Offers"))
                                    (nav_link(ctx, paths::COMPLIANCE, "Compliance"))
                                    (nav_link_counted(ctx, paths::MESSAGES, "Messages", viewer.unread_messages))
                                    (nav_link(ctx, paths::PORTAL_ACCESS, "Portal access"))
                                    @if viewer.is_admin() {
                                        (nav_link(ctx, paths::USERS, "Users"))
                                        (nav_link(ctx, paths::AUDIT, "Audit"))
                                        (nav_link(ctx, paths::SETTINGS, "Settings"))
                                        (nav_link(ctx, paths::OUTBOX, "Email"))
                                    }
                                    (nav_link(ctx, paths::ACCOUNT, "My account"))
                                }
                            }
                            form method="post" action=(paths::LOGOUT) {
                                input type="hidden" name="csrf_token" value=(ctx.csrf);
                                button type="submit" class="link-button" { "Sign out" }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    (flash(&ctx.flash))
                    (content)
                }
                footer class="site-footer" { "Portico" }
            }
        }
    }
}

/// A page for an error, with a way back. For htmx, only its content.
pub fn error_page(status: StatusCode, title: &str, message: &str, request_id: &str, htmx: bool) -> Response {
    let content = html! {
        div class="error-page" {
            p class="code" { (status.as_u16()) }
            h1 { (title) }
            p { (message) }
            @if status.is_server_error() {
                p { "Reference: " span class="reference" { (request_id) } }
            }
            p class="actions center" {
                a class="button" href=(paths::HOME) { "Go to the home page" }
            }
        }
    };
    let body = if htmx {
        content
    } else {
        html! {
            (DOCTYPE)
            html lang="en-GB" {
                (head(title))
                body {
                    header class="site-header" { div class="bar" { a class="brand" href=(paths::HOME) { "Portico" } } }
                    main id="main" { (content) }
                }
            }
        }
    };
    let mut response = body.into_response();
    response.set_status(status);
    if htmx {
        // Show the error in place of the page content, whatever the request targeted.
        response
            .headers_mut()
            .insert("HX-Retarget", poem::http::HeaderValue::from_static("#main"));
        response
            .headers_mut()
            .insert("HX-Reswap", poem::http::HeaderValue::from_static("innerHTML"));
    }
    response
}

/// A plain error page for portal URLs: no agency branding, no back-office links.
pub fn portal_error_page(status: StatusCode, title: &str, message: &str, request_id: &str, htmx: bool) -> Response {
    let content = html! {
        div class="error-page" {
            p class="code" { (status.as_u16()) }
            h1 { (title) }
            p { (message) }
            @if status.is_server_error() { p { "Reference: " span class="reference" { (request_id) } } }
        }
    };
    let body = if htmx {
        content
    } else {
        html! {
            (DOCTYPE)
            html lang="en-GB" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="robots" content="noindex, nofollow";
                    title { (title) }
                    link rel="stylesheet" href=(assets::url("app.css"));
                }
                body { main id="main" { (content) } }
            }
        }
    };
    let mut response = body.into_response();
    response.set_status(status);
    if htmx {
        response
            .headers_mut()
            .insert("HX-Retarget", HeaderValue::from_static("#portal-content"));
        response
            .headers_mut()
            .insert("HX-Reswap", HeaderValue::from_static("innerHTML"));
    }
    response
}

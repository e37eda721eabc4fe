//! The page layout: agency name and navigation, the flash message, the main
//! content, and the error pages.

use maud::{DOCTYPE, Markup, html};
use poem::http::{HeaderValue, StatusCode};
use poem::{IntoResponse, Response};

use crate::web::assets;
use crate::web::ctx::{Ctx, Flash};
use crate::web::paths;
use crate::web::ui::icons::{self, Icon};

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

/// One item of the back-office navigation.
struct NavItem {
    path: &'static str,
    label: &'static str,
    icon: Icon,
    admins_only: bool,
}

/// The back-office navigation, in order: the one list of where an agent can go.
const NAV: [NavItem; 17] = [
    NavItem {
        path: paths::HOME,
        label: "Home",
        icon: Icon::Home,
        admins_only: false,
    },
    NavItem {
        path: paths::LANDLORDS,
        label: "Landlords",
        icon: Icon::Landlord,
        admins_only: false,
    },
    NavItem {
        path: paths::PROPERTIES,
        label: "Properties",
        icon: Icon::Property,
        admins_only: false,
    },
    NavItem {
        path: paths::TENANCIES,
        label: "Tenancies",
        icon: Icon::Tenancy,
        admins_only: false,
    },
    NavItem {
        path: paths::TENANTS,
        label: "Tenants",
        icon: Icon::Tenants,
        admins_only: false,
    },
    NavItem {
        path: paths::TASKS,
        label: "Tasks",
        icon: Icon::Task,
        admins_only: false,
    },
    NavItem {
        path: paths::OFFERS,
        label: "Offers",
        icon: Icon::Offer,
        admins_only: false,
    },
    NavItem {
        path: paths::COMPLIANCE,
        label: "Compliance",
        icon: Icon::Compliance,
        admins_only: false,
    },
    NavItem {
        path: paths::WORK_ORDERS,
        label: "Work orders",
        icon: Icon::WorkOrder,
        admins_only: false,
    },
    NavItem {
        path: paths::CONTRACTORS,
        label: "Contractors",
        icon: Icon::Contractor,
        admins_only: false,
    },
    NavItem {
        path: paths::MESSAGES,
        label: "Messages",
        icon: Icon::Message,
        admins_only: false,
    },
    NavItem {
        path: paths::PORTAL_ACCESS,
        label: "Portal access",
        icon: Icon::Link,
        admins_only: false,
    },
    NavItem {
        path: paths::USERS,
        label: "Users",
        icon: Icon::Users,
        admins_only: true,
    },
    NavItem {
        path: paths::AUDIT,
        label: "Audit",
        icon: Icon::Audit,
        admins_only: true,
    },
    NavItem {
        path: paths::SETTINGS,
        label: "Settings",
        icon: Icon::Settings,
        admins_only: true,
    },
    NavItem {
        path: paths::OUTBOX,
        label: "Email",
        icon: Icon::Email,
        admins_only: true,
    },
    NavItem {
        path: paths::ACCOUNT,
        label: "My account",
        icon: Icon::Account,
        admins_only: false,
    },
];

/// A navigation link, marked as the current page when the path is under it,
/// with a count beside it (unread messages) when there is one.
fn nav_link(ctx: &Ctx, item: &NavItem, count: i64) -> Markup {
    let current = if item.path == paths::HOME {
        ctx.path == item.path
    } else {
        ctx.path == item.path || ctx.path.starts_with(&format!("{}/", item.path))
    };
    html! {
        li { a href=(item.path) aria-current=[current.then_some("page")] {
            (icons::icon(item.icon))
            span class="label" { (item.label) }
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
            body hx-headers=(hx_headers) class=[ctx.viewer.is_some().then_some("with-menu")] {
                a class="skip-link" href="#main" { "Skip to main content" }
                (icons::sprite())
                header class="site-header app-header" {
                    div class="bar" {
                        a class="brand" href=(paths::HOME) { (brand) }
                        @if let Some(viewer) = &ctx.viewer {
                            // On a phone the menu folds behind a button: a <details> whose
                            // opening shows the navigation after it (CSS `[open] +`), so it
                            // works without JavaScript; on a wide screen the navigation is
                            // the side bar and the button is hidden.
                            details class="site-menu" {
                                summary { (icons::icon(Icon::Menu)) span { "Menu" } }
                            }
                            nav class="site-nav" aria-label="Main" {
                                ul {
                                    @for item in NAV.iter().filter(|item| !item.admins_only || viewer.is_admin()) {
                                        (nav_link(ctx, item, if item.path == paths::MESSAGES { viewer.unread_messages } else { 0 }))
                                    }
                                }
                                form method="post" action=(paths::LOGOUT) class="sign-out" {
                                    input type="hidden" name="csrf_token" value=(ctx.csrf);
                                    button type="submit" class="link-button" { (icons::icon(Icon::SignOut)) span class="label" { "Sign out" } }
                                }
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

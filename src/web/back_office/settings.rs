//! Agency settings (admins): name, logo, brand colour and support contacts, with
//! a live preview of the portal header and footer and a contrast warning.

use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::{Form, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::{see_other, with_status};
use crate::domain::branding::{AA_CONTRAST, BrandingForm, DEFAULT_COLOR, parse_color, text_on, white_contrast};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::orgs::{self, Organisation};
use crate::web::ctx::{AdminCtx, Ctx};
use crate::web::ui::form::{Input, csrf_input, error_summary};
use crate::web::{paths, ui};

/// The id of the preview region htmx swaps.
const PREVIEW_ID: &str = "brand-preview";

fn form_of(org: &Organisation) -> BrandingForm {
    BrandingForm {
        name: org.name.clone(),
        logo_url: org.logo_url.clone().unwrap_or_default(),
        primary_color: org.primary_color.clone(),
        support_email: org.support_email.clone().unwrap_or_default(),
        support_phone: org.support_phone.clone().unwrap_or_default(),
    }
}

/// The portal header and footer as they would look with `form`'s values.
fn preview(form: &BrandingForm) -> Markup {
    let color = parse_color(&form.primary_color).unwrap_or_else(|_| DEFAULT_COLOR.into());
    let contrast = white_contrast(&color);
    let name = if form.name.trim().is_empty() {
        "Your agency"
    } else {
        form.name.trim()
    };
    let initial = name
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    html! {
        div id=(PREVIEW_ID) class="portal-preview" aria-live="polite" {
            link rel="stylesheet" href={ (paths::BRAND_CSS) "?color=" (color.trim_start_matches('#')) };
            @if contrast < AA_CONTRAST {
                div class="flash warning" role="status" {
                    "White text on " (color) " has a contrast of " (format!("{contrast:.1}")) ":1, below the "
                    (AA_CONTRAST) ":1 that WCAG AA asks for. Portals will use dark text on it."
                }
            }
            p class="hint" { "Portal preview" }
            div class="portal-header" {
                span class="portal-avatar" aria-hidden="true" { (initial) }
                strong { (name) }
            }
            div class="portal-footer" {
                (name)
                @if !form.support_email.trim().is_empty() { " · " a href={ "mailto:" (form.support_email.trim()) } { (form.support_email.trim()) } }
                @if !form.support_phone.trim().is_empty() { " · " (form.support_phone.trim()) }
            }
            @if !form.logo_url.trim().is_empty() {
                p class="hint" { "Logo address on file: " (form.logo_url.trim()) }
            }
        }
    }
}

fn page_markup(ctx: &Ctx, form: &BrandingForm, errors: &FieldErrors) -> Markup {
    let content = html! {
        h1 { "Agency settings" }
        p class="lede" { "How your agency appears to landlords and tenants in their portals." }
        div class="grid-2" {
            div class="card" {
                (error_summary(errors, &["name", "logo_url", "primary_color", "support_email", "support_phone"]))
                form class="stack" method="post" action=(paths::SETTINGS) novalidate
                    hx-get=(paths::SETTINGS_PREVIEW) hx-params="not csrf_token" hx-trigger="input changed delay:300ms, change" hx-target={ "#" (PREVIEW_ID) } hx-swap="outerHTML" {
                    (csrf_input(&ctx.csrf))
                    (Input::text("name", "Agency name", &form.name).required().render(errors))
                    (Input::text("logo_url", "Logo address (optional)", &form.logo_url).kind("url").hint("Must start with https://").render(errors))
                    (Input::text("primary_color", "Brand colour", &form.primary_color).hint("A hex code, like #1f5f8b").render(errors))
                    (Input::text("support_email", "Support email (optional)", &form.support_email).kind("email").render(errors))
                    (Input::text("support_phone", "Support phone (optional)", &form.support_phone).kind("tel").render(errors))
                    div class="actions" {
                        button type="submit" { "Save settings" }
                        button type="submit" class="secondary" formmethod="get" formaction=(paths::SETTINGS) { "Preview" }
                    }
                }
            }
            (preview(form))
        }
    };
    ui::page(ctx, "Agency settings", content)
}

/// `GET /settings`: the saved settings, or typed ones to preview without saving.
#[handler]
pub async fn page(AdminCtx { ctx, viewer }: AdminCtx, Query(typed): Query<BrandingForm>) -> Result<Markup, AppError> {
    let previewing = !typed.name.is_empty() || !typed.primary_color.is_empty();
    let form = if previewing { typed } else { form_of(&viewer.org) };
    Ok(page_markup(&ctx, &form, &FieldErrors::new()))
}

/// `GET /settings/preview`: the preview fragment for htmx.
#[handler]
pub async fn preview_fragment(AdminCtx { .. }: AdminCtx, Query(typed): Query<BrandingForm>) -> Markup {
    preview(&typed)
}

/// `POST /settings`.
#[handler]
pub async fn save(AdminCtx { ctx, viewer }: AdminCtx, Form(form): Form<BrandingForm>) -> Result<Response, AppError> {
    let fields = match form.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(with_status(
                page_markup(&ctx, &form, &errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let mut tx = ctx.state.db.begin().await?;
    let changed = orgs::update_branding(&mut tx, &viewer.org, &fields, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        if changed {
            "Settings saved."
        } else {
            "Nothing was changed."
        },
    )
    .await?;
    Ok(see_other(paths::SETTINGS))
}

/// The colour asked for by the brand stylesheet.
#[derive(Debug, Default, Deserialize)]
pub struct ColorQuery {
    #[serde(default)]
    color: String,
}

/// `GET /brand.css?color=rrggbb`: the brand colour as CSS variables, so pages can
/// use any agency colour without inline styles (the CSP allows none).
#[handler]
pub fn brand_css(Query(query): Query<ColorQuery>) -> Response {
    let color = parse_color(&query.color).unwrap_or_else(|_| DEFAULT_COLOR.into());
    let css = format!(
        ".portal-preview, .portal {{ --portal-brand: {color}; --portal-on-brand: {}; }}\n",
        text_on(&color)
    );
    Response::builder()
        .header(header::CONTENT_TYPE, "text/css; charset=utf-8")
        // The colour is in the URL, so the URL names the content: cache it like a hashed asset.
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .body(css)
}

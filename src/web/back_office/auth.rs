//! Agent sign-in and sign-out.

use chrono::Utc;
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::{see_other, with_status};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::passwords;
use crate::store::{throttle, users};
use crate::web::ctx::{self, Ctx};
use crate::web::ui::form::{Input, csrf_input, error_summary};
use crate::web::{paths, ui};

/// The message for any wrong email or password, whichever was wrong.
pub const WRONG_CREDENTIALS: &str = "Email or password is incorrect";

/// Where to go after signing in.
#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    /// A local path to return to.
    #[serde(default)]
    next: Option<String>,
}

/// The sign-in form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// Only local paths are followed after sign-in (no open redirects).
fn safe_next(next: Option<&str>) -> Option<&str> {
    next.and_then(crate::domain::validation::local_path)
}

fn login_view(ctx: &Ctx, email: &str, next: Option<&str>, problem: Option<&str>, errors: &FieldErrors) -> Markup {
    let content = html! {
        div class="card narrow" {
            h1 { "Sign in" }
            @if let Some(problem) = problem {
                div class="flash error" role="alert" { (problem) }
            }
            (error_summary(errors, &["email", "password"]))
            form class="stack" method="post" action=(paths::LOGIN) novalidate {
                (csrf_input(&ctx.csrf))
                @if let Some(next) = next { input type="hidden" name="next" value=(next); }
                (Input::text("email", "Email address", email).kind("email").autocomplete("username").required().render(errors))
                (Input::text("password", "Password", "").kind("password").autocomplete("current-password").required().render(errors))
                div class="actions" { button type="submit" { "Sign in" } }
            }
        }
    };
    ui::page(ctx, "Sign in", content)
}

/// `GET /login`.
#[handler]
pub async fn login_page(ctx: Ctx, Query(query): Query<NextQuery>) -> Result<Response, AppError> {
    if ctx.viewer.is_some() {
        return Ok(see_other(paths::HOME));
    }
    let next = safe_next(query.next.as_deref());
    Ok(with_status(
        login_view(&ctx, "", next, None, &FieldErrors::new()),
        StatusCode::OK,
    ))
}

/// `POST /login`.
#[handler]
pub async fn login_submit(ctx: Ctx, req: &Request, Form(form): Form<LoginForm>) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref()).map(str::to_string);
    let email = form.email.trim().to_lowercase();
    let mut errors = FieldErrors::new();
    if email.is_empty() {
        errors.add("email", "Enter your email address");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if !errors.is_empty() {
        let view = login_view(&ctx, &form.email, next.as_deref(), None, &errors);
        return Ok(with_status(view, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let db = &ctx.state.db;
    let client = crate::web::client_addr(req, &ctx.state.settings);
    if let Some(until) = throttle::throttled_until(db, &email, &client).await? {
        let minutes = (until - Utc::now()).num_minutes().max(0) + 1;
        let problem = format!(
            "Too many failed sign-in attempts. Wait {minutes} minute{} and try again, or ask your agency's admin to reset your password.",
            if minutes == 1 { "" } else { "s" }
        );
        tracing::warn!(client = %client, "sign-in throttled");
        let view = login_view(&ctx, &form.email, next.as_deref(), Some(&problem), &FieldErrors::new());
        return Ok(with_status(view, StatusCode::TOO_MANY_REQUESTS));
    }
    let user = users::find_by_email(db, &email).await?;
    let password_ok = passwords::verify(&form.password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let user = match user {
        Some(user) if password_ok && user.is_active => user,
        Some(_) if password_ok => {
            let problem = "This account has been deactivated. Ask your agency's admin if you need access again.";
            let view = login_view(&ctx, &form.email, next.as_deref(), Some(problem), &FieldErrors::new());
            return Ok(with_status(view, StatusCode::UNAUTHORIZED));
        }
        _ => {
            throttle::record_failure(db, &email, &client).await?;
            tokio::time::sleep(throttle::wrong_password_pause(db, &email).await?).await;
            let view = login_view(
                &ctx,
                &form.email,
                next.as_deref(),
                Some(WRONG_CREDENTIALS),
                &FieldErrors::new(),
            );
            return Ok(with_status(view, StatusCode::UNAUTHORIZED));
        }
    };
    ctx::sign_in(&ctx.state, &ctx.session, &user).await?;
    throttle::clear_account_at(db, &email, &client).await?;
    users::record_login(db, user.id).await?;
    tracing::info!(user_id = %user.id, "signed in");
    if user.must_change_password {
        ctx.set_flash(
            "warning",
            "You signed in with a one-time password. Choose your own password to continue.",
        )
        .await?;
        return Ok(see_other(paths::ACCOUNT));
    }
    Ok(see_other(next.as_deref().unwrap_or(paths::HOME)))
}

/// `POST /logout`: ends the session on the server.
#[handler]
pub async fn logout(ctx: Ctx) -> Result<Response, AppError> {
    ctx::sign_out(&ctx.session).await?;
    ctx.set_flash("success", "You have signed out.").await?;
    Ok(see_other(paths::LOGIN))
}

//! My account: the signed-in user's details and password.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Form;
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::{see_other, with_status};
use crate::db::session_store::storage_key;
use crate::domain::users::{MIN_PASSWORD_LEN, check_new_password};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::passwords;
use crate::store::{throttle, users};
use crate::web::ctx::{AccountCtx, Ctx, Viewer};
use crate::web::ui::form::{Input, csrf_input, error_summary};
use crate::web::{paths, ui};

fn view(ctx: &Ctx, viewer: &Viewer, errors: &FieldErrors) -> Markup {
    let hint = format!("At least {MIN_PASSWORD_LEN} characters. A few unrelated words make a strong one.");
    let content = html! {
        h1 { "My account" }
        div class="card" {
            dl {
                dt { "Name" } dd { (viewer.user.name) }
                dt { "Email" } dd { (viewer.user.email) }
                dt { "Role" } dd { (viewer.user.role().label()) }
                dt { "Agency" } dd { (viewer.org.name) }
            }
        }
        div class="card narrow" {
            h2 { "Change your password" }
            (error_summary(errors, &["current_password", "new_password", "confirm_password"]))
            form class="stack" method="post" action=(paths::ACCOUNT_PASSWORD) novalidate {
                (csrf_input(&ctx.csrf))
                (Input::text("current_password", "Current password", "").kind("password").autocomplete("current-password").required().render(errors))
                (Input::text("new_password", "New password", "").kind("password").autocomplete("new-password").hint(&hint).required().render(errors))
                (Input::text("confirm_password", "Confirm new password", "").kind("password").autocomplete("new-password").required().render(errors))
                div class="actions" { button type="submit" { "Change password" } }
            }
        }
    };
    ui::page(ctx, "My account", content)
}

/// `GET /account`.
#[handler]
pub async fn page(AccountCtx { ctx, viewer }: AccountCtx) -> Result<Markup, AppError> {
    Ok(view(&ctx, &viewer, &FieldErrors::new()))
}

/// The change-password form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// `POST /account/password`: needs the current password; ends the user's other sessions.
#[handler]
///
/// The current password is throttled like sign-in (by address and by account
/// and address), so a stolen session cannot guess it without limit.
pub async fn change_password(
    AccountCtx { ctx, viewer }: AccountCtx,
    req: &Request,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let db = &ctx.state.db;
    let client = crate::web::client_addr(req, &ctx.state.settings);
    let email = viewer.user.email.to_lowercase();
    let mut errors = FieldErrors::new();
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password");
    } else if throttle::throttled_until(db, &email, &client).await?.is_some() {
        errors.add(
            "current_password",
            "Too many wrong passwords. Wait 15 minutes and try again, or sign out and reset your password.",
        );
        return Ok(with_status(view(&ctx, &viewer, &errors), StatusCode::TOO_MANY_REQUESTS));
    } else if !passwords::verify(&form.current_password, Some(viewer.user.password_hash.clone())).await? {
        throttle::record_failure(db, &email, &client).await?;
        tokio::time::sleep(throttle::wrong_password_pause(db, &email).await?).await;
        errors.add("current_password", "Your current password is incorrect");
    }
    errors.check("new_password", check_new_password(&form.new_password));
    if form.new_password != form.confirm_password {
        errors.add("confirm_password", "The passwords do not match");
    }
    if errors.is_empty() && form.new_password == form.current_password {
        errors.add("new_password", "Choose a password different from your current one");
    }
    if !errors.is_empty() {
        return Ok(with_status(
            view(&ctx, &viewer, &errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let hash = passwords::hash(&form.new_password).await?;
    // A new session id for this browser; every other session of the user ends.
    ctx.session.cycle_id().await?;
    ctx.session.save().await?;
    let keep = ctx.session.id().map(|id| storage_key(&id));
    let mut tx = ctx.state.db.begin().await?;
    users::set_password(
        &mut tx,
        &viewer.user,
        &hash,
        false,
        keep.as_deref(),
        &viewer.user.actor(),
    )
    .await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        "Your password has been changed. You have been signed out everywhere else.",
    )
    .await?;
    Ok(see_other(paths::ACCOUNT))
}

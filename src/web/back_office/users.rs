//! Users (admins only): add an agent with a one-time password, change roles,
//! deactivate (ending their sessions at once) and reactivate.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Form, Path};
use poem::{Response, handler};
use serde::Deserialize;
use uuid::Uuid;

use super::{see_other, with_status};
use crate::domain::users::Role;
use crate::domain::validation::{Email, FieldErrors, required_text};
use crate::error::AppError;
use crate::passwords;
use crate::store::users::{self, CreateUserError, NewUser, User};
use crate::web::ctx::{AdminCtx, Ctx, Viewer};
use crate::web::ui::form::{Input, csrf_input, error_summary, select};
use crate::web::ui::format;
use crate::web::{paths, ui};

/// Longest display name.
pub const MAX_NAME_LEN: usize = 100;

/// The add-user form as posted (and as redisplayed with errors).
#[derive(Debug, Default, Deserialize)]
pub struct AddUserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// A user just added, with the password to hand over once.
struct Added {
    name: String,
    email: String,
    password: String,
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|role| (role.as_str().to_string(), role.label().to_string()))
        .collect()
}

fn status_badge(user: &User) -> Markup {
    html! {
        @if user.is_active { span class="badge ok" { "Active" } } @else { span class="badge muted" { "Deactivated" } }
    }
}

fn view(
    ctx: &Ctx,
    viewer: &Viewer,
    list: &[User],
    form: &AddUserForm,
    errors: &FieldErrors,
    added: Option<&Added>,
) -> Markup {
    let role = if form.role.is_empty() {
        Role::Agent.as_str()
    } else {
        form.role.as_str()
    };
    let content = html! {
        h1 { "Users" }
        p class="lede" { "Everyone who can sign in to " (viewer.org.name) "'s back-office." }
        @if let Some(added) = added {
            div class="flash" role="status" {
                p { strong { (added.name) } " (" (added.email) ") has been added." }
                p { "Their one-time password is " span class="secret" data-testid="one-time-password" { (added.password) } }
                p { "It is shown only this once. Give it to them securely; they will choose their own password when they first sign in." }
            }
        }
        div class="table-wrap" {
            table {
                caption class="skip-link" { "Users" }
                thead { tr { th { "Name" } th { "Email" } th { "Role" } th { "Status" } th class="hide-small" { "Last sign-in" } th { span class="skip-link" { "Actions" } } } }
                tbody {
                    @for user in list {
                        @let is_self = user.id == viewer.user.id;
                        tr {
                            td data-label="Name" { (user.name) @if is_self { " (you)" } }
                            td data-label="Email" { (user.email) }
                            td data-label="Role" {
                                @if is_self || !user.is_active {
                                    (user.role().label())
                                } @else {
                                    form class="inline-form" method="post" action=(paths::user_role(user.id)) {
                                        (csrf_input(&ctx.csrf))
                                        label class="skip-link" for={ "role-" (user.id) } { "Role of " (user.name) }
                                        select id={ "role-" (user.id) } name="role" {
                                            @for r in Role::ALL {
                                                option value=(r.as_str()) selected[r == user.role()] { (r.label()) }
                                            }
                                        }
                                        button type="submit" class="small secondary" { "Change role" }
                                    }
                                }
                            }
                            td data-label="Status" { (status_badge(user)) }
                            td data-label="Last sign-in" class="hide-small" {
                                @match user.last_login_at { Some(at) => (format::date_time(at)), None => "Never" }
                            }
                            td {
                                div class="actions" {
                                    a href=(paths::audit_for_actor(user.id)) { "Activity" }
                                    @if !is_self {
                                        @if user.is_active {
                                            a class="button small danger" href=(paths::user_deactivate(user.id)) { "Deactivate…" }
                                        } @else {
                                            form class="inline-form" method="post" action=(paths::user_reactivate(user.id)) {
                                                (csrf_input(&ctx.csrf))
                                                button type="submit" class="small secondary" { "Reactivate" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        div class="card narrow" id="add-user" {
            h2 { "Add a user" }
            (error_summary(errors, &["name", "email", "role"]))
            form class="stack" method="post" action=(paths::USERS) novalidate {
                (csrf_input(&ctx.csrf))
                (Input::text("name", "Full name", &form.name).autocomplete("off").required().render(errors))
                (Input::text("email", "Email address", &form.email).kind("email").autocomplete("off").hint("They sign in with this address.").required().render(errors))
                (select("role", "Role", &role_options(), role, errors))
                div class="actions" { button type="submit" { "Add user" } }
            }
        }
    };
    ui::page(ctx, "Users", content)
}

/// `GET /users`.
#[handler]
pub async fn page(AdminCtx { ctx, viewer }: AdminCtx) -> Result<Markup, AppError> {
    let list = users::list_in_org(&ctx.state.db, viewer.org.id).await?;
    Ok(view(
        &ctx,
        &viewer,
        &list,
        &AddUserForm::default(),
        &FieldErrors::new(),
        None,
    ))
}

/// `POST /users`: adds a user and shows their one-time password once.
#[handler]
pub async fn create(AdminCtx { ctx, viewer }: AdminCtx, Form(form): Form<AddUserForm>) -> Result<Response, AppError> {
    let db = &ctx.state.db;
    let mut errors = FieldErrors::new();
    let name = errors.check("name", required_text("a full name", &form.name, MAX_NAME_LEN));
    let email = errors.check("email", Email::parse(&form.email));
    let role = errors.check("role", Role::parse(&form.role));
    let (Some(name), Some(email), Some(role)) = (name, email, role) else {
        let list = users::list_in_org(db, viewer.org.id).await?;
        return Ok(with_status(
            view(&ctx, &viewer, &list, &form, &errors, None),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let password = passwords::one_time_password();
    let hash = passwords::hash(&password).await?;
    let new = NewUser { name, email, role };
    let mut tx = db.begin().await?;
    match users::create(&mut tx, viewer.org.id, &new, &hash, true, &viewer.user.actor()).await {
        Ok(_) => tx.commit().await?,
        Err(CreateUserError::EmailTaken) => {
            drop(tx);
            errors.add("email", "Someone already signs in with this email address");
            let list = users::list_in_org(db, viewer.org.id).await?;
            return Ok(with_status(
                view(&ctx, &viewer, &list, &form, &errors, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
        Err(CreateUserError::Database(err)) => return Err(err.into()),
    }
    let list = users::list_in_org(db, viewer.org.id).await?;
    let added = Added {
        name: new.name,
        email: new.email.as_str().to_string(),
        password,
    };
    let markup = view(
        &ctx,
        &viewer,
        &list,
        &AddUserForm::default(),
        &FieldErrors::new(),
        Some(&added),
    );
    Ok(with_status(markup, StatusCode::CREATED))
}

async fn user_in_org(ctx: &Ctx, viewer: &Viewer, id: Uuid) -> Result<User, AppError> {
    users::get_in_org(&ctx.state.db, viewer.org.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The role form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /users/{id}/role`.
#[handler]
pub async fn change_role(
    AdminCtx { ctx, viewer }: AdminCtx,
    Path(id): Path<Uuid>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    let user = user_in_org(&ctx, &viewer, id).await?;
    let role = Role::parse(&form.role).map_err(AppError::BadRequest)?;
    if user.id == viewer.user.id {
        ctx.set_flash("error", "You cannot change your own role. Ask another admin.")
            .await?;
        return Ok(see_other(paths::USERS));
    }
    if role == user.role() {
        return Ok(see_other(paths::USERS));
    }
    let mut tx = ctx.state.db.begin().await?;
    if user.role() == Role::Admin && user.is_active && users::active_admin_count(&mut tx, viewer.org.id).await? <= 1 {
        drop(tx);
        ctx.set_flash("error", "The agency must keep at least one active admin.")
            .await?;
        return Ok(see_other(paths::USERS));
    }
    users::set_role(&mut tx, &user, role, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash(
        "success",
        format!("{} is now {}.", user.name, role.label().to_lowercase()),
    )
    .await?;
    Ok(see_other(paths::USERS))
}

/// `GET /users/{id}/deactivate`: asks for confirmation.
#[handler]
pub async fn confirm_deactivate(
    AdminCtx { ctx, viewer }: AdminCtx,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let user = user_in_org(&ctx, &viewer, id).await?;
    if user.id == viewer.user.id || !user.is_active {
        return Ok(see_other(paths::USERS));
    }
    let content = html! {
        div class="card narrow" {
            h1 { "Deactivate " (user.name) "?" }
            p { (user.name) " (" (user.email) ") will be signed out at once and will not be able to sign in again until an admin reactivates them. Their past changes stay in the audit trail." }
            form method="post" action=(paths::user_deactivate(user.id)) class="actions" {
                (csrf_input(&ctx.csrf))
                button type="submit" class="danger" { "Deactivate " (user.name) }
                a href=(paths::USERS) { "Cancel" }
            }
        }
    };
    Ok(with_status(ui::page(&ctx, "Deactivate user", content), StatusCode::OK))
}

/// `POST /users/{id}/deactivate`.
#[handler]
pub async fn deactivate(AdminCtx { ctx, viewer }: AdminCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let user = user_in_org(&ctx, &viewer, id).await?;
    if user.id == viewer.user.id {
        ctx.set_flash("error", "You cannot deactivate yourself. Ask another admin.")
            .await?;
        return Ok(see_other(paths::USERS));
    }
    if !user.is_active {
        return Ok(see_other(paths::USERS));
    }
    let mut tx = ctx.state.db.begin().await?;
    users::set_active(&mut tx, &user, false, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash("success", format!("{} has been deactivated and signed out.", user.name))
        .await?;
    Ok(see_other(paths::USERS))
}

/// `POST /users/{id}/reactivate`.
#[handler]
pub async fn reactivate(AdminCtx { ctx, viewer }: AdminCtx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let user = user_in_org(&ctx, &viewer, id).await?;
    if user.is_active {
        return Ok(see_other(paths::USERS));
    }
    let mut tx = ctx.state.db.begin().await?;
    users::set_active(&mut tx, &user, true, &viewer.user.actor()).await?;
    tx.commit().await?;
    ctx.set_flash("success", format!("{} can sign in again.", user.name))
        .await?;
    Ok(see_other(paths::USERS))
}

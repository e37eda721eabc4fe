//! Creating agencies and resetting passwords: what `portico org create` and
//! `portico user reset-password` do, shared with the demo data and tests.

use crate::db::Db;
use crate::domain::audit::Actor;
use crate::domain::users::Role;
use crate::domain::validation::{Email, required_text};
use crate::passwords;
use crate::store::orgs::{self, Organisation};
use crate::store::users::{self, CreateUserError, NewUser, User};

/// An agency just created and its first admin's one-time password.
#[derive(Debug)]
pub struct NewAgency {
    /// The agency.
    pub org: Organisation,
    /// Its first admin.
    pub admin: User,
    /// The admin's one-time password (shown once, never stored).
    pub password: String,
}

/// Creates an agency and its first admin with a one-time password.
pub async fn create_agency(
    db: &Db,
    name: &str,
    admin_email: &str,
    admin_name: Option<&str>,
) -> anyhow::Result<NewAgency> {
    let password = passwords::one_time_password();
    create_agency_with_password(db, name, admin_email, admin_name, &password, true, false).await
}

/// Creates an agency whose first admin has the given password (`must_change` marks
/// it one-time); `is_demo` marks the demo agency.
pub async fn create_agency_with_password(
    db: &Db,
    name: &str,
    admin_email: &str,
    admin_name: Option<&str>,
    password: &str,
    must_change: bool,
    is_demo: bool,
) -> anyhow::Result<NewAgency> {
    let name = required_text("the agency name", name, 200).map_err(anyhow::Error::msg)?;
    let email = Email::parse(admin_email).map_err(anyhow::Error::msg)?;
    let admin_name = match admin_name {
        Some(admin_name) => required_text("the admin's name", admin_name, 100).map_err(anyhow::Error::msg)?,
        None => email.as_str().split('@').next().unwrap_or("Admin").to_string(),
    };
    let hash = passwords::hash(password).await?;
    let mut tx = db.begin().await?;
    let org = orgs::create(&mut tx, &name, is_demo).await?;
    let new = NewUser {
        name: admin_name,
        email,
        role: Role::Admin,
    };
    let admin = match users::create(&mut tx, org.id, &new, &hash, must_change, &Actor::system()).await {
        Ok(admin) => admin,
        Err(CreateUserError::EmailTaken) => {
            anyhow::bail!("a user with the email {} already exists", new.email.as_str())
        }
        Err(CreateUserError::Database(err)) => return Err(err.into()),
    };
    tx.commit().await?;
    Ok(NewAgency {
        org,
        admin,
        password: password.to_string(),
    })
}

/// Gives a user a new password (`must_change` for a one-time one); ends their sessions.
pub async fn set_password(db: &Db, email: &str, password: &str, must_change: bool) -> anyhow::Result<User> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let Some(user) = users::find_by_email(db, email.as_str()).await? else {
        anyhow::bail!("no user has the email {}", email.as_str());
    };
    let hash = passwords::hash(password).await?;
    let mut tx = db.begin().await?;
    users::set_password(&mut tx, &user, &hash, must_change, None, &Actor::system()).await?;
    tx.commit().await?;
    Ok(user)
}

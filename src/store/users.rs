//! Back-office users (agents and admins). Every function that takes an `org_id`
//! only ever sees that agency's users.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::domain::audit::{Actor, Changes};
use crate::domain::users::Role;
use crate::domain::validation::Email;
use crate::store::audit;
use crate::{on_pool, on_tx};

/// The audit entity type of users.
pub const ENTITY: &str = "user";

/// A back-office user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    /// Id.
    pub id: Uuid,
    /// Their agency.
    pub org_id: Uuid,
    /// Display name.
    pub name: String,
    /// Sign-in email (lower case, unique across all agencies).
    pub email: String,
    /// `admin` or `agent`.
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// Deactivated users cannot sign in and lose their sessions.
    pub is_active: bool,
    /// argon2id hash.
    pub password_hash: String,
    /// Set for one-time passwords: the user chooses a new one at sign-in.
    pub must_change_password: bool,
    /// Last successful sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl User {
    /// The user's role (an unknown stored value counts as the lesser role).
    pub fn role(&self) -> Role {
        self.role
    }

    /// This user as the actor of audit rows.
    pub fn actor(&self) -> Actor {
        Actor {
            kind: crate::domain::audit::ActorType::Agent,
            id: Some(self.id),
            name: self.name.clone(),
        }
    }
}

/// `SELECT <every User column> FROM users <tail>`, as one literal.
macro_rules! select_user {
    ($tail:literal) => {
        concat!(
            "SELECT id, org_id, name, email, role, is_active, password_hash, must_change_password, \
             last_login_at, created_at FROM users ",
            $tail
        )
    };
}

/// The user with this sign-in email, in any agency.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_user!("WHERE email = $1"))
            .bind(email)
            .fetch_optional(pool)
            .await
    })
}

/// A user by id, in any agency (for the session of that user).
pub async fn get(db: &Db, id: Uuid) -> Result<Option<User>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(select_user!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// A user of this agency; another agency's id gives `None`.
pub async fn get_in_org(db: &Db, org_id: Uuid, id: Uuid) -> Result<Option<User>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_user!("WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(pool)
            .await
    })
}

/// Every user of this agency, active first, then by name.
pub async fn list_in_org(db: &Db, org_id: Uuid) -> Result<Vec<User>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_user!("WHERE org_id = $1 ORDER BY is_active DESC, name, id"))
            .bind(org_id)
            .fetch_all(pool)
            .await
    })
}

/// What an admin or the command line gives to add a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Display name.
    pub name: String,
    /// Sign-in email.
    pub email: Email,
    /// Role.
    pub role: Role,
}

/// Why a user could not be added.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// Sign-in emails are unique across Portico.
    #[error("email already in use")]
    EmailTaken,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Adds a user with a password hash and writes the audit row.
pub async fn create(
    tx: &mut Tx,
    org_id: Uuid,
    new: &NewUser,
    password_hash: &str,
    must_change_password: bool,
    actor: &Actor,
) -> Result<User, CreateUserError> {
    let taken: Option<Uuid> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(new.email.as_str())
            .fetch_optional(conn)
            .await
    })?;
    if taken.is_some() {
        return Err(CreateUserError::EmailTaken);
    }
    let id = super::new_id();
    let now = super::now();
    let inserted = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO users (id, org_id, name, email, role, is_active, password_hash, must_change_password, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $8, $8)",
        )
        .bind(id)
        .bind(org_id)
        .bind(&new.name)
        .bind(new.email.as_str())
        .bind(new.role.as_str())
        .bind(password_hash)
        .bind(must_change_password)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    });
    if let Err(err) = inserted {
        return Err(if crate::db::is_unique_violation(&err) {
            CreateUserError::EmailTaken
        } else {
            err.into()
        });
    }
    audit::record(
        tx,
        audit::Entry {
            org_id,
            actor,
            action: "user.create",
            entity_type: ENTITY,
            entity_id: Some(id),
            description: format!("added user {}", new.name),
            changes: Changes::new()
                .field("name", None, Some(&new.name))
                .field("email", None, Some(new.email.as_str()))
                .field("role", None, Some(new.role.as_str()))
                .secret("password"),
        },
    )
    .await?;
    let user = on_tx!(tx, |conn| sqlx::query_as(select_user!("WHERE id = $1"))
        .bind(id)
        .fetch_one(conn)
        .await)?;
    Ok(user)
}

/// Changes a user's role.
pub async fn set_role(tx: &mut Tx, user: &User, role: Role, actor: &Actor) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE users SET role = $2, updated_at = $3 WHERE id = $1")
            .bind(user.id)
            .bind(role.as_str())
            .bind(super::now())
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    audit::record(
        tx,
        audit::Entry {
            org_id: user.org_id,
            actor,
            action: "user.role",
            entity_type: ENTITY,
            entity_id: Some(user.id),
            description: format!("changed the role of {} to {}", user.name, role.label().to_lowercase()),
            changes: Changes::new().field("role", Some(user.role.as_str()), Some(role.as_str())),
        },
    )
    .await
}

/// Deactivates (ending all of the user's sessions at once) or reactivates a user.
pub async fn set_active(tx: &mut Tx, user: &User, active: bool, actor: &Actor) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE users SET is_active = $2, updated_at = $3 WHERE id = $1")
            .bind(user.id)
            .bind(active)
            .bind(super::now())
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    if !active {
        end_sessions(tx, user.id, None).await?;
    }
    let (action, verb) = if active {
        ("user.reactivate", "reactivated")
    } else {
        ("user.deactivate", "deactivated")
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: user.org_id,
            actor,
            action,
            entity_type: ENTITY,
            entity_id: Some(user.id),
            description: format!("{verb} user {}", user.name),
            changes: Changes::new().field(
                "status",
                Some(if user.is_active { "active" } else { "deactivated" }),
                Some(if active { "active" } else { "deactivated" }),
            ),
        },
    )
    .await
}

/// Sets a user's password; `must_change` marks it as a one-time password.
/// Every other session of the user ends (all of them when `keep_session` is none).
pub async fn set_password(
    tx: &mut Tx,
    user: &User,
    password_hash: &str,
    must_change: bool,
    keep_session: Option<&str>,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = $4 WHERE id = $1")
            .bind(user.id)
            .bind(password_hash)
            .bind(must_change)
            .bind(super::now())
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    end_sessions(tx, user.id, keep_session).await?;
    let description = if actor.id == Some(user.id) {
        "changed their password".to_string()
    } else {
        format!("reset the password of {}", user.name)
    };
    audit::record(
        tx,
        audit::Entry {
            org_id: user.org_id,
            actor,
            action: if must_change {
                "user.reset_password"
            } else {
                "user.change_password"
            },
            entity_type: ENTITY,
            entity_id: Some(user.id),
            description,
            changes: Changes::new().secret("password"),
        },
    )
    .await
}

/// Deletes the user's sessions, except the one stored under `except` (a storage key).
async fn end_sessions(tx: &mut Tx, user_id: Uuid, except: Option<&str>) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(except.unwrap_or(""))
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Notes a successful sign-in.
pub async fn record_login(db: &Db, user_id: Uuid) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
            .bind(user_id)
            .bind(super::now())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// How many active admins the agency has (it must always keep one).
pub async fn active_admin_count(tx: &mut Tx, org_id: Uuid) -> Result<i64, sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE org_id = $1 AND role = 'admin' AND is_active = TRUE")
            .bind(org_id)
            .fetch_one(conn)
            .await
    })
}

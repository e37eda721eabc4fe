//! How tenants get into their portal after accepting an invite: one-time
//! sign-in codes by email (only a hash is stored; 10 minutes, 5 tries, at most 3
//! codes per 15 minutes per email address), and which tenant an email signs in as.

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::db::Db;
use crate::on_pool;

/// How long a code works.
pub const CODE_VALID_MINUTES: i64 = 10;
/// Wrong tries allowed per code.
pub const CODE_TRIES: i32 = 5;
/// Codes sent per email address per window.
pub const CODES_PER_WINDOW: i64 = 3;
/// The window of [`CODES_PER_WINDOW`].
pub const CODE_WINDOW_MINUTES: i64 = 15;

fn hash(email: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{}:{code}", email.to_lowercase()).as_bytes()))
}

/// A tenant who may sign in: their row and agency.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantLogin {
    pub tenant_id: Uuid,
    pub org_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// The tenant an email signs in as: one with an accepted invite (the most
/// recently accepted, if the email is a tenant at several agencies).
pub async fn tenant_for_email(db: &Db, email: &str) -> Result<Option<TenantLogin>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT t.id AS tenant_id, t.org_id, t.first_name, t.last_name, t.email FROM tenants t \
         JOIN tenant_portal_invites i ON i.tenant_id = t.id AND i.org_id = t.org_id AND i.status = 'accepted' \
         WHERE LOWER(t.email) = LOWER($1) ORDER BY i.accepted_at DESC LIMIT 1"
    )
    .bind(email.trim())
    .fetch_optional(pool)
    .await)
}

/// A signed-in tenant's row, if it still has an accepted invite.
pub async fn tenant(db: &Db, tenant_id: Uuid) -> Result<Option<TenantLogin>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_as(
        "SELECT t.id AS tenant_id, t.org_id, t.first_name, t.last_name, t.email FROM tenants t \
         WHERE t.id = $1 AND EXISTS (SELECT 1 FROM tenant_portal_invites i WHERE i.tenant_id = t.id \
         AND i.status = 'accepted')"
    )
    .bind(tenant_id)
    .fetch_optional(pool)
    .await)
}

/// Issues a new 6-digit code for an email, unless [`CODES_PER_WINDOW`] were
/// issued in the window already. Returns the code to email.
pub async fn issue_code(db: &Db, email: &str, client_addr: &str) -> Result<Option<String>, sqlx::Error> {
    let email = email.trim().to_lowercase();
    let now = super::now();
    let recent: i64 = on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM tenant_login_codes WHERE email = $1 AND created_at > $2"
    )
    .bind(&email)
    .bind(now - TimeDelta::minutes(CODE_WINDOW_MINUTES))
    .fetch_one(pool)
    .await)?;
    if recent >= CODES_PER_WINDOW {
        return Ok(None);
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    on_pool!(db, |pool| sqlx::query(
        "INSERT INTO tenant_login_codes (id, email, client_addr, code_hash, attempts, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $6)"
    )
    .bind(super::new_id())
    .bind(&email)
    .bind(client_addr)
    .bind(hash(&email, &code))
    .bind(now + TimeDelta::minutes(CODE_VALID_MINUTES))
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(Some(code))
}

/// A sign-in code as stored (its hash, never the code).
#[derive(sqlx::FromRow)]
struct IssuedCode {
    id: Uuid,
    code_hash: String,
    attempts: i32,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

/// Checks a code against the newest code issued for the email: a newer code
/// supersedes every older one, used or not, so once the newest was used (or
/// used up) no older code signs in. Each check uses one of its tries, and a
/// right code works once.
pub async fn verify_code(db: &Db, email: &str, code: &str) -> Result<bool, sqlx::Error> {
    let email = email.trim().to_lowercase();
    let now = super::now();
    let latest: Option<IssuedCode> = on_pool!(db, |pool| sqlx::query_as(
        "SELECT id, code_hash, attempts, expires_at, used_at FROM tenant_login_codes WHERE email = $1 \
             ORDER BY created_at DESC, id DESC LIMIT 1"
    )
    .bind(&email)
    .fetch_optional(pool)
    .await)?;
    let Some(IssuedCode {
        id,
        code_hash: stored,
        attempts,
        expires_at,
        used_at,
    }) = latest
    else {
        return Ok(false);
    };
    if used_at.is_some() || attempts >= CODE_TRIES || expires_at <= now {
        return Ok(false);
    }
    let counted = on_pool!(db, |pool| sqlx::query(
        "UPDATE tenant_login_codes SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 AND used_at IS NULL"
    )
    .bind(id)
    .bind(CODE_TRIES)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    let given = hash(&email, code.trim());
    let matches =
        given.len() == stored.len() && given.bytes().zip(stored.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if counted == 0 || !matches {
        return Ok(false);
    }
    let used = on_pool!(db, |pool| sqlx::query(
        "UPDATE tenant_login_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(used == 1)
}

/// A tenant's name, for the audit trail.
pub async fn name_of(db: &Db, tenant_id: Uuid) -> Result<Option<String>, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_scalar(
        "SELECT first_name || ' ' || last_name FROM tenants WHERE id = $1"
    )
    .bind(tenant_id)
    .fetch_optional(pool)
    .await)
}

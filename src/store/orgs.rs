//! Agencies (organisations) and their branches.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::{on_pool, on_tx};

/// An agency and its branding.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Organisation {
    /// Id.
    pub id: Uuid,
    /// The agency's name as customers see it.
    pub name: String,
    /// URL-safe unique name.
    pub slug: String,
    /// Logo shown in portals.
    pub logo_url: Option<String>,
    /// Brand colour (`#rrggbb`).
    pub primary_color: String,
    /// Support email shown in portals.
    pub support_email: Option<String>,
    /// Support phone shown in portals.
    pub support_phone: Option<String>,
    /// Whether this is the demo agency made by `serve --demo`.
    pub is_demo: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// `SELECT <every Organisation column> FROM organisations <tail>`, as one literal.
macro_rules! select_org {
    ($tail:literal) => {
        concat!(
            "SELECT id, name, slug, logo_url, primary_color, support_email, support_phone, is_demo, created_at \
             FROM organisations ",
            $tail
        )
    };
}

/// Turns an agency name into a slug: lower-case ASCII letters and digits joined by `-`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() { "agency".into() } else { slug }
}

/// Creates an agency with a unique slug derived from its name.
pub async fn create(tx: &mut Tx, name: &str, is_demo: bool) -> Result<Organisation, sqlx::Error> {
    let base = slugify(name);
    let mut slug = base.clone();
    let mut n = 1;
    loop {
        let taken: Option<Uuid> = on_tx!(tx, |conn| {
            sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1")
                .bind(&slug)
                .fetch_optional(conn)
                .await
        })?;
        if taken.is_none() {
            break;
        }
        n += 1;
        slug = format!("{base}-{n}");
    }
    let now = super::now();
    let id = super::new_id();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO organisations (id, name, slug, is_demo, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id)
        .bind(name)
        .bind(&slug)
        .bind(is_demo)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    on_tx!(tx, |conn| {
        sqlx::query_as(select_org!("WHERE id = $1"))
            .bind(id)
            .fetch_one(conn)
            .await
    })
}

/// Sets an agency's support contacts (used by demo data).
pub async fn set_support(tx: &mut Tx, org_id: Uuid, email: &str, phone: &str) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE organisations SET support_email = $2, support_phone = $3, updated_at = $4 WHERE id = $1")
            .bind(org_id)
            .bind(email)
            .bind(phone)
            .bind(super::now())
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// One agency by id.
pub async fn get(db: &Db, id: Uuid) -> Result<Option<Organisation>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_org!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// The demo agency, if `serve --demo` made one.
pub async fn find_demo(db: &Db) -> Result<Option<Organisation>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as(select_org!("WHERE is_demo = TRUE ORDER BY id LIMIT 1"))
            .fetch_optional(pool)
            .await
    })
}

/// The agency, when this installation holds exactly one (a self-hosted
/// agency's usual case): pages that do not know whose they are wear its brand.
pub async fn sole(db: &Db) -> Result<Option<Organisation>, sqlx::Error> {
    let mut found: Vec<Organisation> = on_pool!(db, |pool| {
        sqlx::query_as(select_org!("ORDER BY id LIMIT 2")).fetch_all(pool).await
    })?;
    Ok(if found.len() == 1 { found.pop() } else { None })
}

/// How many agencies exist.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(pool)
        .await)
}

/// A branch of an agency.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Branch {
    /// Id.
    pub id: Uuid,
    /// Name, unique within the agency.
    pub name: String,
}

/// Adds a branch.
pub async fn create_branch(tx: &mut Tx, org_id: Uuid, name: &str) -> Result<Branch, sqlx::Error> {
    let id = super::new_id();
    on_tx!(tx, |conn| {
        sqlx::query("INSERT INTO branches (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(org_id)
            .bind(name)
            .bind(super::now())
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(Branch {
        id,
        name: name.to_string(),
    })
}

/// The branches of an agency, by name.
pub async fn branches(db: &Db, org_id: Uuid) -> Result<Vec<Branch>, sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query_as("SELECT id, name FROM branches WHERE org_id = $1 ORDER BY name")
            .bind(org_id)
            .fetch_all(pool)
            .await
    })
}

/// Saves the agency's name and branding and writes the audit row.
pub async fn update_branding(
    tx: &mut Tx,
    org: &Organisation,
    f: &crate::domain::branding::BrandingFields,
    actor: &crate::domain::audit::Actor,
) -> Result<bool, sqlx::Error> {
    let changes = crate::domain::audit::Changes::new()
        .field("name", Some(&org.name), Some(&f.name))
        .field("logo_url", org.logo_url.as_deref(), f.logo_url.as_deref())
        .field("primary_color", Some(&org.primary_color), Some(&f.primary_color))
        .field(
            "support_email",
            org.support_email.as_deref(),
            f.support_email.as_deref(),
        )
        .field(
            "support_phone",
            org.support_phone.as_deref(),
            f.support_phone.as_deref(),
        );
    if changes.is_empty() {
        return Ok(false);
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE organisations SET name = $1, logo_url = $2, primary_color = $3, support_email = $4, \
             support_phone = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(&f.name)
        .bind(&f.logo_url)
        .bind(&f.primary_color)
        .bind(&f.support_email)
        .bind(&f.support_phone)
        .bind(super::now())
        .bind(org.id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    super::audit::record(
        tx,
        super::audit::Entry {
            org_id: org.id,
            actor,
            action: "organisation.branding",
            entity_type: "organisation",
            entity_id: Some(org.id),
            description: "updated the agency's name and branding".into(),
            changes,
        },
    )
    .await?;
    Ok(true)
}

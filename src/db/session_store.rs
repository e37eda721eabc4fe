//! tower-sessions' `SessionStore` on our own `sessions` table, on both databases,
//! so sessions survive restarts and are shared by every node.
//!
//! The table holds a SHA-256 of each session id, never the id itself: a copy of
//! the database cannot be used to ride anyone's session.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use uuid::Uuid;

use crate::db::Db;
use crate::on_pool;

/// The session key that holds the signed-in user's id; copied to a column so that
/// all of a user's sessions can be ended at once.
pub const USER_ID_KEY: &str = "user_id";

/// Sessions kept in the application database.
#[derive(Clone, Debug)]
pub struct SqlSessionStore {
    db: Db,
}

impl SqlSessionStore {
    /// A store on `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Deletes every session whose expiry has passed; returns how many.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sqlx::Error> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        on_pool!(&self.db, |pool| {
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                .bind(now)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
    }
}

/// The stored key of a session id.
pub fn storage_key(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

/// How a store error that means "the disk is full" begins, so that
/// [`crate::error::AppError`] can tell it apart from an unreachable database
/// (`tower_sessions` only carries a message).
pub const STORAGE_FULL: &str = "storage full: ";

fn backend(err: sqlx::Error) -> Error {
    if super::is_storage_full(&err) {
        Error::Backend(format!("{STORAGE_FULL}{err}"))
    } else {
        Error::Backend(err.to_string())
    }
}

fn user_of(record: &Record) -> Option<Uuid> {
    record
        .data
        .get(USER_ID_KEY)
        .and_then(|value| serde_json::from_value(value.clone()).ok())
}

#[async_trait]
impl SessionStore for SqlSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Always a fresh id: a record emptied by a sign-out still carries its old one.
        record.id = Id::default();
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        loop {
            let inserted = on_pool!(&self.db, |pool| {
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(storage_key(&record.id))
                .bind(user_of(record))
                .bind(&data)
                .bind(record.expiry_date.unix_timestamp())
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
            })
            .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        on_pool!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, \
                 expires_at = excluded.expires_at",
            )
            .bind(storage_key(&record.id))
            .bind(user_of(record))
            .bind(&data)
            .bind(record.expiry_date.unix_timestamp())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let row: Option<(String, i64)> = on_pool!(&self.db, |pool| {
            sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(storage_key(session_id))
                .bind(now)
                .fetch_optional(pool)
                .await
        })
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *session_id,
            data: serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?,
            expiry_date: OffsetDateTime::from_unix_timestamp(expires_at).map_err(|e| Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, session_id: &Id) -> Result<()> {
        on_pool!(&self.db, |pool| {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(storage_key(session_id))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(backend)?;
        Ok(())
    }
}

//! Structures Portico derives from other rows and keeps beside them, so that
//! lists and searches read a few indexed rows instead of recomputing: the
//! landlord search index (SQLite's FTS5 trigram table and its keys), the
//! agency compliance list, the portal inbox order (each link's newest message
//! time) and SQLite's own B-tree indexes.
//!
//! Each is written in the same transaction as the rows it derives from, and a
//! transaction that fails (a full disk included) leaves none of its writes, so
//! they cannot drift apart in normal operation. This module proves that rather
//! than trusting it: [`check`] compares every structure with what its rows say
//! now, and [`repair`] rebuilds whichever one disagrees and logs that it did.
//! Portico runs it at start-up, after a write was refused for lack of disk
//! space (once space may be back), and on demand (`portico check`).

use std::fmt;
use std::time::Instant;

use uuid::Uuid;

use crate::db::{Db, Tx};
use crate::store::compliance;
use crate::{on_pool, on_tx};

/// One derived structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Structure {
    /// `landlord_search` and `landlord_search_keys` (SQLite only; PostgreSQL's
    /// trigram index is an ordinary index the database keeps itself).
    LandlordSearch,
    /// `compliance_items`, derived from properties and certificates.
    ComplianceList,
    /// `landlord_portal_tokens.last_message_at`, derived from the messages.
    PortalInbox,
    /// SQLite's B-tree indexes of every table.
    SqliteIndexes,
}

impl Structure {
    /// What an operator reads in the log and from `portico check`.
    pub fn label(self) -> &'static str {
        match self {
            Structure::LandlordSearch => "the landlord search index",
            Structure::ComplianceList => "the compliance list",
            Structure::PortalInbox => "the portal inbox order",
            Structure::SqliteIndexes => "the SQLite indexes",
        }
    }
}

impl fmt::Display for Structure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One way a structure disagrees with the rows it derives from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which structure.
    pub structure: Structure,
    /// What was found, in words.
    pub problem: String,
}

/// What [`repair`] found and did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every disagreement the first check found.
    pub found: Vec<Finding>,
    /// The structures rebuilt because of them.
    pub rebuilt: Vec<Structure>,
    /// What a second check still found after the rebuilds (damage Portico
    /// cannot derive again, such as a table's own pages): restore a backup.
    pub remaining: Vec<Finding>,
}

impl Report {
    /// Whether every structure agrees with its rows now.
    pub fn is_consistent(&self) -> bool {
        self.remaining.is_empty()
    }
}

/// Compares every derived structure with the rows it derives from; empty
/// when all agree. Only reads, so it also runs on a full disk.
pub async fn check(db: &Db) -> Result<Vec<Finding>, sqlx::Error> {
    let mut findings = Vec::new();
    if let Some(lines) = db.sqlite_integrity_check().await? {
        for line in lines {
            let structure = if line.contains("landlord_search") {
                Structure::LandlordSearch
            } else {
                Structure::SqliteIndexes
            };
            findings.push(Finding {
                structure,
                problem: format!("integrity_check: {line}"),
            });
        }
        findings.extend(landlord_search_findings(db).await?);
    }
    let orgs: Vec<Uuid> = on_pool!(db, |pool| sqlx::query_scalar("SELECT id FROM organisations")
        .fetch_all(pool)
        .await)?;
    for org in orgs {
        let differences = compliance::differences(db, org).await?;
        if differences > 0 {
            findings.push(Finding {
                structure: Structure::ComplianceList,
                problem: format!("{differences} rows of agency {org} differ from its properties and certificates"),
            });
        }
    }
    let behind: i64 = on_pool!(db, |pool| sqlx::query_scalar(INBOX_BEHIND).fetch_one(pool).await)?;
    if behind > 0 {
        findings.push(Finding {
            structure: Structure::PortalInbox,
            problem: format!("{behind} portal links' newest message time differs from their messages"),
        });
    }
    Ok(findings)
}

/// Checks every structure and rebuilds each one that disagrees with its rows,
/// logging what it found and did; `occasion` says why it ran ("at start-up").
pub async fn repair(db: &Db, occasion: &str) -> Result<Report, sqlx::Error> {
    let started = Instant::now();
    let found = check(db).await?;
    let mut rebuilt = Vec::new();
    for finding in &found {
        tracing::warn!(
            occasion,
            structure = %finding.structure,
            problem = %finding.problem,
            "derived structure disagrees with its rows"
        );
        if !rebuilt.contains(&finding.structure) {
            rebuilt.push(finding.structure);
        }
    }
    for structure in &rebuilt {
        rebuild(db, *structure).await?;
        tracing::warn!(occasion, structure = %structure, "rebuilt {structure} from the rows it derives from");
    }
    let remaining = if rebuilt.is_empty() {
        Vec::new()
    } else {
        check(db).await?
    };
    for finding in &remaining {
        tracing::error!(
            occasion,
            structure = %finding.structure,
            problem = %finding.problem,
            "the database is damaged beyond what Portico can rebuild: restore a backup"
        );
    }
    let millis = started.elapsed().as_millis();
    if found.is_empty() {
        tracing::info!(occasion, millis, "derived structures checked: consistent");
    }
    Ok(Report {
        found,
        rebuilt,
        remaining,
    })
}

/// Rebuilds one structure from the rows it derives from.
pub async fn rebuild(db: &Db, structure: Structure) -> Result<(), sqlx::Error> {
    match structure {
        Structure::LandlordSearch => rebuild_landlord_search(db).await,
        Structure::ComplianceList => compliance::rebuild_all(db).await,
        Structure::PortalInbox => {
            let mut tx = db.begin().await?;
            on_tx!(&mut tx, |conn| sqlx::query(
                "UPDATE landlord_portal_tokens SET last_message_at = \
                 (SELECT MAX(m.created_at) FROM landlord_messages m WHERE m.token_id = landlord_portal_tokens.id)"
            )
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
            tx.commit().await
        }
        Structure::SqliteIndexes => {
            let mut tx = db.begin().await?;
            on_tx!(&mut tx, |conn| sqlx::query("REINDEX")
                .execute(conn)
                .await
                .map(|r| r.rows_affected()))?;
            tx.commit().await
        }
    }
}

/// Portal links whose newest-message time is not their newest message's.
const INBOX_BEHIND: &str = "SELECT COUNT(*) FROM landlord_portal_tokens t WHERE t.last_message_at IS DISTINCT FROM \
     (SELECT MAX(m.created_at) FROM landlord_messages m WHERE m.token_id = t.id)";

/// The landlord search index against `landlords.search_text`, in one snapshot:
/// every landlord has a key, every key a landlord, and the index holds each
/// landlord's current text under its key and nothing else.
async fn landlord_search_findings(db: &Db) -> Result<Vec<Finding>, sqlx::Error> {
    const CHECKS: [(&str, &str); 4] = [
        (
            "landlords without a search key",
            "SELECT COUNT(*) FROM landlords l \
             WHERE NOT EXISTS (SELECT 1 FROM landlord_search_keys k WHERE k.landlord_id = l.id)",
        ),
        (
            "search keys without a landlord",
            "SELECT COUNT(*) FROM landlord_search_keys k \
             WHERE NOT EXISTS (SELECT 1 FROM landlords l WHERE l.id = k.landlord_id)",
        ),
        (
            "landlords whose indexed text is missing or not their current text",
            "SELECT COUNT(*) FROM landlord_search_keys k JOIN landlords l ON l.id = k.landlord_id \
             WHERE l.search_text IS NOT (SELECT s.search_text FROM landlord_search s WHERE s.rowid = k.key)",
        ),
        (
            "indexed rows without a search key",
            "SELECT COUNT(*) FROM landlord_search s \
             WHERE NOT EXISTS (SELECT 1 FROM landlord_search_keys k WHERE k.key = s.rowid)",
        ),
    ];
    let mut tx = db.begin_snapshot().await?;
    let mut findings = Vec::new();
    for (what, sql) in CHECKS {
        let count: i64 = on_tx!(&mut tx, |conn| sqlx::query_scalar(sql).fetch_one(conn).await)?;
        if count > 0 {
            findings.push(Finding {
                structure: Structure::LandlordSearch,
                problem: format!("{count} {what}"),
            });
        }
    }
    tx.rollback().await?;
    Ok(findings)
}

/// Derives the landlord search index again from `landlords`, in one write
/// transaction. FTS5's own `rebuild` first makes its inverted index agree with
/// its stored text (a damaged index could otherwise fail the deletes), then
/// every key and row is replaced with the landlords' current text.
async fn rebuild_landlord_search(db: &Db) -> Result<(), sqlx::Error> {
    if !matches!(db, Db::Sqlite(..)) {
        return Ok(());
    }
    const STEPS: [&str; 5] = [
        "INSERT INTO landlord_search (landlord_search) VALUES ('rebuild')",
        "DELETE FROM landlord_search",
        "DELETE FROM landlord_search_keys",
        "INSERT INTO landlord_search_keys (landlord_id) SELECT id FROM landlords",
        "INSERT INTO landlord_search (rowid, search_text) \
         SELECT k.key, l.search_text FROM landlords l JOIN landlord_search_keys k ON k.landlord_id = l.id",
    ];
    let mut tx: Tx = db.begin().await?;
    for step in STEPS {
        on_tx!(&mut tx, |conn| sqlx::query(step)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    tx.commit().await
}

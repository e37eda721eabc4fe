//! The database: SQLite (embedded default) or PostgreSQL, chosen from the URL.
//!
//! Both use sqlx's native drivers and one SQL text with `$n` placeholders. Store
//! code writes each query once inside [`on_pool!`] or [`on_tx!`], which expand it
//! for both drivers.

pub mod session_store;

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// How long a request waits for a database connection before the app answers 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// A connection pool on one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded default, with the queue its write transactions take turns in.
    Sqlite(SqlitePool, WriterQueue),
    /// For agencies running several app nodes.
    Postgres(PgPool),
}

/// A transaction on either database; store functions that change data take one so
/// that the change, its audit row and any outbox row commit together.
pub enum Tx {
    /// A SQLite transaction, holding its turn as the one writer (none for a
    /// read-only snapshot).
    Sqlite(Transaction<'static, Sqlite>, Option<WriterTurn>),
    /// A PostgreSQL transaction.
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the pool of whichever database `$db` is.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($conn, _) => $body,
            $crate::db::Db::Postgres($conn) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the connection of transaction `$tx`.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx, _) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Whether a URL names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Db {
    /// Opens a pool for `url`, creating the SQLite folder and file when needed.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        if is_postgres_url(url) {
            let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(options)
                .await
                .context("could not connect to PostgreSQL")?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .context("invalid SQLite URL")?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            if let Some(parent) = options.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).with_context(|| format!("could not create {}", parent.display()))?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .after_release(|conn, _| Box::pin(async move { sqlite_connection_reusable(conn).await }))
                .connect_with(options)
                .await
                .context("could not open the SQLite database")?;
            Ok(Db::Sqlite(pool, WriterQueue::default()))
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite:, postgres:// or postgresql://")
        }
    }

    /// Applies the embedded migrations of this database (the schema only;
    /// `store::prepare` also brings derived tables up to this build's rules).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(pool, _) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Keeps the query planner's statistics current. SQLite plans without statistics
    /// until `ANALYZE` has run, and then picks an agency-wide index scan over a
    /// two-row lookup; `PRAGMA optimize` analyses only the tables whose size changed
    /// a lot, with a row limit, so it is cheap at start and hourly. PostgreSQL's
    /// autovacuum does this on its own; `force` also vacuums and analyses it (after a bulk load).
    pub async fn refresh_planner_statistics(&self, force: bool) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite(pool, _) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *conn).await?;
                let pragma = if force { "ANALYZE" } else { "PRAGMA optimize = 0x10002" };
                sqlx::query(pragma).execute(&mut *conn).await?;
            }
            Db::Postgres(pool) if force => {
                // VACUUM also sets the visibility map, without which an index-only
                // scan still visits every row it passes.
                sqlx::query("VACUUM ANALYZE").execute(pool).await?;
            }
            Db::Postgres(_) => {}
        }
        Ok(())
    }

    /// Starts a transaction. On SQLite it first waits for its turn as the one
    /// writer (see [`WriterQueue`]) and then takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so it can never fail half-way on a lock upgrade.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool, writers) => {
                let turn = writers.turn().await?;
                Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Starts a transaction that only reads, and reads one snapshot of the
    /// database throughout, whatever commits meanwhile: on SQLite a deferred
    /// transaction (its first read fixes the snapshot; it takes no write lock
    /// and no turn in the [`WriterQueue`], so writers go on), on PostgreSQL
    /// `REPEATABLE READ, READ ONLY`. Consistency checks compare two tables in one.
    pub async fn begin_snapshot(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool, _) => Tx::Sqlite(pool.begin().await?, None),
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// SQLite's `PRAGMA integrity_check` over the whole file, FTS5 tables
    /// included: the problems it reports (empty when the file is whole), or
    /// `None` on PostgreSQL.
    ///
    /// It runs on a connection of its own, opened for it and closed after.
    /// SQLite 3.51's FTS5 checks its inverted index with state it cached on
    /// the connection, and on a connection that used the table before another
    /// connection changed it, the check reports damage that is not there
    /// ("checksum mismatch", "corruption found reading blob"), while the same
    /// connection's searches answer correctly. A new connection has nothing
    /// cached. (That false alarm was the disk-full test's failure one run in
    /// five: the file was whole every time.)
    pub async fn sqlite_integrity_check(&self) -> Result<Option<Vec<String>>, sqlx::Error> {
        use sqlx::Connection;
        let Db::Sqlite(pool, _) = self else {
            return Ok(None);
        };
        let mut conn = sqlx::SqliteConnection::connect_with(&pool.connect_options()).await?;
        let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await?;
        conn.close().await?;
        Ok(Some(lines.into_iter().filter(|line| line != "ok").collect()))
    }

    /// Answers whether the database can run a trivial query right now.
    pub async fn ping(&self) -> bool {
        let probe = async { on_pool!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ())) };
        matches!(tokio::time::timeout(ACQUIRE_TIMEOUT, probe).await, Ok(Ok(())))
    }

    /// Closes every connection (used at shutdown and by tests).
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }

    /// The SQLite file of this database, if it is SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match self {
            Db::Sqlite(pool, _) => Some(pool.connect_options().get_filename().to_path_buf()),
            Db::Postgres(_) => None,
        }
    }
}

/// SQLite has one writer at a time. Write transactions of this process wait
/// for their turn here, in order and without sleeping, instead of in SQLite's
/// busy handler, which retries a locked database after sleeps of growing length
/// (1 ms, 2 ms, 5 ms, … 100 ms) and so, with a few concurrent writers, spends
/// most of a write's time asleep. Writers of other processes on the same file
/// (the CLI) still meet the busy timeout.
#[derive(Clone, Debug, Default)]
pub struct WriterQueue(Arc<tokio::sync::Mutex<()>>);

/// A write transaction's turn in the [`WriterQueue`], released when the
/// transaction ends (commit, rollback or drop).
#[derive(Debug)]
pub struct WriterTurn {
    _held: tokio::sync::OwnedMutexGuard<()>,
}

impl WriterQueue {
    /// Waits for the turn, as long as a request waits for a connection.
    async fn turn(&self) -> Result<WriterTurn, sqlx::Error> {
        tokio::time::timeout(ACQUIRE_TIMEOUT, self.0.clone().lock_owned())
            .await
            .map(|held| WriterTurn { _held: held })
            .map_err(|_| sqlx::Error::PoolTimedOut)
    }
}

/// Whether a SQLite connection may go back to the pool: only when sqlx agrees
/// that no transaction is open on it.
///
/// When SQLite itself rolls a transaction back — as it does when a write or
/// the COMMIT fails with `SQLITE_FULL` — sqlx's own `ROLLBACK` on drop fails
/// ("no transaction is active") and sqlx still counts the transaction as open.
/// The connection's next transaction then starts as a savepoint, and rolling
/// that back leaves a real transaction open holding the write lock, so every
/// other write would fail with "database is locked" even after space was
/// freed. Such a connection is closed instead (a new one is opened on demand).
async fn sqlite_connection_reusable(conn: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    if !conn.is_in_transaction() {
        return Ok(true);
    }
    // A dropped transaction queued its rollback; a ping runs after it.
    conn.ping().await?;
    let reusable = !conn.is_in_transaction();
    if !reusable {
        tracing::warn!("closing a SQLite connection whose transaction was rolled back by SQLite");
    }
    Ok(reusable)
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx, _turn) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    /// Ends the transaction without keeping anything it wrote.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx, _turn) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }
}

/// Tells the background check of derived structures that a write was refused
/// for lack of disk space (see `store::derived`). Signals made while a check
/// is pending or running coalesce into one more check.
#[derive(Clone, Debug, Default)]
pub struct StorageFullEvents(Arc<tokio::sync::Notify>);

impl StorageFullEvents {
    /// Records that a write was refused because the disk is full.
    pub fn record(&self) {
        self.0.notify_one();
    }

    /// Waits for the next recorded event (returns at once if one is pending).
    pub async fn next(&self) {
        self.0.notified().await;
    }
}

/// Whether an error means the database could not be reached (as opposed to a bad query).
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    matches!(
        err,
        sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_)
    ) || matches!(err, sqlx::Error::Database(db) if is_unavailable_code(db.code().as_deref()))
}

/// PostgreSQL codes for "the server is going away or starting" and SQLite's busy/locked.
fn is_unavailable_code(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006" | "5" | "6")
    )
}

/// Whether an error means the database's disk is full: SQLite's `SQLITE_FULL`
/// (code 13, which also covers a WAL append or a commit that found no space),
/// PostgreSQL's `disk_full` (53100), or an I/O error of kind `StorageFull`.
pub fn is_storage_full(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("13" | "53100")),
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        _ => false,
    }
}

/// Whether an error is a unique-key violation (so the caller can show a form error).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

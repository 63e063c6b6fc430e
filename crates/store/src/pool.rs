//! Connecting, migrating, and running an operation on whichever database the URL picked.

use std::str::FromStr;
use std::time::Duration;

use promptdeck_core::RunCaps;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use uuid::Uuid;

use crate::{StoreError, StoreResult};

/// SQLite's page cache for the one writer connection, in KiB (SQLite's default is 2 MiB). Every
/// task's finish looks up its task row and its run and rewrites both; with the default cache
/// those pages are read back from the file (`pread`) batch after batch. 32 MiB keeps the
/// recently started tasks' pages in memory: about a fifth less CPU per finish in the store's
/// `task_records` benchmark. The reader connections keep SQLite's default (a write by the writer
/// invalidates their caches anyway).
pub const SQLITE_WRITER_CACHE_KIB: u32 = 32 * 1024;

/// Rows the writer connection's worker thread may hand over before it waits for them to be
/// taken (sqlx's default is 50). A batch of task starts reads back one row per start (the ids it
/// wrote); with room for 50, its 500 rows stopped the worker ten times, and each stop waits for
/// the reading thread to be scheduled, which on a busy machine is the slow part.
pub const SQLITE_WRITER_ROW_BUFFER: usize = 1024;

/// The database behind the store.
#[derive(Clone, Debug)]
pub(crate) enum Backend {
    /// Embedded SQLite (WAL, foreign keys on): readers share a pool, and every write goes
    /// through one connection, so writers queue in the pool (woken in order) instead of
    /// contending for SQLite's lock and sleeping in its busy handler.
    Sqlite {
        /// Connections for reads.
        read: SqlitePool,
        /// The one connection for writes.
        write: SqlitePool,
    },
    /// PostgreSQL.
    Postgres(PgPool),
}

/// The handle every part of the server uses to read and write data. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) backend: Backend,
    /// How much one run may hold; checked wherever messages are appended.
    pub(crate) run_caps: RunCaps,
    /// The node whose runner starts tasks through this handle (several nodes), recorded with
    /// each task so the reaper knows whose it is.
    pub(crate) node_id: Option<Uuid>,
}

/// Runs `$body` inside a transaction on whichever pool the store has. On PostgreSQL the
/// transaction first records the calling user in `request.jwt.claims` (what `auth.uid()` reads),
/// so row-level security policies see who is asking. An early `?` rolls back.
macro_rules! in_tx {
    ($store:expr, $user:expr, |$tx:ident| $body:expr) => {
        match &$store.backend {
            $crate::pool::Backend::Sqlite { read: pool, .. } => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::pool::Backend::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                $crate::pool::set_claims(&mut $tx, $user).await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// Like `in_tx!` for a transaction that writes: on SQLite it runs on the one write connection
/// and takes the write lock up front (`BEGIN IMMEDIATE`), so a read-then-write never fails with
/// a stale snapshot.
macro_rules! in_write_tx {
    ($store:expr, $user:expr, |$tx:ident| $body:expr) => {
        match &$store.backend {
            $crate::pool::Backend::Sqlite { write: pool, .. } => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::pool::Backend::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                $crate::pool::set_claims(&mut $tx, $user).await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// Runs `$body` (reads) on the pool itself, for work not done on behalf of one user.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::pool::Backend::Sqlite { read: $pool, .. } => $body,
            $crate::pool::Backend::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` (writes) on the pool itself, for work not done on behalf of one user.
macro_rules! on_write_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::pool::Backend::Sqlite { write: $pool, .. } => $body,
            $crate::pool::Backend::Postgres($pool) => $body,
        }
    };
}

pub(crate) use in_tx;
pub(crate) use in_write_tx;
pub(crate) use on_pool;
pub(crate) use on_write_pool;

/// Tells PostgreSQL who the caller is for the rest of the transaction: the claims `auth.uid()`
/// reads, and the role `authenticated`, whose row-level security policies then apply. Both are
/// transaction-local, so the pooled connection is back to its own role after the commit.
pub(crate) async fn set_claims(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: Uuid,
) -> StoreResult<()> {
    let claims = serde_json::json!({ "sub": user, "role": "authenticated" }).to_string();
    sqlx::query(
        "SELECT set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)",
    )
    .bind(claims)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Says who the caller is for the statements that follow in a transaction: on PostgreSQL the
/// claims row-level security reads; nothing on SQLite.
pub(crate) trait Claims {
    async fn claim(&mut self, user: Uuid) -> StoreResult<()>;
}

impl Claims for sqlx::Transaction<'_, sqlx::Sqlite> {
    async fn claim(&mut self, _user: Uuid) -> StoreResult<()> {
        Ok(())
    }
}

impl Claims for sqlx::Transaction<'_, sqlx::Postgres> {
    async fn claim(&mut self, user: Uuid) -> StoreResult<()> {
        set_claims(self, user).await
    }
}

impl Store {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://…` and applies the
    /// migrations of that database.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        let backend = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            // A connection to a local file does not go stale the way a network connection
            // does, so it is not pinged before each use: a ping is a round trip to the
            // connection's worker thread (a thread wake-up), paid per batch of task records.
            // sqlx still pings it when it goes back to the pool, which catches a connection
            // left mid-statement by a dropped future.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .test_before_acquire(false)
                .connect_with(
                    options
                        .clone()
                        .pragma("cache_size", format!("-{SQLITE_WRITER_CACHE_KIB}"))
                        .row_buffer_size(SQLITE_WRITER_ROW_BUFFER),
                )
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&write).await?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            Backend::Sqlite { read, write }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Backend::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        Ok(Store { backend, run_caps: RunCaps::default(), node_id: None })
    }

    /// The same store with other caps on how much one run may hold.
    pub fn with_run_caps(mut self, caps: RunCaps) -> Store {
        self.run_caps = caps;
        self
    }

    /// The same store recording `node` as the node of the tasks it starts (several nodes).
    pub fn with_node(mut self, node: Uuid) -> Store {
        self.node_id = Some(node);
        self
    }

    /// Whether this is PostgreSQL (the database several nodes share).
    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Which database this is, for logs: `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection (tests and shutdown).
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await);
        on_write_pool!(self, |pool| pool.close().await);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_sqlite_writer_keeps_a_larger_page_cache_than_the_readers() {
        let dir = std::env::temp_dir().join(format!("promptdeck-pool-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::connect(&format!("sqlite://{}/db.sqlite", dir.display())).await.unwrap();
        let Backend::Sqlite { read, write } = &store.backend else { panic!("a SQLite store") };
        let cache = |pool: &SqlitePool| {
            let pool = pool.clone();
            async move { sqlx::query_scalar::<_, i64>("PRAGMA cache_size").fetch_one(&pool).await.unwrap() }
        };
        assert_eq!(cache(write).await, -i64::from(SQLITE_WRITER_CACHE_KIB));
        assert_eq!(cache(read).await, -2000, "SQLite's default");
        store.close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}

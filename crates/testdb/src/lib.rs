//! Databases for tests, one per scenario: a fresh SQLite file in a temporary directory of its
//! own, or a PostgreSQL database on the server named by `PROMPTDECK_TEST_POSTGRES` that no other
//! scenario uses meanwhile, emptied before it is handed out. `both_backends!` runs a scenario on
//! each database, `sqlite_only!` once on SQLite (for scenarios no database difference can reach).
//!
//! PostgreSQL databases are leased, not created: `CREATE DATABASE` and `DROP DATABASE` cost
//! seconds each (the drop waits for a checkpoint), emptying a leased one a few milliseconds.
//! They are named `pd_test_<migrations>_<slot>`: `<migrations>` is a digest of the store's
//! PostgreSQL migrations, so a branch with other migrations never gets a database migrated by
//! another, and `<slot>` is held with a session advisory lock for as long as the scenario runs
//! (released when its connection closes, even if the test process dies). They stay on the server
//! between runs; `DROP DATABASE` them by name to reclaim the space.

pub mod records;

use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use uuid::Uuid;

/// The environment variable naming the PostgreSQL server the `postgres` variants use.
pub const POSTGRES_ENV: &str = "PROMPTDECK_TEST_POSTGRES";

/// How many PostgreSQL databases one set of migrations may have leased at once.
pub const POSTGRES_SLOTS: u32 = 64;

/// Runs one scenario (`async fn name(backend: Backend)`) on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await;
                }

                #[tokio::test]
                async fn postgres() {
                    if !$crate::postgres_enabled(concat!(module_path!(), "::postgres")) {
                        return;
                    }
                    super::$name($crate::Backend::Postgres).await;
                }
            }
        )+
    };
}

/// Runs scenarios that no difference between the databases can reach (headers, request
/// checks, in-memory limits, the compiler, the OpenAPI document) once, on SQLite.
#[macro_export]
macro_rules! sqlite_only {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await;
                }
            }
        )+
    };
}

/// The database a scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file in a temporary directory.
    Sqlite,
    /// An emptied database on the server named by `PROMPTDECK_TEST_POSTGRES`.
    Postgres,
}

/// Whether the PostgreSQL variant can run. Without `PROMPTDECK_TEST_POSTGRES` it says so and
/// answers false, unless `CI` is set: CI must run PostgreSQL.
pub fn postgres_enabled(test: &str) -> bool {
    if std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty()) {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
        #[allow(clippy::panic)]
        {
            panic!("{test}: {POSTGRES_ENV} is not set, but CI must run the PostgreSQL variant");
        }
    }
    println!("{test}: did not run on PostgreSQL ({POSTGRES_ENV} is not set)");
    false
}

/// Why a test database could not be had.
#[derive(Debug)]
pub struct TestDbError(pub String);

impl std::fmt::Display for TestDbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TestDbError {}

/// A database for one scenario: a SQLite file removed on drop, or a leased PostgreSQL database
/// given back on drop.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    place: Place,
}

#[derive(Debug)]
enum Place {
    Sqlite {
        dir: std::path::PathBuf,
    },
    /// The connection holding the slot's advisory lock: closing it gives the database back.
    Postgres {
        _lease: PgConnection,
    },
}

impl TestDatabase {
    /// An empty database of `backend` (the store migrates it when it connects).
    pub async fn create(backend: Backend) -> Result<TestDatabase, TestDbError> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("promptdeck-test-{}", Uuid::new_v4().simple()));
                std::fs::create_dir_all(&dir)
                    .map_err(|e| TestDbError(format!("create {}: {e}", dir.display())))?;
                let url = format!("sqlite://{}/db.sqlite", dir.display());
                Ok(TestDatabase { url, place: Place::Sqlite { dir } })
            }
            Backend::Postgres => lease_postgres().await,
        }
    }

    /// The database's URL (`sqlite://…` or `postgres://…`).
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Place::Sqlite { dir } = &self.place {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Leases a free slot's database: creates it the first time, empties it otherwise.
async fn lease_postgres() -> Result<TestDatabase, TestDbError> {
    let admin_url =
        std::env::var(POSTGRES_ENV).map_err(|_| TestDbError(format!("{POSTGRES_ENV} is not set")))?;
    let failed = |what: &str, e: sqlx::Error| TestDbError(format!("{what} on {admin_url}: {e}"));
    let mut lease = PgConnection::connect(&admin_url).await.map_err(|e| failed("connect", e))?;
    let generation = migrations_digest()?;
    for slot in 0..POSTGRES_SLOTS {
        let name = format!("pd_test_{generation}_{slot}");
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
            .bind(&name)
            .fetch_one(&mut lease)
            .await
            .map_err(|e| failed("lock a test database", e))?;
        if !locked {
            continue;
        }
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut lease)
            .await
            .map_err(|e| failed("look for a test database", e))?;
        let url = with_database_name(&admin_url, &name);
        if exists {
            empty(&url).await?;
        } else {
            sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut lease)
                .await
                .map_err(|e| failed(&format!("create database {name}"), e))?;
        }
        return Ok(TestDatabase { url, place: Place::Postgres { _lease: lease } });
    }
    Err(TestDbError(format!("all {POSTGRES_SLOTS} test databases of these migrations are in use")))
}

/// Deletes every row of every table but the migrations' record (as the server's superuser,
/// so row-level security does not apply).
async fn empty(url: &str) -> Result<(), TestDbError> {
    let mut conn =
        PgConnection::connect(url).await.map_err(|e| TestDbError(format!("connect to {url}: {e}")))?;
    sqlx::raw_sql(
        "DO $$ DECLARE tables text; BEGIN \
           SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO tables FROM pg_tables \
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> '_sqlx_migrations'; \
           IF tables IS NOT NULL THEN EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY CASCADE'; END IF; \
         END $$",
    )
    .execute(&mut conn)
    .await
    .map_err(|e| TestDbError(format!("empty {url}: {e}")))?;
    let _ = conn.close().await;
    Ok(())
}

/// The first 12 hex digits of a digest of the store's PostgreSQL migrations (names and texts).
fn migrations_digest() -> Result<String, TestDbError> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/postgres");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| TestDbError(format!("read {}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    files.sort();
    let mut digest = Sha256::new();
    for file in files {
        let text = std::fs::read(&file).map_err(|e| TestDbError(format!("read {}: {e}", file.display())))?;
        digest.update(file.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default());
        digest.update(&text);
    }
    Ok(hex::encode(digest.finalize())[..12].to_owned())
}

/// `postgres://u@h:p/test?x=y` with its database name replaced.
pub fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let prefix = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(with_database_name("postgres://u@h:5432/test", "pd_x"), "postgres://u@h:5432/pd_x");
        assert_eq!(
            with_database_name("postgres://u@h/test?sslmode=disable", "pd_x"),
            "postgres://u@h/pd_x?sslmode=disable"
        );
        assert_eq!(with_database_name("postgres://u@h", "pd_x"), "postgres://u@h/pd_x");
    }
}

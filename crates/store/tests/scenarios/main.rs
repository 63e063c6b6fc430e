//! Store scenarios on SQLite and on PostgreSQL (row-level security on), without HTTP: the
//! store's SQL, triggers, constraints and transactions are where the two databases differ, so
//! the cases that depend on them are covered here on both, and the API suite need not repeat
//! each of them on both. One test binary, so it links once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod helpers;
mod prompts;
mod runs;
mod task_finishes;
mod task_flushes;
mod task_indexes;
mod task_starts;
mod uis;
mod usage;
mod users;

//! One storage API over SQLite (the embedded default) and PostgreSQL (production), with sqlx and
//! one migrations folder per database. The backend is picked once from the URL; every operation
//! runs the same SQL on either pool inside a transaction that knows the calling user.

mod budgets;
mod embeds;
mod error;
mod modules;
mod nodes;
mod pool;
mod prompts;
mod provider_keys;
mod quarantine;
mod rows;
mod runs;
mod share_links;
mod task_finishes;
mod task_flushes;
mod task_starts;
mod tasks;
mod templates;
mod ui_state;
mod uis;
mod usage;
mod usage_report;
mod users;

pub use budgets::{ChargeRules, Spending};
pub use embeds::{EmbedRecord, EmbedSpec};
pub use error::StoreError;
pub use nodes::{DeadTask, Reaped};
pub use pool::Store;
pub use provider_keys::SealedKey;
pub use runs::RunFilter;
pub use task_finishes::{TaskFinish, TaskFinished};
pub use task_flushes::TaskFlush;
pub use tasks::{TaskCharge, TaskProgress, TaskReplay, TaskRun, TaskStart};
pub use templates::TemplateSeed;
pub use uis::{UiFilter, UiScope, UiSort};
pub use usage_report::UsageScope;
pub use users::{SessionInfo, TokenOwner, User};

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

// SQL text in this crate is assembled only from constants defined here (never from user
// input, which is always bound as a parameter), hence the `AssertSqlSafe` wrappers.

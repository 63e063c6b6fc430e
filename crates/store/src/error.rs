//! The store's one error type.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported database.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// A unique constraint refused the row.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A referenced row does not exist.
    #[error("{0} was not found")]
    NotFound(&'static str),
    /// A value breaks a domain rule (a negative figure, say); names the field.
    #[error("{0}")]
    Invalid(promptdeck_core::CoreError),
    /// A text holds a character the databases cannot store (NUL); names where.
    #[error("{0}")]
    InvalidText(promptdeck_core::UnstorableText),
    /// Appending would take a run past its caps (messages or bytes): start a new run.
    #[error("{0}")]
    RunTooLarge(promptdeck_core::RunTooLarge),
    /// A per-owner cap is reached (say, share links per UI); names the cap.
    #[error("{0}")]
    CapReached(String),
    /// A stored value does not parse back into its domain type.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Applying migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database is not answering (connection refused or lost, no connection free in time):
    /// the caller may try again later, and a health check says so.
    #[error("the database is not answering: {0}")]
    Unavailable(sqlx::Error),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.is_unique_violation() {
                return StoreError::Conflict(unique_subject(db.message()));
            }
            if db.is_foreign_key_violation() {
                return StoreError::NotFound("referenced row");
            }
        }
        if matches!(err, sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed) {
            return StoreError::Unavailable(err);
        }
        StoreError::Database(err)
    }
}

impl From<promptdeck_core::CoreError> for StoreError {
    fn from(err: promptdeck_core::CoreError) -> Self {
        StoreError::Corrupt(err.to_string())
    }
}

/// Names what a unique violation was about, from the database's message.
fn unique_subject(message: &str) -> &'static str {
    if message.contains("email") {
        "a user with this email"
    } else if message.contains("task_id") {
        "a task with this task_id"
    } else {
        "a row with this key"
    }
}

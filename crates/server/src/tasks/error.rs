//! Why a task could not start (answered in the ack) or failed (sent as an `error` event), with
//! the stable codes of docs/protocol.md.

use promptdeck_store::StoreError;
use serde_json::{Value, json};

/// A task-level error with its protocol code.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct TaskError {
    /// Stable code, e.g. `invalid_request`.
    pub code: &'static str,
    /// For a person.
    pub message: String,
    /// For `rate_limited`: seconds until a start can succeed.
    pub retry_after_secs: Option<u64>,
}

impl TaskError {
    /// An error with a code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        TaskError { code, message: message.into(), retry_after_secs: None }
    }

    /// The same error, saying when to retry.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// `{"code","message"}` (and `retry_after_secs` when set), as acks and `error` events carry it.
    pub fn to_json(&self) -> Value {
        let mut json = json!({ "code": self.code, "message": self.message });
        if let Some(secs) = self.retry_after_secs {
            json["retry_after_secs"] = json!(secs);
        }
        json
    }

    /// The refusal of a task id that is taken (by any user).
    pub fn duplicate_task() -> Self {
        TaskError::new("duplicate_task", "this taskId was used before")
    }
}

impl From<StoreError> for TaskError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) if what.contains("task_id") => TaskError::duplicate_task(),
            StoreError::NotFound(what) => TaskError::new("not_found", format!("{what} was not found")),
            StoreError::RunTooLarge(why) => TaskError::new("run_too_large", why.to_string()),
            StoreError::InvalidText(why) => TaskError::new("invalid_text", why.to_string()),
            StoreError::Invalid(why) => TaskError::new("invalid_request", why.to_string()),
            other => {
                tracing::error!(error = %other, "store error while handling a task");
                TaskError::new("internal", "internal server error")
            }
        }
    }
}

impl From<promptdeck_llm::LlmError> for TaskError {
    fn from(err: promptdeck_llm::LlmError) -> Self {
        TaskError::new(err.code(), err.to_string())
    }
}

impl From<promptdeck_core::UnstorableText> for TaskError {
    fn from(err: promptdeck_core::UnstorableText) -> Self {
        TaskError::new("invalid_text", format!("taskData.{err}"))
    }
}

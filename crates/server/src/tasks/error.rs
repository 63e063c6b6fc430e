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
}

impl TaskError {
    /// An error with a code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        TaskError { code, message: message.into() }
    }

    /// `{"code","message"}`, as acks and `error` events carry it.
    pub fn to_json(&self) -> Value {
        json!({ "code": self.code, "message": self.message })
    }
}

impl From<StoreError> for TaskError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) if what.contains("task_id") => {
                TaskError::new("duplicate_task", "this taskId was used before")
            }
            StoreError::NotFound(what) => TaskError::new("not_found", format!("{what} was not found")),
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

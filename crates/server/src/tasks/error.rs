//! Why a task could not start (answered in the ack) or failed (sent as an `error` event), with
//! the stable codes of docs/protocol.md ([`TaskErrorCode`]).

use promptdeck_core::protocol::{TaskErrorBody, TaskErrorCode};
use promptdeck_llm::LlmError;
use promptdeck_store::StoreError;

/// A task-level error with its protocol code.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct TaskError {
    /// Stable code, e.g. `invalid_request`.
    pub code: TaskErrorCode,
    /// For a person.
    pub message: String,
    /// For `rate_limited` and `quota_exceeded`: seconds until a start can succeed.
    pub retry_after_secs: Option<u64>,
    /// For `quota_exceeded`: when the budget resets.
    pub resets_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TaskError {
    /// An error with a code and message.
    pub fn new(code: TaskErrorCode, message: impl Into<String>) -> Self {
        TaskError { code, message: message.into(), retry_after_secs: None, resets_at: None }
    }

    /// The same error, saying when to retry.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// The same error, saying when the budget it ran into resets (and so when to retry).
    pub fn with_reset(
        mut self,
        at: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        let secs = (at - now).num_seconds().max(1);
        self.retry_after_secs = Some(u64::try_from(secs).unwrap_or(1));
        self.resets_at = Some(at);
        self
    }

    /// `{"code","message"}` (and `retry_after_secs` when set), as acks and `error` events carry it.
    pub fn body(&self) -> TaskErrorBody {
        TaskErrorBody {
            code: self.code,
            message: self.message.clone(),
            retry_after_secs: self.retry_after_secs,
            resets_at: self.resets_at,
        }
    }

    /// `invalid_request` with a message.
    pub fn invalid(message: impl Into<String>) -> Self {
        TaskError::new(TaskErrorCode::InvalidRequest, message)
    }

    /// `not_found` for `what`.
    pub fn not_found(what: &str) -> Self {
        TaskError::new(TaskErrorCode::NotFound, format!("{what} was not found"))
    }
}

impl From<StoreError> for TaskError {
    fn from(err: StoreError) -> Self {
        match err {
            // The one place a taken task id (of any user) is decided: the store's unique key.
            StoreError::Conflict(what) if what.contains("task_id") => {
                TaskError::new(TaskErrorCode::DuplicateTask, "this taskId was used before")
            }
            StoreError::NotFound(what) => TaskError::not_found(what),
            StoreError::RunTooLarge(why) => TaskError::new(TaskErrorCode::RunTooLarge, why.to_string()),
            StoreError::InvalidText(why) => TaskError::new(TaskErrorCode::InvalidText, why.to_string()),
            StoreError::Invalid(why) => TaskError::invalid(why.to_string()),
            StoreError::Unavailable(why) => {
                tracing::warn!(error = %why, "the database is not answering; a task is refused");
                TaskError::new(TaskErrorCode::Unavailable, "the database is not answering; try again shortly")
            }
            other => {
                tracing::error!(error = %other, "store error while handling a task");
                TaskError::new(TaskErrorCode::Internal, "internal server error")
            }
        }
    }
}

/// A REST rule's refusal met while starting a task (an embed's viewer whose embed opens nothing
/// now, say): gone and missing things are `not_found` with the sentence, a database away is
/// `unavailable`, the rest `internal` (logged).
impl From<crate::error::ApiError> for TaskError {
    fn from(err: crate::error::ApiError) -> Self {
        use crate::error::ApiError;
        match err {
            ApiError::Gone(why) | ApiError::Forbidden(why) => TaskError::new(TaskErrorCode::NotFound, why),
            ApiError::NotFound(what) => TaskError::not_found(what),
            ApiError::Unavailable(_) => {
                TaskError::new(TaskErrorCode::Unavailable, "the database is not answering; try again shortly")
            }
            other => {
                tracing::error!(error = %other, "a task start met an unexpected error");
                TaskError::new(TaskErrorCode::Internal, "the task could not be started")
            }
        }
    }
}

impl From<LlmError> for TaskError {
    fn from(err: LlmError) -> Self {
        let code = match &err {
            LlmError::UpstreamStatus { .. } => TaskErrorCode::UpstreamStatus,
            LlmError::UpstreamError { .. } => TaskErrorCode::UpstreamError,
            LlmError::UpstreamConnection { .. } => TaskErrorCode::UpstreamConnection,
            LlmError::UpstreamTimeout { .. } => TaskErrorCode::UpstreamTimeout,
            LlmError::UpstreamMalformed { .. } => TaskErrorCode::UpstreamMalformed,
            LlmError::UpstreamIncomplete { .. } => TaskErrorCode::UpstreamIncomplete,
            LlmError::UnknownModel { .. } => TaskErrorCode::UnknownModel,
            LlmError::ProviderConfig(_) => TaskErrorCode::ProviderConfig,
            LlmError::InvalidRequest(_) => TaskErrorCode::InvalidRequest,
        };
        TaskError::new(code, err.to_string())
    }
}

impl From<promptdeck_core::UnstorableText> for TaskError {
    fn from(err: promptdeck_core::UnstorableText) -> Self {
        TaskError::new(TaskErrorCode::InvalidText, format!("taskData.{err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_keep_the_providers_codes() {
        for make in [|| LlmError::InvalidRequest("x".into()), || LlmError::ProviderConfig("x".into())] {
            let code = serde_json::to_value(TaskError::from(make()).code).unwrap();
            assert_eq!(code, make().code());
        }
    }
}

//! The one error type of the crate, with a stable `code()` per variant so the server can map it
//! to HTTP statuses and socket `error` events, and users can search for it.

use std::time::Duration;

/// Which wait ran out when a provider timed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    /// Opening the TCP/TLS connection took too long.
    Connect,
    /// Nothing arrived from the provider for longer than its idle timeout (before the response
    /// headers or between stream events).
    Idle,
    /// The whole request took longer than its overall timeout.
    Request,
}

impl TimeoutPhase {
    /// A short word for messages and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeoutPhase::Connect => "connect",
            TimeoutPhase::Idle => "idle",
            TimeoutPhase::Request => "request",
        }
    }
}

/// Everything that can go wrong while configuring a model or streaming an answer.
///
/// The `Display` text is written for a person; [`LlmError::code`] is for programs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    /// The provider answered with an HTTP error status.
    #[error("{provider} answered HTTP {status}: {message}")]
    UpstreamStatus {
        /// The configured provider name.
        provider: String,
        /// The HTTP status code.
        status: u16,
        /// The provider's own message (`error.message` of its JSON body when present).
        message: String,
    },
    /// The provider reported an error inside the stream (an `error` event or object).
    #[error("{provider} reported an error{}: {message}", kind.as_deref().map(|k| format!(" ({k})")).unwrap_or_default())]
    UpstreamError {
        /// The configured provider name.
        provider: String,
        /// The provider's error type, such as `overloaded_error`, when it gives one.
        kind: Option<String>,
        /// The provider's message.
        message: String,
    },
    /// The connection could not be opened or dropped before the answer was complete.
    #[error("connection to {provider} failed: {message}")]
    UpstreamConnection {
        /// The configured provider name.
        provider: String,
        /// What the HTTP client saw.
        message: String,
    },
    /// The provider did not answer in time.
    #[error("{provider} timed out ({} timeout of {} ms)", phase.as_str(), after.as_millis())]
    UpstreamTimeout {
        /// The configured provider name.
        provider: String,
        /// Which wait ran out.
        phase: TimeoutPhase,
        /// The configured limit.
        after: Duration,
    },
    /// The provider sent something that is not the expected wire format.
    #[error("{provider} sent a malformed stream: {message}")]
    UpstreamMalformed {
        /// The configured provider name.
        provider: String,
        /// What was wrong.
        message: String,
    },
    /// The provider's stream ended cleanly but before its end marker.
    #[error("{provider} ended the stream before {terminator}")]
    UpstreamIncomplete {
        /// The configured provider name.
        provider: String,
        /// The end marker that never came (`[DONE]`, `message_stop`).
        terminator: &'static str,
    },
    /// No model with this id is configured.
    #[error("unknown model `{model_id}`; configured models: {known}")]
    UnknownModel {
        /// The id asked for.
        model_id: String,
        /// The configured ids, comma separated.
        known: String,
    },
    /// The model catalogue or a provider's settings are wrong.
    #[error("model configuration: {0}")]
    ProviderConfig(String),
    /// The request itself is wrong (missing `model_id`, bad message role, bad setting value).
    #[error("{0}")]
    InvalidRequest(String),
}

impl LlmError {
    /// A stable, searchable code for this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            LlmError::UpstreamStatus { .. } => "upstream_status",
            LlmError::UpstreamError { .. } => "upstream_error",
            LlmError::UpstreamConnection { .. } => "upstream_connection",
            LlmError::UpstreamTimeout { .. } => "upstream_timeout",
            LlmError::UpstreamMalformed { .. } => "upstream_malformed",
            LlmError::UpstreamIncomplete { .. } => "upstream_incomplete",
            LlmError::UnknownModel { .. } => "unknown_model",
            LlmError::ProviderConfig(_) => "provider_config",
            LlmError::InvalidRequest(_) => "invalid_request",
        }
    }

    /// Whether the caller's input caused the error (as opposed to the provider or the
    /// configuration), so the server can answer 4xx rather than 5xx.
    pub fn is_caller_error(&self) -> bool {
        matches!(self, LlmError::UnknownModel { .. } | LlmError::InvalidRequest(_))
    }

    /// Shorthand for [`LlmError::InvalidRequest`].
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        LlmError::InvalidRequest(message.into())
    }

    /// Shorthand for [`LlmError::ProviderConfig`].
    pub(crate) fn config(message: impl Into<String>) -> Self {
        LlmError::ProviderConfig(message.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_code_and_a_readable_message() {
        let e =
            LlmError::UpstreamStatus { provider: "openai".into(), status: 429, message: "slow down".into() };
        assert_eq!(e.code(), "upstream_status");
        assert_eq!(e.to_string(), "openai answered HTTP 429: slow down");
        let e = LlmError::UpstreamTimeout {
            provider: "x".into(),
            phase: TimeoutPhase::Idle,
            after: Duration::from_millis(200),
        };
        assert_eq!(e.to_string(), "x timed out (idle timeout of 200 ms)");
        let e = LlmError::UpstreamError {
            provider: "a".into(),
            kind: Some("overloaded_error".into()),
            message: "Overloaded".into(),
        };
        assert_eq!(e.to_string(), "a reported an error (overloaded_error): Overloaded");
        assert!(LlmError::invalid("x").is_caller_error());
    }
}

//! The server's one error type and the one place it becomes an HTTP answer:
//! `{"error":{"code","message"}}` with a stable `code` users can search for.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use promptdeck_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON, or not JSON of the declared content type.
    #[error("{0}")]
    InvalidJson(String),
    /// The JSON is well formed but a field is missing, of the wrong type or out of range.
    #[error("{0}")]
    Validation(String),
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// The caller may see the thing but not change it.
    #[error("{0}")]
    Forbidden(String),
    /// Missing, or not visible to the caller.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Clashes with something that exists.
    #[error("{0}")]
    Conflict(String),
    /// Existed, and is no more (a revoked link, an unpublished version); says which.
    #[error("{0}")]
    Gone(String),
    /// A text holds a character the databases cannot store (NUL); names where.
    #[error("{0}")]
    InvalidText(String),
    /// A run is full (`--max-run-messages`, `--max-run-bytes`): start a new one.
    #[error("{0}")]
    RunTooLarge(String),
    /// Too many requests of this kind from this client or for this account; retry after the
    /// given number of seconds.
    #[error("{message}")]
    RateLimited {
        /// For a person.
        message: String,
        /// Seconds until a retry can succeed, sent as `Retry-After`.
        retry_after_secs: u64,
    },
    /// The body is over the configured limit.
    #[error("request body is larger than the server's limit (--max-body-bytes)")]
    PayloadTooLarge,
    /// The client took longer than the server allows to send the body.
    #[error("the request body took too long to arrive (--http-body-timeout-secs)")]
    RequestTimeout,
    /// A custom UI failed its checks; carries the issues found.
    #[error("{message}")]
    Invalid {
        /// Summary.
        message: String,
        /// Details, returned under `error.details`.
        details: serde_json::Value,
    },
    /// The database is not answering; a retry later (or on another node) may succeed. Logged
    /// with its cause, answered 503 without it.
    #[error("the database is not answering; try again shortly")]
    Unavailable(String),
    /// A bug; logged, never leaked.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema, ts_rs::TS)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema, ts_rs::TS)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation_failed`.
    pub code: &'static str,
    /// For a person.
    pub message: String,
    /// Extra structured detail (validation issues), when there is any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// The HTTP status and stable code of this error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::InvalidJson(_) => (StatusCode::BAD_REQUEST, "invalid_json"),
            ApiError::Validation(_) | ApiError::Invalid { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            }
            ApiError::InvalidText(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_text"),
            ApiError::RunTooLarge(_) => (StatusCode::UNPROCESSABLE_ENTITY, "run_too_large"),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::Gone(_) => (StatusCode::GONE, "gone"),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let retry_after = match &self {
            ApiError::RateLimited { retry_after_secs, .. } => Some(retry_after_secs.max(&1).to_string()),
            _ => None,
        };
        let (message, details) = match self {
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ("internal server error".to_owned(), None)
            }
            ApiError::Unavailable(detail) => {
                tracing::warn!(%detail, "the database is not answering");
                (ApiError::Unavailable(String::new()).to_string(), None)
            }
            ApiError::Invalid { message, details } => (message, Some(details)),
            other => (other.to_string(), None),
        };
        let mut response =
            (status, axum::Json(ErrorBody { error: ErrorDetail { code, message, details } })).into_response();
        if let Some(secs) = retry_after
            && let Ok(value) = axum::http::HeaderValue::from_str(&secs)
        {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => ApiError::Conflict(format!("{what} already exists")),
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::CapReached(cap) => ApiError::Conflict(cap),
            StoreError::Invalid(e) => ApiError::Validation(e.to_string()),
            StoreError::InvalidText(e) => ApiError::InvalidText(e.to_string()),
            StoreError::RunTooLarge(e) => ApiError::RunTooLarge(e.to_string()),
            StoreError::Unavailable(e) => ApiError::Unavailable(e.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<promptdeck_core::UnstorableText> for ApiError {
    fn from(err: promptdeck_core::UnstorableText) -> Self {
        ApiError::InvalidText(err.to_string())
    }
}

impl From<promptdeck_core::CoreError> for ApiError {
    fn from(err: promptdeck_core::CoreError) -> Self {
        ApiError::Validation(err.to_string())
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

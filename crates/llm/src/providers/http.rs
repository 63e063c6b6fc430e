//! HTTP plumbing shared by the remote providers: settings, client construction, sending a
//! streaming request under the timeouts, and turning error answers into [`LlmError`]s.

use std::error::Error as _;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::{LlmError, TimeoutPhase};

/// Longest upstream error text kept in an error message.
const MAX_ERROR_TEXT: usize = 1_000;

/// Where a remote provider lives and how long to wait for it.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpSettings {
    /// Base URL: for OpenAI-compatible servers the part before `/chat/completions` (such as
    /// `https://api.openai.com/v1`), for Anthropic the part before `/v1/messages`.
    pub base_url: String,
    /// The API key, when the server wants one.
    pub api_key: Option<String>,
    /// Most time to open a connection.
    pub connect_timeout: Duration,
    /// Most time without any bytes from the provider, before the response headers and between
    /// stream events; a stalled stream fails with [`TimeoutPhase::Idle`].
    pub idle_timeout: Duration,
    /// Most time for a whole answer, if limited.
    pub request_timeout: Option<Duration>,
}

impl HttpSettings {
    /// Default connect timeout.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default idle timeout; long enough for a slow first token of a large model.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(120);

    /// Settings with the default timeouts.
    pub fn new(base_url: impl Into<String>, api_key: Option<String>) -> Self {
        HttpSettings {
            base_url: base_url.into(),
            api_key,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            request_timeout: None,
        }
    }

    /// `base_url` with `path` appended, without doubling the slash.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), path)
    }
}

/// A configured HTTP client for one provider.
#[derive(Debug, Clone)]
pub(crate) struct Upstream {
    pub(crate) name: String,
    pub(crate) settings: HttpSettings,
    client: reqwest::Client,
}

impl Upstream {
    /// The key header value for `req`: the request's own key (its payer's) before the configured
    /// one, formatted by `format` (`Bearer {key}` or the bare key); `None` without a key.
    pub(crate) fn key_header(
        &self,
        req: &crate::ChatRequest,
        format: impl FnOnce(&str) -> String,
    ) -> Result<Option<reqwest::header::HeaderValue>, LlmError> {
        let key = req.api_key.as_ref().map(crate::RequestKey::expose).or(self.settings.api_key.as_deref());
        let Some(key) = key.filter(|k| !k.is_empty()) else { return Ok(None) };
        reqwest::header::HeaderValue::from_str(&format(key)).map(Some).map_err(|_| {
            LlmError::config(format!("provider `{}`: the API key is not a valid header", self.name))
        })
    }

    /// Builds the client. Installs rustls' ring crypto provider as the process default when no
    /// other was installed, since reqwest is built without one.
    pub(crate) fn new(name: &str, settings: HttpSettings) -> Result<Self, LlmError> {
        if reqwest::Url::parse(&settings.base_url).is_err() {
            return Err(LlmError::config(format!(
                "provider `{name}`: base_url `{}` is not a URL",
                settings.base_url
            )));
        }
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Losing the race to another thread installing one is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .user_agent(concat!("promptdeck/", env!("CARGO_PKG_VERSION")));
        if let Some(total) = settings.request_timeout {
            builder = builder.timeout(total);
        }
        let client = builder
            .build()
            .map_err(|e| LlmError::config(format!("provider `{name}`: cannot build HTTP client: {e}")))?;
        Ok(Upstream { name: name.to_owned(), settings, client })
    }

    /// POSTs a JSON body and waits (at most the idle timeout) for a successful response whose
    /// body is then the event stream.
    pub(crate) async fn post_stream(
        &self,
        path: &str,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<reqwest::Response, LlmError> {
        let request = self
            .client
            .post(self.settings.url(path))
            .headers(headers)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .body(body)
            .send();
        let idle = self.settings.idle_timeout;
        let response = tokio::time::timeout(idle, request)
            .await
            .map_err(|_| self.timeout(TimeoutPhase::Idle))?
            .map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let text =
            tokio::time::timeout(idle, response.text()).await.ok().and_then(Result::ok).unwrap_or_default();
        Err(LlmError::UpstreamStatus {
            provider: self.name.clone(),
            status: status.as_u16(),
            message: error_message(&text, status.canonical_reason().unwrap_or("error")),
        })
    }

    /// An error for a wait that ran out.
    pub(crate) fn timeout(&self, phase: TimeoutPhase) -> LlmError {
        let after = match phase {
            TimeoutPhase::Connect => self.settings.connect_timeout,
            TimeoutPhase::Idle => self.settings.idle_timeout,
            TimeoutPhase::Request => self.settings.request_timeout.unwrap_or_default(),
        };
        LlmError::UpstreamTimeout { provider: self.name.clone(), phase, after }
    }

    /// Maps a reqwest failure (sending or reading the body) to our error.
    pub(crate) fn transport_error(&self, e: &reqwest::Error) -> LlmError {
        if e.is_timeout() {
            return self.timeout(if e.is_connect() { TimeoutPhase::Connect } else { TimeoutPhase::Request });
        }
        let mut message = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        LlmError::UpstreamConnection { provider: self.name.clone(), message }
    }
}

/// The person-readable message of an error body: `error.message` (OpenAI and Anthropic),
/// `error` as a string, or `message`; otherwise the text itself, shortened.
pub(crate) fn error_message(body: &str, fallback: &str) -> String {
    if let Ok(json) = serde_json::from_str::<Value>(body) {
        let found = json
            .pointer("/error/message")
            .or_else(|| json.get("error").filter(|e| e.is_string()))
            .or_else(|| json.get("message"))
            .and_then(Value::as_str);
        if let Some(m) = found {
            return m.to_owned();
        }
    }
    let text = body.trim();
    if text.is_empty() {
        return fallback.to_owned();
    }
    match text.char_indices().nth(MAX_ERROR_TEXT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_come_from_the_json_body_when_there_is_one() {
        assert_eq!(error_message(r#"{"error":{"message":"bad key","type":"auth"}}"#, "x"), "bad key");
        assert_eq!(error_message(r#"{"error":"model not found"}"#, "x"), "model not found");
        assert_eq!(error_message("upstream exploded\n", "x"), "upstream exploded");
        assert_eq!(error_message("", "Too Many Requests"), "Too Many Requests");
        assert!(error_message(&"y".repeat(5000), "x").chars().count() <= MAX_ERROR_TEXT + 1);
    }

    #[test]
    fn urls_join_without_double_slashes() {
        let s = HttpSettings::new("http://h/v1/", None);
        assert_eq!(s.url("/chat/completions"), "http://h/v1/chat/completions");
    }
}

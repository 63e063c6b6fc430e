//! The one streaming trait every model provider implements.

use async_trait::async_trait;

use crate::{ChatRequest, ChatStream, LlmError};

/// A configured source of model answers (echo, an OpenAI-compatible server, Anthropic).
///
/// The server only ever sees this trait, so a provider can be swapped, faked or added without
/// touching the task runner.
#[async_trait]
pub trait Provider: Send + Sync {
    /// The configured provider name (`echo`, `openai`, `anthropic`, or a name from the TOML file).
    fn name(&self) -> &str;

    /// Starts streaming an answer. Errors before the first event (bad status, refused
    /// connection) come back here; later ones as `Err` items of the stream.
    async fn stream(&self, req: ChatRequest) -> Result<ChatStream, LlmError>;
}

//! The provider-neutral request and stream event types every provider speaks.

use std::pin::Pin;

use futures::Stream;
use promptdeck_core::MessageRole;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::LlmError;

/// One message of the conversation sent to a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Who speaks.
    pub role: MessageRole,
    /// The text.
    pub content: String,
}

impl ChatMessage {
    /// A message from the given role.
    pub fn new(role: MessageRole, content: impl Into<String>) -> Self {
        ChatMessage { role, content: content.into() }
    }
}

/// What a provider needs to stream one answer, independent of any wire format.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatRequest {
    /// The provider's own model name (the catalogue's `upstream`, not promptdeck's model id).
    pub model: String,
    /// The conversation, oldest first.
    pub messages: Vec<ChatMessage>,
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Most tokens to generate.
    pub max_tokens: Option<u32>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// Top-k sampling (Anthropic, vLLM, llama.cpp; OpenAI itself rejects it).
    pub top_k: Option<u32>,
    /// Tool definitions (OpenAI's `[{type:"function", function:{...}}]` shape; the Anthropic
    /// provider converts them).
    pub tools: Option<Value>,
    /// Every other setting, such as `echo_repeat`, `seed`, `stop` or `tool_choice`; each provider
    /// takes the ones it understands.
    pub extra: Map<String, Value>,
    /// The most answer text, in bytes, the caller will take (the server's answer-size cap). The
    /// caller cuts the stream there and drops it; a provider that can stop generating sooner
    /// does (echo produces at most one character more, so the caller sees the answer go over).
    pub max_answer_bytes: Option<usize>,
    /// The payer's own API key for this provider, used instead of the configured one.
    pub api_key: Option<RequestKey>,
}

/// An API key that comes with one request (a user's own key for a provider), used instead of
/// the provider's configured key. It exists so that a key never reaches a log: its `Debug`
/// shows only that there is one.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestKey(String);

impl RequestKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        RequestKey(key.into())
    }

    /// The key itself, for the request's header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RequestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestKey(redacted)")
    }
}

/// One event of a streamed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// A piece of the answer's text.
    Text(String),
    /// A piece of a tool call, in OpenAI's `tool_calls` delta shape:
    /// `{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a"}}`,
    /// where later pieces of the same `index` carry only `arguments` fragments.
    ToolUpdate(Value),
    /// Tokens counted by the provider; sent once, near the end, when the provider reports it.
    Usage {
        /// Prompt tokens.
        input: i64,
        /// Generated tokens.
        output: i64,
    },
    /// The answer is complete; always the last event of a successful stream.
    Done {
        /// Why the model stopped (`stop`, `length`, `tool_calls`, `end_turn`, ...).
        finish_reason: Option<String>,
    },
}

/// A streamed answer. Dropping it aborts the upstream request, which is how a task is cancelled.
/// After an `Err` item the stream ends.
pub type ChatStream = Pin<Box<dyn Stream<Item = Result<StreamEvent, LlmError>> + Send>>;

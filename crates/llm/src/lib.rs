//! promptdeck's model providers behind one streaming trait ([`Provider`]): the built-in `echo`
//! model, OpenAI-compatible servers and Anthropic; and the model catalogue ([`Catalogue`]) that
//! maps a client's `model_id` to a provider, an upstream model name and prices.
//!
//! The server's path is: [`ChatRequest::from_chat_config`] (or [`ChatRequest::from_settings`]) →
//! [`Catalogue::stream`] → read [`StreamEvent`]s until `Done` or an error; drop the stream to
//! cancel. Errors are one [`LlmError`] with a stable [`LlmError::code`].

pub mod catalogue;
mod chat_config;
mod error;
mod provider;
pub mod providers;
mod types;

pub use catalogue::{Catalogue, ModelEntry};
pub use error::{LlmError, TimeoutPhase};
pub use provider::Provider;
pub use providers::HttpSettings;
pub use providers::anthropic::AnthropicProvider;
pub use providers::echo::EchoProvider;
pub use providers::openai::OpenAiProvider;
pub use types::{ChatMessage, ChatRequest, ChatStream, RequestKey, StreamEvent};

//! OpenAI-compatible chat completions with SSE streaming (`POST {base}/chat/completions`), as
//! spoken by OpenAI, Ollama, vLLM, the llama.cpp server and OpenRouter.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;

use async_trait::async_trait;
use eventsource_stream::Event;
use reqwest::header::{AUTHORIZATION, HeaderMap};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::{Map, Value, json};

use super::http::{HttpSettings, Upstream};
use super::sse_stream::{WireProtocol, chat_stream};
use crate::{ChatRequest, ChatStream, LlmError, Provider, StreamEvent};

/// Settings from `ChatRequest::extra` passed through to the request body when present.
const PASSED_THROUGH: &[&str] = &[
    "seed",
    "stop",
    "frequency_penalty",
    "presence_penalty",
    "response_format",
    "reasoning_effort",
    "verbosity",
    "logit_bias",
    "user",
    "min_p",
    "repetition_penalty",
];

/// Settings only sent together with tools (OpenAI refuses them otherwise).
const WITH_TOOLS: &[&str] = &["tool_choice", "parallel_tool_calls"];

/// An OpenAI-compatible server.
#[derive(Debug, Clone)]
pub struct OpenAiProvider {
    upstream: Upstream,
    max_tokens_field: &'static str,
}

impl OpenAiProvider {
    /// A provider called `name` talking to `settings.base_url` (for example
    /// `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`).
    pub fn new(name: &str, settings: HttpSettings) -> Result<Self, LlmError> {
        Ok(OpenAiProvider { upstream: Upstream::new(name, settings)?, max_tokens_field: "max_tokens" })
    }

    /// Sends the token limit as `max_completion_tokens`, which OpenAI's newer models require
    /// instead of `max_tokens` (compatible servers mostly know only `max_tokens`, the default).
    pub fn with_max_completion_tokens(mut self, yes: bool) -> Self {
        self.max_tokens_field = if yes { "max_completion_tokens" } else { "max_tokens" };
        self
    }

    /// The JSON body for a request.
    fn body(&self, req: &ChatRequest) -> Value {
        let messages: Vec<Value> =
            req.messages.iter().map(|m| json!({"role": m.role.as_str(), "content": m.content})).collect();
        let mut body = Map::new();
        body.insert("model".into(), Value::from(req.model.as_str()));
        body.insert("messages".into(), Value::Array(messages));
        body.insert("stream".into(), Value::Bool(true));
        body.insert("stream_options".into(), json!({"include_usage": true}));
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                body.insert(key.to_owned(), v);
            }
        };
        put("temperature", req.temperature.map(Value::from));
        put(self.max_tokens_field, req.max_tokens.map(Value::from));
        put("top_p", req.top_p.map(Value::from));
        put("top_k", req.top_k.map(Value::from));
        put("tools", req.tools.clone());
        for key in PASSED_THROUGH {
            put(key, req.extra.get(*key).cloned());
        }
        if req.tools.is_some() {
            for key in WITH_TOOLS {
                put(key, req.extra.get(*key).cloned());
            }
        }
        if let Some(Value::Object(extra_body)) = req.extra.get("extra_body") {
            for (k, v) in extra_body {
                body.insert(k.clone(), v.clone());
            }
        }
        Value::Object(body)
    }
}

#[async_trait]
impl Provider for OpenAiProvider {
    fn name(&self) -> &str {
        &self.upstream.name
    }

    async fn stream(&self, req: ChatRequest) -> Result<ChatStream, LlmError> {
        let mut headers = HeaderMap::new();
        if let Some(value) = self.upstream.key_header(&req, |k| format!("Bearer {k}"))? {
            headers.insert(AUTHORIZATION, value);
        }
        let body = serde_json::to_vec(&self.body(&req))
            .map_err(|e| LlmError::invalid(format!("cannot encode the request: {e}")))?;
        let response = self.upstream.post_stream("/chat/completions", headers, body).await?;
        Ok(chat_stream(&self.upstream, response.bytes_stream(), OpenAiWire::default()))
    }
}

/// Reads `chat.completion.chunk` events.
#[derive(Debug, Default)]
struct OpenAiWire {
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(default, borrow, deserialize_with = "first_choice")]
    choices: Option<Choice<'a>>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(default, borrow)]
    delta: Option<Delta<'a>>,
    #[serde(default, borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(default, borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(default)]
    tool_calls: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: i64,
    #[serde(default)]
    completion_tokens: i64,
}

/// Keeps the first element of `choices` (promptdeck never asks for `n > 1`) without
/// allocating a vector per chunk.
fn first_choice<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Choice<'de>>, D::Error> {
    struct First;
    impl<'de> Visitor<'de> for First {
        type Value = Option<Choice<'de>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of choices")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let first = seq.next_element::<Choice<'de>>()?;
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }
    d.deserialize_any(First)
}

impl WireProtocol for OpenAiWire {
    const TERMINATOR: &'static str = "[DONE]";

    fn on_event(
        &mut self,
        provider: &str,
        event: &Event,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<bool, LlmError> {
        let data = event.data.trim_ascii();
        if data == "[DONE]" {
            out.push_back(StreamEvent::Done { finish_reason: self.finish_reason.take() });
            return Ok(true);
        }
        let chunk: Chunk<'_> = serde_json::from_str(data).map_err(|e| LlmError::UpstreamMalformed {
            provider: provider.to_owned(),
            message: format!("a data event is not a JSON chunk ({e})"),
        })?;
        if let Some(error) = chunk.error {
            return Err(stream_error(provider, &error));
        }
        if let Some(choice) = chunk.choices {
            if let Some(delta) = choice.delta {
                if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                    out.push_back(StreamEvent::Text(text.into_owned()));
                }
                for call in delta.tool_calls.into_iter().flatten() {
                    out.push_back(StreamEvent::ToolUpdate(call));
                }
            }
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason.into_owned());
            }
        }
        if let Some(usage) = chunk.usage {
            out.push_back(StreamEvent::Usage { input: usage.prompt_tokens, output: usage.completion_tokens });
        }
        Ok(false)
    }
}

/// An `{"error": ...}` object sent inside the stream (OpenRouter, vLLM).
fn stream_error(provider: &str, error: &Value) -> LlmError {
    let message = match error {
        Value::String(s) => s.clone(),
        other => other.get("message").and_then(Value::as_str).unwrap_or("unknown error").to_owned(),
    };
    let kind = error.get("type").or_else(|| error.get("code")).and_then(|k| match k {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    LlmError::UpstreamError { provider: provider.to_owned(), kind, message }
}

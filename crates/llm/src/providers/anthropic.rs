//! Anthropic Messages streaming (`POST {base}/v1/messages`): request mapping (system messages
//! to the top-level `system` field, tools to Anthropic's shape) and the event stream.

use std::borrow::Cow;
use std::collections::VecDeque;

use async_trait::async_trait;
use eventsource_stream::Event as SseEvent;
use promptdeck_core::MessageRole;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::http::{HttpSettings, Upstream};
use super::sse_stream::{WireProtocol, chat_stream};
use crate::{ChatRequest, ChatStream, LlmError, Provider, StreamEvent};

/// The API version this module speaks.
const API_VERSION: &str = "2023-06-01";

/// Settings from `ChatRequest::extra` passed through to the request body when present.
const PASSED_THROUGH: &[&str] = &["stop_sequences", "metadata", "thinking", "service_tier"];

/// Anthropic's Messages API.
#[derive(Debug, Clone)]
pub struct AnthropicProvider {
    upstream: Upstream,
    default_max_tokens: u32,
}

impl AnthropicProvider {
    /// `max_tokens` sent when a request sets none (the API requires one).
    pub const DEFAULT_MAX_TOKENS: u32 = 4096;

    /// A provider called `name` talking to `settings.base_url` (normally
    /// `https://api.anthropic.com`).
    pub fn new(name: &str, settings: HttpSettings) -> Result<Self, LlmError> {
        Ok(AnthropicProvider {
            upstream: Upstream::new(name, settings)?,
            default_max_tokens: Self::DEFAULT_MAX_TOKENS,
        })
    }

    /// Changes the `max_tokens` sent when a request sets none.
    pub fn with_default_max_tokens(mut self, max_tokens: u32) -> Self {
        self.default_max_tokens = max_tokens;
        self
    }

    /// The JSON body for a request.
    fn body(&self, req: &ChatRequest) -> Value {
        let mut system = String::new();
        let mut messages = Vec::with_capacity(req.messages.len());
        for m in &req.messages {
            if m.role == MessageRole::System {
                if !system.is_empty() {
                    system.push_str("\n\n");
                }
                system.push_str(&m.content);
            } else {
                messages.push(json!({"role": m.role.as_str(), "content": m.content}));
            }
        }
        let mut body = Map::new();
        body.insert("model".into(), Value::from(req.model.as_str()));
        body.insert("max_tokens".into(), Value::from(req.max_tokens.unwrap_or(self.default_max_tokens)));
        body.insert("messages".into(), Value::Array(messages));
        body.insert("stream".into(), Value::Bool(true));
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                body.insert(key.to_owned(), v);
            }
        };
        put("system", (!system.is_empty()).then_some(Value::String(system)));
        put("temperature", req.temperature.map(Value::from));
        put("top_p", req.top_p.map(Value::from));
        put("top_k", req.top_k.map(Value::from));
        put("tools", req.tools.as_ref().map(tools));
        put("stop_sequences", req.extra.get("stop").map(stop_sequences));
        if req.tools.is_some() {
            put("tool_choice", req.extra.get("tool_choice").and_then(tool_choice));
        }
        for key in PASSED_THROUGH {
            put(key, req.extra.get(*key).cloned());
        }
        if let Some(Value::Object(extra_body)) = req.extra.get("extra_body") {
            for (k, v) in extra_body {
                body.insert(k.clone(), v.clone());
            }
        }
        Value::Object(body)
    }
}

/// Converts OpenAI-shaped tool definitions (`{type:"function", function:{name, description,
/// parameters}}`) to Anthropic's (`{name, description, input_schema}`); others pass unchanged.
fn tools(defs: &Value) -> Value {
    let Some(list) = defs.as_array() else { return defs.clone() };
    let converted = list
        .iter()
        .map(|tool| match tool.get("function") {
            Some(f) if tool.get("input_schema").is_none() => {
                let mut t = Map::new();
                t.insert("name".into(), f.get("name").cloned().unwrap_or(Value::Null));
                if let Some(d) = f.get("description") {
                    t.insert("description".into(), d.clone());
                }
                let schema = f.get("parameters").cloned().unwrap_or_else(|| json!({"type": "object"}));
                t.insert("input_schema".into(), schema);
                Value::Object(t)
            }
            _ => tool.clone(),
        })
        .collect();
    Value::Array(converted)
}

/// OpenAI's `stop` (a string or a list) as `stop_sequences`.
fn stop_sequences(stop: &Value) -> Value {
    match stop {
        Value::String(s) => json!([s]),
        other => other.clone(),
    }
}

/// OpenAI's `tool_choice` words as Anthropic's objects.
fn tool_choice(choice: &Value) -> Option<Value> {
    match choice.as_str() {
        Some("auto") => Some(json!({"type": "auto"})),
        Some("required" | "any") => Some(json!({"type": "any"})),
        Some("none") => Some(json!({"type": "none"})),
        Some(_) => None,
        None => Some(choice.clone()),
    }
}

#[async_trait]
impl Provider for AnthropicProvider {
    fn name(&self) -> &str {
        &self.upstream.name
    }

    async fn stream(&self, req: ChatRequest) -> Result<ChatStream, LlmError> {
        let mut headers = HeaderMap::new();
        headers.insert("anthropic-version", HeaderValue::from_static(API_VERSION));
        if let Some(value) = self.upstream.key_header(&req, str::to_owned)? {
            headers.insert("x-api-key", value);
        }
        let body = serde_json::to_vec(&self.body(&req))
            .map_err(|e| LlmError::invalid(format!("cannot encode the request: {e}")))?;
        let response = self.upstream.post_stream("/v1/messages", headers, body).await?;
        Ok(chat_stream(&self.upstream, response.bytes_stream(), AnthropicWire::default()))
    }
}

/// Reads Messages stream events, keeping the usage and stop reason for the end.
#[derive(Debug, Default)]
struct AnthropicWire {
    input: i64,
    output: i64,
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    index: Option<u64>,
    #[serde(default, borrow)]
    delta: Option<Delta<'a>>,
    #[serde(default, borrow)]
    content_block: Option<Block<'a>>,
    #[serde(default)]
    message: Option<MessageStart>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    partial_json: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    stop_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct MessageStart {
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    input_tokens: Option<i64>,
    #[serde(default)]
    output_tokens: Option<i64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<i64>,
    #[serde(default)]
    cache_read_input_tokens: Option<i64>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl AnthropicWire {
    /// Input tokens count cached ones too, since `Usage` has a single input figure.
    fn add_usage(&mut self, usage: &Usage) {
        let cached =
            usage.cache_creation_input_tokens.unwrap_or(0) + usage.cache_read_input_tokens.unwrap_or(0);
        if let Some(input) = usage.input_tokens {
            self.input = input + cached;
        }
        if let Some(output) = usage.output_tokens {
            self.output = output;
        }
    }
}

impl WireProtocol for AnthropicWire {
    const TERMINATOR: &'static str = "message_stop";

    fn on_event(
        &mut self,
        provider: &str,
        event: &SseEvent,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<bool, LlmError> {
        let malformed =
            |message: String| LlmError::UpstreamMalformed { provider: provider.to_owned(), message };
        let parsed: Event<'_> = serde_json::from_str(&event.data)
            .map_err(|e| malformed(format!("an event's data is not JSON ({e})")))?;
        // The parser names an event without an `event:` line `message`, which Anthropic never
        // sends as a type.
        let kind = match parsed.kind.as_deref() {
            Some(kind) => kind,
            None if event.event != "message" => &event.event,
            None => return Err(malformed("an event has neither a name nor a type".into())),
        };
        match kind {
            "message_start" => {
                if let Some(usage) = parsed.message.and_then(|m| m.usage) {
                    self.add_usage(&usage);
                }
            }
            "content_block_start" => match parsed.content_block {
                Some(block) if block.kind == "tool_use" => out.push_back(StreamEvent::ToolUpdate(json!({
                    "index": parsed.index.unwrap_or(0),
                    "id": block.id,
                    "type": "function",
                    "function": {"name": block.name, "arguments": ""},
                }))),
                Some(Block { text: Some(text), .. }) if !text.is_empty() => {
                    out.push_back(StreamEvent::Text(text.into_owned()));
                }
                _ => {}
            },
            "content_block_delta" => {
                let Some(delta) = parsed.delta else {
                    return Err(malformed("content_block_delta without delta".into()));
                };
                match delta.kind.as_deref() {
                    Some("text_delta") => {
                        if let Some(text) = delta.text.filter(|t| !t.is_empty()) {
                            out.push_back(StreamEvent::Text(text.into_owned()));
                        }
                    }
                    Some("input_json_delta") => out.push_back(StreamEvent::ToolUpdate(json!({
                        "index": parsed.index.unwrap_or(0),
                        "function": {"arguments": delta.partial_json.unwrap_or_default()},
                    }))),
                    // Thinking, signature and citation deltas are not part of the answer text.
                    _ => {}
                }
            }
            "message_delta" => {
                if let Some(reason) = parsed.delta.and_then(|d| d.stop_reason) {
                    self.stop_reason = Some(reason.into_owned());
                }
                if let Some(usage) = parsed.usage {
                    self.add_usage(&usage);
                }
            }
            "message_stop" => {
                out.push_back(StreamEvent::Usage { input: self.input, output: self.output });
                out.push_back(StreamEvent::Done { finish_reason: self.stop_reason.take() });
                return Ok(true);
            }
            "error" => {
                let error = parsed.error.unwrap_or(ErrorBody { kind: None, message: None });
                return Err(LlmError::UpstreamError {
                    provider: provider.to_owned(),
                    kind: error.kind,
                    message: error.message.unwrap_or_else(|| "unknown error".into()),
                });
            }
            // `ping`, `content_block_stop` and event types added later.
            _ => {}
        }
        Ok(false)
    }
}

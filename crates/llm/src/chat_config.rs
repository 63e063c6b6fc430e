//! Building a [`ChatRequest`] from what clients send: the seed's `chat_config` object and a
//! stored prompt's settings.

use promptdeck_core::{MessageRole, PromptSettings};
use serde_json::{Map, Value};

use crate::{ChatMessage, ChatRequest, LlmError};

impl ChatRequest {
    /// Parses the seed's `chat_config` (`{model_id, messages:[{role,content}], stream, ...settings}`)
    /// into the model id and a request whose `model` is still the model id (the catalogue
    /// replaces it with the upstream name). `stream` is ignored (answers always stream);
    /// `temperature`, `max_tokens`, `top_p`, `top_k` and `tools` are typed; every other key is
    /// kept in `extra`. Errors are [`LlmError::InvalidRequest`] naming the bad field.
    pub fn from_chat_config(config: &Value) -> Result<(String, ChatRequest), LlmError> {
        let obj = config.as_object().ok_or_else(|| LlmError::invalid("chat_config must be a JSON object"))?;
        let model_id = match obj.get("model_id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(LlmError::invalid("chat_config.model_id is required"));
            }
            Some(_) => return Err(LlmError::invalid("chat_config.model_id must be a string")),
        };
        let messages = match obj.get("messages") {
            Some(Value::Array(items)) => parse_messages(items)?,
            None | Some(Value::Null) => return Err(LlmError::invalid("chat_config.messages is required")),
            Some(_) => return Err(LlmError::invalid("chat_config.messages must be an array")),
        };
        let mut req = ChatRequest { model: model_id.clone(), messages, ..ChatRequest::default() };
        for (key, value) in obj {
            if !matches!(key.as_str(), "model_id" | "messages" | "stream") {
                req.set(key, value, true)?;
            }
        }
        Ok((model_id, req))
    }

    /// Applies a model's default settings: each one the request does not set yet, typed fields
    /// included. Fails like [`ChatRequest::from_chat_config`] on a value of the wrong type.
    pub fn apply_defaults(&mut self, defaults: &Map<String, Value>) -> Result<(), LlmError> {
        for (key, value) in defaults {
            self.set(key, value, false)?;
        }
        Ok(())
    }

    /// Sets one setting: a typed field for the keys that have one, `extra` for the rest. `null`
    /// means "not set". Without `replace`, a setting already present is kept.
    fn set(&mut self, key: &str, value: &Value, replace: bool) -> Result<(), LlmError> {
        if value.is_null() {
            return Ok(());
        }
        match key {
            "temperature" if replace || self.temperature.is_none() => {
                self.temperature = Some(number(key, value)?)
            }
            "top_p" if replace || self.top_p.is_none() => self.top_p = Some(number(key, value)?),
            "max_tokens" if replace || self.max_tokens.is_none() => {
                self.max_tokens = Some(count(key, value)?)
            }
            "top_k" if replace || self.top_k.is_none() => self.top_k = Some(count(key, value)?),
            "tools" if is_tool_definitions(value) => {
                if replace || self.tools.is_none() {
                    self.tools = Some(value.clone());
                }
            }
            "temperature" | "top_p" | "max_tokens" | "top_k" => {}
            _ => {
                if replace || !self.extra.contains_key(key) {
                    self.extra.insert(key.to_owned(), value.clone());
                }
            }
        }
        Ok(())
    }

    /// A request for a stored prompt's settings and its resolved messages. Tool names and
    /// other hints go to `extra`; the model is the settings' `model_id` until the catalogue
    /// replaces it.
    pub fn from_settings(settings: &PromptSettings, messages: Vec<ChatMessage>) -> ChatRequest {
        let mut extra: Map<String, Value> = settings.extra.clone();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                extra.insert(key.to_owned(), v);
            }
        };
        put("output_format", settings.output_format.clone().map(Value::String));
        put("tool_choice", settings.tool_choice.clone().map(Value::String));
        put("parallel_tool_calls", settings.parallel_tool_calls.map(Value::Bool));
        put("reasoning_effort", settings.reasoning_effort.clone().map(Value::String));
        put("verbosity", settings.verbosity.clone().map(Value::String));
        put("tool_names", settings.tools.clone().map(Value::from));
        let tools = extra.remove("tools").filter(is_tool_definitions);
        ChatRequest {
            model: settings.model_id.clone(),
            messages,
            temperature: settings.temperature,
            max_tokens: settings.max_tokens,
            top_p: settings.top_p,
            top_k: settings.top_k,
            tools,
            extra,
            max_answer_bytes: None,
            api_key: None,
        }
    }
}

/// Tool definitions are a non-empty array of objects; an array of names is only a hint.
fn is_tool_definitions(value: &Value) -> bool {
    value.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object))
}

fn parse_messages(items: &[Value]) -> Result<Vec<ChatMessage>, LlmError> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let role = match item.get("role") {
                Some(Value::String(r)) => r
                    .parse::<MessageRole>()
                    .map_err(|e| LlmError::invalid(format!("chat_config.messages[{i}].{e}")))?,
                _ => return Err(LlmError::invalid(format!("chat_config.messages[{i}].role is required"))),
            };
            let content = match item.get("content") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(parts)) => text_parts(parts).ok_or_else(|| {
                    LlmError::invalid(format!(
                        "chat_config.messages[{i}].content parts must be {{\"type\":\"text\",\"text\":...}}"
                    ))
                })?,
                Some(Value::Null) | None => String::new(),
                Some(_) => {
                    return Err(LlmError::invalid(format!(
                        "chat_config.messages[{i}].content must be a string"
                    )));
                }
            };
            Ok(ChatMessage { role, content })
        })
        .collect()
}

/// Joins OpenAI-style content parts `[{"type":"text","text":"..."}]`.
fn text_parts(parts: &[Value]) -> Option<String> {
    let mut out = String::new();
    for part in parts {
        out.push_str(part.get("text")?.as_str()?);
    }
    Some(out)
}

fn number(key: &str, value: &Value) -> Result<f64, LlmError> {
    value
        .as_f64()
        .filter(|v| v.is_finite())
        .ok_or_else(|| LlmError::invalid(format!("{key} must be a number")))
}

fn count(key: &str, value: &Value) -> Result<u32, LlmError> {
    value
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| LlmError::invalid(format!("{key} must be a non-negative integer")))
}

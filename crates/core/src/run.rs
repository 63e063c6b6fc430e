//! AI runs and tasks: the record of every conversation and every model call, in the seed's
//! snake_case column names (its `RunMessage` keeps its camelCase keys).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{CoreError, MessageRole, RunStatus, SourceType, TaskStatus, check_description, check_max_chars};

/// Most tokens one run message may report.
pub const MAX_MESSAGE_TOKENS: i64 = 100_000_000;
/// Highest cost one run message may report, in US dollars.
pub const MAX_MESSAGE_COST: f64 = 100_000.0;
/// Longest time one run message may report, in milliseconds (a week).
pub const MAX_MESSAGE_MILLIS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;
/// Largest content of one message added to a run over REST, in bytes.
pub const MAX_RUN_MESSAGE_BYTES: usize = 256 * 1024;
/// Longest task id, in characters.
pub const MAX_TASK_ID_CHARS: usize = 128;
/// Longest run source id, in characters.
pub const MAX_SOURCE_ID_CHARS: usize = 200;
/// Default for the most messages one run holds.
pub const DEFAULT_MAX_RUN_MESSAGES: usize = 1000;
/// Default for the most bytes of messages (content and metadata) one run holds: 8 MiB.
pub const DEFAULT_MAX_RUN_BYTES: usize = 8 * 1024 * 1024;

/// A conversation and its analytics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct AiRun {
    /// Primary key.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// Where it came from.
    pub source_type: SourceType,
    /// The prompt (or other source) id.
    pub source_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Longer text.
    pub description: Option<String>,
    /// The whole history.
    pub messages: Vec<RunMessage>,
    /// Settings used.
    #[schema(value_type = Object)]
    pub settings: Map<String, Value>,
    /// Final variable values.
    pub variable_values: std::collections::BTreeMap<String, String>,
    /// Broker state.
    pub broker_values: std::collections::BTreeMap<String, String>,
    /// Attached files.
    #[schema(value_type = Vec<Object>)]
    pub attachments: Vec<Value>,
    /// Anything else.
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    /// Life cycle.
    pub status: RunStatus,
    /// Starred by its owner.
    pub is_starred: bool,
    /// Tokens over all tasks.
    pub total_tokens: i64,
    /// Cost over all tasks, in US dollars.
    pub total_cost: f64,
    /// Messages in `messages`.
    pub message_count: i64,
    /// Tasks run.
    pub task_count: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Last message added.
    pub last_message_at: DateTime<Utc>,
}

/// One message of a run; the seed spells its keys in camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunMessage {
    /// Who spoke.
    pub role: MessageRole,
    /// What was said.
    pub content: String,
    /// The task that produced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub task_id: Option<String>,
    /// When.
    pub timestamp: DateTime<Utc>,
    /// Figures for assistant messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub metadata: Option<RunMessageMetadata>,
}

/// Figures attached to a run message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunMessageMetadata {
    /// Tokens of the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tokens: Option<i64>,
    /// Cost of the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cost: Option<f64>,
    /// Milliseconds to the first chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub time_to_first_token: Option<f64>,
    /// Milliseconds in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub total_time: Option<f64>,
    /// Anything else a client attached.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: Map<String, Value>,
}

impl RunMessageMetadata {
    /// Checks the figures: tokens, cost and times are finite, non-negative and bounded, so a
    /// run's totals never go negative or overflow. The error names the field as sent.
    pub fn check(&self) -> Result<(), CoreError> {
        if let Some(tokens) = self.tokens
            && !(0..=MAX_MESSAGE_TOKENS).contains(&tokens)
        {
            return Err(CoreError::Invalid {
                field: "metadata.tokens",
                message: format!("must be 0 to {MAX_MESSAGE_TOKENS}, got {tokens}"),
            });
        }
        check_figure("metadata.cost", self.cost, MAX_MESSAGE_COST)?;
        check_figure("metadata.timeToFirstToken", self.time_to_first_token, MAX_MESSAGE_MILLIS)?;
        check_figure("metadata.totalTime", self.total_time, MAX_MESSAGE_MILLIS)
    }
}

/// A figure is absent, or finite and within `0..=max`.
fn check_figure(field: &'static str, value: Option<f64>, max: f64) -> Result<(), CoreError> {
    match value {
        Some(v) if !(v.is_finite() && (0.0..=max).contains(&v)) => {
            Err(CoreError::Invalid { field, message: format!("must be a number from 0 to {max}, got {v}") })
        }
        _ => Ok(()),
    }
}

/// How much one run may hold. Messages are appended by clients (the seed's `addMessage`) and by
/// every task; without a cap a run grows without end, and each append rewrites it whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCaps {
    /// Most messages.
    pub max_messages: usize,
    /// Most bytes of messages, as [`message_bytes`] counts them.
    pub max_bytes: usize,
}

impl Default for RunCaps {
    fn default() -> Self {
        RunCaps { max_messages: DEFAULT_MAX_RUN_MESSAGES, max_bytes: DEFAULT_MAX_RUN_BYTES }
    }
}

/// A run would grow past one of its [`RunCaps`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunTooLarge {
    /// Too many messages.
    #[error("a run holds at most {limit} messages and this one would hold {count}: start a new run")]
    Messages {
        /// The cap.
        limit: usize,
        /// Messages after the append.
        count: usize,
    },
    /// Too many bytes of messages.
    #[error("a run holds at most {limit} bytes of messages and this one would hold {bytes}: start a new run")]
    Bytes {
        /// The cap.
        limit: usize,
        /// Bytes after the append.
        bytes: usize,
    },
}

/// Room a run must keep after an append: a task's user turn is appended before it streams, and
/// its answer after, so the start keeps room for one more message of the largest answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunRoom {
    /// Messages still to come.
    pub messages: usize,
    /// Bytes still to come.
    pub bytes: usize,
}

impl RunCaps {
    /// Checks a run's messages (after an append) against the caps.
    pub fn check(&self, messages: &[RunMessage]) -> Result<(), RunTooLarge> {
        self.check_with_room(messages, RunRoom::default())
    }

    /// Checks a run's messages (after an append) against the caps, keeping `room` free.
    pub fn check_with_room(&self, messages: &[RunMessage], room: RunRoom) -> Result<(), RunTooLarge> {
        let count = messages.len().saturating_add(room.messages);
        if count > self.max_messages {
            return Err(RunTooLarge::Messages { limit: self.max_messages, count });
        }
        let bytes = messages.iter().map(message_bytes).sum::<usize>().saturating_add(room.bytes);
        if bytes > self.max_bytes {
            return Err(RunTooLarge::Bytes { limit: self.max_bytes, bytes });
        }
        Ok(())
    }
}

/// The size of a run message as the caps count it: the bytes of its content plus the JSON of
/// the free-form part of its metadata (the figures are a few bytes each and not counted).
pub fn message_bytes(message: &RunMessage) -> usize {
    let metadata = match &message.metadata {
        Some(m) if m.extra.is_empty() => 0,
        Some(m) => serde_json::to_vec(&m.extra).map_or(0, |json| json.len()),
        None => 0,
    };
    message.content.len() + metadata
}

/// A run as lists show it: its figures without its messages, settings and other JSON, which
/// can be large and come from the run's own endpoint (`GET /api/runs/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct RunSummary {
    /// Primary key.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// Where it came from.
    pub source_type: SourceType,
    /// The prompt (or other source) id.
    pub source_id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Longer text.
    pub description: Option<String>,
    /// The model it ran: its settings' `model_id`, else its last task's (at most 200
    /// characters).
    pub model_id: Option<String>,
    /// Life cycle.
    pub status: RunStatus,
    /// Starred by its owner.
    pub is_starred: bool,
    /// Tokens over all tasks.
    pub total_tokens: i64,
    /// Cost over all tasks, in US dollars.
    pub total_cost: f64,
    /// Messages in the run.
    pub message_count: i64,
    /// Tasks run.
    pub task_count: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Last message added.
    pub last_message_at: DateTime<Utc>,
}

/// One model call inside a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct AiTask {
    /// Primary key.
    pub id: Uuid,
    /// The run it belongs to.
    pub run_id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// The Socket.IO task id (a UUID chosen by the client or the server).
    pub task_id: String,
    /// Service, e.g. `chat_service`.
    pub service: String,
    /// Task, e.g. `direct_chat`.
    pub task_name: String,
    /// Model asked for.
    pub model_id: Option<String>,
    /// Provider that served it.
    pub provider: Option<String>,
    /// Upstream endpoint.
    pub endpoint: Option<String>,
    /// The request (the chat_config).
    #[schema(value_type = Object)]
    pub request_data: Value,
    /// Final accumulated text.
    pub response_text: Option<String>,
    /// Data events.
    #[schema(value_type = Option<Object>)]
    pub response_data: Option<Value>,
    /// The final info event.
    #[schema(value_type = Option<Object>)]
    pub response_info: Option<Value>,
    /// Errors.
    #[schema(value_type = Option<Object>)]
    pub response_errors: Option<Value>,
    /// Tool updates.
    #[schema(value_type = Option<Object>)]
    pub tool_updates: Option<Value>,
    /// Whether the stream ended.
    pub response_complete: bool,
    /// Anything else.
    #[schema(value_type = Object)]
    pub response_metadata: Value,
    /// Input tokens.
    pub tokens_input: Option<i64>,
    /// Output tokens.
    pub tokens_output: Option<i64>,
    /// Both.
    pub tokens_total: Option<i64>,
    /// Cost in US dollars.
    pub cost: Option<f64>,
    /// Milliseconds to first chunk.
    pub time_to_first_token: Option<f64>,
    /// Milliseconds in all.
    pub total_time: Option<f64>,
    /// Life cycle.
    pub status: TaskStatus,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Finished.
    pub completed_at: Option<DateTime<Utc>>,
}

/// The body of `POST /api/runs` (the seed's `createRun`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct NewRun {
    /// Where it came from (default `prompt`).
    #[serde(default)]
    pub source_type: SourceType,
    /// Source id.
    #[serde(default)]
    #[ts(optional)]
    pub source_id: Option<String>,
    /// Display name.
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// Longer text.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// Settings used.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub settings: Map<String, Value>,
    /// Variable values used.
    #[serde(default)]
    pub variable_values: std::collections::BTreeMap<String, String>,
    /// Broker values.
    #[serde(default)]
    pub broker_values: std::collections::BTreeMap<String, String>,
    /// Attachments.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub attachments: Vec<Value>,
    /// Anything else.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
}

/// The body of `PATCH /api/runs/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RunPatch {
    /// New name.
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// Star or unstar.
    #[serde(default)]
    #[ts(optional)]
    pub is_starred: Option<bool>,
    /// Archive, restore or delete.
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<RunStatus>,
    /// Replace metadata.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub metadata: Option<Map<String, Value>>,
}

/// The body of `POST /api/runs/{id}/messages` (the seed's `addMessage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewRunMessage {
    /// Who speaks.
    pub role: MessageRole,
    /// What is said.
    pub content: String,
    /// Linked task.
    #[serde(default)]
    #[ts(optional)]
    pub task_id: Option<String>,
    /// When (default now).
    #[serde(default)]
    #[ts(optional)]
    pub timestamp: Option<DateTime<Utc>>,
    /// Figures.
    #[serde(default)]
    #[ts(optional)]
    pub metadata: Option<RunMessageMetadata>,
}

/// The body of `POST /api/runs/{id}/tasks` (the seed's `createTask`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct NewTask {
    /// Socket.IO task id; a UUID is made when absent.
    #[serde(default)]
    #[ts(optional)]
    pub task_id: Option<String>,
    /// Service.
    #[serde(default = "default_service")]
    pub service: String,
    /// Task name.
    #[serde(default = "default_task_name")]
    pub task_name: String,
    /// Model.
    #[serde(default)]
    #[ts(optional)]
    pub model_id: Option<String>,
    /// Provider.
    #[serde(default)]
    #[ts(optional)]
    pub provider: Option<String>,
    /// Endpoint.
    #[serde(default)]
    #[ts(optional)]
    pub endpoint: Option<String>,
    /// The request.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub request_data: Value,
}

impl NewRun {
    /// Checks the lengths of its texts.
    pub fn check(&self) -> Result<(), CoreError> {
        check_max_chars("name", self.name.as_deref(), crate::MAX_NAME_CHARS)?;
        check_description("description", self.description.as_deref())?;
        check_max_chars("source_id", self.source_id.as_deref(), MAX_SOURCE_ID_CHARS)
    }
}

impl RunPatch {
    /// Checks the lengths of its texts.
    pub fn check(&self) -> Result<(), CoreError> {
        check_max_chars("name", self.name.as_deref(), crate::MAX_NAME_CHARS)?;
        check_description("description", self.description.as_deref())
    }
}

impl NewRunMessage {
    /// Checks that every text of the message can be stored (no NUL), naming the first that
    /// cannot.
    pub fn check_storable(&self) -> Result<(), crate::UnstorableText> {
        crate::text::check_text("content", &self.content)?;
        if let Some(task_id) = &self.task_id {
            crate::text::check_text("taskId", task_id)?;
        }
        match &self.metadata {
            Some(metadata) if !metadata.extra.is_empty() => {
                crate::text::check_json(&Value::Object(metadata.extra.clone()))
                    .map_err(|e| crate::UnstorableText { path: format!("metadata.{}", e.path) })
            }
            _ => Ok(()),
        }
    }

    /// Checks a message a client adds: its size, its task id and its figures.
    pub fn check(&self) -> Result<(), CoreError> {
        if self.content.len() > MAX_RUN_MESSAGE_BYTES {
            return Err(CoreError::Invalid {
                field: "content",
                message: format!("at most {MAX_RUN_MESSAGE_BYTES} bytes"),
            });
        }
        check_max_chars("taskId", self.task_id.as_deref(), MAX_TASK_ID_CHARS)?;
        self.metadata.as_ref().map_or(Ok(()), RunMessageMetadata::check)
    }
}

fn default_service() -> String {
    "chat_service".into()
}

fn default_task_name() -> String {
    "direct_chat".into()
}

/// A run with its tasks, as `GET /api/runs/{id}` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct RunWithTasks {
    /// The run (its messages inline).
    #[serde(flatten)]
    pub run: AiRun,
    /// Its tasks, oldest first.
    pub tasks: Vec<AiTask>,
}

/// Dollars for a number of tokens at a price per million tokens.
pub fn cost_for(
    tokens_input: i64,
    tokens_output: i64,
    input_per_million: f64,
    output_per_million: f64,
) -> f64 {
    (tokens_input.max(0) as f64 * input_per_million + tokens_output.max(0) as f64 * output_per_million)
        / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cost_uses_prices_per_million() {
        assert!((cost_for(1_000_000, 500_000, 2.5, 10.0) - 7.5).abs() < 1e-12);
        assert_eq!(cost_for(10, 10, 0.0, 0.0), 0.0);
    }

    fn message(content: &str, extra: serde_json::Value) -> RunMessage {
        let extra = match extra {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        RunMessage {
            role: MessageRole::User,
            content: content.into(),
            task_id: None,
            timestamp: Utc::now(),
            metadata: Some(RunMessageMetadata { extra, ..Default::default() }),
        }
    }

    #[test]
    fn figures_must_be_finite_non_negative_and_bounded() {
        let ok = RunMessageMetadata {
            tokens: Some(MAX_MESSAGE_TOKENS),
            cost: Some(0.0),
            time_to_first_token: Some(MAX_MESSAGE_MILLIS),
            total_time: Some(1.5),
            extra: Map::new(),
        };
        assert!(ok.check().is_ok());
        let cases = [
            (RunMessageMetadata { tokens: Some(-1), ..Default::default() }, "metadata.tokens"),
            (RunMessageMetadata { tokens: Some(i64::MAX), ..Default::default() }, "metadata.tokens"),
            (RunMessageMetadata { cost: Some(-0.01), ..Default::default() }, "metadata.cost"),
            (RunMessageMetadata { cost: Some(f64::NAN), ..Default::default() }, "metadata.cost"),
            (RunMessageMetadata { cost: Some(f64::INFINITY), ..Default::default() }, "metadata.cost"),
            (RunMessageMetadata { total_time: Some(-1.0), ..Default::default() }, "metadata.totalTime"),
            (
                RunMessageMetadata {
                    time_to_first_token: Some(MAX_MESSAGE_MILLIS * 2.0),
                    ..Default::default()
                },
                "metadata.timeToFirstToken",
            ),
        ];
        for (metadata, field) in cases {
            let err = metadata.check().unwrap_err();
            assert!(err.to_string().starts_with(field), "{field}: {err}");
        }
    }

    #[test]
    fn caps_count_messages_and_their_bytes() {
        let caps = RunCaps { max_messages: 3, max_bytes: 20 };
        let messages = vec![message("0123456789", json!({})), message("abc", json!({"k": 1}))];
        assert_eq!(message_bytes(&messages[1]), 3 + r#"{"k":1}"#.len());
        assert!(caps.check(&messages).is_ok());
        let mut more = messages.clone();
        more.push(message("x", json!({})));
        assert_eq!(caps.check(&more), Err(RunTooLarge::Bytes { limit: 20, bytes: 21 }));
        more.push(message("", json!({})));
        assert_eq!(caps.check(&more), Err(RunTooLarge::Messages { limit: 3, count: 4 }));
        assert_eq!(RunCaps::default(), RunCaps { max_messages: 1000, max_bytes: 8 * 1024 * 1024 });
    }

    #[test]
    fn run_messages_keep_the_seed_camel_case() {
        let m = RunMessage {
            role: MessageRole::Assistant,
            content: "hi".into(),
            task_id: Some("t".into()),
            timestamp: Utc::now(),
            metadata: Some(RunMessageMetadata { time_to_first_token: Some(3.0), ..Default::default() }),
        };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["taskId"], "t");
        assert_eq!(v["metadata"]["timeToFirstToken"], 3.0);
    }
}

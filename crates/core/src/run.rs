//! AI runs and tasks: the record of every conversation and every model call, in the seed's
//! snake_case column names (its `RunMessage` keeps its camelCase keys).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{MessageRole, RunStatus, SourceType, TaskStatus};

/// A conversation and its analytics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunMessage {
    /// Who spoke.
    pub role: MessageRole,
    /// What was said.
    pub content: String,
    /// The task that produced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// When.
    pub timestamp: DateTime<Utc>,
    /// Figures for assistant messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<RunMessageMetadata>,
}

/// Figures attached to a run message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunMessageMetadata {
    /// Tokens of the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<i64>,
    /// Cost of the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Milliseconds to the first chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_to_first_token: Option<f64>,
    /// Milliseconds in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_time: Option<f64>,
    /// Anything else a client attached.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: Map<String, Value>,
}

/// One model call inside a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRun {
    /// Where it came from (default `prompt`).
    #[serde(default)]
    pub source_type: SourceType,
    /// Source id.
    #[serde(default)]
    pub source_id: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Longer text.
    #[serde(default)]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunPatch {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// Star or unstar.
    #[serde(default)]
    pub is_starred: Option<bool>,
    /// Archive, restore or delete.
    #[serde(default)]
    pub status: Option<RunStatus>,
    /// Replace metadata.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// The body of `POST /api/runs/{id}/messages` (the seed's `addMessage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewRunMessage {
    /// Who speaks.
    pub role: MessageRole,
    /// What is said.
    pub content: String,
    /// Linked task.
    #[serde(default)]
    pub task_id: Option<String>,
    /// When (default now).
    #[serde(default)]
    pub timestamp: Option<DateTime<Utc>>,
    /// Figures.
    #[serde(default)]
    pub metadata: Option<RunMessageMetadata>,
}

/// The body of `POST /api/runs/{id}/tasks` (the seed's `createTask`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewTask {
    /// Socket.IO task id; a UUID is made when absent.
    #[serde(default)]
    pub task_id: Option<String>,
    /// Service.
    #[serde(default = "default_service")]
    pub service: String,
    /// Task name.
    #[serde(default = "default_task_name")]
    pub task_name: String,
    /// Model.
    #[serde(default)]
    pub model_id: Option<String>,
    /// Provider.
    #[serde(default)]
    pub provider: Option<String>,
    /// Endpoint.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The request.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub request_data: Value,
}

fn default_service() -> String {
    "chat_service".into()
}

fn default_task_name() -> String {
    "direct_chat".into()
}

/// A run with its tasks, as `GET /api/runs/{id}` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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

    #[test]
    fn cost_uses_prices_per_million() {
        assert!((cost_for(1_000_000, 500_000, 2.5, 10.0) - 7.5).abs() < 1e-12);
        assert_eq!(cost_for(10, 10, 0.0, 0.0), 0.0);
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

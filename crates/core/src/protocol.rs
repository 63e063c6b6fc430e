//! The Socket.IO task protocol's wire shapes (docs/protocol.md): what a client sends in
//! `taskData`, the acks it gets back, the stream events and the task error codes. The server
//! builds every payload from these types and the web app's TypeScript types are generated from
//! them (`web/src/generated`), so the two sides cannot drift.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use uuid::Uuid;

use crate::TaskStatus;

/// The services a client emits to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// `direct_chat`.
    ChatService,
    /// `run_prompt`.
    PromptService,
    /// `cancel_task` and `resume`.
    TaskService,
}

/// The task names of the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TaskName {
    /// `chat_service`: the client's own messages.
    DirectChat,
    /// `prompt_service`: a stored prompt.
    RunPrompt,
    /// `task_service`: stop a running task.
    CancelTask,
    /// `task_service`: follow a task again from an event index.
    Resume,
}

/// The stable code of a task that could not start (in the ack) or failed (in its `error`
/// event); the wire strings are the table of docs/protocol.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TaskErrorCode {
    /// The payload is not `{taskName, taskData, taskId?}`.
    InvalidPayload,
    /// No such service.
    UnknownService,
    /// No such task in that service.
    UnknownTask,
    /// `taskData` is missing a field or has one of the wrong type.
    InvalidRequest,
    /// `model_id` is not in the catalogue.
    UnknownModel,
    /// A custom UI's `direct_chat` asked for another model than its prompt's.
    ModelNotAllowed,
    /// Message content over `--max-message-bytes`.
    PayloadTooLarge,
    /// A text holds NUL, which no database stores.
    InvalidText,
    /// The run has no room for the turn and its answer.
    RunTooLarge,
    /// `taskId` was used before.
    DuplicateTask,
    /// Too many task starts lately.
    RateLimited,
    /// Too many tasks running at once.
    TooManyTasks,
    /// The payer's budget, or a cap the custom UI's owner set, is spent until `resets_at`.
    QuotaExceeded,
    /// The prompt, custom UI, run or task is missing or not the caller's.
    NotFound,
    /// `cancel_task` on a task that has ended.
    TaskFinished,
    /// Variables do not match the UI's schema.
    ValidationFailed,
    /// The provider answered an error status.
    UpstreamStatus,
    /// The provider could not be reached.
    UpstreamConnection,
    /// The provider stalled.
    UpstreamTimeout,
    /// The provider sent something unreadable.
    UpstreamMalformed,
    /// The provider's stream ended early.
    UpstreamIncomplete,
    /// The provider reported an error in its stream.
    UpstreamError,
    /// A provider is configured wrongly.
    ProviderConfig,
    /// The task was cancelled by its owner.
    Cancelled,
    /// The answer reached `--max-answer-bytes`.
    AnswerTooLarge,
    /// The task ran for `--max-task-seconds`.
    TaskTimeout,
    /// The server stopped while the task ran.
    ServerRestarted,
    /// The node running the task stopped heartbeating; a surviving node ended it.
    NodeLost,
    /// The node is draining, or a part it needs (database, Redis) is not answering.
    Unavailable,
    /// Anything else (logged on the server).
    Internal,
}

impl TaskErrorCode {
    /// The status a task ends with when it stops with this error: `cancelled` for a
    /// cancellation, `failed` for everything else.
    pub fn final_status(self) -> TaskStatus {
        match self {
            TaskErrorCode::Cancelled => TaskStatus::Cancelled,
            _ => TaskStatus::Failed,
        }
    }
}

/// `{"code","message"}` as acks and `error` events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaskErrorBody {
    /// The stable code.
    pub code: TaskErrorCode,
    /// For a person.
    pub message: String,
    /// For `rate_limited` and `quota_exceeded`: seconds until a start can succeed again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub retry_after_secs: Option<u64>,
    /// For `quota_exceeded`: when the spent budget starts again from zero (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub resets_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The `taskData` of `chat_service`/`direct_chat`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DirectChatData {
    /// `{model_id, messages, stream, ...settings}`.
    pub chat_config: Map<String, Value>,
    /// Continue this run of the caller's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub run_id: Option<Uuid>,
    /// The custom UI the task runs through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub custom_ui_id: Option<Uuid>,
}

/// A variable's value as a client sends it: text, a number, a toggle, checkbox answers, or
/// nothing (which resolves to empty text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged, expecting = "expected a string, number, boolean, list of strings or null")]
pub enum VariableValue {
    /// Text as it is.
    Text(String),
    /// A number, as written.
    Number(#[ts(type = "number")] serde_json::Number),
    /// A toggle.
    Flag(bool),
    /// Checkbox answers, joined with ", " in a message.
    List(Vec<String>),
    /// No value: empty text.
    Null(#[ts(type = "null")] ()),
}

impl VariableValue {
    /// The text this value stands for in a message.
    pub fn to_text(&self) -> String {
        match self {
            VariableValue::Text(s) => s.clone(),
            VariableValue::Number(n) => n.to_string(),
            VariableValue::Flag(b) => b.to_string(),
            VariableValue::List(items) => items.join(", "),
            VariableValue::Null(()) => String::new(),
        }
    }
}

/// The `taskData` of `prompt_service`/`run_prompt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunPromptData {
    /// The stored prompt to run.
    pub prompt_id: Uuid,
    /// Values of its variables (the others keep their defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variables: Option<BTreeMap<String, VariableValue>>,
    /// Appended as a user message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_input: Option<String>,
    /// Continue this run of the caller's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub run_id: Option<Uuid>,
    /// The custom UI the task runs through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub custom_ui_id: Option<Uuid>,
}

/// The `taskData` of `task_service`/`cancel_task`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CancelTaskData {
    /// The task to stop.
    pub task_id: String,
}

/// The `taskData` of `task_service`/`resume`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResumeData {
    /// The task to follow.
    pub task_id: String,
    /// Stream events the client already has (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub from: Option<u64>,
}

/// The ack of a task that started (or of a `resume`): the event its stream comes on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaskStarted {
    /// One event name, `response-<task_id>`.
    pub response_listener_events: Vec<String>,
    /// The task's id.
    pub task_id: String,
    /// The run it is recorded in.
    pub run_id: Uuid,
}

/// The ack of a task that could not start (or be resumed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaskRefused {
    /// Always empty.
    pub response_listener_events: Vec<String>,
    /// Why.
    pub error: TaskErrorBody,
}

impl TaskRefused {
    /// The refusal carrying `error`.
    pub fn new(error: TaskErrorBody) -> TaskRefused {
        TaskRefused { response_listener_events: Vec::new(), error }
    }
}

/// The ack of `chat_service`, `prompt_service` and `task_service`/`resume`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum TaskAck {
    /// Started: subscribe to the event.
    Started(TaskStarted),
    /// Refused, with the reason.
    Refused(TaskRefused),
}

/// The ack of `task_service`/`cancel_task`: `{"ok":true}` or `{"ok":false,"error"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CancelAck {
    /// Whether the task was running and is now being stopped.
    pub ok: bool,
    /// Why not (`not_found`, `task_finished`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<TaskErrorBody>,
}

/// The figures of a finished task, sent once in its `info` event (and stored with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaskInfo {
    /// The task's id.
    pub task_id: String,
    /// Its run.
    pub run_id: Uuid,
    /// The catalogue id of its model.
    pub model_id: String,
    /// The provider that served it.
    pub provider: Option<String>,
    /// How it ended.
    pub status: TaskStatus,
    /// Input tokens.
    #[ts(type = "number")]
    pub tokens_input: i64,
    /// Output tokens.
    #[ts(type = "number")]
    pub tokens_output: i64,
    /// Both.
    #[ts(type = "number")]
    pub tokens_total: i64,
    /// US dollars.
    pub cost: f64,
    /// Milliseconds to the first chunk, when there was one.
    pub time_to_first_token: Option<f64>,
    /// Milliseconds in all.
    pub total_time: f64,
}

/// One event of a task's stream (on `response-<task_id>`): a text chunk as a plain string,
/// or an object with one key; `{"end": true}` is always last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StreamEvent {
    /// Structured data from the model.
    Data(Value),
    /// The task's figures, once, at the end.
    Info(TaskInfo),
    /// Why the task failed (then `end`).
    Error(TaskErrorBody),
    /// A tool-call delta, in OpenAI's `tool_calls` shape.
    ToolUpdate(Value),
    /// Broker values.
    Broker(Value),
    /// The end of the stream (always `true`).
    End(bool),
    /// A chunk of text.
    #[serde(untagged)]
    Text(String),
}

impl StreamEvent {
    /// The event as the JSON a stream log keeps.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// `{"end": true}`.
    pub fn end() -> Value {
        StreamEvent::End(true).to_json()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn error_codes_keep_their_wire_strings() {
        let body = TaskErrorBody {
            code: TaskErrorCode::AnswerTooLarge,
            message: "m".into(),
            retry_after_secs: None,
            resets_at: None,
        };
        assert_eq!(serde_json::to_value(&body).unwrap(), json!({"code": "answer_too_large", "message": "m"}));
        let code: TaskErrorCode = serde_json::from_value(json!("upstream_timeout")).unwrap();
        assert_eq!(code, TaskErrorCode::UpstreamTimeout);
        assert_eq!(TaskErrorCode::Cancelled.final_status(), TaskStatus::Cancelled);
        assert_eq!(TaskErrorCode::TaskTimeout.final_status(), TaskStatus::Failed);
    }

    #[test]
    fn stream_events_are_a_string_or_an_object_with_one_key() {
        assert_eq!(StreamEvent::end(), json!({"end": true}));
        assert_eq!(StreamEvent::Text("hi ".into()).to_json(), json!("hi "));
        assert_eq!(
            StreamEvent::ToolUpdate(json!({"index": 0})).to_json(),
            json!({"tool_update": {"index": 0}})
        );
        let back: StreamEvent = serde_json::from_value(json!("chunk")).unwrap();
        assert_eq!(back, StreamEvent::Text("chunk".into()));
    }

    #[test]
    fn acks_have_the_documented_shapes() {
        let run_id = Uuid::nil();
        let started = TaskAck::Started(TaskStarted {
            response_listener_events: vec!["response-t".into()],
            task_id: "t".into(),
            run_id,
        });
        assert_eq!(
            serde_json::to_value(&started).unwrap(),
            json!({"response_listener_events": ["response-t"], "task_id": "t", "run_id": run_id})
        );
        let refused = TaskAck::Refused(TaskRefused::new(TaskErrorBody {
            code: TaskErrorCode::RateLimited,
            message: "slow down".into(),
            retry_after_secs: Some(3),
            resets_at: None,
        }));
        assert_eq!(
            serde_json::to_value(&refused).unwrap(),
            json!({"response_listener_events": [], "error": {"code": "rate_limited", "message": "slow down", "retry_after_secs": 3}})
        );
        assert_eq!(serde_json::to_value(CancelAck { ok: true, error: None }).unwrap(), json!({"ok": true}));
    }

    #[test]
    fn variable_values_resolve_to_text() {
        let values: BTreeMap<String, VariableValue> =
            serde_json::from_value(json!({"a": "x", "b": 2, "c": true, "d": ["p", "q"], "e": null})).unwrap();
        let texts: Vec<String> = values.values().map(VariableValue::to_text).collect();
        assert_eq!(texts, ["x", "2", "true", "p, q", ""]);
        let err = serde_json::from_value::<VariableValue>(json!({"nested": 1})).unwrap_err();
        assert!(err.to_string().contains("expected a string, number, boolean"), "{err}");
    }
}

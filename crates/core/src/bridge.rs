//! The host ↔ sandbox bridge's message shapes (JSON-RPC 2.0 over `postMessage`, see
//! docs/sdk.md): the methods a custom UI's frame may call, their params, what the host answers
//! to `ui/initialize`, and the notifications it sends. The server never speaks the bridge; the
//! shapes live here so the host and the frame share one generated TypeScript description of them
//! with the socket and REST types they carry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::protocol::{StreamEvent, VariableValue};
use crate::{ComponentType, ExecutionMode, PromptView};

/// The methods the frame may call on the host; anything else is answered `METHOD_NOT_FOUND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum FrameMethod {
    /// → [`InitResult`].
    #[serde(rename = "ui/initialize")]
    Initialize,
    /// [`RunParams`] → `{taskId, runId}`: runs the UI's prompt.
    #[serde(rename = "prompt/run")]
    Run,
    /// [`TaskRef`]: cancels a task the frame started.
    #[serde(rename = "prompt/cancel")]
    Cancel,
    /// [`ChatSubmitParams`]: the seed's `createAndSubmitTask` (a `direct_chat` tagged with the UI).
    #[serde(rename = "chat/submit")]
    ChatSubmit,
    /// [`RunCreateParams`]: the seed's `createRun`.
    #[serde(rename = "runs/create")]
    RunCreate,
    /// [`RunChildParams`]: the seed's `addMessage`.
    #[serde(rename = "runs/addMessage")]
    RunAddMessage,
    /// [`RunChildParams`]: the seed's `createTask`.
    #[serde(rename = "runs/createTask")]
    RunCreateTask,
    /// [`StateSetParams`]: saves the UI's per-user state.
    #[serde(rename = "state/set")]
    StateSet,
    /// [`ResizeParams`]: the frame's content height.
    #[serde(rename = "ui/resize")]
    Resize,
    /// [`CopyParams`]: copies text to the clipboard.
    #[serde(rename = "clipboard/write")]
    Copy,
    /// [`OpenLinkParams`]: opens a link after the user confirms.
    #[serde(rename = "link/open")]
    OpenLink,
    /// [`DisplayModeParams`] → [`DisplayModeParams`]: MCP Apps' display-mode request; the host
    /// answers with the mode it granted.
    #[serde(rename = "ui/request-display-mode")]
    RequestDisplayMode,
}

/// The notifications the host sends to the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum HostNotification {
    /// [`TaskEventParams`]: one stream event of a task the frame follows.
    #[serde(rename = "task/event")]
    TaskEvent,
    /// [`HostRunParams`]: the runner (not the component) started a run of the UI's prompt.
    #[serde(rename = "host/run")]
    HostRun,
    /// [`HostContextParams`]: the host changed how the frame is shown (MCP Apps'
    /// host-context-changed).
    #[serde(rename = "ui/notifications/host-context-changed")]
    HostContextChanged,
}

/// How the host shows a UI's frame: in the page sized to its content, over the whole page, or as a
/// dialog over it (MCP Apps' display modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DisplayMode {
    /// In the page, sized to its content.
    Inline,
    /// Over the whole page.
    Fullscreen,
    /// A dialog over the page.
    Modal,
}

/// `ui/request-display-mode`: the mode asked for, and the host's answer with the mode granted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisplayModeParams {
    /// The mode.
    pub mode: DisplayMode,
}

/// `ui/notifications/host-context-changed`: how the frame is shown now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HostContextParams {
    /// The mode in force.
    pub display_mode: DisplayMode,
}

/// `prompt/run`: run the UI's prompt with these values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunParams {
    /// Values of the prompt's variables.
    pub variables: BTreeMap<String, VariableValue>,
    /// Appended as a user message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_input: Option<String>,
    /// Continue the frame's last run.
    pub continue_run: bool,
    /// Continue this run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub run_id: Option<String>,
}

/// `prompt/cancel`: a task of the frame's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskRef {
    /// The task.
    pub task_id: String,
}

/// `chat/submit`: the component's own chat config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChatSubmitParams {
    /// The task id the component chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub task_id: Option<String>,
    /// `{model_id, messages, stream, ...settings}`.
    pub chat_config: Map<String, Value>,
    /// Continue this run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub run_id: Option<String>,
}

/// `state/set`: one key of the UI's per-user state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StateSetParams {
    /// The key (1–128 characters).
    pub key: String,
    /// Its JSON value.
    pub value: Value,
}

/// `ui/resize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ResizeParams {
    /// CSS pixels.
    pub height: f64,
}

/// `clipboard/write`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CopyParams {
    /// The text.
    pub text: String,
}

/// `link/open`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OpenLinkParams {
    /// An absolute http(s) URL.
    pub url: String,
}

/// `runs/create`: the body of `POST /api/runs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunCreateParams {
    /// The run.
    pub run: Map<String, Value>,
}

/// `runs/addMessage` and `runs/createTask`: a body for one of a run's endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunChildParams {
    /// The run.
    pub run_id: String,
    /// The body.
    pub body: Map<String, Value>,
}

/// `task/event`: one stream event as the socket delivered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TaskEventParams {
    /// The task.
    pub task_id: String,
    /// The event.
    pub event: StreamEvent,
}

/// `host/run`: the runner started a run of the UI's prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HostRunParams {
    /// The task.
    pub task_id: String,
    /// Its run.
    pub run_id: String,
}

/// The UI a frame runs, as `ui/initialize` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InitUi {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What its code is.
    pub component_type: ComponentType,
    /// When and how it runs.
    pub execution_mode: ExecutionMode,
    /// Submit on mount.
    pub auto_submit: bool,
    /// Show variable inputs.
    pub show_variables: bool,
}

/// The UI's code as the frame loads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ModuleSource {
    /// A compiled React module on the sandbox origin.
    React {
        /// Its URL.
        url: String,
    },
    /// A sanitised HTML template.
    Template {
        /// The HTML.
        html: String,
    },
    /// A form described by a JSON Schema.
    JsonSchema {
        /// The schema.
        schema: Map<String, Value>,
    },
}

/// What the host answers to `ui/initialize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InitResult {
    /// The UI.
    pub ui: InitUi,
    /// Its prompt as the viewer may see it.
    pub prompt: PromptView,
    /// The UI's props.
    pub props: Map<String, Value>,
    /// Variable values to start from: the prompt's defaults, then `?var.NAME=` values.
    pub variables: BTreeMap<String, String>,
    /// The code to load.
    pub module: ModuleSource,
    /// The UI's per-user state.
    pub state: Map<String, Value>,
    /// Theme overrides from `styling_config`, as CSS custom properties.
    pub theme: BTreeMap<String, String>,
    /// The frame shows its own variables form (templates, schemas).
    pub frame_shows_variables: bool,
    /// The frame shows its own input.
    pub frame_accepts_input: bool,
    /// The frame starts a run on load (auto-run modes, `auto_submit`).
    pub auto_run: bool,
    /// After its first run the frame accepts no more (`auto-run-one-shot`).
    pub one_shot: bool,
}

/// A JSON-RPC 2.0 request id: a string or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum RpcId {
    /// A string id (1–128 characters).
    Text(String),
    /// A safe integer id.
    Number(#[ts(type = "number")] i64),
}

/// A JSON-RPC 2.0 request (the frame calling a [`FrameMethod`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RpcRequest {
    /// Always `2.0`.
    #[ts(type = "\"2.0\"")]
    pub jsonrpc: String,
    /// Answered with the same id.
    pub id: RpcId,
    /// The method.
    pub method: String,
    /// Its params.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub params: Option<Map<String, Value>>,
}

/// A JSON-RPC 2.0 notification (a [`HostNotification`], or a frame's one-way message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RpcNotification {
    /// Always `2.0`.
    #[ts(type = "\"2.0\"")]
    pub jsonrpc: String,
    /// The notification.
    pub method: String,
    /// Its params.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub params: Option<Map<String, Value>>,
}

/// Why a request failed: a JSON-RPC error code (`-32601` method not found, `-32602` invalid
/// params, `-32000` denied, …), a message and, for a task, its protocol code in `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RpcError {
    /// The JSON-RPC code.
    #[ts(type = "number")]
    pub code: i64,
    /// For a person.
    pub message: String,
    /// More detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub data: Option<Value>,
}

/// A JSON-RPC 2.0 response: `result` or `error`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RpcResponse {
    /// Always `2.0`.
    #[ts(type = "\"2.0\"")]
    pub jsonrpc: String,
    /// The request's id.
    pub id: RpcId,
    /// What the method answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub result: Option<Value>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<RpcError>,
}

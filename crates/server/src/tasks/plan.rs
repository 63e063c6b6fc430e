//! Turning a `chat_service`/`direct_chat` or `prompt_service`/`run_prompt` request into a
//! [`TaskPlan`]: checked, authorised, resolved, with what to record before the first chunk (its
//! run, task row and the user's turn) — everything that can fail before the ack.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use promptdeck_compiler::validate_values;
use promptdeck_core::protocol::{DirectChatData, RunPromptData, TaskErrorCode};
use promptdeck_core::variables::resolve_with;
use promptdeck_core::{
    ComponentType, MessageRole, NewRun, NewRunMessage, NewTask, PromptVariable, PromptsData, RunRoom,
    SourceType, ids, resolve_prompt,
};
use promptdeck_llm::{ChatMessage, ChatRequest};
use promptdeck_store::{TaskRun, TaskStart};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::state::AppState;
use crate::tasks::TaskError;
use crate::tasks::history::{RunPromptRecord, next_turn};
use crate::tasks::intake::task_data;

/// Everything the runner needs, decided before the ack.
#[derive(Debug)]
pub struct TaskPlan {
    /// Owner.
    pub user_id: Uuid,
    /// Whose budget (and provider key) pays for it: the owner, or the custom UI's owner.
    pub payer_id: Uuid,
    /// The Socket.IO task id.
    pub task_id: String,
    /// The run it is recorded in.
    pub run_id: Uuid,
    /// Catalogue id of the model.
    pub model_id: String,
    /// The request for the provider (the runner takes it when the task starts).
    pub request: ChatRequest,
    /// The custom UI this runs through, and the variables used (for its usage row).
    pub custom_ui: Option<(Uuid, Value)>,
}

/// A planned task and what is recorded before its ack (the run, the task row and the user's
/// turn), kept apart so the latter is dropped once written.
pub type Planned = (TaskPlan, TaskStart);

/// The envelope every service receives: `{taskName, taskData, taskId?}`.
#[derive(Debug)]
pub struct Envelope {
    /// The task name.
    pub task_name: String,
    /// Its data object.
    pub task_data: Map<String, Value>,
    /// The client's task id, when given.
    pub task_id: Option<String>,
}

impl Envelope {
    /// Checks the envelope's shape.
    pub fn parse(payload: Option<Value>) -> Result<Envelope, TaskError> {
        let invalid = |m: &str| TaskError::new(TaskErrorCode::InvalidPayload, m);
        let Some(Value::Object(mut map)) = payload else {
            return Err(invalid("the payload must be an object {taskName, taskData, taskId?}"));
        };
        let task_name = match map.remove("taskName") {
            Some(Value::String(s)) if !s.is_empty() => s,
            _ => return Err(invalid("taskName must be a non-empty string")),
        };
        let task_data = match map.remove("taskData") {
            Some(Value::Object(m)) => m,
            None => return Err(invalid("taskData is required")),
            Some(_) => return Err(invalid("taskData must be an object")),
        };
        let task_id = match map.remove("taskId") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match Uuid::parse_str(&s) {
                Ok(_) => Some(s),
                Err(_) => return Err(invalid("taskId must be a UUID")),
            },
            Some(_) => return Err(invalid("taskId must be a UUID string")),
        };
        // PostgreSQL cannot store NUL: refuse it here, before anything streams or is recorded.
        for (key, value) in &task_data {
            promptdeck_core::text::check_text(key, key)?;
            promptdeck_core::text::check_json(value).map_err(|e| prefixed(key, e))?;
        }
        Ok(Envelope { task_name, task_data, task_id })
    }

    /// The custom UI the task runs through, when `taskData.custom_ui_id` is a UUID.
    pub fn custom_ui_id(&self) -> Option<Uuid> {
        self.task_data.get("custom_ui_id").and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok())
    }
}

/// An unstorable text's path inside `taskData.key`.
fn prefixed(key: &str, err: promptdeck_core::UnstorableText) -> promptdeck_core::UnstorableText {
    let path = match err.path.as_str() {
        "." => key.to_owned(),
        p if p.starts_with('[') => format!("{key}{p}"),
        p => format!("{key}.{p}"),
    };
    promptdeck_core::UnstorableText { path }
}

fn content_bytes(messages: &[ChatMessage]) -> usize {
    messages.iter().map(|m| m.content.len()).sum()
}

fn check_size(state: &AppState, messages: &[ChatMessage]) -> Result<(), TaskError> {
    let limit = state.config.max_message_bytes;
    let size = content_bytes(messages);
    if size > limit {
        return Err(TaskError::new(
            TaskErrorCode::PayloadTooLarge,
            format!("messages hold {size} bytes; the limit is {limit} (--max-message-bytes)"),
        ));
    }
    Ok(())
}

/// Plans `chat_service`/`direct_chat`.
pub async fn plan_direct_chat(state: &AppState, user: Uuid, env: Envelope) -> Result<Planned, TaskError> {
    let data: DirectChatData = task_data(env.task_data)?;
    let config = Value::Object(data.chat_config);
    let (model_id, mut request) = ChatRequest::from_chat_config(&config)?;
    state.catalogue.resolve(&model_id)?;
    let adopted = preregistered_run(state, user, env.task_id.as_deref()).await?;
    let run_id = adopted.or(data.run_id);
    let ui_id = data.custom_ui_id;
    if let Some(ui_id) = ui_id {
        let prompt = state
            .store
            .get_prompt_of_visible_ui(user, ui_id)
            .await?
            .ok_or_else(|| TaskError::not_found("custom UI"))?;
        if prompt.settings.model_id != model_id {
            return Err(TaskError::new(
                TaskErrorCode::ModelNotAllowed,
                format!("this custom UI runs its prompt's model `{}` only", prompt.settings.model_id),
            ));
        }
        fill_defaults(&mut request.messages, prompt.variable_defaults.as_deref().unwrap_or_default());
    }
    check_size(state, &request.messages)?;
    let last_user = request.messages.iter().rev().find(|m| m.role == MessageRole::User);
    let task_id = env.task_id.unwrap_or_else(ids::task_id);
    let turn = |m: &ChatMessage| run_message(m, &task_id);
    let (run_id, run, messages) = match (adopted, run_id) {
        // A task registered over REST belongs to a client that records its own user messages
        // (the seed's createTask, addMessage, then submit).
        (Some(id), _) => (id, TaskRun::Registered, Vec::new()),
        (None, Some(id)) => (id, TaskRun::Existing, last_user.map(turn).into_iter().collect()),
        (None, None) => {
            let (source_type, source_id) = match ui_id {
                Some(id) => (SourceType::Custom, Some(id.to_string())),
                None => (SourceType::Chat, None),
            };
            let name = last_user.map(|m| run_name(&m.content));
            let run = NewRun { source_type, source_id, name, ..Default::default() };
            (ids::record_id(), TaskRun::New(run), request.messages.iter().map(turn).collect())
        }
    };
    let task = new_task(state, &task_id, "chat_service", "direct_chat", &model_id, config);
    let start = TaskStart {
        run_id,
        run,
        task,
        messages,
        answer_room: answer_room(state),
        charge: Default::default(),
    };
    let plan = TaskPlan {
        user_id: user,
        payer_id: user,
        task_id,
        run_id,
        model_id,
        request,
        custom_ui: ui_id.map(|id| (id, Value::Null)),
    };
    Ok((plan, start))
}

/// Plans `prompt_service`/`run_prompt`.
pub async fn plan_run_prompt(state: &AppState, user: Uuid, env: Envelope) -> Result<Planned, TaskError> {
    let data: RunPromptData = task_data(env.task_data)?;
    let (prompt_id, ui_id, run_id, user_input) =
        (data.prompt_id, data.custom_ui_id, data.run_id, data.user_input);
    // As the client sent them: a form's schema checks them, and the UI's usage row keeps them.
    let variables_json =
        data.variables.as_ref().and_then(|v| serde_json::to_value(v).ok()).unwrap_or(Value::Null);
    let given: BTreeMap<String, String> =
        data.variables.iter().flatten().map(|(k, v)| (k.clone(), v.to_text())).collect();
    let not_found = || TaskError::not_found("prompt");
    let prompt: PromptsData = match ui_id {
        Some(ui_id) => {
            let ui =
                state.store.find_ui(user, ui_id).await?.ok_or_else(|| TaskError::not_found("custom UI"))?;
            if ui.prompt_id != prompt_id {
                return Err(TaskError::new(
                    TaskErrorCode::NotFound,
                    "that custom UI does not belong to this prompt",
                ));
            }
            if ui.component_type == ComponentType::JsonSchema
                && let Some(schema) = &ui.props_schema
            {
                validate_values(schema, &variables_json).map_err(|issues| {
                    let text = issues.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; ");
                    TaskError::new(
                        TaskErrorCode::ValidationFailed,
                        format!("variables do not match the form: {text}"),
                    )
                })?;
            }
            state.store.get_prompt_of_visible_ui(user, ui_id).await?.ok_or_else(not_found)?
        }
        None => state.store.get_prompt(user, prompt_id).await?.ok_or_else(not_found)?,
    };
    let task_id = env.task_id.unwrap_or_else(ids::task_id);
    let turn = |m: &ChatMessage| run_message(m, &task_id);
    let (run_id, run, resolved, earlier) = match run_id {
        Some(id) => {
            let run = state.store.get_run(user, id).await?.ok_or_else(|| TaskError::not_found("run"))?;
            let source = match ui_id {
                Some(ui) => (SourceType::Custom, ui.to_string()),
                None => (SourceType::Prompt, prompt.id.to_string()),
            };
            if (run.source_type, run.source_id.as_deref()) != (source.0, Some(source.1.as_str())) {
                return Err(TaskError::new(
                    TaskErrorCode::NotFound,
                    "that run belongs to another prompt or custom UI",
                ));
            }
            // Variables not given keep the values the run started with.
            let mut variables = run.variable_values.clone();
            variables.extend(given);
            let resolved = resolve_prompt(&prompt.messages, prompt.variable_defaults.as_deref(), &variables);
            (id, TaskRun::Existing, resolved, state.store.run_tasks(user, id).await?)
        }
        None => {
            let resolved = resolve_prompt(&prompt.messages, prompt.variable_defaults.as_deref(), &given);
            let (source_type, source_id) = match ui_id {
                Some(id) => (SourceType::Custom, id.to_string()),
                None => (SourceType::Prompt, prompt.id.to_string()),
            };
            // Another user's unknown (possibly private) settings never reach this user's run.
            let settings =
                if prompt.user_id == user { prompt.settings.clone() } else { prompt.settings.public() };
            let settings =
                serde_json::to_value(&settings).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default();
            let run = NewRun {
                source_type,
                source_id: Some(source_id),
                name: Some(format!("{} - {}", prompt.name, Utc::now().format("%Y-%m-%d %H:%M"))),
                settings,
                variable_values: resolved.variables.clone(),
                ..Default::default()
            };
            (ids::record_id(), TaskRun::New(run), resolved, Vec::new())
        }
    };
    let next = next_turn(&chat_messages(&resolved.messages), &earlier, prompt.id, user_input.as_deref());
    let record = next.new_messages().iter().map(turn).collect();
    let messages = next.send;
    check_size(state, &messages)?;
    let request = ChatRequest::from_settings(&prompt.settings, messages);
    let model_id = prompt.settings.model_id.clone();
    state.catalogue.resolve(&model_id)?;
    let record_data = RunPromptRecord {
        prompt_id: prompt.id,
        variables: resolved.variables,
        custom_ui_id: ui_id,
        model_id: model_id.clone(),
        user_input,
    };
    let request_data = serde_json::to_value(record_data).unwrap_or(Value::Null);
    let task = new_task(state, &task_id, "prompt_service", "run_prompt", &model_id, request_data);
    let start = TaskStart {
        run_id,
        run,
        task,
        messages: record,
        answer_room: answer_room(state),
        charge: Default::default(),
    };
    let custom_ui = ui_id.map(|id| (id, variables_json));
    Ok((TaskPlan { user_id: user, payer_id: user, task_id, run_id, model_id, request, custom_ui }, start))
}

fn chat_messages(messages: &[promptdeck_core::PromptMessage]) -> Vec<ChatMessage> {
    messages.iter().map(|m| ChatMessage::new(m.role, m.content.clone())).collect()
}

/// The run of a task the caller registered over REST (`POST /api/runs/{id}/tasks`) and now
/// submits with the same `taskId`, as the seed's clients do (createTask, then submit); `None`
/// for a task id the caller has not registered or has already run. Whether the id is free (for
/// any user) is decided in one place, when the task is recorded: a taken id is `duplicate_task`
/// there, atomically.
async fn preregistered_run(
    state: &AppState,
    user: Uuid,
    task_id: Option<&str>,
) -> Result<Option<Uuid>, TaskError> {
    let Some(task_id) = task_id else { return Ok(None) };
    Ok(state
        .store
        .get_task(user, task_id)
        .await?
        .filter(|task| task.status == promptdeck_core::TaskStatus::Pending)
        .map(|task| task.run_id))
}

/// The row of a task: what actually runs.
fn new_task(
    state: &AppState,
    task_id: &str,
    service: &str,
    task_name: &str,
    model_id: &str,
    request_data: Value,
) -> NewTask {
    NewTask {
        task_id: Some(task_id.to_owned()),
        service: service.into(),
        task_name: task_name.into(),
        model_id: Some(model_id.into()),
        provider: state.catalogue.get(model_id).map(|m| m.provider.clone()),
        endpoint: None,
        request_data,
    }
}

/// Seed compatibility: a UI's own `chat_config` (the seed's `createAndSubmitTask`) may still
/// hold `{{name}}` for a variable of the UI's prompt (the seed substitutes only variables the
/// user edited); each such placeholder gets the variable's default value. Other placeholders,
/// and messages of untagged chats, stay as sent.
fn fill_defaults(messages: &mut [ChatMessage], variables: &[PromptVariable]) {
    if variables.is_empty() {
        return;
    }
    let defaults: BTreeMap<&str, &str> =
        variables.iter().map(|v| (v.name.as_str(), v.default_value.as_str())).collect();
    let mut unknown = BTreeSet::new();
    for message in messages {
        if message.content.contains("{{") {
            message.content =
                resolve_with(&message.content, |name| defaults.get(name).copied(), &mut unknown);
        }
    }
}

/// A user's turn as the run records it, tagged with the task that sent it.
fn run_message(m: &ChatMessage, task_id: &str) -> NewRunMessage {
    NewRunMessage {
        role: m.role,
        content: m.content.clone(),
        task_id: Some(task_id.to_owned()),
        timestamp: None,
        metadata: None,
    }
}

/// A run name from the first words of a message.
fn run_name(text: &str) -> String {
    let mut name: String = text.split_whitespace().take(8).collect::<Vec<_>>().join(" ");
    if name.chars().count() > 60 {
        name = name.chars().take(60).collect::<String>() + "…";
    }
    if name.is_empty() { "Chat".into() } else { name }
}

/// The room a run must keep for a task's answer: one message of the largest answer allowed.
fn answer_room(state: &AppState) -> RunRoom {
    RunRoom { messages: 1, bytes: state.config.tasks.max_answer().unwrap_or(0) }
}

//! Turning a `chat_service`/`direct_chat` or `prompt_service`/`run_prompt` request into a
//! [`TaskPlan`]: checked, authorised, resolved, with its run and task rows created — everything
//! that can fail before the ack.

use std::collections::BTreeMap;

use chrono::Utc;
use promptdeck_compiler::validate_values;
use promptdeck_core::{
    ComponentType, MessageRole, NewRun, NewRunMessage, NewTask, PromptsData, SourceType, resolve_prompt,
    variables::values_from_json,
};
use promptdeck_llm::{ChatMessage, ChatRequest};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::state::AppState;
use crate::tasks::TaskError;

/// Everything the runner needs, decided before the ack.
#[derive(Debug)]
pub struct TaskPlan {
    /// Owner.
    pub user_id: Uuid,
    /// The Socket.IO task id.
    pub task_id: String,
    /// The run it is recorded in.
    pub run_id: Uuid,
    /// Catalogue id of the model.
    pub model_id: String,
    /// The request for the provider.
    pub request: ChatRequest,
    /// Messages to append to the run before the answer (the new user turn(s)).
    pub run_messages: Vec<NewRunMessage>,
    /// The custom UI this runs through, and the variables used (for its usage row).
    pub custom_ui: Option<(Uuid, Value)>,
    /// The run to create (with id `run_id`), when the task starts a new one.
    pub new_run: Option<NewRun>,
    /// The task row to create, unless it was registered over REST beforehand.
    pub new_task: Option<NewTask>,
}

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
        let invalid = |m: &str| TaskError::new("invalid_payload", m);
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
        Ok(Envelope { task_name, task_data, task_id })
    }
}

fn opt_uuid(data: &Map<String, Value>, key: &'static str) -> Result<Option<Uuid>, TaskError> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Uuid::parse_str(s)
            .map(Some)
            .map_err(|_| TaskError::new("invalid_request", format!("{key} must be a UUID"))),
        Some(_) => Err(TaskError::new("invalid_request", format!("{key} must be a UUID string"))),
    }
}

fn content_bytes(messages: &[ChatMessage]) -> usize {
    messages.iter().map(|m| m.content.len()).sum()
}

fn check_size(state: &AppState, messages: &[ChatMessage]) -> Result<(), TaskError> {
    let limit = state.config.max_message_bytes;
    let size = content_bytes(messages);
    if size > limit {
        return Err(TaskError::new(
            "payload_too_large",
            format!("messages hold {size} bytes; the limit is {limit} (--max-message-bytes)"),
        ));
    }
    Ok(())
}

/// Plans `chat_service`/`direct_chat`.
pub async fn plan_direct_chat(state: &AppState, user: Uuid, env: Envelope) -> Result<TaskPlan, TaskError> {
    let config = env
        .task_data
        .get("chat_config")
        .ok_or_else(|| TaskError::new("invalid_request", "taskData.chat_config is required"))?;
    let (model_id, request) = ChatRequest::from_chat_config(config)?;
    check_size(state, &request.messages)?;
    state.catalogue.resolve(&model_id)?;
    let adopted = preregistered_run(state, user, env.task_id.as_deref()).await?;
    let run_id = match adopted {
        Some(run_id) => Some(run_id),
        None => opt_uuid(&env.task_data, "run_id")?,
    };
    let ui_id = opt_uuid(&env.task_data, "custom_ui_id")?;
    if let Some(ui_id) = ui_id {
        let prompt = state
            .store
            .get_prompt_of_visible_ui(user, ui_id)
            .await?
            .ok_or_else(|| TaskError::new("not_found", "custom UI was not found"))?;
        if prompt.settings.model_id != model_id {
            return Err(TaskError::new(
                "model_not_allowed",
                format!("this custom UI runs its prompt's model `{}` only", prompt.settings.model_id),
            ));
        }
    }
    let last_user = request.messages.iter().rev().find(|m| m.role == MessageRole::User);
    let mut new_run = None;
    let (run_id, run_messages) = match run_id {
        Some(id) => {
            state
                .store
                .get_run(user, id)
                .await?
                .ok_or_else(|| TaskError::new("not_found", "run was not found"))?;
            // A task registered over REST belongs to a client that records its own user
            // messages (the seed's createTask, addMessage, then submit).
            let new = match adopted {
                Some(_) => Vec::new(),
                None => last_user.map(|m| vec![run_message(m)]).unwrap_or_default(),
            };
            (id, new)
        }
        None => {
            let (source_type, source_id) = match ui_id {
                Some(id) => (SourceType::Custom, Some(id.to_string())),
                None => (SourceType::Chat, None),
            };
            let name = last_user.map(|m| run_name(&m.content));
            new_run = Some(NewRun { source_type, source_id, name, ..Default::default() });
            (Uuid::new_v4(), request.messages.iter().map(run_message).collect())
        }
    };
    let (task_id, new_task) = match (adopted, env.task_id) {
        (Some(_), Some(task_id)) => (task_id, None),
        (_, task_id) => new_task(state, task_id, "chat_service", "direct_chat", &model_id, config),
    };
    Ok(TaskPlan {
        user_id: user,
        task_id,
        run_id,
        model_id,
        request,
        run_messages,
        custom_ui: ui_id.map(|id| (id, Value::Null)),
        new_run,
        new_task,
    })
}

/// Plans `prompt_service`/`run_prompt`.
pub async fn plan_run_prompt(state: &AppState, user: Uuid, env: Envelope) -> Result<TaskPlan, TaskError> {
    let data = &env.task_data;
    let prompt_id = opt_uuid(data, "prompt_id")?
        .ok_or_else(|| TaskError::new("invalid_request", "taskData.prompt_id is required"))?;
    let ui_id = opt_uuid(data, "custom_ui_id")?;
    let run_id = opt_uuid(data, "run_id")?;
    let variables_json = data.get("variables").cloned().unwrap_or(Value::Null);
    let given: BTreeMap<String, String> = values_from_json(&variables_json)
        .ok_or_else(|| TaskError::new("invalid_request", "taskData.variables must be an object"))?;
    let user_input = match data.get("user_input") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(TaskError::new("invalid_request", "taskData.user_input must be a string")),
    };
    let not_found = || TaskError::new("not_found", "prompt was not found");
    let prompt: PromptsData = match ui_id {
        Some(ui_id) => {
            let ui = state
                .store
                .find_ui(user, ui_id)
                .await?
                .ok_or_else(|| TaskError::new("not_found", "custom UI was not found"))?;
            if ui.prompt_id != prompt_id {
                return Err(TaskError::new("not_found", "that custom UI does not belong to this prompt"));
            }
            if ui.component_type == ComponentType::JsonSchema
                && let Some(schema) = &ui.props_schema
            {
                validate_values(schema, &variables_json).map_err(|issues| {
                    let text = issues.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; ");
                    TaskError::new("validation_failed", format!("variables do not match the form: {text}"))
                })?;
            }
            state.store.get_prompt_of_visible_ui(user, ui_id).await?.ok_or_else(not_found)?
        }
        None => state.store.get_prompt(user, prompt_id).await?.ok_or_else(not_found)?,
    };
    let resolved = resolve_prompt(&prompt.messages, prompt.variable_defaults.as_deref(), &given);
    let input_message = user_input.map(|text| ChatMessage::new(MessageRole::User, text));
    let mut new_run = None;
    let (run_id, history, run_messages) = match run_id {
        Some(id) => {
            let run = state
                .store
                .get_run(user, id)
                .await?
                .ok_or_else(|| TaskError::new("not_found", "run was not found"))?;
            let history: Vec<ChatMessage> = if run.messages.is_empty() {
                resolved.messages.iter().map(|m| ChatMessage::new(m.role, m.content.clone())).collect()
            } else {
                run.messages.iter().map(|m| ChatMessage::new(m.role, m.content.clone())).collect()
            };
            let new: Vec<NewRunMessage> = if run.messages.is_empty() {
                history.iter().chain(input_message.iter()).map(run_message).collect()
            } else {
                input_message.iter().map(run_message).collect()
            };
            (id, history, new)
        }
        None => {
            let history: Vec<ChatMessage> =
                resolved.messages.iter().map(|m| ChatMessage::new(m.role, m.content.clone())).collect();
            let (source_type, source_id) = match ui_id {
                Some(id) => (SourceType::Custom, id.to_string()),
                None => (SourceType::Prompt, prompt.id.to_string()),
            };
            // Another user's unknown (possibly private) settings never reach this user's run.
            let settings =
                if prompt.user_id == user { prompt.settings.clone() } else { prompt.settings.public() };
            let settings =
                serde_json::to_value(&settings).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default();
            new_run = Some(NewRun {
                source_type,
                source_id: Some(source_id),
                name: Some(format!("{} - {}", prompt.name, Utc::now().format("%Y-%m-%d %H:%M"))),
                settings,
                variable_values: resolved.variables.clone(),
                ..Default::default()
            });
            let new = history.iter().chain(input_message.iter()).map(run_message).collect();
            (Uuid::new_v4(), history, new)
        }
    };
    let mut messages = history;
    messages.extend(input_message);
    check_size(state, &messages)?;
    let request = ChatRequest::from_settings(&prompt.settings, messages);
    let model_id = prompt.settings.model_id.clone();
    state.catalogue.resolve(&model_id)?;
    let request_data = serde_json::json!({
        "prompt_id": prompt.id, "variables": resolved.variables, "custom_ui_id": ui_id, "model_id": model_id,
    });
    if let Some(task_id) = &env.task_id
        && state.store.get_task(user, task_id).await?.is_some()
    {
        return Err(TaskError::new("duplicate_task", "this taskId was used before"));
    }
    let (task_id, new_task) =
        new_task(state, env.task_id, "prompt_service", "run_prompt", &model_id, &request_data);
    Ok(TaskPlan {
        user_id: user,
        task_id,
        run_id,
        model_id,
        request,
        run_messages,
        custom_ui: ui_id.map(|id| (id, variables_json)),
        new_run,
        new_task,
    })
}

/// The run of a task the caller registered over REST (`POST /api/runs/{id}/tasks`) and now
/// submits with the same `taskId`, as the seed's clients do (createTask, then submit); `None`
/// for a new task id. A task id that already ran, or is running, is a `duplicate_task`.
async fn preregistered_run(
    state: &AppState,
    user: Uuid,
    task_id: Option<&str>,
) -> Result<Option<Uuid>, TaskError> {
    let Some(task_id) = task_id else { return Ok(None) };
    if state.hub.contains(task_id) {
        return Err(TaskError::new("duplicate_task", "this taskId was used before"));
    }
    match state.store.get_task(user, task_id).await? {
        None => Ok(None),
        Some(task) if task.status == promptdeck_core::TaskStatus::Pending => Ok(Some(task.run_id)),
        Some(_) => Err(TaskError::new("duplicate_task", "this taskId was used before")),
    }
}

/// The row of a new task (written by the runner after the ack), and its id.
fn new_task(
    state: &AppState,
    task_id: Option<String>,
    service: &str,
    task_name: &str,
    model_id: &str,
    request_data: &Value,
) -> (String, Option<NewTask>) {
    let task_id = task_id.unwrap_or_else(|| Uuid::new_v4().to_string());
    let provider = state.catalogue.get(model_id).map(|m| m.provider.clone());
    let row = NewTask {
        task_id: Some(task_id.clone()),
        service: service.into(),
        task_name: task_name.into(),
        model_id: Some(model_id.into()),
        provider,
        endpoint: None,
        request_data: request_data.clone(),
    };
    (task_id, Some(row))
}

fn run_message(m: &ChatMessage) -> NewRunMessage {
    NewRunMessage { role: m.role, content: m.content.clone(), task_id: None, timestamp: None, metadata: None }
}

/// A run name from the first words of a message.
fn run_name(text: &str) -> String {
    let mut name: String = text.split_whitespace().take(8).collect::<Vec<_>>().join(" ");
    if name.chars().count() > 60 {
        name = name.chars().take(60).collect::<String>() + "…";
    }
    if name.is_empty() { "Chat".into() } else { name }
}

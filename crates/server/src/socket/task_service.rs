//! `task_service`: `cancel_task` and `resume` of the caller's own tasks. A live task is followed
//! from its in-memory log; a finished one is rebuilt from its stored record (its text cut at the
//! stored chunk boundaries), so `resume {from}` is exact either way.

use promptdeck_store::User;
use serde_json::{Value, json};
use socketioxide::extract::{AckSender, Extension, SocketRef, State, TryData};

use super::{refuse, send_ack, unknown_task};
use crate::state::AppState;
use crate::tasks::events::EventLog;
use crate::tasks::plan::Envelope;
use crate::tasks::{LiveTask, TaskError};

/// `task_service`.
pub(super) async fn task_service(
    socket: SocketRef,
    TryData(data): TryData<Value>,
    ack: AckSender,
    Extension(user): Extension<User>,
    State(state): State<AppState>,
) {
    let env = match Envelope::parse(data.ok()) {
        Ok(env) => env,
        Err(e) => return refuse(ack, &e),
    };
    if !matches!(env.task_name.as_str(), "cancel_task" | "resume") {
        return refuse(ack, &unknown_task("task_service", &env.task_name));
    }
    let task_id = env.task_data.get("task_id").and_then(Value::as_str).map(str::to_owned);
    let Some(task_id) = task_id else {
        return refuse(ack, &TaskError::new("invalid_request", "taskData.task_id is required"));
    };
    match env.task_name.as_str() {
        "cancel_task" => {
            let answer = match cancel(&state, &user, &task_id).await {
                Ok(()) => json!({ "ok": true }),
                Err(e) => json!({ "ok": false, "error": e.to_json() }),
            };
            send_ack(ack, &answer);
        }
        "resume" => {
            let from = env.task_data.get("from").and_then(Value::as_u64).unwrap_or(0);
            let from = usize::try_from(from).unwrap_or(usize::MAX);
            match follow(&state, &user, &task_id).await {
                Ok(task) => {
                    send_ack(
                        ack,
                        &json!({
                            "response_listener_events": [task.event],
                            "task_id": task.task_id,
                            "run_id": task.run_id,
                        }),
                    );
                    task.subscribe(socket, from);
                }
                Err(e) => refuse(ack, &e),
            }
        }
        other => refuse(ack, &unknown_task("task_service", other)),
    }
}

/// Cancels the caller's running task.
async fn cancel(state: &AppState, user: &User, task_id: &str) -> Result<(), TaskError> {
    let finished = || TaskError::new("task_finished", "the task has already ended");
    if let Some(live) = state.hub.get(task_id, user.id) {
        if live.is_done() {
            return Err(finished());
        }
        live.cancel.cancel();
        return Ok(());
    }
    match state.store.get_task(user.id, task_id).await? {
        Some(task) if task.status.is_terminal() => Err(finished()),
        _ => Err(TaskError::new("not_found", "task was not found")),
    }
}

/// The caller's task to follow: live from memory, or rebuilt from its stored record.
async fn follow(state: &AppState, user: &User, task_id: &str) -> Result<std::sync::Arc<LiveTask>, TaskError> {
    if let Some(live) = state.hub.get(task_id, user.id) {
        return Ok(live);
    }
    let (task, chunks) = state
        .store
        .get_task_replay(user.id, task_id)
        .await?
        .ok_or_else(|| TaskError::new("not_found", "task was not found"))?;
    let tool_updates = match task.tool_updates {
        Some(Value::Array(updates)) => updates,
        _ => Vec::new(),
    };
    let log = EventLog::rebuild(task.response_text.unwrap_or_default(), chunks.as_deref(), &tool_updates);
    let last = [
        task.response_errors.map(|e| json!({ "error": e })),
        task.response_info.map(|i| json!({ "info": i })),
    ];
    Ok(LiveTask::replay(&task.task_id, task.run_id, user.id, log, last.into_iter().flatten()))
}

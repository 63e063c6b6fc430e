//! `task_service`: `cancel_task` and `resume` of the caller's own tasks. A task live on this node
//! is followed from its in-memory log; on a node of several, one running on another node is
//! followed from its shared log and cancelled through the cancel channel (its owner checked in
//! the database first); a finished one is rebuilt from its stored record (its text cut at the
//! stored chunk boundaries). So `resume {from}` is exact either way.

use std::sync::Arc;

use promptdeck_store::{TaskReplay, User};
use serde_json::{Value, json};
use socketioxide::extract::{AckSender, Extension, SocketRef, State, TryData};

use super::{refuse, send_ack, unknown_task};
use crate::state::AppState;
use crate::tasks::events::EventLog;
use crate::tasks::hub::event_name;
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
                Ok(Following::Here(task)) => {
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
                Ok(Following::Elsewhere { redis, run_id }) => {
                    let event = event_name(&task_id);
                    send_ack(
                        ack,
                        &json!({ "response_listener_events": [event], "task_id": task_id, "run_id": run_id }),
                    );
                    crate::nodes::log::follow(redis, task_id, event, socket, from);
                }
                Err(e) => refuse(ack, &e),
            }
        }
        other => refuse(ack, &unknown_task("task_service", other)),
    }
}

/// Cancels the caller's running task, here or (on a node of several) wherever it runs.
async fn cancel(state: &AppState, user: &User, task_id: &str) -> Result<(), TaskError> {
    let finished = || TaskError::new("task_finished", "the task has already ended");
    if let Some(live) = state.hub.get(task_id, user.id) {
        if live.is_done() {
            return Err(finished());
        }
        live.cancel.cancel();
        return Ok(());
    }
    match state.store.get_task_replay(user.id, task_id).await? {
        Some(replay) if replay.task.status.is_terminal() => Err(finished()),
        Some(replay) if replay.node_id.is_some() && state.nodes.is_some() => {
            let Some(redis) = &state.nodes else { return Err(unavailable()) };
            crate::nodes::cancel::publish(redis, task_id).await.map_err(|e| {
                tracing::warn!(error = %e, task_id, "could not relay a cancel");
                unavailable()
            })?;
            Ok(())
        }
        _ => Err(TaskError::new("not_found", "task was not found")),
    }
}

fn unavailable() -> TaskError {
    TaskError::new("unavailable", "the shared task state (Redis) is not answering; try again")
}

/// Where a followed task's events come from.
enum Following {
    /// This node's memory (live here), or its stored record rebuilt.
    Here(Arc<LiveTask>),
    /// Its shared log: it runs on another node (or ended there moments ago).
    Elsewhere { redis: crate::nodes::Redis, run_id: uuid::Uuid },
}

/// The caller's task to follow: live from memory, from its shared log when it runs on another
/// node, or rebuilt from its stored record.
async fn follow(state: &AppState, user: &User, task_id: &str) -> Result<Following, TaskError> {
    if let Some(live) = state.hub.get(task_id, user.id) {
        return Ok(Following::Here(live));
    }
    let TaskReplay { task, chunks, node_id } = state
        .store
        .get_task_replay(user.id, task_id)
        .await?
        .ok_or_else(|| TaskError::new("not_found", "task was not found"))?;
    if let Some(redis) = &state.nodes
        && node_id.is_some()
        && !task.status.is_terminal()
    {
        return Ok(Following::Elsewhere { redis: redis.clone(), run_id: task.run_id });
    }
    let tool_updates = match task.tool_updates {
        Some(Value::Array(updates)) => updates,
        _ => Vec::new(),
    };
    let log = EventLog::rebuild(task.response_text.unwrap_or_default(), chunks.as_deref(), &tool_updates);
    let last = [
        task.response_errors.map(|e| json!({ "error": e })),
        task.response_info.map(|i| json!({ "info": i })),
    ];
    Ok(Following::Here(LiveTask::replay(
        &task.task_id,
        task.run_id,
        user.id,
        log,
        last.into_iter().flatten(),
    )))
}

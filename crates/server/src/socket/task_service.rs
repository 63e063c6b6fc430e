//! `task_service`: `cancel_task` and `resume` of the caller's own tasks. A task live on this node
//! is followed from its in-memory log; on a node of several, one running on another node is
//! followed from its shared log and cancelled through the cancel channel (its owner checked in
//! the database first); a finished one is rebuilt from its stored record (its text cut at the
//! stored chunk boundaries). So `resume {from}` is exact either way.

use std::sync::Arc;

use promptdeck_core::protocol::{CancelAck, CancelTaskData, ResumeData, TaskAck, TaskErrorCode, TaskStarted};
use promptdeck_store::{TaskReplay, User};
use serde_json::Value;
use socketioxide::extract::{AckSender, Extension, SocketRef, State, TryData};

use super::{refuse, send_ack, unknown_task};
use crate::state::AppState;
use crate::tasks::hub::event_name;
use crate::tasks::intake::task_data;
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
    match env.task_name.as_str() {
        "cancel_task" => {
            let answer = match cancel(&state, &user, env).await {
                Ok(()) => CancelAck { ok: true, error: None },
                Err(e) => CancelAck { ok: false, error: Some(e.body()) },
            };
            send_ack(ack, &answer);
        }
        "resume" => {
            let resumed = match task_data::<ResumeData>(env.task_data) {
                Ok(data) => {
                    follow(&state, &user, &data.task_id).await.map(|task| (task, data.task_id, data.from))
                }
                Err(e) => Err(e),
            };
            let from = |from: Option<u64>| usize::try_from(from.unwrap_or(0)).unwrap_or(usize::MAX);
            match resumed {
                Ok((Following::Here(task), _, start)) => {
                    send_ack(ack, &TaskAck::Started(task.started()));
                    let from = from(start);
                    task.subscribe(socket, from);
                }
                Ok((Following::Elsewhere { redis, run_id }, task_id, start)) => {
                    let event = event_name(&task_id);
                    send_ack(
                        ack,
                        &TaskAck::Started(TaskStarted {
                            response_listener_events: vec![event.clone()],
                            task_id: task_id.clone(),
                            run_id,
                        }),
                    );
                    crate::nodes::log::follow(
                        redis,
                        state.store.clone(),
                        user.id,
                        task_id,
                        event,
                        socket,
                        from(start),
                    );
                }
                Err(e) => refuse(ack, &e),
            }
        }
        other => refuse(ack, &unknown_task("task_service", other)),
    }
}

/// Cancels the caller's running task, here or (on a node of several) wherever it runs.
async fn cancel(state: &AppState, user: &User, env: Envelope) -> Result<(), TaskError> {
    let CancelTaskData { task_id } = task_data(env.task_data)?;
    let finished = || TaskError::new(TaskErrorCode::TaskFinished, "the task has already ended");
    if let Some(live) = state.hub.get(&task_id, user.id) {
        if live.is_done() {
            return Err(finished());
        }
        live.cancel.cancel();
        return Ok(());
    }
    match state.store.get_task_replay(user.id, &task_id).await? {
        Some(replay) if replay.task.status.is_terminal() => Err(finished()),
        Some(replay) if replay.node_id.is_some() && state.nodes.is_some() => {
            let Some(redis) = &state.nodes else { return Err(unavailable()) };
            crate::nodes::cancel::publish(redis, &task_id).await.map_err(|e| {
                tracing::warn!(error = %e, task_id, "could not relay a cancel");
                unavailable()
            })?;
            Ok(())
        }
        _ => Err(TaskError::not_found("task")),
    }
}

fn unavailable() -> TaskError {
    TaskError::new(TaskErrorCode::Unavailable, "the shared task state (Redis) is not answering; try again")
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
    let TaskReplay { task, chunks, node_id } =
        state.store.get_task_replay(user.id, task_id).await?.ok_or_else(|| TaskError::not_found("task"))?;
    if let Some(redis) = &state.nodes
        && node_id.is_some()
        && !task.status.is_terminal()
    {
        return Ok(Following::Elsewhere { redis: redis.clone(), run_id: task.run_id });
    }
    Ok(Following::Here(crate::tasks::replay::from_record(task, chunks.as_deref(), user.id)))
}

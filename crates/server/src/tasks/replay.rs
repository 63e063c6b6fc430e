//! A finished task's events rebuilt from its stored record (its text cut at the stored chunk
//! boundaries, its tool-call deltas, its final `error`/`info`), so `resume {from}` after the task
//! has left memory — or when the shared log lost events — is as exact as following it live.

use std::sync::Arc;

use promptdeck_core::AiTask;
use promptdeck_core::protocol::StreamEvent;
use serde_json::Value;
use uuid::Uuid;

use crate::tasks::LiveTask;
use crate::tasks::events::EventLog;

/// The events of `task` (owned by `user`) as a finished live task a socket can subscribe to;
/// `chunks` are its stored chunk boundaries.
pub fn from_record(task: AiTask, chunks: Option<&[u8]>, user: Uuid) -> Arc<LiveTask> {
    let tool_updates = match task.tool_updates {
        Some(Value::Array(updates)) => updates,
        _ => Vec::new(),
    };
    let log = EventLog::rebuild(task.response_text.unwrap_or_default(), chunks, &tool_updates);
    let last = [
        task.response_errors.and_then(|e| stored(&task.task_id, e, StreamEvent::Error)),
        task.response_info.and_then(|i| stored(&task.task_id, i, StreamEvent::Info)),
    ];
    LiveTask::replay(&task.task_id, task.run_id, user, log, last.into_iter().flatten())
}

/// A stored `error` or `info` body as its stream event; `None` (logged) for a body of another
/// shape, which only the runner writes.
fn stored<T: serde::de::DeserializeOwned>(
    task_id: &str,
    body: Value,
    event: fn(T) -> StreamEvent,
) -> Option<Value> {
    match serde_json::from_value(body) {
        Ok(body) => Some(event(body).to_json()),
        Err(e) => {
            tracing::warn!(error = %e, task_id, "a stored task event has an unknown shape; not replayed");
            None
        }
    }
}

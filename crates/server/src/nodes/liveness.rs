//! Liveness of the nodes: each node heartbeats in the shared database, and every node reaps the
//! unfinished tasks of nodes that went silent — it reads each one's shared log for its partial
//! text, ends the log with `{"error":{"code":"node_lost"}}` and `{end:true}` (so followers on
//! any node end too), and records it `failed` with that text. With the defaults (15 s timeout,
//! a pass every 3 s) a dead node's tasks are failed within 20 s.

use std::sync::Arc;
use std::time::Duration;

use promptdeck_store::{DeadTask, Reaped, Store};
use tokio_util::sync::CancellationToken;

use super::{Redis, log};
use crate::tasks::TaskError;
use promptdeck_core::protocol::{StreamEvent, TaskErrorCode};

/// Tasks one reaper pass fails at most.
const REAP_BATCH: i64 = 100;

/// The error a dead node's tasks end with.
pub fn node_lost() -> TaskError {
    TaskError::new(
        TaskErrorCode::NodeLost,
        "the server running this task stopped answering; the text so far is kept",
    )
}

/// Heartbeats for this node and reaps dead nodes' tasks, every fifth of `timeout`, and checks
/// that Redis answers every [`super::PING_PERIOD`], until `stop`.
pub fn spawn(store: Store, redis: Redis, timeout: Duration, stop: CancellationToken) {
    let period = timeout / 5;
    tokio::spawn({
        let (redis, stop) = (redis.clone(), stop.clone());
        async move {
            let mut tick = tokio::time::interval(super::PING_PERIOD);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.cancelled() => return,
                }
                // The answer is noted by `ping` itself; a failure is logged once there.
                let _ = redis.ping().await;
            }
        }
    });
    let (hb_store, node) = (store.clone(), redis.node_id);
    let hb_stop = stop.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = hb_stop.cancelled() => return,
            }
            if let Err(e) = hb_store.heartbeat(node).await {
                tracing::warn!(error = %e, "could not record this node's heartbeat");
            }
        }
    });
    let redis = Arc::new(redis);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.cancelled() => return,
            }
            if let Err(e) = reap(&store, &redis, timeout).await {
                tracing::warn!(error = %e, "reaping dead nodes' tasks failed");
            }
        }
    });
}

/// One pass: fails the unfinished tasks of nodes silent for longer than `timeout`. Also what a
/// starting node runs instead of failing every unfinished task (other nodes' are alive).
pub async fn reap(store: &Store, redis: &Redis, timeout: Duration) -> promptdeck_store::StoreResult<usize> {
    let reaped = store.reap_dead_nodes(timeout, REAP_BATCH, |task| end_task(redis, task)).await?;
    if reaped > 0 {
        tracing::warn!(reaped, "failed the tasks of nodes that stopped answering");
    }
    Ok(reaped)
}

/// Ends a dead node's task in its shared log and says what to record; `None` when Redis is not
/// answering (a later pass tries again).
async fn end_task(redis: &Redis, task: DeadTask) -> Option<Reaped> {
    let mut conn = redis.conn();
    let error = node_lost().body();
    let (events, ended) = match log::read_all(&mut conn, &task.task_id).await {
        Ok(read) => read,
        Err(e) => {
            tracing::warn!(error = %e, task_id = task.task_id, "could not read a dead node's task log");
            return None;
        }
    };
    if !ended
        && let Err(e) = log::end(
            &mut conn,
            &task.task_id,
            events.len(),
            vec![StreamEvent::Error(error.clone()).to_json()],
        )
        .await
    {
        tracing::warn!(error = %e, task_id = task.task_id, "could not end a dead node's task log");
        return None;
    }
    let (response_text, response_chunks) = if events.is_empty() {
        (task.response_text.unwrap_or_default(), None)
    } else {
        (events.text().to_owned(), Some(events.layout().to_vec()))
    };
    Some(Reaped {
        response_text,
        response_chunks,
        response_errors: serde_json::to_value(&error).unwrap_or_default(),
    })
}

//! `cancel_task` on any node: the node that checked the caller owns the task publishes its id on
//! one Redis channel, and every node cancels the task if it runs there.

use std::sync::Arc;

use super::{Redis, pubsub};
use crate::tasks::TaskHub;

/// The channel cancels travel on.
pub const CHANNEL: &str = "promptdeck:cancel";

/// Asks every node to cancel `task_id` (its owner was checked by the caller). Returns how many
/// nodes heard it.
pub async fn publish(redis: &Redis, task_id: &str) -> redis::RedisResult<usize> {
    pubsub::publish(redis, CHANNEL, task_id).await
}

/// Listens for cancels and cancels the tasks of `hub` they name, for as long as the node runs.
/// Resolves once the first subscription is in place (so a node takes tasks only when it can be
/// told to cancel them).
pub async fn listen(redis: Redis, hub: Arc<TaskHub>) -> redis::RedisResult<()> {
    pubsub::listen(redis, CHANNEL, move |task_id| {
        if hub.cancel_any(task_id) {
            tracing::info!(task_id, "cancelled at another node's request");
        }
    })
    .await
}

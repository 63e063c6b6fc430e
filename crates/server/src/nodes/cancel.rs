//! `cancel_task` on any node: the node that checked the caller owns the task publishes its id on
//! one Redis channel, and every node cancels the task if it runs there. A node that loses its
//! subscription subscribes again by itself.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use super::Redis;
use crate::tasks::TaskHub;

/// The channel cancels travel on.
pub const CHANNEL: &str = "promptdeck:cancel";

/// Asks every node to cancel `task_id` (its owner was checked by the caller). Returns how many
/// nodes heard it.
pub async fn publish(redis: &Redis, task_id: &str) -> redis::RedisResult<usize> {
    let mut conn = redis.conn();
    redis::cmd("PUBLISH").arg(CHANNEL).arg(task_id).query_async(&mut conn).await
}

/// Listens for cancels and cancels the tasks of `hub` they name, for as long as the node runs.
/// Resolves once the first subscription is in place (so a node takes tasks only when it can be
/// told to cancel them).
pub async fn listen(redis: Redis, hub: Arc<TaskHub>) -> redis::RedisResult<()> {
    let mut pubsub = redis.client().get_async_pubsub().await?;
    pubsub.subscribe(CHANNEL).await?;
    tokio::spawn(async move {
        loop {
            let mut messages = pubsub.into_on_message();
            while let Some(msg) = messages.next().await {
                if let Ok(task_id) = std::str::from_utf8(msg.get_payload_bytes())
                    && hub.cancel_any(task_id)
                {
                    tracing::info!(task_id, "cancelled at another node's request");
                }
            }
            tracing::warn!("lost the Redis cancel subscription; subscribing again");
            pubsub = loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                match redis.client().get_async_pubsub().await {
                    Ok(mut p) => match p.subscribe(CHANNEL).await {
                        Ok(()) => break p,
                        Err(e) => tracing::warn!(error = %e, "subscribing to cancels failed"),
                    },
                    Err(e) => tracing::warn!(error = %e, "connecting to Redis for cancels failed"),
                }
            };
        }
    });
    Ok(())
}

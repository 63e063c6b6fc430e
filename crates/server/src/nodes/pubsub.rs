//! A Redis channel every node listens on for as long as it runs (cancels, revoked sessions): one
//! subscription per channel, taken again by itself when the connection is lost.

use std::time::Duration;

use futures::StreamExt;

use super::Redis;

/// Publishes `message` on `channel`; returns how many nodes heard it.
pub async fn publish(redis: &Redis, channel: &str, message: &str) -> redis::RedisResult<usize> {
    let mut conn = redis.conn();
    redis::cmd("PUBLISH").arg(channel).arg(message).query_async(&mut conn).await
}

/// Calls `on_message` with each message of `channel` (those that are UTF-8), for as long as the
/// node runs. Resolves once the first subscription is in place, so a node starts serving only
/// when it can hear the others.
pub async fn listen<F>(redis: Redis, channel: &'static str, on_message: F) -> redis::RedisResult<()>
where
    F: Fn(&str) + Send + 'static,
{
    let mut pubsub = redis.client().get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    tokio::spawn(async move {
        loop {
            let mut messages = pubsub.into_on_message();
            while let Some(msg) = messages.next().await {
                if let Ok(text) = std::str::from_utf8(msg.get_payload_bytes()) {
                    on_message(text);
                }
            }
            tracing::warn!(channel, "lost a Redis subscription; subscribing again");
            pubsub = loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                match redis.client().get_async_pubsub().await {
                    Ok(mut p) => match p.subscribe(channel).await {
                        Ok(()) => break p,
                        Err(e) => tracing::warn!(error = %e, channel, "subscribing failed"),
                    },
                    Err(e) => tracing::warn!(error = %e, channel, "connecting to Redis to subscribe failed"),
                }
            };
        }
    });
    Ok(())
}

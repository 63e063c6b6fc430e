//! Signing out on any node disconnects the session's sockets on every node: the node that
//! revoked the session publishes its id on one Redis channel, and each node disconnects the
//! sockets of that session it holds (the Socket.IO room `session:<id>`).
//!
//! This is the one fan-out between nodes that rooms served on a single node; a channel of our
//! own carries it, so the Socket.IO layer keeps its in-process adapter and the single-node build
//! its types. Task streams never rely on broadcast: a follower's node reads the task's log.

use socketioxide::SocketIo;
use uuid::Uuid;

use super::{Redis, pubsub};

/// The channel revoked sessions travel on.
pub const CHANNEL: &str = "promptdeck:sessions-revoked";

/// Tells every node that session `id` was revoked.
pub async fn publish(redis: &Redis, id: Uuid) -> redis::RedisResult<usize> {
    pubsub::publish(redis, CHANNEL, &id.to_string()).await
}

/// Disconnects this node's sockets of each revoked session announced, for as long as the node
/// runs.
pub async fn listen(redis: Redis, io: SocketIo) -> redis::RedisResult<()> {
    pubsub::listen(redis, CHANNEL, move |id| {
        let Ok(id) = id.parse::<Uuid>() else { return };
        let io = io.clone();
        tokio::spawn(async move {
            if let Err(e) = io.to(crate::auth::session_room(id)).disconnect().await {
                tracing::warn!(error = %e, session = %id, "could not disconnect a revoked session's sockets");
            }
        });
    })
    .await
}

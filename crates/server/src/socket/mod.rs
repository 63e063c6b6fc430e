//! Socket.IO at `/socket.io/` (socketioxide): token-checked connections and the task services
//! of docs/protocol.md. Handlers answer every ack, malformed requests included, and never touch
//! another user's tasks.

mod submit;
mod task_service;

use promptdeck_core::protocol::TaskErrorCode;
use std::time::Duration;

use promptdeck_core::protocol::{TaskAck, TaskRefused};
use serde_json::Value;
use socketioxide::extract::{AckSender, Event, SocketRef, State, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::{ParserConfig, SocketIo};

use crate::state::AppState;
use crate::tasks::TaskError;

/// Packets a socket may have queued before emits report it full. socketioxide's default (128)
/// fills within one burst of a fast model; an ack that meets a full buffer cannot be retried
/// (socketioxide consumes the ack on failure), so the buffer is sized for many concurrent bursts
/// on one socket. Stream chunks that meet a full buffer are retried from the task's own buffer
/// (see `tasks::hub`), so a slow client costs at most this many queued packets.
pub const SOCKET_BUFFER_PACKETS: usize = 16 * 1024;

/// The largest Socket.IO packet accepted on any transport: twice the message limit, at least
/// the REST body limit and 1 MiB.
pub fn max_payload_bytes(config: &crate::Config) -> usize {
    config.max_message_bytes.saturating_mul(2).max(config.max_body_bytes).max(1 << 20)
}

/// Builds the Socket.IO layer for the app's router. The payload limit holds on every transport
/// before a payload is buffered whole: a polling body over it is answered 413, and a websocket
/// frame or message over it closes the connection as soon as its header announces the size (the
/// websocket defaults, 16 MiB frames and 64 MiB messages, would be read whole first); binary
/// attachments count against it too.
pub fn layer(state: AppState) -> (SocketIoLayer, SocketIo) {
    let max_payload = max_payload_bytes(&state.config);
    let (layer, io) = SocketIo::builder()
        .max_payload(max_payload as u64)
        .ws_max_frame_size(max_payload)
        .ws_max_message_size(max_payload)
        .with_parser(ParserConfig::common().max_incoming_binary_buf_size(max_payload))
        .max_buffer_size(SOCKET_BUFFER_PACKETS)
        .ping_interval(Duration::from_secs(25))
        .ping_timeout(Duration::from_secs(20))
        .with_state(state)
        .build_layer();
    io.ns("/", on_connect.with(authenticate));
    (layer, io)
}

#[derive(Debug)]
struct Unauthorized;

impl std::fmt::Display for Unauthorized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unauthorized")
    }
}

async fn authenticate(
    socket: SocketRef,
    TryData(auth): TryData<Value>,
    State(state): State<AppState>,
) -> Result<(), Unauthorized> {
    let token = auth
        .ok()
        .and_then(|a| a.get("token").and_then(Value::as_str).map(str::to_owned))
        .ok_or(Unauthorized)?;
    let caller = crate::auth::caller_for_token(&state.store, state.config.jwt_secret.as_deref(), &token)
        .await
        .map_err(|_| Unauthorized)?;
    if let Some(session) = caller.session {
        // Revoking the session disconnects the sockets in this room.
        socket.join(crate::auth::session_room(session));
    }
    socket.extensions.insert(caller.user);
    register_handlers(&socket);
    Ok(())
}

/// Registers the event handlers. Called from the connect middleware, which socketioxide awaits
/// *before* it answers CONNECT: the connect handler itself runs in a task spawned after CONNECT
/// is sent, so an event the client emits at once could arrive before handlers registered there
/// exist, and be dropped without an ack.
fn register_handlers(socket: &SocketRef) {
    socket.on("chat_service", submit::chat_service);
    socket.on("prompt_service", submit::prompt_service);
    socket.on("task_service", task_service::task_service);
    socket.on_fallback(unknown_service);
}

async fn on_connect(socket: SocketRef) {
    tracing::debug!(sid = %socket.id, "socket connected");
}

fn refuse(ack: AckSender, err: &TaskError) {
    send_ack(ack, &TaskAck::Refused(TaskRefused::new(err.body())));
}

/// Sends an ack; a failure (the socket closed, or its buffer full) is logged: socketioxide does
/// not let an ack be sent twice.
fn send_ack(ack: AckSender, answer: &impl serde::Serialize) {
    if let Err(e) = ack.send(answer) {
        tracing::warn!(error = %e, "could not send an ack");
    }
}

fn unknown_task(service: &str, task: &str) -> TaskError {
    TaskError::new(TaskErrorCode::UnknownTask, format!("{service} has no task `{task}`"))
}

async fn unknown_service(Event(event): Event, ack: AckSender) {
    refuse(ack, &TaskError::new(TaskErrorCode::UnknownService, format!("there is no service `{event}`")));
}

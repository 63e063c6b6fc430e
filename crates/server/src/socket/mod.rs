//! Socket.IO at `/socket.io/` (socketioxide): token-checked connections and the task services
//! of docs/protocol.md. Handlers answer every ack, malformed requests included, and never touch
//! another user's tasks.

use std::time::Duration;

use promptdeck_store::User;
use serde_json::{Value, json};
use socketioxide::extract::{AckSender, Event, Extension, SocketRef, State, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::{ParserError, SocketIo};

use crate::state::AppState;
use crate::tasks::plan::{Envelope, plan_direct_chat, plan_run_prompt};
use crate::tasks::{TaskError, runner};

/// Packets a socket may have queued before emits report it full. socketioxide's default (128)
/// fills within one burst of a fast model; an ack that meets a full buffer cannot be retried
/// (socketioxide consumes the ack on failure), so the buffer is sized for many concurrent bursts
/// on one socket. Stream chunks that meet a full buffer are retried from the task's own buffer
/// (see `tasks::hub`), so a slow client costs at most this many queued packets.
pub const SOCKET_BUFFER_PACKETS: usize = 16 * 1024;

/// Builds the Socket.IO layer for the app's router.
pub fn layer(state: AppState) -> (SocketIoLayer, SocketIo) {
    let max_payload =
        (state.config.max_message_bytes as u64 * 2).max(state.config.max_body_bytes as u64).max(1 << 20);
    let (layer, io) = SocketIo::builder()
        .max_payload(max_payload)
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
    socket.on("chat_service", chat_service);
    socket.on("prompt_service", prompt_service);
    socket.on("task_service", task_service);
    socket.on_fallback(unknown_service);
}

async fn on_connect(socket: SocketRef) {
    tracing::debug!(sid = %socket.id, "socket connected");
}

fn refuse(ack: AckSender, err: &TaskError) {
    send_ack(ack, &json!({ "response_listener_events": [], "error": err.to_json() }));
}

/// Sends an ack; a failure (the socket closed, or its buffer full) is logged: socketioxide does
/// not let an ack be sent twice.
fn send_ack(ack: AckSender, answer: &Value) {
    if let Err(e) = ack.send(answer) {
        tracing::warn!(error = %e, "could not send an ack");
    }
}

/// The two services that start tasks.
#[derive(Debug, Clone, Copy)]
enum Service {
    /// `chat_service`: `direct_chat`.
    Chat,
    /// `prompt_service`: `run_prompt`.
    Prompt,
}

async fn chat_service(
    socket: SocketRef,
    TryData(data): TryData<Value>,
    ack: AckSender,
    Extension(user): Extension<User>,
    State(state): State<AppState>,
) {
    submit(Service::Chat, socket, data, ack, user, state).await;
}

async fn prompt_service(
    socket: SocketRef,
    TryData(data): TryData<Value>,
    ack: AckSender,
    Extension(user): Extension<User>,
    State(state): State<AppState>,
) {
    submit(Service::Prompt, socket, data, ack, user, state).await;
}

/// Plans a task of `service` and starts it, or refuses it in the ack.
async fn submit(
    service: Service,
    socket: SocketRef,
    data: Result<Value, ParserError>,
    ack: AckSender,
    user: User,
    state: AppState,
) {
    let planned = match Envelope::parse(data.ok()) {
        Ok(env) => match (service, env.task_name.as_str()) {
            (Service::Chat, "direct_chat") => plan_direct_chat(&state, user.id, env).await,
            (Service::Prompt, "run_prompt") => plan_run_prompt(&state, user.id, env).await,
            (Service::Chat, other) => Err(unknown_task("chat_service", other)),
            (Service::Prompt, other) => Err(unknown_task("prompt_service", other)),
        },
        Err(e) => Err(e),
    };
    start(socket, ack, state, planned);
}

fn unknown_task(service: &str, task: &str) -> TaskError {
    TaskError::new("unknown_task", format!("{service} has no task `{task}`"))
}

/// Acks a planned task, subscribes the socket, and starts the runner — in that order, so the
/// ack reaches the client before the first stream event.
fn start(
    socket: SocketRef,
    ack: AckSender,
    state: AppState,
    planned: Result<crate::tasks::TaskPlan, TaskError>,
) {
    let plan = match planned {
        Ok(plan) => plan,
        Err(e) => return refuse(ack, &e),
    };
    let Some(live) = state.hub.register(&plan.task_id, plan.run_id, plan.user_id) else {
        return refuse(ack, &TaskError::new("duplicate_task", "this taskId was used before"));
    };
    send_ack(
        ack,
        &json!({
            "response_listener_events": [live.event],
            "task_id": plan.task_id,
            "run_id": plan.run_id,
        }),
    );
    live.subscribe(socket, 0);
    tokio::spawn(runner::run(state, plan, live));
}

async fn task_service(
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
            let answer = match state.hub.get(&task_id, user.id) {
                Some(live) if !live.is_done() => {
                    live.cancel.cancel();
                    json!({ "ok": true })
                }
                Some(_) => {
                    json!({ "ok": false, "error": { "code": "task_finished", "message": "the task has already ended" } })
                }
                None => {
                    json!({ "ok": false, "error": TaskError::new("not_found", "task was not found").to_json() })
                }
            };
            send_ack(ack, &answer);
        }
        "resume" => {
            let from = env.task_data.get("from").and_then(Value::as_u64).unwrap_or(0) as usize;
            resume(socket, ack, state, user, task_id, from).await;
        }
        other => refuse(ack, &unknown_task("task_service", other)),
    }
}

/// Replays a task from event `from` and follows it live; a task no longer in memory is replayed
/// from its stored record.
async fn resume(
    socket: SocketRef,
    ack: AckSender,
    state: AppState,
    user: User,
    task_id: String,
    from: usize,
) {
    if let Some(live) = state.hub.get(&task_id, user.id) {
        send_ack(
            ack,
            &json!({
                "response_listener_events": [live.event],
                "task_id": live.task_id,
                "run_id": live.run_id,
            }),
        );
        live.subscribe(socket, from);
        return;
    }
    let task = match state.store.get_task(user.id, &task_id).await {
        Ok(Some(task)) => task,
        Ok(None) => return refuse(ack, &TaskError::new("not_found", "task was not found")),
        Err(e) => return refuse(ack, &e.into()),
    };
    let event = format!("response-{}", task.task_id);
    let _ = ack.send(
        &json!({ "response_listener_events": [event], "task_id": task.task_id, "run_id": task.run_id }),
    );
    if from == 0
        && let Some(text) = task.response_text.as_deref().filter(|t| !t.is_empty())
    {
        let _ = socket.emit(&event, text);
    }
    if let Some(errors) = &task.response_errors {
        let _ = socket.emit(&event, &json!({ "error": errors }));
    }
    if let Some(info) = &task.response_info {
        let _ = socket.emit(&event, &json!({ "info": info }));
    }
    let _ = socket.emit(&event, &json!({ "end": true }));
}

async fn unknown_service(Event(event): Event, ack: AckSender) {
    refuse(ack, &TaskError::new("unknown_service", format!("there is no service `{event}`")));
}

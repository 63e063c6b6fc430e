//! `chat_service` and `prompt_service`: a task request is checked (shape, unstorable text),
//! admitted under the user's caps, planned, charged to its payer within budget, and recorded —
//! run, task row with its unique task id, the user's turn, in one transaction (shared by a burst
//! of starts, see `tasks::starts`) — before the ack; only then does it stream. So a task is never
//! acked without its record, and a crash mid-task leaves the user's turn in the run.

use chrono::Utc;
use promptdeck_core::protocol::{TaskAck, TaskErrorCode};
use promptdeck_store::User;
use serde_json::Value;
use socketioxide::ParserError;
use socketioxide::extract::{AckSender, Extension, SocketRef, State, TryData};

use super::{refuse, send_ack, unknown_task};
use crate::state::AppState;
use crate::tasks::budget;
use crate::tasks::limits::{TaskSlot, admit};
use crate::tasks::plan::{Envelope, plan_direct_chat, plan_run_prompt};
use crate::tasks::{TaskError, TaskPlan, runner};

/// The two services that start tasks.
#[derive(Debug, Clone, Copy)]
enum Service {
    /// `chat_service`: `direct_chat`.
    Chat,
    /// `prompt_service`: `run_prompt`.
    Prompt,
}

/// `chat_service`.
pub(super) async fn chat_service(
    socket: SocketRef,
    TryData(data): TryData<Value>,
    ack: AckSender,
    Extension(user): Extension<User>,
    State(state): State<AppState>,
) {
    submit(Service::Chat, socket, data, ack, user, state).await;
}

/// `prompt_service`.
pub(super) async fn prompt_service(
    socket: SocketRef,
    TryData(data): TryData<Value>,
    ack: AckSender,
    Extension(user): Extension<User>,
    State(state): State<AppState>,
) {
    submit(Service::Prompt, socket, data, ack, user, state).await;
}

/// Starts a task of `service`, or refuses it in the ack.
async fn submit(
    service: Service,
    socket: SocketRef,
    data: Result<Value, ParserError>,
    ack: AckSender,
    user: User,
    state: AppState,
) {
    match prepare(service, data, &user, &state).await {
        Ok((plan, slot)) => start(socket, ack, state, plan, slot),
        Err(e) => refuse(ack, &e),
    }
}

/// Everything before the ack: check, admit, plan, record. A refusal at any step leaves nothing
/// behind (the slot is given back when dropped; the record is one transaction).
async fn prepare(
    service: Service,
    data: Result<Value, ParserError>,
    user: &User,
    state: &AppState,
) -> Result<(TaskPlan, TaskSlot), TaskError> {
    state.drain.admit()?;
    if let Some(redis) = &state.nodes
        && !redis.is_answering()
    {
        return Err(TaskError::new(
            TaskErrorCode::Unavailable,
            "the shared task state (Redis) is not answering; try again shortly",
        ));
    }
    let env = Envelope::parse(data.ok())?;
    match (service, env.task_name.as_str()) {
        (Service::Chat, "direct_chat") | (Service::Prompt, "run_prompt") => {}
        (Service::Chat, other) => return Err(unknown_task("chat_service", other)),
        (Service::Prompt, other) => return Err(unknown_task("prompt_service", other)),
    }
    // An embed's viewer runs that embed's UI, nothing else.
    let embed = match user.embed_id {
        Some(embed_id) => {
            let (record, target) = crate::embeds::viewer_target(state, embed_id, user.id).await?;
            if env.custom_ui_id() != Some(target.id) {
                return Err(TaskError::new(
                    TaskErrorCode::NotFound,
                    "an embed viewer's session can only run its embed's custom UI",
                ));
            }
            Some(record)
        }
        None => None,
    };
    let slot = admit(&state.task_limiter, user.id, env.custom_ui_id()).await?;
    let (mut plan, mut start) = match service {
        Service::Chat => plan_direct_chat(state, user.id, env).await?,
        Service::Prompt => plan_run_prompt(state, user.id, env).await?,
    };
    let ui = plan.custom_ui.as_ref().map(|(id, _)| *id);
    start.charge = budget::charge(state, user.id, ui, embed.as_ref(), Utc::now()).await?;
    plan.payer_id = start.charge.payer.unwrap_or(user.id);
    state.task_starts.record(user.id, start).await?;
    Ok((plan, slot))
}

/// Acks a recorded task, subscribes the socket, and starts the runner — in that order, so the
/// ack reaches the client before the first stream event.
fn start(socket: SocketRef, ack: AckSender, state: AppState, plan: TaskPlan, slot: TaskSlot) {
    let Some(live) = state.hub.register(&plan.task_id, plan.run_id, plan.user_id) else {
        // The store refused a taken task id when it recorded the start: a live twin is a bug.
        tracing::error!(task_id = plan.task_id, "a recorded task id is already live");
        return refuse(ack, &TaskError::new(TaskErrorCode::Internal, "the task could not be started"));
    };
    send_ack(ack, &TaskAck::Started(live.started()));
    live.subscribe(socket, 0);
    state.drain.clone().spawn(runner::run(state, plan, live, slot));
}

//! `chat_service` and `prompt_service`: a task request is checked (shape, unstorable text),
//! admitted under the user's caps, planned, charged to its payer within budget, and recorded —
//! run, task row with its unique task id, the user's turn, in one transaction (shared by a burst
//! of starts, see `tasks::starts`) — before the ack. So a task is never acked without its
//! record, and a crash mid-task leaves the user's turn in the run.
//!
//! A task whose id the server makes, in a new run, has nothing the store could refuse it for
//! but a failing database: its provider's stream starts while its record commits, and what it
//! sends meanwhile waits in the task's log for the ack. Under a burst of starts the records
//! wait for the single writer; the answers no longer wait behind them (with a real model, the
//! commit hides inside the provider's own time to first token). Should the record fail, the
//! stream is stopped, nothing is recorded, and the ack refuses the task; until a batch of starts
//! is written again, starts are recorded first (an outage does not make every refused start a
//! provider request). A task whose id the
//! client chose (the store decides whether it is taken), or that goes into an existing run,
//! is recorded first and only then calls its model.

use std::sync::Arc;

use chrono::Utc;
use promptdeck_core::protocol::{TaskAck, TaskErrorCode};
use promptdeck_store::{TaskRun, TaskStart, User};
use serde_json::Value;
use socketioxide::ParserError;
use socketioxide::extract::{AckSender, Extension, SocketRef, State, TryData};

use super::{refuse, send_ack, unknown_task};
use crate::state::AppState;
use crate::tasks::budget;
use crate::tasks::hub::LiveTask;
use crate::tasks::limits::{TaskSlot, admit};
use crate::tasks::plan::{Envelope, plan_direct_chat, plan_run_prompt};
use crate::tasks::runner::{self, StartRecord};
use crate::tasks::{TaskError, TaskPlan};

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
    Box::pin(submit(Service::Chat, socket, data, ack, user, state)).await;
}

/// `prompt_service`.
pub(super) async fn prompt_service(
    socket: SocketRef,
    TryData(data): TryData<Value>,
    ack: AckSender,
    Extension(user): Extension<User>,
    State(state): State<AppState>,
) {
    Box::pin(submit(Service::Prompt, socket, data, ack, user, state)).await;
}

/// Starts a task of `service`, or refuses it in the ack. Its handlers hold it boxed: its state
/// (about 14 KB: planning, admission and the start record awaited inline) would otherwise be
/// copied whole as socketioxide spawns the handler and as the runtime retires it.
async fn submit(
    service: Service,
    socket: SocketRef,
    data: Result<Value, ParserError>,
    ack: AckSender,
    user: User,
    state: AppState,
) {
    let prepared = match prepare(service, data, &user, &state).await {
        Ok(prepared) => prepared,
        Err(e) => return refuse(ack, &e),
    };
    if prepared.record_beside {
        return start_beside_record(socket, ack, state, prepared).await;
    }
    let Prepared { plan, start, slot, .. } = prepared;
    match state.task_starts.record(user.id, start).await {
        Ok(()) => start_recorded(socket, ack, state, plan, slot),
        Err(e) => refuse(ack, &e),
    }
}

/// A task admitted, planned and charged, not yet recorded.
struct Prepared {
    plan: TaskPlan,
    start: TaskStart,
    slot: TaskSlot,
    /// Its stream may start while its record commits: the server made its id and it starts a
    /// new run, so only a failing database could refuse the record (and the last batch of
    /// starts was written: while the database fails, starts are recorded first).
    record_beside: bool,
}

/// Everything before the record: check, admit, plan, charge. A refusal at any step leaves
/// nothing behind (the slot is given back when dropped).
async fn prepare(
    service: Service,
    data: Result<Value, ParserError>,
    user: &User,
    state: &AppState,
) -> Result<Prepared, TaskError> {
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
    let id_from_client = env.task_id.is_some();
    let slot = admit(&state.task_limiter, user.id, env.custom_ui_id()).await?;
    let (mut plan, mut start) = match service {
        Service::Chat => plan_direct_chat(state, user.id, env).await?,
        Service::Prompt => plan_run_prompt(state, user.id, env).await?,
    };
    let ui = plan.custom_ui.as_ref().map(|(id, _)| *id);
    start.charge = budget::charge(state, user.id, ui, embed.as_ref(), Utc::now()).await?;
    plan.payer_id = start.charge.payer.unwrap_or(user.id);
    let record_beside =
        !id_from_client && matches!(start.run, TaskRun::New(_)) && !state.task_starts.is_failing();
    Ok(Prepared { plan, start, slot, record_beside })
}

/// Starts the runner and records the task meanwhile; once the record is committed, acks the
/// task and subscribes the socket (which then gets every event from the first), else stops the
/// stream and refuses the task. The runner writes no final record before it knows.
async fn start_beside_record(socket: SocketRef, ack: AckSender, state: AppState, prepared: Prepared) {
    let Prepared { plan, start, slot, .. } = prepared;
    let user = plan.user_id;
    let Some((live, ack)) = register(&state, &plan, ack) else { return };
    let (recorded, record) = tokio::sync::oneshot::channel();
    state.drain.clone().spawn(runner::run(
        state.clone(),
        plan,
        live.clone(),
        slot,
        StartRecord::Pending(record),
    ));
    match state.task_starts.record(user, start).await {
        Ok(()) => {
            ack_and_subscribe(socket, ack, &live);
            let _ = recorded.send(Ok(()));
        }
        Err(e) => {
            live.cancel.cancel();
            let _ = recorded.send(Err(e.clone()));
            refuse(ack, &e);
        }
    }
}

/// Acks a recorded task, subscribes the socket, and starts the runner — in that order, so the
/// ack reaches the client before the first stream event.
fn start_recorded(socket: SocketRef, ack: AckSender, state: AppState, plan: TaskPlan, slot: TaskSlot) {
    let Some((live, ack)) = register(&state, &plan, ack) else { return };
    ack_and_subscribe(socket, ack, &live);
    state.drain.clone().spawn(runner::run(state, plan, live, slot, StartRecord::Written));
}

/// Makes the task live in the hub, handing the ack back; or refuses it. Server-made ids are
/// unique and the store refuses a taken client id when it records the start, so a live twin is
/// a bug: it is logged and refused as `internal`.
fn register(state: &AppState, plan: &TaskPlan, ack: AckSender) -> Option<(Arc<LiveTask>, AckSender)> {
    match state.hub.register(&plan.task_id, plan.run_id, plan.user_id) {
        Some(live) => Some((live, ack)),
        None => {
            tracing::error!(task_id = plan.task_id, "a task id is already live");
            refuse(ack, &TaskError::new(TaskErrorCode::Internal, "the task could not be started"));
            None
        }
    }
}

/// Acks a started task and subscribes the socket to it from its first event, in that order,
/// so the ack reaches the client before any stream event.
fn ack_and_subscribe(socket: SocketRef, ack: AckSender, live: &Arc<LiveTask>) {
    send_ack(ack, &TaskAck::Started(live.started()));
    live.subscribe(socket, 0);
}

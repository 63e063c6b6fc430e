//! Runs one planned task: provider stream → live buffer (→ sockets), with the task's text
//! flushed to the store about once a second and its final record written once, before the
//! `info` and `{end:true}` events go out (so a client that reads the record after `end` sees it).
//! The answer-size and duration caps end a task `failed` (`answer_too_large`, `task_timeout`)
//! with its text so far kept; the provider is told the size cap and its stream is dropped.

use promptdeck_core::protocol::TaskErrorCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use promptdeck_core::protocol::{StreamEvent as Event, TaskInfo};
use promptdeck_core::text::{make_json_storable, storable};
use promptdeck_core::{MessageRole, NewRunMessage, NewUsage, RunMessageMetadata, TaskStatus};
use promptdeck_llm::{ChatRequest, StreamEvent};
use promptdeck_store::{StoreError, TaskFinish, TaskProgress};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::state::AppState;
use crate::tasks::limits::TaskSlot;
use crate::tasks::{LiveTask, TaskError, TaskPlan};

/// Bytes per token when a task's usage must be estimated (the usual rule of thumb for English).
const BYTES_PER_TOKEN: usize = 4;

/// Input and output tokens of a task that streamed an answer but whose provider never reported
/// its usage (the answer was cut off: a cap, a cancel, an upstream failure mid-stream). Charging
/// nothing would let a budget be spent by answers that never finish.
fn estimated_usage(request_bytes: usize, answer_bytes: usize) -> (i64, i64) {
    let tokens = |bytes: usize| i64::try_from(bytes.div_ceil(BYTES_PER_TOKEN)).unwrap_or(i64::MAX);
    (tokens(request_bytes), tokens(answer_bytes))
}

/// How often partial text is written while a task streams.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

struct Outcome {
    /// Filled from the live buffer when the stream ends.
    text: String,
    /// The chunk boundaries of `text`.
    chunks: Vec<u8>,
    error: Option<TaskError>,
    tool_updates: Vec<Value>,
    usage: Option<(i64, i64)>,
    ttft_ms: Option<f64>,
}

/// Where a task's start record (its run, row and user turn) stands when its runner begins.
#[derive(Debug)]
pub enum StartRecord {
    /// Committed before the runner was started.
    Written,
    /// Being committed beside the stream (see `socket::submit`): `Ok` once it is, the refusal
    /// the ack carried when it is not (a dropped sender counts as not recorded). The runner
    /// writes no final record before it knows (a partial-text flush only updates a row that
    /// is there).
    Pending(oneshot::Receiver<Result<(), TaskError>>),
}

impl StartRecord {
    /// Waits for the start record: `Err` when the task was refused and nothing of it is stored.
    async fn written(self) -> Result<(), TaskError> {
        match self {
            StartRecord::Written => Ok(()),
            StartRecord::Pending(answer) => answer.await.unwrap_or_else(|_| {
                Err(TaskError::new(TaskErrorCode::Internal, "the task could not be recorded"))
            }),
        }
    }
}

/// Streams the task to the end, records it, and ends its stream. Its run, row and user turn
/// are recorded before the ack (`start`); `slot` (one of the user's running tasks) is given
/// back before `{end:true}` goes out, so a client may start its next task as soon as it sees
/// the end. A task whose start record failed ends here, unrecorded: whoever follows it (only
/// its owner could, with `resume`) gets the refusal's error and `{end:true}`.
pub async fn run(
    state: AppState,
    mut plan: TaskPlan,
    live: Arc<LiveTask>,
    slot: TaskSlot,
    start: StartRecord,
) {
    let started = Instant::now();
    let request = std::mem::take(&mut plan.request);
    let request_bytes: usize = request.messages.iter().map(|m| m.content.len()).sum();
    let mut outcome = stream(&state, &plan, request, &live, started).await;
    (outcome.text, outcome.chunks) = live.end_stream();
    if let Err(refused) = start.written().await {
        drop(slot);
        live.finish([Event::Error(refused.body()).to_json()]);
        state.hub.remove(&plan.task_id);
        return;
    }
    if outcome.usage.is_none() && outcome.ttft_ms.is_some() {
        outcome.usage = Some(estimated_usage(request_bytes, outcome.text.len()));
    }
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (input, output) = outcome.usage.unwrap_or((0, 0));
    let cost = state.catalogue.cost(&plan.model_id, input, output);
    let provider = state.catalogue.get(&plan.model_id).map(|m| m.provider.clone());
    let info = TaskInfo {
        task_id: plan.task_id.clone(),
        run_id: plan.run_id,
        model_id: plan.model_id.clone(),
        provider: provider.clone(),
        status: outcome.status(),
        tokens_input: input,
        tokens_output: output,
        tokens_total: input + output,
        cost,
        time_to_first_token: outcome.ttft_ms,
        total_time: total_ms,
    };
    let error = outcome.error.as_ref().map(|e| Event::Error(e.body()).to_json());
    let info = Event::Info(info);
    let recorded = record(&state, &plan, outcome, &info, cost, total_ms, provider).await;
    drop(slot);
    live.finish(error.into_iter().chain([info.to_json()]));
    if recorded.stored {
        state.hub.remove(&plan.task_id);
    } else {
        state.hub.expire_later(plan.task_id.clone());
    }
}

async fn stream(
    state: &AppState,
    plan: &TaskPlan,
    mut request: ChatRequest,
    live: &Arc<LiveTask>,
    started: Instant,
) -> Outcome {
    let mut out = Outcome {
        text: String::new(),
        chunks: Vec::new(),
        error: None,
        tool_updates: Vec::new(),
        usage: None,
        ttft_ms: None,
    };
    let limits = &state.config.tasks;
    let max_answer = limits.max_answer();
    let deadline = async {
        match limits.max_task_duration() {
            Some(limit) => tokio::time::sleep(limit).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    // Registered once for the whole stream, not once per chunk.
    let cancelled = live.cancel.cancelled();
    tokio::pin!(cancelled);
    request.max_answer_bytes = max_answer;
    request.api_key = payer_key(state, plan).await;
    let upstream = tokio::select! {
        biased;
        _ = &mut cancelled => return stopped(state, out),
        _ = &mut deadline => return fail(out, timed_out(limits.max_task_seconds)),
        s = state.catalogue.stream(&plan.model_id, request) => s,
    };
    let mut upstream = match upstream {
        Ok(s) => s,
        Err(e) => return fail(out, e.into()),
    };
    let mut flush = tokio::time::interval_at(tokio::time::Instant::now() + FLUSH_EVERY, FLUSH_EVERY);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut flushed_len = 0;
    // Bytes of answer so far: text, and tool-call deltas as JSON.
    let mut answered = 0usize;
    loop {
        // Dropping `upstream` on return aborts the provider's request.
        tokio::select! {
            biased;
            _ = &mut cancelled => return stopped(state, out),
            _ = &mut deadline => return fail(out, timed_out(limits.max_task_seconds)),
            _ = flush.tick() => {
                if live.text_len() != flushed_len {
                    flushed_len = flush_text(state, live, out.ttft_ms, flushed_len);
                }
            }
            event = upstream.next() => match event {
                Some(Ok(StreamEvent::Text(chunk))) => {
                    if chunk.is_empty() {
                        continue;
                    }
                    // A model may answer a NUL, which no database of ours stores: the task is
                    // recorded (and streamed) with U+FFFD in its place.
                    let chunk = storable(chunk);
                    if out.ttft_ms.is_none() {
                        out.ttft_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
                    }
                    if let Some(max) = max_answer
                        && chunk.len() > max.saturating_sub(answered)
                    {
                        live.push_text(&chunk[..chunk.floor_char_boundary(max.saturating_sub(answered))]);
                        return fail(out, too_large(max));
                    }
                    answered += chunk.len();
                    live.push_text(&chunk);
                }
                Some(Ok(StreamEvent::ToolUpdate(mut update))) => {
                    make_json_storable(&mut update);
                    if let Some(max) = max_answer {
                        answered = answered.saturating_add(update.to_string().len());
                        if answered > max {
                            return fail(out, too_large(max));
                        }
                    }
                    live.push_object(Event::ToolUpdate(update.clone()).to_json());
                    out.tool_updates.push(update);
                }
                Some(Ok(StreamEvent::Usage { input, output })) => out.usage = Some((input, output)),
                Some(Ok(StreamEvent::Done { .. })) | None => return out,
                Some(Err(e)) => return fail(out, e.into()),
            }
        }
    }
}

/// The key of the user who pays for the task (the viewer, or the custom UI's owner when the
/// owner pays) for the model's provider, when they stored one: it is used before the operator's.
/// A key that cannot be read (the database is away, another server key) leaves the operator's
/// key in use, with a warning that names the user and provider, never the key.
async fn payer_key(state: &AppState, plan: &TaskPlan) -> Option<promptdeck_llm::RequestKey> {
    let cipher = state.provider_keys.as_ref()?;
    let provider =
        state.catalogue.get(&plan.model_id).map(|m| m.provider.as_str()).filter(|p| *p != "echo")?;
    let payer = plan.payer_id;
    let sealed = match state.store.provider_key(payer, provider).await {
        Ok(sealed) => sealed?,
        Err(e) => {
            tracing::warn!(error = %e, user = %payer, provider, "could not read the payer's provider key");
            return None;
        }
    };
    let key = cipher.open(payer, provider, &sealed);
    if key.is_none() {
        tracing::warn!(user = %payer, provider, "the payer's provider key does not decrypt with this server's key");
    }
    key.map(promptdeck_llm::RequestKey::new)
}

/// Asks the flush writer to write the text so far and its chunk boundaries (never awaited on
/// the streaming path); returns the length of text the flush covers at least, or `flushed` (what
/// an earlier flush covered) when it was skipped, so the next tick tries again.
fn flush_text(state: &AppState, live: &Arc<LiveTask>, ttft_ms: Option<f64>, flushed: usize) -> usize {
    let len = live.text_len();
    if state.task_flushes.push(live, ttft_ms) { len } else { flushed }
}

impl Outcome {
    /// How the task ended: completed without an error, else as its error's code decides.
    fn status(&self) -> TaskStatus {
        self.error.as_ref().map_or(TaskStatus::Completed, |e| e.code.final_status())
    }
}

/// The outcome of a task stopped by `cancel_task`, or cut off by a drain that ran out of time.
fn stopped(state: &AppState, out: Outcome) -> Outcome {
    if state.drain.is_cut_off() {
        return fail(
            out,
            TaskError::new(
                TaskErrorCode::ServerRestarted,
                "the server stopped before this task finished (--drain-timeout-secs); the text so far is kept",
            ),
        );
    }
    cancel(out)
}

/// The outcome of a task stopped by `cancel_task`.
fn cancel(out: Outcome) -> Outcome {
    fail(out, TaskError::new(TaskErrorCode::Cancelled, "the task was cancelled"))
}

fn timed_out(secs: u64) -> TaskError {
    TaskError::new(
        TaskErrorCode::TaskTimeout,
        format!(
            "the task ran for {secs} s, the longest allowed (--max-task-seconds); the text so far is kept"
        ),
    )
}

fn too_large(bytes: usize) -> TaskError {
    TaskError::new(
        TaskErrorCode::AnswerTooLarge,
        format!(
            "the answer reached {bytes} bytes, the most allowed (--max-answer-bytes); the text so far is kept"
        ),
    )
}

/// The outcome of a task that stopped with `err`.
fn fail(mut out: Outcome, err: TaskError) -> Outcome {
    out.error = Some(err);
    out
}

/// How long a finished task's record is retried while the database does not answer (the
/// answer stays resumable from memory meanwhile).
const RECORD_RETRY_FOR: Duration = Duration::from_secs(60);

/// What `record` leaves for the end of the stream.
struct Recorded {
    /// The final record is stored (so `resume` can rebuild the task from it).
    stored: bool,
}

/// Writes the task's final record (with its chunk boundaries) and the answer into the run with
/// the run's totals (the user's turn was recorded before the ack) — through the finish queue,
/// in one transaction with the other tasks ending now, again and again while the database is
/// not answering (for at most [`RECORD_RETRY_FOR`]) — then the UI usage row.
async fn record(
    state: &AppState,
    plan: &TaskPlan,
    out: Outcome,
    info: &Event,
    cost: f64,
    total_ms: f64,
    provider: Option<String>,
) -> Recorded {
    let (input, output) = out.usage.unzip();
    let error = out.error.as_ref().and_then(|e| serde_json::to_value(e.body()).ok());
    let status = out.status();
    let tokens = input.unwrap_or(0) + output.unwrap_or(0);
    let mut messages = Vec::with_capacity(1);
    if !out.text.is_empty() || out.error.is_none() {
        messages.push(NewRunMessage {
            role: MessageRole::Assistant,
            // The final row keeps its own copy (below): the run and the task each store the text.
            content: out.text.clone(),
            task_id: Some(plan.task_id.clone()),
            timestamp: None,
            metadata: Some(RunMessageMetadata {
                tokens: Some(tokens),
                cost: Some(cost),
                time_to_first_token: out.ttft_ms,
                total_time: Some(total_ms),
                extra: Default::default(),
            }),
        });
    }
    let progress = TaskProgress {
        status,
        response_text: out.text,
        response_data: None,
        response_info: match info {
            Event::Info(info) => serde_json::to_value(info).ok(),
            _ => None,
        },
        response_errors: error,
        tool_updates: (!out.tool_updates.is_empty()).then_some(Value::Array(out.tool_updates)),
        tokens_input: input,
        tokens_output: output,
        cost: Some(cost),
        time_to_first_token: out.ttft_ms,
        total_time: Some(total_ms),
        provider,
        response_chunks: Some(out.chunks),
    };
    let mut finish = TaskFinish {
        user: plan.user_id,
        task_id: plan.task_id.clone(),
        progress,
        run_id: plan.run_id,
        messages,
        tokens,
        cost,
    };
    let deadline = Instant::now() + RECORD_RETRY_FOR;
    let mut pause = Duration::from_millis(250);
    let stored = loop {
        match state.task_finishes.record(finish).await {
            None => {
                tracing::error!(task_id = plan.task_id, "the recorder of finished tasks is gone");
                break false;
            }
            Some((_, Ok(done))) => {
                if let Err(e) = done.run {
                    tracing::error!(error = %e, run_id = %plan.run_id, "could not record the run's messages");
                }
                break true;
            }
            Some((back, Err(e))) => {
                if matches!(*e, StoreError::Unavailable(_)) && Instant::now() + pause < deadline {
                    tracing::warn!(error = %e, "the database is not answering; recording again shortly");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                    finish = back;
                    continue;
                }
                tracing::error!(error = %e, task_id = plan.task_id, "could not record the finished task");
                break false;
            }
        }
    };
    if let Some((ui_id, variables)) = &plan.custom_ui {
        let usage = NewUsage {
            run_id: Some(plan.run_id),
            execution_time_ms: Some(total_ms as i64),
            variables_used: (!variables.is_null()).then(|| variables.clone()),
            success: Some(status == TaskStatus::Completed),
            error_message: out.error.as_ref().map(|e| e.message.clone()),
        };
        if let Err(e) = state.store.insert_usage(plan.user_id, *ui_id, &usage).await {
            tracing::error!(error = %e, "could not record custom UI usage");
        }
    }
    Recorded { stored }
}

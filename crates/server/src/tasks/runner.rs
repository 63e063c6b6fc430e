//! Runs one planned task: provider stream → live buffer (→ sockets), with the task's text
//! flushed to the store about once a second and its final record written once, before the
//! `info` and `{end:true}` events go out (so a client that reads the record after `end` sees it).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use promptdeck_core::{MessageRole, NewRunMessage, NewUsage, RunMessageMetadata, TaskStatus};
use promptdeck_llm::StreamEvent;
use promptdeck_store::TaskProgress;
use serde_json::{Value, json};

use crate::state::AppState;
use crate::tasks::{LiveTask, StreamItem, TaskError, TaskPlan};

/// How often partial text is written while a task streams.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

struct Outcome {
    status: TaskStatus,
    /// Filled from the live buffer when the stream ends.
    text: String,
    error: Option<TaskError>,
    tool_updates: Vec<Value>,
    usage: Option<(i64, i64)>,
    ttft_ms: Option<f64>,
}

/// Streams the task to the end, records it, and ends its stream. The run and task rows are
/// written beside the stream, not before it, so the first chunk never waits on the database.
pub async fn run(state: AppState, mut plan: TaskPlan, live: Arc<LiveTask>) {
    let started = Instant::now();
    let rows = tokio::spawn(create_rows(
        state.store.clone(),
        plan.user_id,
        plan.run_id,
        plan.new_run.take(),
        plan.new_task.take(),
    ));
    let mut outcome = stream(&state, &plan, &live, started).await;
    match rows.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::error!(error = %e, task_id = plan.task_id, "could not record the task's start")
        }
        Err(e) => tracing::error!(error = %e, task_id = plan.task_id, "recording the task's start panicked"),
    }
    outcome.text = live.text();
    let total_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (input, output) = outcome.usage.unwrap_or((0, 0));
    let cost = state.catalogue.cost(&plan.model_id, input, output);
    let provider = state.catalogue.get(&plan.model_id).map(|m| m.provider.clone());
    let info = json!({
        "task_id": plan.task_id,
        "run_id": plan.run_id,
        "model_id": plan.model_id,
        "provider": provider,
        "status": outcome.status,
        "tokens_input": input,
        "tokens_output": output,
        "tokens_total": input + output,
        "cost": cost,
        "time_to_first_token": outcome.ttft_ms,
        "total_time": total_ms,
    });
    record(&state, &plan, &outcome, &info, cost, total_ms, provider).await;
    let mut last = Vec::with_capacity(2);
    if let Some(err) = &outcome.error {
        last.push(StreamItem::Object(json!({ "error": err.to_json() })));
    }
    last.push(StreamItem::Object(json!({ "info": info })));
    live.finish(last);
    state.hub.expire_later(plan.task_id.clone());
}

async fn stream(state: &AppState, plan: &TaskPlan, live: &Arc<LiveTask>, started: Instant) -> Outcome {
    let mut out = Outcome {
        status: TaskStatus::Completed,
        text: String::new(),
        error: None,
        tool_updates: Vec::new(),
        usage: None,
        ttft_ms: None,
    };
    let upstream = tokio::select! {
        biased;
        _ = live.cancel.cancelled() => Err(cancelled()),
        s = state.catalogue.stream(&plan.model_id, plan.request.clone()) => s.map_err(TaskError::from),
    };
    let mut upstream = match upstream {
        Ok(s) => s,
        Err(e) => return fail(out, e),
    };
    let mut flush = tokio::time::interval_at(tokio::time::Instant::now() + FLUSH_EVERY, FLUSH_EVERY);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut flushed_len = 0;
    loop {
        tokio::select! {
            biased;
            _ = live.cancel.cancelled() => return fail(out, cancelled()),
            _ = flush.tick() => {
                if live.text_len() != flushed_len {
                    flushed_len = flush_text(state, plan, live, out.ttft_ms);
                }
            }
            event = upstream.next() => match event {
                Some(Ok(StreamEvent::Text(chunk))) => {
                    if chunk.is_empty() {
                        continue;
                    }
                    if out.ttft_ms.is_none() {
                        out.ttft_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
                    }
                    live.push(StreamItem::Text(chunk));
                }
                Some(Ok(StreamEvent::ToolUpdate(update))) => {
                    live.push(StreamItem::Object(json!({ "tool_update": update })));
                    out.tool_updates.push(update);
                }
                Some(Ok(StreamEvent::Usage { input, output })) => out.usage = Some((input, output)),
                Some(Ok(StreamEvent::Done { .. })) | None => return out,
                Some(Err(e)) => return fail(out, e.into()),
            }
        }
    }
}

/// Writes a new task's run (when it starts one) and task rows.
async fn create_rows(
    store: promptdeck_store::Store,
    user: uuid::Uuid,
    run_id: uuid::Uuid,
    new_run: Option<promptdeck_core::NewRun>,
    new_task: Option<promptdeck_core::NewTask>,
) -> Result<(), promptdeck_store::StoreError> {
    if let Some(run) = new_run {
        store.create_run_with_id(user, run_id, &run).await?;
    }
    if let Some(task) = new_task {
        store.create_task(user, run_id, &task).await?;
    }
    Ok(())
}

/// Writes the text so far in the background (never awaited on the streaming path); returns
/// the length written.
fn flush_text(state: &AppState, plan: &TaskPlan, live: &LiveTask, ttft_ms: Option<f64>) -> usize {
    let text = live.text();
    let len = text.len();
    let (store, user, task_id) = (state.store.clone(), plan.user_id, plan.task_id.clone());
    tokio::spawn(async move {
        if let Err(e) = store.flush_task_text(user, &task_id, &text, ttft_ms).await {
            tracing::warn!(error = %e, task_id, "could not flush partial text");
        }
    });
    len
}

fn cancelled() -> TaskError {
    TaskError::new("cancelled", "the task was cancelled")
}

fn fail(mut out: Outcome, err: TaskError) -> Outcome {
    out.status = if err.code == "cancelled" { TaskStatus::Cancelled } else { TaskStatus::Failed };
    out.error = Some(err);
    out
}

/// Writes the task's final record, the run's new messages and totals, and the UI usage row.
async fn record(
    state: &AppState,
    plan: &TaskPlan,
    out: &Outcome,
    info: &Value,
    cost: f64,
    total_ms: f64,
    provider: Option<String>,
) {
    let (input, output) = out.usage.unzip();
    let progress = TaskProgress {
        status: out.status,
        response_text: out.text.clone(),
        response_data: None,
        response_info: Some(info.clone()),
        response_errors: out.error.as_ref().map(TaskError::to_json),
        tool_updates: (!out.tool_updates.is_empty()).then(|| Value::Array(out.tool_updates.clone())),
        tokens_input: input,
        tokens_output: output,
        cost: Some(cost),
        time_to_first_token: out.ttft_ms,
        total_time: Some(total_ms),
        provider,
    };
    if let Err(e) = state.store.finish_task(plan.user_id, &plan.task_id, &progress).await {
        tracing::error!(error = %e, task_id = plan.task_id, "could not record the finished task");
    }
    let tokens = input.unwrap_or(0) + output.unwrap_or(0);
    let mut messages = plan.run_messages.clone();
    if !out.text.is_empty() || out.error.is_none() {
        messages.push(NewRunMessage {
            role: MessageRole::Assistant,
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
    if let Err(e) = state.store.append_run_messages(plan.user_id, plan.run_id, messages, tokens, cost).await {
        tracing::error!(error = %e, run_id = %plan.run_id, "could not record the run's messages");
    }
    if let Some((ui_id, variables)) = &plan.custom_ui {
        let usage = NewUsage {
            run_id: Some(plan.run_id),
            execution_time_ms: Some(total_ms as i64),
            variables_used: (!variables.is_null()).then(|| variables.clone()),
            success: Some(out.status == TaskStatus::Completed),
            error_message: out.error.as_ref().map(|e| e.message.clone()),
        };
        if let Err(e) = state.store.insert_usage(plan.user_id, *ui_id, &usage).await {
            tracing::error!(error = %e, "could not record custom UI usage");
        }
    }
}

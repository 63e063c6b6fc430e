//! AI tasks: one model call inside a run, from `pending` to a terminal status. Streaming writes
//! are batched by the caller: one insert, a partial-text flush now and then, one finish.

use chrono::{DateTime, Utc};
use promptdeck_core::{AiTask, NewRun, NewRunMessage, NewTask, RunRoom, TaskStatus};
use serde_json::Value;
use sqlx::AssertSqlSafe;
use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx, on_write_pool};
use crate::rows::TaskRow;
use crate::runs::{append_to_run, insert_run, stamped};
use crate::{Store, StoreError, StoreResult};

const TASK_COLUMNS: &str = "id, run_id, user_id, task_id, service, task_name, model_id, provider, endpoint, \
     request_data, response_text, response_data, response_info, response_errors, tool_updates, response_complete, \
     response_metadata, tokens_input, tokens_output, tokens_total, cost, time_to_first_token, total_time, status, \
     created_at, updated_at, completed_at";

/// The final figures of a task, written once when it ends.
#[derive(Debug, Clone, Default)]
pub struct TaskProgress {
    /// Status to set.
    pub status: TaskStatus,
    /// Text so far (or final).
    pub response_text: String,
    /// Data events.
    pub response_data: Option<Value>,
    /// The final info event.
    pub response_info: Option<Value>,
    /// Errors.
    pub response_errors: Option<Value>,
    /// Tool updates.
    pub tool_updates: Option<Value>,
    /// Input tokens.
    pub tokens_input: Option<i64>,
    /// Output tokens.
    pub tokens_output: Option<i64>,
    /// Cost in US dollars.
    pub cost: Option<f64>,
    /// Milliseconds to first chunk.
    pub time_to_first_token: Option<f64>,
    /// Milliseconds in all.
    pub total_time: Option<f64>,
    /// Provider that served it.
    pub provider: Option<String>,
    /// The chunk boundaries of `response_text` (one varint per stream event), so `resume` can
    /// rebuild the exact events later.
    pub response_chunks: Option<Vec<u8>>,
}

/// Where a task that is about to stream is recorded.
#[derive(Debug, Clone)]
pub enum TaskRun {
    /// A new run, created with the task.
    New(NewRun),
    /// An existing run of the caller.
    Existing,
    /// The caller registered this task (`pending`) over REST in this run beforehand; it is
    /// claimed, once, and its row is updated to what actually runs.
    Registered,
}

/// Everything recorded before a task's first chunk: its run, its row and the user's turn.
#[derive(Debug, Clone)]
pub struct TaskStart {
    /// The run (chosen beforehand: its id is in the ack).
    pub run_id: Uuid,
    /// How the run is found or made.
    pub run: TaskRun,
    /// The task row; its `task_id` must be set.
    pub task: NewTask,
    /// The user's turn(s), appended to the run.
    pub messages: Vec<NewRunMessage>,
    /// What an existing run must still have room for after the user's turn: the answer.
    pub answer_room: RunRoom,
    /// Who pays for it and through which custom UI it runs.
    pub charge: TaskCharge,
}

/// Who a task is charged to and through which custom UI it ran: recorded with the task so that
/// budgets and usage figures are sums over its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskCharge {
    /// Whose budget pays; `None`: the user who runs it.
    pub payer: Option<Uuid>,
    /// The custom UI it runs through.
    pub custom_ui: Option<Uuid>,
    /// The embed it runs through (its viewer is the task's user).
    pub embed: Option<Uuid>,
}

/// Inserts a task row with `$status` inside the write transaction `$tx` (the run's
/// `task_count` is the caller's business); evaluates to the new row. A taken `task_id` is a
/// unique violation, i.e. `StoreError::Conflict`.
macro_rules! insert_task {
    ($tx:ident, $user:expr, $run_id:expr, $task_id:expr, $input:expr, $status:expr, $now:expr, $node:expr, $charge:expr) => {{
        let sql = format!(
            "INSERT INTO ai_tasks (id, run_id, user_id, task_id, service, task_name, model_id, provider, endpoint, \
             request_data, response_complete, response_metadata, status, created_at, updated_at, node_id, \
             payer_id, custom_ui_id, embed_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false, $11, $13, $12, $12, $14, $15, $16, $17) \
             RETURNING {TASK_COLUMNS}"
        );
        let charge: $crate::tasks::TaskCharge = $charge;
        sqlx::query_as::<_, TaskRow>(AssertSqlSafe(sql.as_str()))
            .bind(promptdeck_core::ids::record_id())
            .bind($run_id)
            .bind($user)
            .bind($task_id)
            .bind(&$input.service)
            .bind(&$input.task_name)
            .bind(&$input.model_id)
            .bind(&$input.provider)
            .bind(&$input.endpoint)
            .bind(Json(&$input.request_data))
            .bind(Json(serde_json::json!({})))
            .bind($now)
            .bind($status)
            .bind($node)
            .bind(charge.payer.unwrap_or($user))
            .bind(charge.custom_ui)
            .bind(charge.embed)
            .fetch_one(&mut *$tx)
            .await?
    }};
}

/// Writes a task's final state (`$p`, a [`TaskProgress`]) inside `$tx`: the one statement both
/// [`Store::finish_task`] and the batched finishes run.
macro_rules! finish_row {
    ($tx:ident, $user:expr, $task_id:expr, $p:expr, $now:expr) => {{
        let (p, now): (&$crate::tasks::TaskProgress, chrono::DateTime<chrono::Utc>) = ($p, $now);
        let total = match (p.tokens_input, p.tokens_output) {
            (None, None) => None,
            (i, o) => Some(i.unwrap_or(0) + o.unwrap_or(0)),
        };
        sqlx::query(
            "UPDATE ai_tasks SET status = $3, response_text = $4, response_data = $5, response_info = $6, \
             response_errors = $7, tool_updates = $8, tokens_input = $9, tokens_output = $10, tokens_total = $11, \
             cost = $12, time_to_first_token = $13, total_time = $14, provider = COALESCE($15, provider), \
             response_chunks = $17, response_complete = true, completed_at = $16, updated_at = $16 \
             WHERE task_id = $1 AND user_id = $2 AND epoch = 0",
        )
        .bind($task_id)
        .bind($user)
        .bind(p.status.as_str())
        .bind(&p.response_text)
        .bind(p.response_data.as_ref().map(sqlx::types::Json))
        .bind(p.response_info.as_ref().map(sqlx::types::Json))
        .bind(p.response_errors.as_ref().map(sqlx::types::Json))
        .bind(p.tool_updates.as_ref().map(sqlx::types::Json))
        .bind(p.tokens_input)
        .bind(p.tokens_output)
        .bind(total)
        .bind(p.cost)
        .bind(p.time_to_first_token)
        .bind(p.total_time)
        .bind(&p.provider)
        .bind(now)
        .bind(&p.response_chunks)
        .execute(&mut *$tx)
        .await?;
    }};
}

impl Store {
    /// Creates a `pending` task in the caller's run and counts it in the run. A task_id that
    /// is already used is a conflict; a run that is not the caller's is not found.
    pub async fn create_task(&self, user: Uuid, run_id: Uuid, input: &NewTask) -> StoreResult<AiTask> {
        let now = Utc::now();
        let task_id = input.task_id.clone().unwrap_or_else(promptdeck_core::ids::task_id);
        let row = in_write_tx!(self, user, |tx| {
            let bumped = sqlx::query(
                "UPDATE ai_runs SET task_count = task_count + 1, updated_at = $3 WHERE id = $1 AND user_id = $2",
            )
            .bind(run_id)
            .bind(user)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if bumped == 0 {
                return Err(StoreError::NotFound("run"));
            }
            insert_task!(
                tx,
                user,
                run_id,
                &task_id,
                input,
                "pending",
                now,
                None::<Uuid>,
                TaskCharge::default()
            )
        });
        row.try_into()
    }

    /// The caller's task with this Socket.IO task id.
    pub async fn get_task(&self, user: Uuid, task_id: &str) -> StoreResult<Option<AiTask>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM ai_tasks WHERE task_id = $1 AND user_id = $2");
        let row = in_tx!(self, user, |tx| {
            sqlx::query_as::<_, TaskRow>(AssertSqlSafe(sql.as_str()))
                .bind(task_id)
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(AiTask::try_from).transpose()
    }

    /// Records a task before its first chunk, in one transaction: its run (created, or the
    /// caller's existing one), its row (`streaming`, so no later submit can claim it as a
    /// registered task), and the user's turn appended to the run. A `task_id`
    /// taken by any user, or a registered task already claimed, is `StoreError::Conflict`
    /// (nothing is written); a run that is not the caller's is `StoreError::NotFound`.
    pub async fn start_task(&self, user: Uuid, start: &TaskStart) -> StoreResult<()> {
        let now = Utc::now();
        let task_id = start.task.task_id.as_deref().ok_or(StoreError::NotFound("task id"))?;
        let TaskStart { run_id, task, .. } = start;
        let messages = || start.messages.clone();
        in_write_tx!(self, user, |tx| {
            match &start.run {
                TaskRun::New(run) => {
                    insert_run!(tx, user, *run_id, run, stamped(messages(), now).collect(), 1, now);
                }
                TaskRun::Existing => {
                    append_to_run!(
                        self,
                        tx,
                        user,
                        *run_id,
                        messages(),
                        0i64,
                        0f64,
                        1,
                        now,
                        start.answer_room
                    );
                }
                TaskRun::Registered => {
                    let claimed = sqlx::query(
                        "UPDATE ai_tasks SET status = 'streaming', service = $4, task_name = $5, model_id = $6, \
                         provider = $7, request_data = $8, updated_at = $9, node_id = $10, payer_id = $11, \
                         custom_ui_id = $12, embed_id = $13 WHERE task_id = $1 AND user_id = $2 AND run_id = $3 AND status = 'pending'",
                    )
                    .bind(task_id)
                    .bind(user)
                    .bind(run_id)
                    .bind(&task.service)
                    .bind(&task.task_name)
                    .bind(&task.model_id)
                    .bind(&task.provider)
                    .bind(Json(&task.request_data))
                    .bind(now)
                    .bind(self.node_id)
                    .bind(start.charge.payer.unwrap_or(user))
                    .bind(start.charge.custom_ui)
                    .bind(start.charge.embed)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if claimed == 0 {
                        return Err(StoreError::Conflict("a task with this task_id"));
                    }
                    if !start.messages.is_empty() {
                        append_to_run!(
                            self,
                            tx,
                            user,
                            *run_id,
                            messages(),
                            0i64,
                            0f64,
                            0,
                            now,
                            start.answer_room
                        );
                    }
                }
            }
            if !matches!(start.run, TaskRun::Registered) {
                let charge = start.charge;
                insert_task!(tx, user, *run_id, task_id, task, "streaming", now, self.node_id, charge);
            }
        });
        Ok(())
    }

    /// The caller's task with this Socket.IO task id, its stored chunk boundaries and the node
    /// that runs it (for `resume` of a task no longer in this node's memory).
    pub async fn get_task_replay(&self, user: Uuid, task_id: &str) -> StoreResult<Option<TaskReplay>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS}, response_chunks, node_id FROM ai_tasks WHERE task_id = $1 AND user_id = $2"
        );
        let row = in_tx!(self, user, |tx| {
            sqlx::query_as::<_, ReplayRow>(AssertSqlSafe(sql.as_str()))
                .bind(task_id)
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(|r| {
            Ok(TaskReplay { task: AiTask::try_from(r.task)?, chunks: r.response_chunks, node_id: r.node_id })
        })
        .transpose()
    }

    /// The tasks of the caller's run, oldest first.
    pub async fn run_tasks(&self, user: Uuid, run_id: Uuid) -> StoreResult<Vec<AiTask>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM ai_tasks WHERE run_id = $1 AND user_id = $2 ORDER BY created_at, id"
        );
        let rows = in_tx!(self, user, |tx| {
            sqlx::query_as::<_, TaskRow>(AssertSqlSafe(sql.as_str()))
                .bind(run_id)
                .bind(user)
                .fetch_all(&mut *tx)
                .await?
        });
        rows.into_iter().map(AiTask::try_from).collect()
    }

    /// Writes a task's final state once.
    pub async fn finish_task(&self, user: Uuid, task_id: &str, p: &TaskProgress) -> StoreResult<()> {
        let now = Utc::now();
        in_write_tx!(self, user, |tx| finish_row!(tx, user, task_id, p, now));
        Ok(())
    }

    /// After a crash: every task left `pending` or `streaming` becomes `failed`, keeping the text
    /// that was flushed. Returns how many were marked.
    pub async fn fail_unfinished_tasks(&self, reason: &str, at: DateTime<Utc>) -> StoreResult<u64> {
        let errors = serde_json::json!({ "code": "server_restarted", "message": reason });
        let n = on_write_pool!(self, |pool| {
            sqlx::query(
                "UPDATE ai_tasks SET status = 'failed', response_errors = $1, response_complete = true, \
                 epoch = epoch + 1, completed_at = $2, updated_at = $2 WHERE status IN ('pending', 'streaming')",
            )
            .bind(Json(&errors))
            .bind(at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n)
    }
}

/// A task row with its chunk boundaries and node.
#[derive(sqlx::FromRow)]
struct ReplayRow {
    #[sqlx(flatten)]
    task: TaskRow,
    response_chunks: Option<Vec<u8>>,
    node_id: Option<Uuid>,
}

/// A stored task as `resume` needs it.
#[derive(Debug, Clone)]
pub struct TaskReplay {
    /// The record.
    pub task: AiTask,
    /// The chunk boundaries of its text, when stored.
    pub chunks: Option<Vec<u8>>,
    /// The node that ran (or runs) it, on a deployment of several nodes.
    pub node_id: Option<Uuid>,
}

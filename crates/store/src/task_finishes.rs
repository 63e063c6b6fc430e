//! Recording finished tasks in batches (group commit): the tasks that end together — each its
//! final row and its answer appended to its run — are written in one transaction with a
//! constant number of statements per user (one multi-row update of the task rows, one multi-row
//! update appending the answers to their runs in SQL), instead of three statements per task, so
//! a thousand short answers ending at once cost a handful of round trips to SQLite's single
//! writer (or to PostgreSQL) rather than three thousand. A run's messages are read back and
//! written whole only when it gets several answers in one batch or is near its caps. Each
//! finish keeps its own outcome: a run that is gone or would grow past its caps refuses that
//! answer alone (its task row is still written), as [`Store::append_run_messages`] does.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use promptdeck_core::{NewRunMessage, RunMessage, message_bytes};
use sqlx::QueryBuilder;
use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::{Backend, Claims};
use crate::runs::{check_append, stamped};
use crate::tasks::TaskProgress;
use crate::{Store, StoreError, StoreResult};

/// Most rows one statement carries (17 bound values per task row: far below SQLite's and
/// PostgreSQL's limits on bound values). Runs go by the same count.
const ROWS_PER_STATEMENT: usize = 200;

/// A task that has ended: its final row, and what its run gets (its answer and figures).
#[derive(Debug, Clone)]
pub struct TaskFinish {
    /// The task's owner.
    pub user: Uuid,
    /// The Socket.IO task id.
    pub task_id: String,
    /// Its final state.
    pub progress: TaskProgress,
    /// Its run.
    pub run_id: Uuid,
    /// Appended to the run (the answer; none when there is nothing to record).
    pub messages: Vec<NewRunMessage>,
    /// Added to the run's token total.
    pub tokens: i64,
    /// Added to the run's cost total.
    pub cost: f64,
}

/// What became of one [`TaskFinish`] whose batch was committed: its task row is written; the
/// append to its run may have been refused.
#[derive(Debug)]
pub struct TaskFinished {
    /// The append to its run.
    pub run: StoreResult<()>,
}

/// A run some finishes of the batch append to: its messages as they will be stored, and what
/// the accepted finishes add to its totals.
struct RunAppend {
    messages: Vec<RunMessage>,
    tokens: i64,
    cost: f64,
    changed: bool,
}

/// Appends to each run of `$rows` (run id, index of its one finish in `$finishes`) that finish's
/// message (if it has one) and figures in one statement, in SQL, where the run certainly stays
/// within its caps: its stored JSON is at least as long as the bytes the caps count, so
/// `stored JSON + new bytes <= max_bytes` (and the message count) admits it without reading
/// the messages back. Evaluates to the ids of the runs appended to; a run missing from them is
/// gone, another user's, or near its caps, and takes the exact way.
macro_rules! append_quickly {
    ($store:expr, $tx:ident, $user:expr, $rows:expr, $finishes:expr, $now:expr) => {{
        let (user, rows, finishes, now): (Uuid, &[(Uuid, usize)], &[TaskFinish], DateTime<Utc>) =
            ($user, $rows, $finishes, $now);
        let (append, stored_bytes) = match $store.backend {
            Backend::Sqlite { .. } => (
                "CASE WHEN v.n = 0 THEN ai_runs.messages ELSE json_insert(ai_runs.messages, '$[#]', v.messages -> 0) END",
                "length(CAST(ai_runs.messages AS BLOB))",
            ),
            Backend::Postgres(_) => ("ai_runs.messages || v.messages", "octet_length(ai_runs.messages::text)"),
        };
        let mut update = QueryBuilder::new("WITH v (id, messages, n, bytes, tokens, cost) AS (");
        update.push_values(rows, |mut row, &(id, i)| {
            let f = &finishes[i];
            let messages: Vec<RunMessage> = stamped(f.messages.clone(), now).collect();
            let bytes: usize = messages.iter().map(message_bytes).sum();
            row.push_bind(id)
                .push_bind(Json(messages))
                .push_bind(f.messages.len() as i64)
                .push_bind(bytes as i64)
                .push_bind(f.tokens)
                .push_bind(f.cost);
        });
        update.push(") UPDATE ai_runs SET messages = ").push(append).push(
            ", message_count = ai_runs.message_count + v.n, total_tokens = ai_runs.total_tokens + v.tokens, \
             total_cost = ai_runs.total_cost + v.cost, last_message_at = ",
        );
        update.push_bind(now).push(", updated_at = ").push_bind(now);
        update.push(" FROM v WHERE ai_runs.id = v.id AND ai_runs.user_id = ").push_bind(user);
        update.push(" AND ai_runs.message_count + v.n <= ").push_bind($store.run_caps.max_messages as i64);
        update.push(" AND ").push(stored_bytes).push(" + v.bytes <= ").push_bind($store.run_caps.max_bytes as i64);
        update.push(" RETURNING ai_runs.id");
        update.build_query_scalar::<Uuid>().fetch_all(&mut *$tx).await?
    }};
}

/// Writes one user's finishes (`$group`, indices into `$finishes` in run order) inside `$tx`:
/// their task rows, then their answers appended to their runs, recording each append's
/// outcome in `$outcomes`. An error of the database itself leaves through `?` (it ends the
/// transaction for the whole batch).
macro_rules! write_group {
    ($store:expr, $tx:ident, $user:expr, $group:expr, $finishes:expr, $outcomes:expr, $now:expr) => {{
        let (user, group, finishes, outcomes, now): (Uuid, &[usize], &[TaskFinish], &mut [StoreResult<()>], DateTime<Utc>) =
            ($user, $group, $finishes, $outcomes, $now);
        $tx.claim(user).await?;
        // A task finished twice in one batch gets its last finish (a multi-row update would
        // apply an arbitrary one).
        let mut last: HashMap<&str, usize> = HashMap::with_capacity(group.len());
        for &i in group {
            let at = last.entry(finishes[i].task_id.as_str()).or_insert(i);
            *at = (*at).max(i);
        }
        let rows: Vec<usize> = group.iter().copied().filter(|&i| last[finishes[i].task_id.as_str()] == i).collect();
        for rows in rows.chunks(ROWS_PER_STATEMENT) {
            let mut update = QueryBuilder::new(
                "WITH v (task_id, status, response_text, response_data, response_info, response_errors, \
                 tool_updates, tokens_input, tokens_output, tokens_total, cost, time_to_first_token, total_time, \
                 provider, response_chunks) AS (",
            );
            update.push_values(rows, |mut row, &i| {
                let (f, p): (&TaskFinish, &TaskProgress) = (&finishes[i], &finishes[i].progress);
                let total = match (p.tokens_input, p.tokens_output) {
                    (None, None) => None,
                    (i, o) => Some(i.unwrap_or(0) + o.unwrap_or(0)),
                };
                row.push_bind(&f.task_id)
                    .push_bind(p.status.as_str())
                    .push_bind(&p.response_text)
                    .push_bind(p.response_data.as_ref().map(Json))
                    .push_bind(p.response_info.as_ref().map(Json))
                    .push_bind(p.response_errors.as_ref().map(Json))
                    .push_bind(p.tool_updates.as_ref().map(Json))
                    .push_bind(p.tokens_input)
                    .push_bind(p.tokens_output)
                    .push_bind(total)
                    .push_bind(p.cost)
                    .push_bind(p.time_to_first_token)
                    .push_bind(p.total_time)
                    .push_bind(&p.provider)
                    .push_bind(&p.response_chunks);
            });
            update.push(
                ") UPDATE ai_tasks SET status = v.status, response_text = v.response_text, \
                 response_data = v.response_data, response_info = v.response_info, \
                 response_errors = v.response_errors, tool_updates = v.tool_updates, \
                 tokens_input = v.tokens_input, tokens_output = v.tokens_output, tokens_total = v.tokens_total, \
                 cost = v.cost, time_to_first_token = v.time_to_first_token, total_time = v.total_time, \
                 provider = COALESCE(v.provider, ai_tasks.provider), response_chunks = v.response_chunks, \
                 response_complete = true, completed_at = ",
            );
            update.push_bind(now).push(", updated_at = ").push_bind(now);
            update.push(" FROM v WHERE ai_tasks.task_id = v.task_id AND ai_tasks.epoch = 0 AND ai_tasks.user_id = ");
            update.push_bind(user);
            update.build().execute(&mut *$tx).await?;
        }

        // Each run's finishes, in order. A run that gets one finish of at most one message (the
        // common case: a task's answer) is appended to in SQL, without reading its messages
        // back; the others, and those the quick check cannot admit, go the exact way below.
        let mut by_run: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
        for &i in group.iter().filter(|&&i| outcomes[i].is_ok()) {
            by_run.entry(finishes[i].run_id).or_default().push(i);
        }
        if let Backend::Postgres(_) = $store.backend {
            // Locked in id order first, so two nodes' batches over the same runs wait for each
            // other instead of deadlocking (an `UPDATE … FROM` locks in its join's order).
            for chunk in by_run.keys().collect::<Vec<_>>().chunks(ROWS_PER_STATEMENT) {
                let mut lock = QueryBuilder::new("SELECT id FROM ai_runs WHERE user_id = ");
                lock.push_bind(user).push(" AND id IN (");
                let mut list = lock.separated(", ");
                for id in chunk {
                    list.push_bind(**id);
                }
                lock.push(") ORDER BY id FOR UPDATE");
                lock.build().execute(&mut *$tx).await?;
            }
        }
        let quick: Vec<(Uuid, usize)> = by_run
            .iter()
            .filter(|(_, fs)| fs.len() == 1 && finishes[fs[0]].messages.len() <= 1)
            .map(|(id, fs)| (*id, fs[0]))
            .collect();
        let mut appended: HashSet<Uuid> = HashSet::with_capacity(quick.len());
        for rows in quick.chunks(ROWS_PER_STATEMENT) {
            appended.extend(append_quickly!($store, $tx, user, rows, finishes, now));
        }
        let ids: Vec<Uuid> = by_run.keys().filter(|id| !appended.contains(id)).copied().collect();
        let lock = match $store.backend {
            Backend::Sqlite { .. } => "",
            Backend::Postgres(_) => " FOR UPDATE",
        };
        let mut runs: HashMap<Uuid, RunAppend> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let mut select = QueryBuilder::new("SELECT id, messages FROM ai_runs WHERE user_id = ");
            select.push_bind(user).push(" AND id IN (");
            let mut list = select.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            select.push(") ORDER BY id").push(lock);
            let rows: Vec<(Uuid, Json<Vec<RunMessage>>)> = select.build_query_as().fetch_all(&mut *$tx).await?;
            for (id, Json(messages)) in rows {
                runs.insert(id, RunAppend { messages, tokens: 0, cost: 0.0, changed: false });
            }
        }
        for &i in group {
            if outcomes[i].is_err() || appended.contains(&finishes[i].run_id) {
                continue;
            }
            let f = &finishes[i];
            let Some(run) = runs.get_mut(&f.run_id) else {
                outcomes[i] = Err(StoreError::NotFound("run"));
                continue;
            };
            let before = run.messages.len();
            run.messages.extend(stamped(f.messages.clone(), now));
            if let Err(e) = $store.run_caps.check(&run.messages) {
                run.messages.truncate(before);
                outcomes[i] = Err(StoreError::RunTooLarge(e));
                continue;
            }
            run.tokens += f.tokens;
            run.cost += f.cost;
            run.changed = true;
        }

        let changed: Vec<(&Uuid, &RunAppend)> = {
            let mut changed: Vec<_> = runs.iter().filter(|(_, run)| run.changed).collect();
            changed.sort_by_key(|(id, _)| **id);
            changed
        };
        for rows in changed.chunks(ROWS_PER_STATEMENT) {
            let mut update = QueryBuilder::new("WITH v (id, messages, message_count, tokens, cost) AS (");
            update.push_values(rows, |mut row, (id, run)| {
                row.push_bind(**id)
                    .push_bind(Json(&run.messages))
                    .push_bind(run.messages.len() as i64)
                    .push_bind(run.tokens)
                    .push_bind(run.cost);
            });
            update.push(
                ") UPDATE ai_runs SET messages = v.messages, message_count = v.message_count, \
                 total_tokens = ai_runs.total_tokens + v.tokens, total_cost = ai_runs.total_cost + v.cost, \
                 last_message_at = ",
            );
            update.push_bind(now).push(", updated_at = ").push_bind(now);
            update.push(" FROM v WHERE ai_runs.id = v.id AND ai_runs.user_id = ");
            update.push_bind(user);
            update.build().execute(&mut *$tx).await?;
        }
    }};
}

impl Store {
    /// Records many finished tasks in one transaction: per finish its final row, then its
    /// messages appended to its run with the run's totals (several finishes of one run are
    /// appended in the order given). Returns one outcome per finish, in order; a database
    /// error fails them all (nothing of the batch is kept).
    pub async fn finish_tasks(&self, finishes: &[TaskFinish]) -> StoreResult<Vec<TaskFinished>> {
        if finishes.is_empty() {
            return Ok(Vec::new());
        }
        let now = Utc::now();
        let mut outcomes: Vec<StoreResult<()>> =
            finishes.iter().map(|f| check_append(&f.messages, f.tokens, f.cost)).collect();
        // Users, and each user's runs, are taken in one order (by id) by every batch, so two
        // nodes' batches that finish tasks of the same runs wait for each other instead of
        // deadlocking. The sort is stable: finishes of one run keep their order.
        let mut by_user: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
        for (i, f) in finishes.iter().enumerate() {
            by_user.entry(f.user).or_default().push(i);
        }
        for group in by_user.values_mut() {
            group.sort_by_key(|&i| finishes[i].run_id);
        }
        match &self.backend {
            Backend::Sqlite { write, .. } => {
                let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
                for (user, group) in &by_user {
                    write_group!(self, tx, *user, group, finishes, &mut outcomes, now);
                }
                tx.commit().await?;
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for (user, group) in &by_user {
                    write_group!(self, tx, *user, group, finishes, &mut outcomes, now);
                }
                tx.commit().await?;
            }
        }
        Ok(outcomes.into_iter().map(|run| TaskFinished { run }).collect())
    }
}

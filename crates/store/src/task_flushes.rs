//! Writing streaming tasks' text so far in batches (group commit): every live task writes its
//! partial text about once a second so a crash loses at most a second of it; a thousand tasks
//! streaming together would otherwise each take SQLite's single writer for a transaction of
//! their own every second, queued ahead of the finishes that `{end:true}` waits for. Here the
//! flushes that come due together are one transaction with one multi-row update per user.
//!
//! A flush only touches a task that is still `pending` or `streaming` on this node (epoch 0):
//! one that arrives after the task's final record (or after another node failed the task) is
//! ignored, so the order of the two writers does not matter.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use uuid::Uuid;

use crate::pool::{Backend, Claims};
use crate::{Store, StoreResult};

/// Most rows one statement carries (4 bound values per row).
const ROWS_PER_STATEMENT: usize = 200;

/// The text a streaming task has so far, to be written to its row.
#[derive(Debug, Clone)]
pub struct TaskFlush {
    /// The task's owner.
    pub user: Uuid,
    /// The Socket.IO task id.
    pub task_id: String,
    /// The answer so far.
    pub text: String,
    /// The chunk boundaries of `text` (what `resume` replays).
    pub chunks: Vec<u8>,
    /// Milliseconds to the first chunk, when one came (kept if already recorded).
    pub ttft_ms: Option<f64>,
}

/// Writes one user's flushes (`$rows`, indices into `$flushes`) inside `$tx`.
macro_rules! write_group {
    ($tx:ident, $user:expr, $rows:expr, $flushes:expr, $now:expr) => {{
        let (user, rows, flushes, now): (Uuid, &[usize], &[TaskFlush], DateTime<Utc>) =
            ($user, $rows, $flushes, $now);
        $tx.claim(user).await?;
        for rows in rows.chunks(ROWS_PER_STATEMENT) {
            let mut update = QueryBuilder::new(
                "WITH v (task_id, response_text, response_chunks, time_to_first_token) AS (",
            );
            update.push_values(rows, |mut row, &i| {
                let f = &flushes[i];
                row.push_bind(&f.task_id).push_bind(&f.text).push_bind(&f.chunks).push_bind(f.ttft_ms);
            });
            update.push(
                ") UPDATE ai_tasks SET status = 'streaming', response_text = v.response_text, \
                 response_chunks = v.response_chunks, \
                 time_to_first_token = COALESCE(ai_tasks.time_to_first_token, v.time_to_first_token), \
                 updated_at = ",
            );
            update.push_bind(now);
            update.push(
                " FROM v WHERE ai_tasks.task_id = v.task_id AND ai_tasks.status IN ('pending', 'streaming') \
                 AND ai_tasks.epoch = 0 AND ai_tasks.user_id = ",
            );
            update.push_bind(user);
            update.build().execute(&mut *$tx).await?;
        }
    }};
}

impl Store {
    /// Writes the partial text of many streaming tasks in one transaction. A task flushed more
    /// than once in the batch gets its last flush; a task that has finished, or that is not
    /// its user's, is left as it is. A database error fails the whole batch (nothing is kept;
    /// the tasks' next flushes carry their text again).
    pub async fn flush_tasks(&self, flushes: &[TaskFlush]) -> StoreResult<()> {
        if flushes.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        // The last flush of each task (a multi-row update would apply an arbitrary one), by
        // user in id order, so that batches of several nodes take users in one order.
        let mut last: HashMap<(Uuid, &str), usize> = HashMap::with_capacity(flushes.len());
        for (i, f) in flushes.iter().enumerate() {
            last.insert((f.user, f.task_id.as_str()), i);
        }
        let mut by_user: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
        for ((user, _), i) in last {
            by_user.entry(user).or_default().push(i);
        }
        for rows in by_user.values_mut() {
            rows.sort_unstable_by(|&a, &b| flushes[a].task_id.cmp(&flushes[b].task_id));
        }
        match &self.backend {
            Backend::Sqlite { write, .. } => {
                let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
                for (user, rows) in &by_user {
                    write_group!(tx, *user, rows, flushes, now);
                }
                tx.commit().await?;
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for (user, rows) in &by_user {
                    write_group!(tx, *user, rows, flushes, now);
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

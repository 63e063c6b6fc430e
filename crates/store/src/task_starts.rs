//! Recording a burst of task starts at once (group commit): the tasks that each start a new run
//! are written in one transaction with one multi-row insert of runs and one of tasks per user,
//! instead of a transaction each, so a thousand starts arriving together wait for a handful of
//! commits on SQLite's single writer. A task id that is taken, or repeated in the burst, is
//! refused for that start alone. A started task is recorded `streaming`: only a task registered
//! over REST is ever `pending`, so only such a task can be claimed by a submit.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use promptdeck_core::NewRun;
use sqlx::QueryBuilder;
use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::{Backend, Claims};
use crate::runs::{RUN_COLUMNS, stamped};
use crate::tasks::{TaskRun, TaskStart};
use crate::{Store, StoreError, StoreResult};

/// Most starts written by one multi-row statement (21 values each: far below SQLite's and
/// PostgreSQL's limits on bound values).
const ROWS_PER_STATEMENT: usize = 200;

/// Writes one user's starts (each with its new run) inside `$tx`; evaluates to the task ids
/// that were taken, whose runs it removes again.
macro_rules! write_starts {
    ($tx:ident, $user:expr, $starts:expr, $now:expr, $node:expr) => {{
        let (user, starts, now): (Uuid, &[(&TaskStart, &NewRun)], DateTime<Utc>) = ($user, $starts, $now);
        $tx.claim(user).await?;
        let mut runs = QueryBuilder::new(format!("INSERT INTO ai_runs ({RUN_COLUMNS}) "));
        runs.push_values(starts, |mut row, (start, run)| {
            let messages: Vec<_> = stamped(start.messages.clone(), now).collect();
            let count = messages.len() as i64;
            row.push_bind(start.run_id)
                .push_bind(user)
                .push_bind(run.source_type.as_str())
                .push_bind(run.source_id.as_deref())
                .push_bind(run.name.as_deref())
                .push_bind(run.description.as_deref())
                .push_bind(Json(messages))
                .push_bind(Json(&run.settings))
                .push_bind(Json(&run.variable_values))
                .push_bind(Json(&run.broker_values))
                .push_bind(Json(&run.attachments))
                .push_bind(Json(&run.metadata))
                .push_bind("active")
                .push_bind(false)
                .push_bind(0i64)
                .push_bind(0f64)
                .push_bind(count)
                .push_bind(1i64)
                .push_bind(now)
                .push_bind(now)
                .push_bind(now);
        });
        runs.build().execute(&mut *$tx).await?;
        let mut tasks = QueryBuilder::new(
            "INSERT INTO ai_tasks (id, run_id, user_id, task_id, service, task_name, model_id, provider, endpoint, \
             request_data, response_complete, response_metadata, status, created_at, updated_at, node_id, \
             payer_id, custom_ui_id, embed_id) ",
        );
        tasks.push_values(starts, |mut row, (start, _)| {
            let task = &start.task;
            row.push_bind(promptdeck_core::ids::record_id())
                .push_bind(start.run_id)
                .push_bind(user)
                .push_bind(task.task_id.as_deref())
                .push_bind(task.service.as_str())
                .push_bind(task.task_name.as_str())
                .push_bind(task.model_id.as_deref())
                .push_bind(task.provider.as_deref())
                .push_bind(task.endpoint.as_deref())
                .push_bind(Json(&task.request_data))
                .push_bind(false)
                .push_bind(Json(serde_json::json!({})))
                .push_bind("streaming")
                .push_bind(now)
                .push_bind(now)
                .push_bind($node)
                .push_bind(start.charge.payer.unwrap_or(user))
                .push_bind(start.charge.custom_ui)
                .push_bind(start.charge.embed);
        });
        tasks.push(" ON CONFLICT (task_id) DO NOTHING RETURNING task_id");
        let written: HashSet<String> = tasks.build_query_scalar::<String>().fetch_all(&mut *$tx).await?.into_iter().collect();
        let taken: Vec<&TaskStart> = starts
            .iter()
            .map(|(start, _)| *start)
            .filter(|s| !s.task.task_id.as_ref().is_some_and(|id| written.contains(id)))
            .collect();
        if !taken.is_empty() {
            let mut orphans = QueryBuilder::new("DELETE FROM ai_runs WHERE user_id = ");
            orphans.push_bind(user).push(" AND id IN (");
            let mut ids = orphans.separated(", ");
            for start in &taken {
                ids.push_bind(start.run_id);
            }
            orphans.push(")");
            orphans.build().execute(&mut *$tx).await?;
        }
        taken.into_iter().filter_map(|s| s.task.task_id.clone()).collect::<Vec<String>>()
    }};
}

impl Store {
    /// Records many task starts that each create their run, in one transaction: per start its
    /// run (with the user's turn), its `streaming` row. Returns one result per start, in order: a
    /// `task_id` taken by any user, or repeated in `starts`, is `StoreError::Conflict` (and
    /// nothing of that start is kept); a start that does not create its run is refused with
    /// `StoreError::NotFound` (use [`Store::start_task`]). A database error fails them all.
    pub async fn start_new_tasks(&self, starts: &[(Uuid, &TaskStart)]) -> StoreResult<Vec<StoreResult<()>>> {
        let now = Utc::now();
        let mut results: Vec<StoreResult<()>> = Vec::with_capacity(starts.len());
        let mut seen = HashSet::new();
        let mut by_user: BTreeMap<Uuid, Vec<(&TaskStart, &NewRun)>> = BTreeMap::new();
        for (user, start) in starts {
            let result = match (&start.run, start.task.task_id.as_deref()) {
                (TaskRun::New(run), Some(task_id)) if seen.insert(task_id) => {
                    by_user.entry(*user).or_default().push((*start, run));
                    Ok(())
                }
                (TaskRun::New(_), Some(_)) => Err(StoreError::Conflict("a task with this task_id")),
                _ => Err(StoreError::NotFound("new run")),
            };
            results.push(result);
        }
        if by_user.is_empty() {
            return Ok(results);
        }
        let mut taken: HashSet<String> = HashSet::new();
        match &self.backend {
            Backend::Sqlite { write, .. } => {
                let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
                for (user, group) in &by_user {
                    for chunk in group.chunks(ROWS_PER_STATEMENT) {
                        taken.extend(write_starts!(tx, *user, chunk, now, self.node_id));
                    }
                }
                tx.commit().await?;
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for (user, group) in &by_user {
                    for chunk in group.chunks(ROWS_PER_STATEMENT) {
                        taken.extend(write_starts!(tx, *user, chunk, now, self.node_id));
                    }
                }
                tx.commit().await?;
            }
        }
        for ((_, start), result) in starts.iter().zip(results.iter_mut()) {
            if result.is_ok() && start.task.task_id.as_ref().is_some_and(|id| taken.contains(id)) {
                *result = Err(StoreError::Conflict("a task with this task_id"));
            }
        }
        Ok(results)
    }
}

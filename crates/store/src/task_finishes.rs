//! Recording finished tasks in batches (group commit): the tasks that end together — each its
//! final row and its answer appended to its run — are written in one transaction instead of
//! two each, so a thousand short answers ending at once wait for a handful of commits on
//! SQLite's single writer rather than two thousand. Each finish keeps its own outcome: a run
//! that is gone or would grow past its caps refuses that answer alone (its task row is still
//! written), as [`Store::append_run_messages`] does.

use chrono::Utc;
use promptdeck_core::NewRunMessage;
use uuid::Uuid;

use crate::pool::Backend;
use crate::runs::{append_to_run, check_append};
use crate::tasks::{TaskProgress, finish_row};
use crate::{Store, StoreError, StoreResult};

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

/// Writes one finish inside `$tx`; evaluates to its [`TaskFinished`]. An error of the
/// database itself leaves through `?` (it ends the transaction for the whole batch).
macro_rules! write_finish {
    ($store:expr, $tx:ident, $f:expr, $now:expr) => {{
        let f: &TaskFinish = $f;
        finish_row!($tx, f.user, &f.task_id, &f.progress, $now);
        let run = match check_append(&f.messages, f.tokens, f.cost) {
            Err(e) => Err(e),
            Ok(()) => {
                // `append_to_run!` refuses a missing or full run with an early return.
                let appended: StoreResult<()> = async {
                    append_to_run!(
                        $store,
                        $tx,
                        f.user,
                        f.run_id,
                        f.messages.clone(),
                        f.tokens,
                        f.cost,
                        0,
                        $now
                    );
                    Ok(())
                }
                .await;
                match appended {
                    Err(e) if ends_the_transaction(&e) => return Err(e),
                    other => other,
                }
            }
        };
        TaskFinished { run }
    }};
}

/// An error of the database itself (PostgreSQL aborts the transaction on any of them), as
/// opposed to a refusal of one finish decided before anything was written.
fn ends_the_transaction(e: &StoreError) -> bool {
    matches!(e, StoreError::Unavailable(_) | StoreError::Database(_) | StoreError::Conflict(_))
}

impl Store {
    /// Records many finished tasks in one transaction: per finish its final row, then its
    /// messages appended to its run with the run's totals. Returns one outcome per finish, in
    /// order; a database error fails them all (nothing of the batch is kept).
    pub async fn finish_tasks(&self, finishes: &[TaskFinish]) -> StoreResult<Vec<TaskFinished>> {
        if finishes.is_empty() {
            return Ok(Vec::new());
        }
        let now = Utc::now();
        // Runs are locked in one order (by id) by every batch, so two nodes' batches that
        // finish tasks of the same runs wait for each other instead of deadlocking.
        let mut order: Vec<usize> = (0..finishes.len()).collect();
        order.sort_by_key(|&i| finishes[i].run_id);
        let mut out: Vec<Option<TaskFinished>> = (0..finishes.len()).map(|_| None).collect();
        match &self.backend {
            Backend::Sqlite { write, .. } => {
                let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
                for &i in &order {
                    out[i] = Some(write_finish!(self, tx, &finishes[i], now));
                }
                tx.commit().await?;
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for &i in &order {
                    // Row-level security sees each finish's own user.
                    crate::pool::set_claims(&mut tx, finishes[i].user).await?;
                    out[i] = Some(write_finish!(self, tx, &finishes[i], now));
                }
                tx.commit().await?;
            }
        }
        Ok(out.into_iter().flatten().collect())
    }
}

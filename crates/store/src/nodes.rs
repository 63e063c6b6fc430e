//! Node liveness for several nodes on one PostgreSQL database: each node heartbeats in `nodes`
//! (on the database's clock, so nodes' clocks need not agree), and a surviving node reaps the
//! unfinished tasks of nodes whose heartbeat is older than the timeout, each task locked by one
//! reaper only (`FOR UPDATE SKIP LOCKED`) and failed with an epoch bump, so the dead node's late
//! writes (which expect epoch 0) change nothing. On SQLite (one node) there is nothing to do.

use std::future::Future;
use std::time::Duration;

use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::Backend;
use crate::{Store, StoreResult};

/// An unfinished task of a dead node, locked for its reaper.
#[derive(Debug, Clone)]
pub struct DeadTask {
    /// The Socket.IO task id.
    pub task_id: String,
    /// Its owner.
    pub user_id: Uuid,
    /// The text the dead node flushed.
    pub response_text: Option<String>,
}

/// How a reaper ends a dead node's task.
#[derive(Debug, Clone)]
pub struct Reaped {
    /// The partial text (from the task's shared log, or what was flushed).
    pub response_text: String,
    /// Its chunk boundaries, when known.
    pub response_chunks: Option<Vec<u8>>,
    /// The error recorded (`{"code":"node_lost",…}`).
    pub response_errors: serde_json::Value,
}

#[derive(sqlx::FromRow)]
struct DeadRow {
    id: Uuid,
    task_id: String,
    user_id: Uuid,
    epoch: i64,
    response_text: Option<String>,
}

impl Store {
    /// Records that `node` is alive now (inserting it the first time).
    pub async fn heartbeat(&self, node: Uuid) -> StoreResult<()> {
        if let Backend::Postgres(pool) = &self.backend {
            sqlx::query(
                "INSERT INTO nodes (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()",
            )
            .bind(node)
            .execute(pool)
            .await?;
        }
        Ok(())
    }

    /// Forgets `node` (it stopped cleanly, with no task left running).
    pub async fn forget_node(&self, node: Uuid) -> StoreResult<()> {
        if let Backend::Postgres(pool) = &self.backend {
            sqlx::query("DELETE FROM nodes WHERE id = $1").bind(node).execute(pool).await?;
        }
        Ok(())
    }

    /// Fails up to `limit` unfinished tasks of nodes silent for longer than `timeout` (or
    /// unknown): each is locked, handed to `end` (which ends its shared log and says what to
    /// record; `None` leaves it for a later pass), and written `failed` with its epoch bumped.
    /// Nodes silent for four timeouts with nothing left are forgotten. Returns how many tasks
    /// were failed.
    pub async fn reap_dead_nodes<F, Fut>(
        &self,
        timeout: Duration,
        limit: i64,
        mut end: F,
    ) -> StoreResult<usize>
    where
        F: FnMut(DeadTask) -> Fut,
        Fut: Future<Output = Option<Reaped>>,
    {
        let Backend::Postgres(pool) = &self.backend else { return Ok(0) };
        let secs = timeout.as_secs_f64();
        let mut tx = pool.begin().await?;
        let rows: Vec<DeadRow> = sqlx::query_as(
            "SELECT t.id, t.task_id, t.user_id, t.epoch, t.response_text FROM ai_tasks t \
             WHERE t.status IN ('pending', 'streaming') AND t.node_id IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = t.node_id \
                             AND n.heartbeat_at > now() - make_interval(secs => $1)) \
             ORDER BY t.created_at LIMIT $2 FOR UPDATE OF t SKIP LOCKED",
        )
        .bind(secs)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut reaped = 0;
        for row in rows {
            let dead =
                DeadTask { task_id: row.task_id, user_id: row.user_id, response_text: row.response_text };
            let Some(end) = end(dead).await else { continue };
            reaped += sqlx::query(
                "UPDATE ai_tasks SET status = 'failed', response_text = $2, response_chunks = $3, \
                 response_errors = $4, epoch = epoch + 1, response_complete = true, completed_at = now(), \
                 updated_at = now() WHERE id = $1 AND epoch = $5",
            )
            .bind(row.id)
            .bind(&end.response_text)
            .bind(&end.response_chunks)
            .bind(Json(&end.response_errors))
            .bind(row.epoch)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        sqlx::query(
            "DELETE FROM nodes n WHERE n.heartbeat_at < now() - make_interval(secs => $1 * 4) \
             AND NOT EXISTS (SELECT 1 FROM ai_tasks t WHERE t.node_id = n.id AND t.status IN ('pending', 'streaming'))",
        )
        .bind(secs)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(reaped)
    }
}

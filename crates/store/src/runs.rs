//! AI runs: each user reads and writes only their own. Messages live inline in the run, as the
//! seed's `AiRun.messages`, within the store's [`promptdeck_core::RunCaps`]; lists answer
//! summaries without them.

use chrono::{DateTime, Utc};
use promptdeck_core::{
    AiRun, CoreError, NewRun, NewRunMessage, Page, PageRequest, RunMessage, RunPatch, RunStatus, RunSummary,
};
use sqlx::AssertSqlSafe;
use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx};
use crate::rows::{RunRow, RunSummaryRow, like_pattern};
use crate::{Store, StoreError, StoreResult};

pub(crate) const RUN_COLUMNS: &str = "id, user_id, source_type, source_id, name, description, messages, settings, \
     variable_values, broker_values, attachments, metadata, status, is_starred, total_tokens, total_cost, \
     message_count, task_count, created_at, updated_at, last_message_at";

/// The stored form of new run messages, stamped `now` when they carry no time.
pub(crate) fn stamped(messages: Vec<NewRunMessage>, now: DateTime<Utc>) -> impl Iterator<Item = RunMessage> {
    messages.into_iter().map(move |m| RunMessage {
        role: m.role,
        content: m.content,
        task_id: m.task_id,
        timestamp: m.timestamp.unwrap_or(now),
        metadata: m.metadata,
    })
}

/// Inserts the caller's run `$id` from `$input` with its first `$messages` and `$tasks` tasks
/// counted, inside the write transaction `$tx`; evaluates to the new row.
macro_rules! insert_run {
    ($tx:ident, $user:expr, $id:expr, $input:expr, $messages:expr, $tasks:expr, $now:expr) => {{
        let sql = format!(
            "INSERT INTO ai_runs ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             'active', false, 0, 0, $14, $15, $13, $13, $13) RETURNING {}",
            $crate::runs::RUN_COLUMNS,
            $crate::runs::RUN_COLUMNS
        );
        let messages: Vec<promptdeck_core::RunMessage> = $messages;
        sqlx::query_as::<_, $crate::rows::RunRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind($id)
            .bind($user)
            .bind($input.source_type.as_str())
            .bind(&$input.source_id)
            .bind(&$input.name)
            .bind(&$input.description)
            .bind(sqlx::types::Json(&messages))
            .bind(sqlx::types::Json(&$input.settings))
            .bind(sqlx::types::Json(&$input.variable_values))
            .bind(sqlx::types::Json(&$input.broker_values))
            .bind(sqlx::types::Json(&$input.attachments))
            .bind(sqlx::types::Json(&$input.metadata))
            .bind($now)
            .bind(messages.len() as i64)
            .bind(i64::from($tasks))
            .fetch_one(&mut *$tx)
            .await?
    }};
}

/// Appends `$messages` to the caller's run `$id` inside the write transaction `$tx` (locking
/// the row on PostgreSQL) and adds `$tokens`, `$cost` and `$tasks` tasks to its totals;
/// evaluates to the updated row, or returns `StoreError::NotFound("run")` from the function, or
/// `StoreError::RunTooLarge` when the run would pass its caps (keeping `$room` free, if given).
macro_rules! append_to_run {
    ($store:expr, $tx:ident, $user:expr, $id:expr, $messages:expr, $tokens:expr, $cost:expr, $tasks:expr, $now:expr) => {{
        append_to_run!($store, $tx, $user, $id, $messages, $tokens, $cost, $tasks, $now, promptdeck_core::RunRoom::default())
    }};
    ($store:expr, $tx:ident, $user:expr, $id:expr, $messages:expr, $tokens:expr, $cost:expr, $tasks:expr, $now:expr, $room:expr) => {{
        let lock = match $store.backend {
            $crate::pool::Backend::Sqlite { .. } => "",
            $crate::pool::Backend::Postgres(_) => " FOR UPDATE",
        };
        let select = format!(
            "SELECT {} FROM ai_runs WHERE id = $1 AND user_id = $2{lock}",
            $crate::runs::RUN_COLUMNS
        );
        let update = format!(
            "UPDATE ai_runs SET messages = $3, message_count = $4, total_tokens = total_tokens + $5, \
             total_cost = total_cost + $6, task_count = task_count + $8, last_message_at = $7, updated_at = $7 \
             WHERE id = $1 AND user_id = $2 RETURNING {}",
            $crate::runs::RUN_COLUMNS
        );
        let Some(row) = sqlx::query_as::<_, $crate::rows::RunRow>(sqlx::AssertSqlSafe(select.as_str()))
            .bind($id)
            .bind($user)
            .fetch_optional(&mut *$tx)
            .await?
        else {
            return Err($crate::StoreError::NotFound("run"));
        };
        let mut run = promptdeck_core::AiRun::try_from(row)?;
        run.messages.extend($crate::runs::stamped($messages, $now));
        $store.run_caps.check_with_room(&run.messages, $room).map_err($crate::StoreError::RunTooLarge)?;
        sqlx::query_as::<_, $crate::rows::RunRow>(sqlx::AssertSqlSafe(update.as_str()))
            .bind($id)
            .bind($user)
            .bind(sqlx::types::Json(&run.messages))
            .bind(run.messages.len() as i64)
            .bind($tokens)
            .bind($cost)
            .bind($now)
            .bind(i64::from($tasks))
            .fetch_one(&mut *$tx)
            .await?
    }};
}

pub(crate) use append_to_run;
pub(crate) use insert_run;

/// The filters of `GET /api/runs`.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Only runs with this status; by default every status but `deleted`.
    pub status: Option<RunStatus>,
    /// Only starred runs.
    pub starred: Option<bool>,
    /// Text in the name.
    pub q: Option<String>,
    /// Only runs of this source id (e.g. a prompt).
    pub source_id: Option<String>,
}

impl Store {
    /// Creates a run owned by `user`.
    pub async fn create_run(&self, user: Uuid, input: &NewRun) -> StoreResult<AiRun> {
        self.create_run_with_id(user, promptdeck_core::ids::record_id(), input).await
    }

    /// Creates a run with an id chosen beforehand (the task runner announces a new run's id in
    /// the ack).
    pub async fn create_run_with_id(&self, user: Uuid, id: Uuid, input: &NewRun) -> StoreResult<AiRun> {
        let now = Utc::now();
        let row =
            in_write_tx!(self, user, |tx| insert_run!(tx, user, id, input, Vec::<RunMessage>::new(), 0, now));
        row.try_into()
    }

    /// The caller's run with this id.
    pub async fn get_run(&self, user: Uuid, id: Uuid) -> StoreResult<Option<AiRun>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM ai_runs WHERE id = $1 AND user_id = $2");
        let row = in_tx!(self, user, |tx| {
            sqlx::query_as::<_, RunRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(AiRun::try_from).transpose()
    }

    /// The caller's runs, most recent activity first, as summaries (no messages, settings or
    /// other JSON).
    pub async fn list_runs(
        &self,
        user: Uuid,
        filter: &RunFilter,
        page: PageRequest,
    ) -> StoreResult<Page<RunSummary>> {
        let filters = "r.user_id = $1 AND (($2 IS NULL AND r.status <> 'deleted') OR r.status = $2) \
             AND ($3 IS NULL OR r.is_starred = $3) AND ($4 IS NULL OR LOWER(COALESCE(r.name, '')) LIKE $4 ESCAPE '\\') \
             AND ($5 IS NULL OR r.source_id = $5)";
        let settings_model = match self.backend {
            crate::pool::Backend::Sqlite { .. } => {
                "CASE WHEN json_type(r.settings, '$.model_id') = 'text' THEN json_extract(r.settings, '$.model_id') END"
            }
            crate::pool::Backend::Postgres(_) => {
                "CASE WHEN jsonb_typeof(r.settings -> 'model_id') = 'string' THEN r.settings ->> 'model_id' END"
            }
        };
        let sql = format!(
            "SELECT r.id, r.user_id, r.source_type, r.source_id, r.name, r.description, \
             SUBSTR(COALESCE({settings_model}, (SELECT t.model_id FROM ai_tasks t WHERE t.run_id = r.id \
             ORDER BY t.created_at DESC, t.id DESC LIMIT 1)), 1, 200) AS model_id, \
             r.status, r.is_starred, r.total_tokens, r.total_cost, r.message_count, r.task_count, r.created_at, \
             r.updated_at, r.last_message_at \
             FROM ai_runs r WHERE {filters} ORDER BY r.last_message_at DESC, r.id LIMIT $6 OFFSET $7"
        );
        let count_sql = format!("SELECT COUNT(*) FROM ai_runs r WHERE {filters}");
        let status = filter.status.map(|s| s.as_str());
        let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(like_pattern);
        let (rows, total) = in_tx!(self, user, |tx| {
            let rows = sqlx::query_as::<_, RunSummaryRow>(AssertSqlSafe(sql.as_str()))
                .bind(user)
                .bind(status)
                .bind(filter.starred)
                .bind(&q)
                .bind(&filter.source_id)
                .bind(page.limit)
                .bind(page.offset)
                .fetch_all(&mut *tx)
                .await?;
            let total: i64 = sqlx::query_scalar(AssertSqlSafe(count_sql.as_str()))
                .bind(user)
                .bind(status)
                .bind(filter.starred)
                .bind(&q)
                .bind(&filter.source_id)
                .fetch_one(&mut *tx)
                .await?;
            (rows, total)
        });
        let items = rows.into_iter().map(RunSummary::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::new(items, total, page))
    }

    /// Applies a patch to the caller's run.
    pub async fn update_run(&self, user: Uuid, id: Uuid, patch: &RunPatch) -> StoreResult<Option<AiRun>> {
        let sql = format!(
            "UPDATE ai_runs SET name = COALESCE($3, name), description = COALESCE($4, description), \
             is_starred = COALESCE($5, is_starred), status = COALESCE($6, status), \
             metadata = COALESCE($7, metadata), updated_at = $8 \
             WHERE id = $1 AND user_id = $2 RETURNING {RUN_COLUMNS}"
        );
        let row = in_write_tx!(self, user, |tx| {
            sqlx::query_as::<_, RunRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .bind(user)
                .bind(&patch.name)
                .bind(&patch.description)
                .bind(patch.is_starred)
                .bind(patch.status.map(|s| s.as_str()))
                .bind(patch.metadata.as_ref().map(Json))
                .bind(Utc::now())
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(AiRun::try_from).transpose()
    }

    /// Appends messages to the caller's run and adds `tokens`/`cost` to its totals, in one
    /// transaction (the run row is locked on PostgreSQL, SQLite serialises writers). Both the
    /// REST `addMessage` and the task runner append here, so the checks hold for both: figures
    /// finite and non-negative ([`StoreError::Invalid`]), text storable
    /// ([`StoreError::InvalidText`]), and the run within its caps ([`StoreError::RunTooLarge`]).
    pub async fn append_run_messages(
        &self,
        user: Uuid,
        id: Uuid,
        messages: Vec<NewRunMessage>,
        tokens: i64,
        cost: f64,
    ) -> StoreResult<AiRun> {
        check_append(&messages, tokens, cost)?;
        let now = Utc::now();
        let row =
            in_write_tx!(self, user, |tx| append_to_run!(self, tx, user, id, messages, tokens, cost, 0, now));
        row.try_into()
    }
}

/// The checks of an append that need no database: figures finite and non-negative, text
/// storable, each message's metadata within bounds.
pub(crate) fn check_append(messages: &[NewRunMessage], tokens: i64, cost: f64) -> StoreResult<()> {
    check_totals(tokens, cost)?;
    for message in messages {
        message.check_storable().map_err(StoreError::InvalidText)?;
        message.metadata.as_ref().map_or(Ok(()), |m| m.check()).map_err(StoreError::Invalid)?;
    }
    Ok(())
}

/// What an append adds to a run's totals is finite and non-negative, so totals never go
/// negative (each message's own figures are bounded by its metadata check).
fn check_totals(tokens: i64, cost: f64) -> StoreResult<()> {
    let invalid = |field, message| Err(StoreError::Invalid(CoreError::Invalid { field, message }));
    if tokens < 0 {
        return invalid("tokens", format!("must not be negative, got {tokens}"));
    }
    if !(cost.is_finite() && cost >= 0.0) {
        return invalid("cost", format!("must be a finite, non-negative number, got {cost}"));
    }
    Ok(())
}

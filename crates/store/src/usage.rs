//! Ratings (one per user per UI) and usage rows (each bumps the UI's `use_count` through a
//! database trigger on both backends). Usage rows are written by the server alone, when a task
//! tagged with a UI runs: on PostgreSQL the per-user role cannot insert them.

use chrono::Utc;
use promptdeck_core::{CustomUiRating, CustomUiUsage, NewUsage, Page, PageRequest, RatingInput};
use sqlx::AssertSqlSafe;
use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx, on_write_pool};
use crate::rows::{RatingRow, UsageRow};
use crate::{Store, StoreError, StoreResult};

const RATING_COLUMNS: &str = "id, custom_ui_id, user_id, rating, feedback, created_at, updated_at";
const USAGE_COLUMNS: &str = "id, custom_ui_id, user_id, run_id, execution_time_ms, variables_used, success, error_message, created_at";

impl Store {
    /// Creates or replaces the caller's rating of a UI (the caller checks visibility).
    pub async fn upsert_rating(
        &self,
        user: Uuid,
        ui_id: Uuid,
        input: &RatingInput,
    ) -> StoreResult<CustomUiRating> {
        let now = Utc::now();
        let sql = format!(
            "INSERT INTO prompt_custom_ui_ratings ({RATING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $6) \
             ON CONFLICT (custom_ui_id, user_id) DO UPDATE SET rating = excluded.rating, \
             feedback = excluded.feedback, updated_at = excluded.updated_at RETURNING {RATING_COLUMNS}"
        );
        let row = in_write_tx!(self, user, |tx| {
            sqlx::query_as::<_, RatingRow>(AssertSqlSafe(sql.as_str()))
                .bind(Uuid::new_v4())
                .bind(ui_id)
                .bind(user)
                .bind(input.rating)
                .bind(&input.feedback)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
        });
        Ok(row.into())
    }

    /// Records one use of a UI by `user`: called by the task runner when a task tagged with the
    /// UI has run, never on a client's word (the runner checked the UI is visible to `user`).
    /// Runs as the server's own role; its figures are checked.
    pub async fn insert_usage(
        &self,
        user: Uuid,
        ui_id: Uuid,
        usage: &NewUsage,
    ) -> StoreResult<CustomUiUsage> {
        usage.check().map_err(StoreError::Invalid)?;
        if let Some(variables) = &usage.variables_used {
            promptdeck_core::text::check_json(variables).map_err(StoreError::InvalidText)?;
        }
        if let Some(message) = &usage.error_message {
            promptdeck_core::text::check_text("error_message", message).map_err(StoreError::InvalidText)?;
        }
        let sql = format!(
            "INSERT INTO prompt_custom_ui_usage ({USAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING {USAGE_COLUMNS}"
        );
        let execution_time_ms = usage.execution_time_ms.map(|ms| i32::try_from(ms).unwrap_or(i32::MAX));
        let row = on_write_pool!(self, |pool| {
            sqlx::query_as::<_, UsageRow>(AssertSqlSafe(sql.as_str()))
                .bind(promptdeck_core::ids::record_id())
                .bind(ui_id)
                .bind(user)
                .bind(usage.run_id)
                .bind(execution_time_ms)
                .bind(usage.variables_used.as_ref().map(Json))
                .bind(usage.success.unwrap_or(true))
                .bind(&usage.error_message)
                .bind(Utc::now())
                .fetch_one(pool)
                .await?
        });
        Ok(row.into())
    }

    /// The caller's own usage rows, newest first.
    pub async fn list_usage(&self, user: Uuid, page: PageRequest) -> StoreResult<Page<CustomUiUsage>> {
        let sql = format!(
            "SELECT {USAGE_COLUMNS} FROM prompt_custom_ui_usage WHERE user_id = $1 \
             ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
        );
        let (rows, total) = in_tx!(self, user, |tx| {
            let rows = sqlx::query_as::<_, UsageRow>(AssertSqlSafe(sql.as_str()))
                .bind(user)
                .bind(page.limit)
                .bind(page.offset)
                .fetch_all(&mut *tx)
                .await?;
            let total: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM prompt_custom_ui_usage WHERE user_id = $1")
                    .bind(user)
                    .fetch_one(&mut *tx)
                    .await?;
            (rows, total)
        });
        Ok(Page::new(rows.into_iter().map(Into::into).collect(), total, page))
    }
}

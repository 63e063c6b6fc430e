//! Each user's small private state for a custom UI (the SDK's `useUiState`): one JSON object
//! per user and UI, read and written only by that user.

use chrono::Utc;
use serde_json::{Value, json};
use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx};
use crate::{Store, StoreResult};

impl Store {
    /// The caller's state for a UI (`{}` when nothing was saved).
    pub async fn ui_state(&self, user: Uuid, ui_id: Uuid) -> StoreResult<Value> {
        let row: Option<Json<Value>> = in_tx!(self, user, |tx| {
            sqlx::query_scalar(
                "SELECT state FROM prompt_custom_ui_state WHERE custom_ui_id = $1 AND user_id = $2",
            )
            .bind(ui_id)
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?
        });
        Ok(row.map_or_else(|| json!({}), |j| j.0))
    }

    /// Replaces the caller's state for a UI (the caller checks visibility and size).
    pub async fn put_ui_state(&self, user: Uuid, ui_id: Uuid, state: &Value) -> StoreResult<()> {
        in_write_tx!(self, user, |tx| {
            sqlx::query(
                "INSERT INTO prompt_custom_ui_state (custom_ui_id, user_id, state, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (custom_ui_id, user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            )
            .bind(ui_id)
            .bind(user)
            .bind(Json(state))
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }
}

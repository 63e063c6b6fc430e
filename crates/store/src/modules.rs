//! Which compiled module each React custom UI serves, by hash: what lets the sandbox origin
//! answer `/m/{hash}.js` from the database on any node (it compiles the UI again). The sandbox
//! origin has no user, so these run as the store's own role.

use chrono::Utc;
use promptdeck_core::PromptCustomUi;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::pool::{on_pool, on_write_pool};
use crate::rows::{UI_COLUMNS, UiRow};
use crate::{Store, StoreResult};

impl Store {
    /// Records that the UI `ui_id` now compiles to the module `hash` (a no-op when that is
    /// already recorded, so serving the same module again writes nothing).
    pub async fn record_ui_module(&self, ui_id: Uuid, hash: &str) -> StoreResult<()> {
        let recorded: Option<String> = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT module_hash FROM prompt_custom_ui_modules WHERE custom_ui_id = $1")
                .bind(ui_id)
                .fetch_optional(pool)
                .await?
        });
        if recorded.as_deref() == Some(hash) {
            return Ok(());
        }
        on_write_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO prompt_custom_ui_modules (custom_ui_id, module_hash, recorded_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (custom_ui_id) DO UPDATE SET module_hash = excluded.module_hash, recorded_at = excluded.recorded_at",
            )
            .bind(ui_id)
            .bind(hash)
            .bind(Utc::now())
            .execute(pool)
            .await
            .map(|_| ())?
        });
        Ok(())
    }

    /// Up to `limit` UIs recorded as compiling to the module `hash`, most recently recorded
    /// first (several UIs share a module when their code is the same, e.g. from one template).
    pub async fn uis_with_module(&self, hash: &str, limit: i64) -> StoreResult<Vec<PromptCustomUi>> {
        let sql = format!(
            "SELECT {UI_COLUMNS} FROM prompt_custom_uis u JOIN prompt_custom_ui_modules m ON m.custom_ui_id = u.id \
             WHERE m.module_hash = $1 ORDER BY m.recorded_at DESC LIMIT $2"
        );
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, UiRow>(AssertSqlSafe(sql.as_str()))
                .bind(hash)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(PromptCustomUi::try_from).collect()
    }
}

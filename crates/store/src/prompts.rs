//! Prompts: each user reads and writes only their own.

use chrono::Utc;
use promptdeck_core::{NewPrompt, Page, PageRequest, PromptPatch, PromptsData};
use sqlx::AssertSqlSafe;
use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx};
use crate::rows::PromptRow;
use crate::{Store, StoreResult};

const COLUMNS: &str =
    "id, user_id, name, description, messages, variable_defaults, settings, tools, created_at, updated_at";

impl Store {
    /// Stores a new prompt owned by `user`.
    pub async fn create_prompt(&self, user: Uuid, input: NewPrompt) -> StoreResult<PromptsData> {
        let now = Utc::now();
        let sql = format!(
            "INSERT INTO prompts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {COLUMNS}"
        );
        let row = in_write_tx!(self, user, |tx| {
            sqlx::query_as::<_, PromptRow>(AssertSqlSafe(sql.as_str()))
                .bind(Uuid::new_v4())
                .bind(user)
                .bind(&input.name)
                .bind(&input.description)
                .bind(Json(&input.messages))
                .bind(input.variable_defaults.as_ref().map(Json))
                .bind(Json(&input.settings))
                .bind(input.tools.as_ref().map(Json))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
        });
        row.try_into()
    }

    /// The caller's prompts, newest first.
    pub async fn list_prompts(&self, user: Uuid, page: PageRequest) -> StoreResult<Page<PromptsData>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM prompts WHERE user_id = $1 ORDER BY updated_at DESC, id LIMIT $2 OFFSET $3"
        );
        let (rows, total) = in_tx!(self, user, |tx| {
            let rows = sqlx::query_as::<_, PromptRow>(AssertSqlSafe(sql.as_str()))
                .bind(user)
                .bind(page.limit)
                .bind(page.offset)
                .fetch_all(&mut *tx)
                .await?;
            let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prompts WHERE user_id = $1")
                .bind(user)
                .fetch_one(&mut *tx)
                .await?;
            (rows, total)
        });
        let items = rows.into_iter().map(PromptsData::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::new(items, total, page))
    }

    /// The caller's prompt with this id.
    pub async fn get_prompt(&self, user: Uuid, id: Uuid) -> StoreResult<Option<PromptsData>> {
        let sql = format!("SELECT {COLUMNS} FROM prompts WHERE id = $1 AND user_id = $2");
        let row = in_tx!(self, user, |tx| {
            sqlx::query_as::<_, PromptRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(PromptsData::try_from).transpose()
    }

    /// The prompt behind a custom UI the caller may see, whoever owns it. Callers decide what
    /// of it a non-owner may read.
    pub async fn get_prompt_of_visible_ui(
        &self,
        user: Uuid,
        ui_id: Uuid,
    ) -> StoreResult<Option<PromptsData>> {
        let sql = format!(
            "SELECT {} FROM prompts p JOIN prompt_custom_uis u ON u.prompt_id = p.id \
             WHERE u.id = $1 AND (u.user_id = $2 OR (u.is_public AND u.status = 'active' AND {}))",
            COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", "),
            crate::quarantine::NOT_QUARANTINED
        );
        let row = in_tx!(self, user, |tx| {
            sqlx::query_as::<_, PromptRow>(AssertSqlSafe(sql.as_str()))
                .bind(ui_id)
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(PromptsData::try_from).transpose()
    }

    /// Applies a patch to the caller's prompt; `None` when it is not theirs or not there.
    pub async fn update_prompt(
        &self,
        user: Uuid,
        id: Uuid,
        patch: PromptPatch,
    ) -> StoreResult<Option<PromptsData>> {
        let Some(mut prompt) = self.get_prompt(user, id).await? else {
            return Ok(None);
        };
        patch.apply(&mut prompt);
        let sql = format!(
            "UPDATE prompts SET name = $3, description = $4, messages = $5, variable_defaults = $6, \
             settings = $7, tools = $8, updated_at = $9 WHERE id = $1 AND user_id = $2 RETURNING {COLUMNS}"
        );
        let row = in_write_tx!(self, user, |tx| {
            sqlx::query_as::<_, PromptRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .bind(user)
                .bind(&prompt.name)
                .bind(&prompt.description)
                .bind(Json(&prompt.messages))
                .bind(prompt.variable_defaults.as_ref().map(Json))
                .bind(Json(&prompt.settings))
                .bind(prompt.tools.as_ref().map(Json))
                .bind(Utc::now())
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(PromptsData::try_from).transpose()
    }

    /// Deletes the caller's prompt (and, by cascade, its custom UIs); false when not theirs.
    pub async fn delete_prompt(&self, user: Uuid, id: Uuid) -> StoreResult<bool> {
        let n = in_write_tx!(self, user, |tx| {
            sqlx::query("DELETE FROM prompts WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }
}

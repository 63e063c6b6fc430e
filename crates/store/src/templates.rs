//! The template library: readable by everyone signed in; the official set is written on first
//! start.

use chrono::Utc;
use promptdeck_core::{CustomUiTemplate, Difficulty};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::pool::{on_pool, on_write_pool};
use crate::rows::TemplateRow;
use crate::{Store, StoreResult};

/// A template to install, as shipped with the server.
#[derive(Debug, Clone)]
pub struct TemplateSeed {
    /// Display name (unique among official templates).
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// `form`, `chat`, `dashboard`, `visualization`, …
    pub category: &'static str,
    /// TSX code.
    pub component_code: &'static str,
    /// Search tags.
    pub tags: &'static [&'static str],
    /// How hard.
    pub difficulty: Difficulty,
}

impl Store {
    /// Installs the official templates that are not there yet (matched by name).
    pub async fn install_official_templates(&self, seeds: &[TemplateSeed]) -> StoreResult<usize> {
        let mut added = 0;
        for seed in seeds {
            let tags = serde_json::to_string(seed.tags).unwrap_or_else(|_| "[]".into());
            let now = Utc::now();
            let n = on_write_pool!(self, |pool| {
                let tags_expr = tags_value_sql(self);
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO prompt_custom_ui_templates \
                     (id, name, description, category, component_code, tags, difficulty, is_official, use_count, created_at, updated_at) \
                     SELECT $1, $2, $3, $4, $5, {tags_expr}, $7, true, 0, $8, $8 \
                     WHERE NOT EXISTS (SELECT 1 FROM prompt_custom_ui_templates WHERE is_official AND name = $2)"
                )))
                .bind(Uuid::new_v4())
                .bind(seed.name)
                .bind(seed.description)
                .bind(seed.category)
                .bind(seed.component_code)
                .bind(&tags)
                .bind(seed.difficulty.as_str())
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
            });
            added += n as usize;
        }
        Ok(added)
    }

    /// Templates matching the filters, official first, then by name.
    pub async fn list_templates(
        &self,
        category: Option<&str>,
        tag: Option<&str>,
        difficulty: Option<Difficulty>,
    ) -> StoreResult<Vec<CustomUiTemplate>> {
        let (select, has_tag) = self.template_sql();
        let sql = format!(
            "{select} WHERE ($1 IS NULL OR category = $1) AND ($2 IS NULL OR {has_tag}) \
             AND ($3 IS NULL OR difficulty = $3) ORDER BY is_official DESC, name, id"
        );
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, TemplateRow>(AssertSqlSafe(sql.as_str()))
                .bind(category)
                .bind(tag)
                .bind(difficulty.map(|d| d.as_str()))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(CustomUiTemplate::try_from).collect()
    }

    /// One template.
    pub async fn get_template(&self, id: Uuid) -> StoreResult<Option<CustomUiTemplate>> {
        let (select, _) = self.template_sql();
        let sql = format!("{select} WHERE id = $1");
        let row = on_pool!(self, |pool| sqlx::query_as::<_, TemplateRow>(AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(CustomUiTemplate::try_from).transpose()
    }

    /// The SELECT of a template row and the condition "has tag $2", per database: tags are a
    /// `TEXT[]` on PostgreSQL (as the seed) and a JSON array on SQLite.
    fn template_sql(&self) -> (String, &'static str) {
        let (tags, has_tag) = match self.backend {
            crate::pool::Backend::Sqlite { .. } => {
                ("tags AS tags_json", "EXISTS (SELECT 1 FROM json_each(tags) WHERE json_each.value = $2)")
            }
            crate::pool::Backend::Postgres(_) => ("array_to_json(tags)::text AS tags_json", "$2 = ANY(tags)"),
        };
        (
            format!(
                "SELECT id, name, description, category, component_code, preview_image_url, demo_prompt_id, \
                 {tags}, difficulty, is_official, use_count, created_by, created_at, updated_at \
                 FROM prompt_custom_ui_templates"
            ),
            has_tag,
        )
    }
}

/// How a JSON array of tags in `$6` becomes the tags column value.
fn tags_value_sql(store: &Store) -> &'static str {
    match store.backend {
        crate::pool::Backend::Sqlite { .. } => "$6",
        crate::pool::Backend::Postgres(_) => "ARRAY(SELECT jsonb_array_elements_text($6::jsonb))",
    }
}

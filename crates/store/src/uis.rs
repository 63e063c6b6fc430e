//! Custom UIs. A user sees their own UIs and every UI that is public and active; only the owner
//! changes or deletes one; only an admin (through the server's own role) features one. Lists
//! answer summaries. Ratings and usage live in `usage.rs`.

use chrono::Utc;
use promptdeck_core::{CustomUiStatus, CustomUiSummary, Page, PageRequest, PromptCustomUi};
use sqlx::AssertSqlSafe;
use sqlx::types::Json;
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx, on_write_pool};
use crate::quarantine::NOT_QUARANTINED;
use crate::rows::{UI_COLUMNS, UI_SUMMARY_COLUMNS, UiRow, UiSummaryRow, like_pattern};
use crate::{Store, StoreResult};

/// Which UIs a listing covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UiScope {
    /// The caller's own, any status.
    #[default]
    Mine,
    /// Everyone's public, active UIs (not quarantined).
    Public,
    /// Public, active and featured (not quarantined).
    Featured,
}

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UiSort {
    /// Most recently changed first.
    #[default]
    Recent,
    /// Most used first.
    UseCount,
    /// Best rated first (unrated last).
    Rating,
}

/// The filters of `GET /api/custom-uis`.
#[derive(Debug, Clone, Default)]
pub struct UiFilter {
    /// Which UIs.
    pub scope: UiScope,
    /// Only UIs of this prompt.
    pub prompt_id: Option<Uuid>,
    /// Only UIs with this status.
    pub status: Option<CustomUiStatus>,
    /// Text in the name or description.
    pub q: Option<String>,
    /// Order.
    pub sort: UiSort,
}

/// Columns written when a UI is inserted or saved, in bind order after `id`.
const WRITE_COLUMNS: [&str; 25] = [
    "user_id",
    "prompt_id",
    "name",
    "description",
    "component_code",
    "component_type",
    "props_schema",
    "default_props",
    "execution_mode",
    "auto_submit",
    "show_variables",
    "layout_config",
    "styling_config",
    "is_public",
    "is_featured",
    "use_count",
    "version",
    "parent_version_id",
    "status",
    "validated",
    "validation_errors",
    "created_at",
    "updated_at",
    "last_used_at",
    "published_at",
];

macro_rules! bind_ui {
    ($query:expr, $ui:expr) => {
        $query
            .bind($ui.id)
            .bind($ui.user_id)
            .bind($ui.prompt_id)
            .bind(&$ui.name)
            .bind(&$ui.description)
            .bind(&$ui.component_code)
            .bind($ui.component_type.as_str())
            .bind($ui.props_schema.as_ref().map(Json))
            .bind($ui.default_props.as_ref().map(Json))
            .bind($ui.execution_mode.as_str())
            .bind($ui.auto_submit)
            .bind($ui.show_variables)
            .bind($ui.layout_config.as_ref().map(Json))
            .bind($ui.styling_config.as_ref().map(Json))
            .bind($ui.is_public)
            .bind($ui.is_featured)
            .bind(i32::try_from($ui.use_count).unwrap_or(i32::MAX))
            .bind(i32::try_from($ui.version).unwrap_or(i32::MAX))
            .bind($ui.parent_version_id)
            .bind($ui.status.as_str())
            .bind($ui.validated)
            .bind($ui.validation_errors.as_ref().map(Json))
            .bind($ui.created_at)
            .bind($ui.updated_at)
            .bind($ui.last_used_at)
            .bind($ui.published_at)
    };
}

impl Store {
    /// Inserts a UI built by the caller (the server fills ids, defaults and validation). A new
    /// version starts with the budget (payer and caps) of the version it was made from.
    pub async fn insert_ui(&self, ui: &PromptCustomUi) -> StoreResult<PromptCustomUi> {
        let cols = WRITE_COLUMNS.join(", ");
        let params = (1..=WRITE_COLUMNS.len() + 1).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!("INSERT INTO prompt_custom_uis (id, {cols}) VALUES ({params})");
        in_write_tx!(self, ui.user_id, |tx| {
            bind_ui!(sqlx::query(AssertSqlSafe(sql.as_str())), ui).execute(&mut *tx).await?;
            if let Some(parent) = ui.parent_version_id {
                sqlx::query(
                    "INSERT INTO prompt_custom_ui_budgets (custom_ui_id, user_id, payer, max_cost_per_day, \
                     max_runs_per_viewer_per_day, updated_at) SELECT $1, user_id, payer, max_cost_per_day, \
                     max_runs_per_viewer_per_day, $3 FROM prompt_custom_ui_budgets WHERE custom_ui_id = $2 AND user_id = $4",
                )
                .bind(ui.id)
                .bind(parent)
                .bind(Utc::now())
                .bind(ui.user_id)
                .execute(&mut *tx)
                .await?;
            }
        });
        self.find_ui(ui.user_id, ui.id).await?.ok_or(crate::StoreError::NotFound("custom UI"))
    }

    /// Writes every column of a UI its owner may change; `updated_at` is set to now. Featuring
    /// ([`Store::set_featured`]) and the usage counters are not the owner's to write.
    pub async fn save_ui(&self, ui: &PromptCustomUi) -> StoreResult<PromptCustomUi> {
        let sets = WRITE_COLUMNS
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !matches!(**c, "user_id" | "created_at" | "is_featured" | "use_count" | "last_used_at")
            })
            .map(|(i, c)| format!("{c} = ${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("UPDATE prompt_custom_uis SET {sets} WHERE id = $1 AND user_id = $2");
        let mut ui = ui.clone();
        ui.updated_at = Utc::now();
        in_write_tx!(self, ui.user_id, |tx| {
            bind_ui!(sqlx::query(AssertSqlSafe(sql.as_str())), ui).execute(&mut *tx).await?;
        });
        self.find_ui(ui.user_id, ui.id).await?.ok_or(crate::StoreError::NotFound("custom UI"))
    }

    /// A UI the caller may see: their own, or a public active one that is not quarantined.
    pub async fn find_ui(&self, user: Uuid, id: Uuid) -> StoreResult<Option<PromptCustomUi>> {
        let sql = format!(
            "SELECT {UI_COLUMNS} FROM prompt_custom_uis u \
             WHERE u.id = $1 AND (u.user_id = $2 OR (u.is_public AND u.status = 'active' AND {NOT_QUARANTINED}))"
        );
        let row = in_tx!(self, user, |tx| {
            sqlx::query_as::<_, UiRow>(AssertSqlSafe(sql.as_str()))
                .bind(id)
                .bind(user)
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(PromptCustomUi::try_from).transpose()
    }

    /// Lists UIs by scope and filters, as summaries (no code, schemas or configs).
    pub async fn list_uis(
        &self,
        user: Uuid,
        filter: &UiFilter,
        page: PageRequest,
    ) -> StoreResult<Page<CustomUiSummary>> {
        let scope = match filter.scope {
            UiScope::Mine => "u.user_id = $1".to_owned(),
            UiScope::Public => {
                format!("u.is_public AND u.status = 'active' AND {NOT_QUARANTINED} AND $1 = $1")
            }
            UiScope::Featured => {
                format!(
                    "u.is_public AND u.status = 'active' AND u.is_featured AND {NOT_QUARANTINED} AND $1 = $1"
                )
            }
        };
        let filters = "($2 IS NULL OR u.prompt_id = $2) AND ($3 IS NULL OR u.status = $3) \
             AND ($4 IS NULL OR LOWER(u.name) LIKE $4 ESCAPE '\\' OR LOWER(COALESCE(u.description, '')) LIKE $4 ESCAPE '\\')";
        let order = match filter.sort {
            UiSort::Recent => "u.updated_at DESC",
            UiSort::UseCount => "u.use_count DESC, u.updated_at DESC",
            UiSort::Rating => "rating_avg IS NULL, rating_avg DESC, rating_count DESC, u.updated_at DESC",
        };
        let sql = format!(
            "SELECT * FROM (SELECT {UI_SUMMARY_COLUMNS} FROM prompt_custom_uis u WHERE {scope} AND {filters}) u \
             ORDER BY {order}, u.id LIMIT $5 OFFSET $6"
        );
        let count_sql = format!("SELECT COUNT(*) FROM prompt_custom_uis u WHERE {scope} AND {filters}");
        let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(like_pattern);
        let status = filter.status.map(|s| s.as_str());
        let (rows, total) = in_tx!(self, user, |tx| {
            let rows = sqlx::query_as::<_, UiSummaryRow>(AssertSqlSafe(sql.as_str()))
                .bind(user)
                .bind(filter.prompt_id)
                .bind(status)
                .bind(&q)
                .bind(page.limit)
                .bind(page.offset)
                .fetch_all(&mut *tx)
                .await?;
            let total: i64 = sqlx::query_scalar(AssertSqlSafe(count_sql.as_str()))
                .bind(user)
                .bind(filter.prompt_id)
                .bind(status)
                .bind(&q)
                .fetch_one(&mut *tx)
                .await?;
            (rows, total)
        });
        let items = rows.into_iter().map(CustomUiSummary::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::new(items, total, page))
    }

    /// Every UI of the owner's prompt that is linked to `ui` through `parent_version_id`, in
    /// version order: the whole version chain, as summaries.
    pub async fn ui_versions(&self, ui: &PromptCustomUi) -> StoreResult<Vec<CustomUiSummary>> {
        let sql = format!(
            "SELECT {UI_SUMMARY_COLUMNS} FROM prompt_custom_uis u WHERE u.user_id = $1 AND u.prompt_id = $2 ORDER BY u.version, u.created_at"
        );
        let rows = in_tx!(self, ui.user_id, |tx| {
            sqlx::query_as::<_, UiSummaryRow>(AssertSqlSafe(sql.as_str()))
                .bind(ui.user_id)
                .bind(ui.prompt_id)
                .fetch_all(&mut *tx)
                .await?
        });
        let all = rows.into_iter().map(CustomUiSummary::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(version_chain(all, ui.id))
    }

    /// Sets or clears `is_featured` (an admin's decision, whoever owns the UI).
    pub async fn set_featured(&self, id: Uuid, featured: bool) -> StoreResult<Option<PromptCustomUi>> {
        // The server has checked the caller is an admin; admins act on any user's UI, which the
        // per-user policies would refuse, so this runs as the store's own role.
        let owner: Option<Uuid> = on_write_pool!(self, |pool| {
            sqlx::query_scalar(
                "UPDATE prompt_custom_uis SET is_featured = $2, updated_at = $3 WHERE id = $1 RETURNING user_id",
            )
            .bind(id)
            .bind(featured)
            .bind(Utc::now())
            .fetch_optional(pool)
            .await?
        });
        match owner {
            Some(owner) => self.find_ui(owner, id).await,
            None => Ok(None),
        }
    }

    /// Deletes a UI the caller owns; false when there was none.
    pub async fn delete_ui(&self, user: Uuid, id: Uuid) -> StoreResult<bool> {
        let n = in_write_tx!(self, user, |tx| {
            sqlx::query("DELETE FROM prompt_custom_uis WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }
}

/// The connected component of `start` in the parent graph of `all`, sorted by version.
fn version_chain(all: Vec<CustomUiSummary>, start: Uuid) -> Vec<CustomUiSummary> {
    let mut members = std::collections::HashSet::from([start]);
    loop {
        let before = members.len();
        for ui in &all {
            let linked =
                members.contains(&ui.id) || ui.parent_version_id.is_some_and(|p| members.contains(&p));
            if linked {
                members.insert(ui.id);
                if let Some(p) = ui.parent_version_id {
                    members.insert(p);
                }
            }
        }
        if members.len() == before {
            break;
        }
    }
    all.into_iter().filter(|ui| members.contains(&ui.id)).collect()
}

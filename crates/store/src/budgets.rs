//! Custom UIs' payers and caps (see `promptdeck_core::UiBudget`), and the spending sums budgets
//! are checked against. Owners read and write their UIs' budgets as themselves; the sums and a
//! UI's charge rules are read by the store's own role when any viewer starts a task.

use chrono::{DateTime, Utc};
use promptdeck_core::{Payer, UiBudget};
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx, on_pool};
use crate::{Store, StoreError, StoreResult};

type BudgetRow = (String, Option<f64>, Option<i64>);
/// A UI's id or owner, and its budget's columns when set.
type RulesRow = (Uuid, Option<String>, Option<f64>, Option<i64>);

fn budget((payer, max_cost_per_day, max_runs): BudgetRow) -> UiBudget {
    UiBudget {
        payer: Payer::from_column(&payer),
        max_cost_per_day,
        max_runs_per_viewer_per_day: max_runs.map(|n| u32::try_from(n.max(0)).unwrap_or(u32::MAX)),
    }
}

/// How a UI's runs are charged: its owner and the owner's budget choices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChargeRules {
    /// The UI's owner.
    pub owner: Uuid,
    /// The owner's choices (the default when never set).
    pub budget: UiBudget,
}

impl Store {
    /// `owner`'s budget for their UI `ui_id` (the default when never set); `None` when the UI
    /// is not theirs.
    pub async fn ui_budget(&self, owner: Uuid, ui_id: Uuid) -> StoreResult<Option<UiBudget>> {
        let row: Option<RulesRow> = in_tx!(self, owner, |tx| {
            sqlx::query_as(
                "SELECT u.id, b.payer, b.max_cost_per_day, b.max_runs_per_viewer_per_day FROM prompt_custom_uis u \
                 LEFT JOIN prompt_custom_ui_budgets b ON b.custom_ui_id = u.id WHERE u.id = $1 AND u.user_id = $2",
            )
            .bind(ui_id)
            .bind(owner)
            .fetch_optional(&mut *tx)
            .await?
        });
        Ok(row.map(|(_, payer, cost, runs)| match payer {
            Some(payer) => budget((payer, cost, runs)),
            None => UiBudget::default(),
        }))
    }

    /// Sets `owner`'s budget for their UI `ui_id`; `StoreError::NotFound` when it is not theirs.
    pub async fn set_ui_budget(&self, owner: Uuid, ui_id: Uuid, input: &UiBudget) -> StoreResult<UiBudget> {
        input.check().map_err(StoreError::Invalid)?;
        let row: BudgetRow = in_write_tx!(self, owner, |tx| {
            let mine: Option<Uuid> =
                sqlx::query_scalar("SELECT id FROM prompt_custom_uis WHERE id = $1 AND user_id = $2")
                    .bind(ui_id)
                    .bind(owner)
                    .fetch_optional(&mut *tx)
                    .await?;
            if mine.is_none() {
                return Err(StoreError::NotFound("custom UI"));
            }
            sqlx::query_as(
                "INSERT INTO prompt_custom_ui_budgets (custom_ui_id, user_id, payer, max_cost_per_day, \
                 max_runs_per_viewer_per_day, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (custom_ui_id) DO UPDATE SET payer = excluded.payer, \
                 max_cost_per_day = excluded.max_cost_per_day, \
                 max_runs_per_viewer_per_day = excluded.max_runs_per_viewer_per_day, updated_at = excluded.updated_at \
                 RETURNING payer, max_cost_per_day, max_runs_per_viewer_per_day",
            )
            .bind(ui_id)
            .bind(owner)
            .bind(input.payer.as_str())
            .bind(input.max_cost_per_day)
            .bind(input.max_runs_per_viewer_per_day.map(i64::from))
            .bind(Utc::now())
            .fetch_one(&mut *tx)
            .await?
        });
        Ok(budget(row))
    }

    /// Who owns the UI `ui_id` and how its runs are charged, whoever asks (the caller checked
    /// the UI is visible to the viewer); `None` for no such UI.
    pub async fn charge_rules(&self, ui_id: Uuid) -> StoreResult<Option<ChargeRules>> {
        let row: Option<RulesRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT u.user_id, b.payer, b.max_cost_per_day, b.max_runs_per_viewer_per_day FROM prompt_custom_uis u \
                 LEFT JOIN prompt_custom_ui_budgets b ON b.custom_ui_id = u.id WHERE u.id = $1",
            )
            .bind(ui_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(owner, payer, cost, runs)| ChargeRules {
            owner,
            budget: payer.map(|p| budget((p, cost, runs))).unwrap_or_default(),
        }))
    }

    /// Cost charged to `payer` by tasks started since `since`, in US dollars.
    pub async fn spent_by(&self, payer: Uuid, since: DateTime<Utc>) -> StoreResult<f64> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar::<_, f64>(
                "SELECT COALESCE(SUM(cost), 0.0) FROM ai_tasks WHERE payer_id = $1 AND created_at >= $2",
            )
            .bind(payer)
            .bind(since)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Cost of all tasks run through the UI `ui_id` since `since`, whoever paid.
    pub async fn spent_through(&self, ui_id: Uuid, since: DateTime<Utc>) -> StoreResult<f64> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar::<_, f64>(
                "SELECT COALESCE(SUM(cost), 0.0) FROM ai_tasks WHERE custom_ui_id = $1 AND created_at >= $2",
            )
            .bind(ui_id)
            .bind(since)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Tasks `viewer` started through the UI `ui_id` since `since`.
    pub async fn runs_through(&self, ui_id: Uuid, viewer: Uuid, since: DateTime<Utc>) -> StoreResult<i64> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM ai_tasks WHERE custom_ui_id = $1 AND user_id = $2 AND created_at >= $3",
            )
            .bind(ui_id)
            .bind(viewer)
            .bind(since)
            .fetch_one(pool)
            .await?
        }))
    }
}

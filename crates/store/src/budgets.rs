//! Custom UIs' payers and caps (see `promptdeck_core::UiBudget`), and the spending sums budgets
//! are checked against. Owners read and write their UIs' budgets as themselves; the sums and a
//! UI's charge rules are read by the store's own role when any viewer starts a task.

use chrono::{DateTime, Utc};
use promptdeck_core::{Payer, UiBudget};
use sqlx::AssertSqlSafe;
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

/// What a payer or a UI has spent in a period: the recorded costs, and the tasks still running.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spending {
    /// Cost recorded by the tasks that finished, in US dollars.
    pub recorded: f64,
    /// Tasks with a recorded cost.
    pub priced: i64,
    /// Tasks started and not finished: their cost is not known yet.
    pub running: i64,
}

impl Spending {
    /// The recorded cost plus, for each running task, the mean cost of the finished ones: what
    /// a budget is checked against, so that many tasks started at once cannot all pass a cap that
    /// only their finished costs would show spent.
    pub fn projected(&self) -> f64 {
        if self.priced == 0 {
            return self.recorded;
        }
        self.recorded + self.running as f64 * (self.recorded / self.priced as f64)
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

    /// What was charged to `payer` by tasks started since `since`.
    pub async fn spent_by(&self, payer: Uuid, since: DateTime<Utc>) -> StoreResult<Spending> {
        self.spending("payer_id", payer, since).await
    }

    /// What all tasks run through the UI `ui_id` since `since` cost, whoever paid.
    pub async fn spent_through(&self, ui_id: Uuid, since: DateTime<Utc>) -> StoreResult<Spending> {
        self.spending("custom_ui_id", ui_id, since).await
    }

    /// What all tasks run through the embed `embed_id` since `since` cost.
    pub async fn spent_through_embed(&self, embed_id: Uuid, since: DateTime<Utc>) -> StoreResult<Spending> {
        self.spending("embed_id", embed_id, since).await
    }

    async fn spending(&self, column: &'static str, id: Uuid, since: DateTime<Utc>) -> StoreResult<Spending> {
        let sql = format!(
            "SELECT COALESCE(SUM(cost), 0.0), CAST(COUNT(cost) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN status IN ('pending', 'streaming') THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM ai_tasks WHERE {column} = $1 AND created_at >= $2"
        );
        let (recorded, priced, running): (f64, i64, i64) = on_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql.as_str())).bind(id).bind(since).fetch_one(pool).await?
        });
        Ok(Spending { recorded, priced, running })
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

#[cfg(test)]
mod tests {
    use super::Spending;

    #[test]
    fn running_tasks_count_at_the_mean_finished_cost() {
        assert_eq!(Spending::default().projected(), 0.0);
        let none_finished = Spending { recorded: 0.0, priced: 0, running: 40 };
        assert_eq!(none_finished.projected(), 0.0);
        let some = Spending { recorded: 12.0, priced: 2, running: 3 };
        assert_eq!(some.projected(), 30.0);
    }
}

//! Usage reports (see `promptdeck_core::UsageReport`): sums over the recorded tasks of an
//! account or of one custom UI, per UTC day, by payer and by UI, with nearest-rank percentiles
//! of the time to first token computed by the database (window functions on both backends), so
//! a report reads a handful of aggregate rows, never the tasks themselves. Read by the store's
//! own role: an owner's report counts other users' tasks through the owner's UIs.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use promptdeck_core::{Periods, TOP_UIS, UsageDay, UsageFigures, UsageReport, UsageSlice};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::pool::{Backend, on_pool};
use crate::{Store, StoreResult};

/// Whose tasks a report sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageScope {
    /// The account: tasks the user ran, and anyone's tasks through the user's UIs.
    Account(Uuid),
    /// One custom UI (its owner asks): anyone's tasks through it.
    Ui(Uuid),
}

/// Columns of `scoped`, the tasks a report sums (a CTE; `$1` the user or UI, `$2` the start).
const SCOPED_COLUMNS: &str =
    "id, created_at, status, tokens_total, cost, time_to_first_token, payer_id, custom_ui_id, embed_id";

fn scoped_cte(scope: UsageScope) -> String {
    let c = SCOPED_COLUMNS;
    match scope {
        UsageScope::Account(_) => format!(
            "WITH scoped AS (SELECT {c} FROM ai_tasks WHERE user_id = $1 AND created_at >= $2 \
             UNION SELECT {c} FROM ai_tasks WHERE created_at >= $2 AND custom_ui_id IN \
             (SELECT id FROM prompt_custom_uis WHERE user_id = $1))"
        ),
        UsageScope::Ui(_) => {
            format!("WITH scoped AS (SELECT {c} FROM ai_tasks WHERE custom_ui_id = $1 AND created_at >= $2)")
        }
    }
}

/// The figures' select list over `scoped`.
const FIGURES: &str = "COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT), \
     CAST(COALESCE(SUM(tokens_total), 0) AS BIGINT), COALESCE(SUM(cost), 0.0)";

type FiguresRow = (i64, i64, i64, f64);

fn figures((tasks, errors, tokens, cost): FiguresRow) -> UsageFigures {
    UsageFigures { tasks, errors, tokens, cost, ttft_p50_ms: None, ttft_p95_ms: None }
}

/// "Embed on https://a.example (+2)": an embed named by the sites that frame it.
fn embed_label(origins_json: &str) -> String {
    let origins: Vec<String> = serde_json::from_str(origins_json).unwrap_or_default();
    match origins.split_first() {
        Some((first, [])) => format!("Embed on {first}"),
        Some((first, rest)) => format!("Embed on {first} (+{})", rest.len()),
        None => "An embed".into(),
    }
}

impl Store {
    /// The report of `scope` for the `days` UTC days ending on `now`'s; `caller` is who asks
    /// (payers are split into the caller and everyone else).
    pub async fn usage_report(
        &self,
        scope: UsageScope,
        caller: Uuid,
        days: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<UsageReport> {
        let today = Periods::at(now).day_start;
        let start = today - Duration::days(i64::from(days.max(1)) - 1);
        let subject = match scope {
            UsageScope::Account(user) => user,
            UsageScope::Ui(ui) => ui,
        };
        let day = match &self.backend {
            Backend::Sqlite { .. } => "substr(created_at, 1, 10)",
            Backend::Postgres(_) => "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        };
        let cte = scoped_cte(scope);
        let daily_sql = format!("{cte} SELECT {day}, {FIGURES} FROM scoped GROUP BY 1");
        // Nearest rank: the value at row ceil(n·p/100), in integer arithmetic.
        let ttft_sql = format!(
            "{cte}, ranked AS (SELECT {day} AS d, time_to_first_token AS v, \
             ROW_NUMBER() OVER (PARTITION BY {day} ORDER BY time_to_first_token) AS rn, \
             COUNT(*) OVER (PARTITION BY {day}) AS n, \
             ROW_NUMBER() OVER (ORDER BY time_to_first_token) AS arn, COUNT(*) OVER () AS an \
             FROM scoped WHERE time_to_first_token IS NOT NULL) \
             SELECT d, v, CAST(CASE WHEN rn = (n * 50 + 99) / 100 THEN 1 ELSE 0 END AS BIGINT), \
             CAST(CASE WHEN rn = (n * 95 + 99) / 100 THEN 1 ELSE 0 END AS BIGINT), \
             CAST(CASE WHEN arn = (an * 50 + 99) / 100 THEN 1 ELSE 0 END AS BIGINT), \
             CAST(CASE WHEN arn = (an * 95 + 99) / 100 THEN 1 ELSE 0 END AS BIGINT) FROM ranked \
             WHERE rn = (n * 50 + 99) / 100 OR rn = (n * 95 + 99) / 100 \
             OR arn = (an * 50 + 99) / 100 OR arn = (an * 95 + 99) / 100"
        );
        let payer_sql = format!(
            "{cte} SELECT CAST(CASE WHEN payer_id = $3 THEN 1 ELSE 0 END AS BIGINT) AS mine, {FIGURES} \
             FROM scoped GROUP BY 1 ORDER BY 1 DESC"
        );
        let top_sql = format!(
            "{cte}, top AS (SELECT custom_ui_id, {FIGURES} FROM scoped WHERE custom_ui_id IS NOT NULL \
             GROUP BY custom_ui_id ORDER BY 2 DESC, custom_ui_id LIMIT {TOP_UIS}) \
             SELECT top.*, u.name, CAST(u.version AS BIGINT) FROM top LEFT JOIN prompt_custom_uis u ON u.id = top.custom_ui_id \
             ORDER BY 2 DESC, 1"
        );
        let embed_sql = format!(
            "{cte}, top AS (SELECT embed_id, {FIGURES} FROM scoped GROUP BY embed_id \
             ORDER BY 2 DESC, embed_id LIMIT {}) \
             SELECT top.*, e.allowed_origins FROM top LEFT JOIN prompt_custom_ui_embeds e ON e.id = top.embed_id \
             ORDER BY 2 DESC, 1",
            TOP_UIS + 1
        );
        type Daily = (String, i64, i64, i64, f64);
        type Ttft = (String, f64, i64, i64, i64, i64);
        type ByPayer = (i64, i64, i64, i64, f64);
        type Top = (Uuid, i64, i64, i64, f64, Option<String>, Option<i64>);
        type ByEmbed = (Option<Uuid>, i64, i64, i64, f64, Option<String>);
        type Rows = (Vec<Daily>, Vec<Ttft>, Vec<ByPayer>, Vec<Top>, Vec<ByEmbed>);
        let (daily, ttft, payers, top, embeds): Rows = on_pool!(self, |pool| {
            let daily = sqlx::query_as(AssertSqlSafe(daily_sql.as_str()))
                .bind(subject)
                .bind(start)
                .fetch_all(pool)
                .await?;
            let ttft = sqlx::query_as(AssertSqlSafe(ttft_sql.as_str()))
                .bind(subject)
                .bind(start)
                .fetch_all(pool)
                .await?;
            let payers = sqlx::query_as(AssertSqlSafe(payer_sql.as_str()))
                .bind(subject)
                .bind(start)
                .bind(caller)
                .fetch_all(pool)
                .await?;
            let top = sqlx::query_as(AssertSqlSafe(top_sql.as_str()))
                .bind(subject)
                .bind(start)
                .fetch_all(pool)
                .await?;
            let embeds = sqlx::query_as(AssertSqlSafe(embed_sql.as_str()))
                .bind(subject)
                .bind(start)
                .fetch_all(pool)
                .await?;
            (daily, ttft, payers, top, embeds)
        });

        let mut by_day: HashMap<String, UsageFigures> = HashMap::new();
        let mut totals = UsageFigures::default();
        for (date, tasks, errors, tokens, cost) in daily {
            totals.tasks += tasks;
            totals.errors += errors;
            totals.tokens += tokens;
            totals.cost += cost;
            by_day.insert(date, figures((tasks, errors, tokens, cost)));
        }
        for (date, value, p50, p95, all_p50, all_p95) in ttft {
            let day = by_day.entry(date).or_default();
            if p50 == 1 {
                day.ttft_p50_ms = Some(value);
            }
            if p95 == 1 {
                day.ttft_p95_ms = Some(value);
            }
            if all_p50 == 1 {
                totals.ttft_p50_ms = Some(value);
            }
            if all_p95 == 1 {
                totals.ttft_p95_ms = Some(value);
            }
        }
        let first = start.date_naive();
        let last = today.date_naive();
        let days: Vec<UsageDay> = first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d: NaiveDate| {
                let date = d.format("%Y-%m-%d").to_string();
                let figures = by_day.remove(&date).unwrap_or_default();
                UsageDay { date, figures }
            })
            .collect();
        let by_payer = payers
            .into_iter()
            .map(|(mine, tasks, errors, tokens, cost)| {
                let (key, label) =
                    if mine == 1 { ("you", "Paid by you") } else { ("others", "Paid by others") };
                UsageSlice {
                    key: key.into(),
                    label: label.into(),
                    custom_ui_id: None,
                    figures: figures((tasks, errors, tokens, cost)),
                }
            })
            .collect();
        let top_uis = top
            .into_iter()
            .map(|(id, tasks, errors, tokens, cost, name, version)| UsageSlice {
                key: id.to_string(),
                label: match (name, version) {
                    (Some(name), Some(v)) => format!("{name} (v{v})"),
                    _ => "A deleted UI".into(),
                },
                custom_ui_id: Some(id),
                figures: figures((tasks, errors, tokens, cost)),
            })
            .collect();
        let by_embed = embeds
            .into_iter()
            .map(|(id, tasks, errors, tokens, cost, origins)| UsageSlice {
                key: id.map_or_else(|| "direct".to_owned(), |id| id.to_string()),
                label: match (id, origins) {
                    (None, _) => "Not through an embed".into(),
                    (Some(_), Some(origins)) => embed_label(&origins),
                    (Some(_), None) => "A deleted embed".into(),
                },
                custom_ui_id: None,
                figures: figures((tasks, errors, tokens, cost)),
            })
            .collect();
        let error_rate = totals.error_rate();
        Ok(UsageReport {
            from: first.format("%Y-%m-%d").to_string(),
            to: last.format("%Y-%m-%d").to_string(),
            days,
            totals,
            error_rate,
            by_payer,
            top_uis,
            by_embed,
        })
    }
}

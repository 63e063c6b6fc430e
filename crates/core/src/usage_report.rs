//! Usage figures for the dashboard (`GET /api/account/stats`, `GET /api/custom-uis/{id}/stats`):
//! tasks per UTC day, tokens, cost, time to first token and errors, summed from the recorded
//! tasks. A task is one answer of a model (one run of a custom UI). The figures are aggregates:
//! an owner sees how much others use their UIs, never what they wrote.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Days a report covers unless asked otherwise.
pub const DEFAULT_USAGE_DAYS: u32 = 30;
/// Most days a report covers.
pub const MAX_USAGE_DAYS: u32 = 366;
/// How many UIs `top_uis` lists.
pub const TOP_UIS: usize = 10;

/// `?days=N`: the report covers today and the N − 1 days before it (UTC).
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// Days covered, 1 to 366; default 30.
    pub days: Option<u32>,
}

impl UsageQuery {
    /// The days asked for, within bounds.
    pub fn days(&self) -> u32 {
        self.days.unwrap_or(DEFAULT_USAGE_DAYS).clamp(1, MAX_USAGE_DAYS)
    }
}

/// Figures of a set of tasks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct UsageFigures {
    /// Tasks started.
    #[ts(type = "number")]
    pub tasks: i64,
    /// Tasks that failed (cancelled ones are not errors).
    #[ts(type = "number")]
    pub errors: i64,
    /// Tokens, input and output.
    #[ts(type = "number")]
    pub tokens: i64,
    /// Cost in US dollars.
    pub cost: f64,
    /// Median time to first token of the tasks that produced one, in milliseconds.
    pub ttft_p50_ms: Option<f64>,
    /// 95th percentile (nearest rank) of the time to first token, in milliseconds.
    pub ttft_p95_ms: Option<f64>,
}

impl UsageFigures {
    /// Failed tasks per task started, 0 when none started.
    pub fn error_rate(&self) -> f64 {
        if self.tasks == 0 { 0.0 } else { self.errors as f64 / self.tasks as f64 }
    }
}

/// One UTC day of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct UsageDay {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Its figures (zero on a day without tasks).
    #[serde(flatten)]
    pub figures: UsageFigures,
}

/// Figures of one part of a report: one payer, one UI or one embed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct UsageSlice {
    /// What the part is: `you` / `others` for payers, the UI's id for UIs.
    pub key: String,
    /// For a person: "Paid by you", a UI's name.
    pub label: String,
    /// The UI, for a slice of `top_uis`.
    pub custom_ui_id: Option<Uuid>,
    /// Its figures.
    #[serde(flatten)]
    pub figures: UsageFigures,
}

/// A usage report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct UsageReport {
    /// First day covered, `YYYY-MM-DD`.
    pub from: String,
    /// Last day covered (today, UTC).
    pub to: String,
    /// Every day from `from` to `to`, in order.
    pub days: Vec<UsageDay>,
    /// The whole period.
    pub totals: UsageFigures,
    /// Failed tasks per task over the period.
    pub error_rate: f64,
    /// By who paid: the caller (`you`) or someone else (`others`).
    pub by_payer: Vec<UsageSlice>,
    /// The most used custom UIs, most tasks first (at most ten).
    pub top_uis: Vec<UsageSlice>,
    /// By embed, most tasks first (at most ten embeds): the key is the embed's id, or `direct`
    /// for the tasks not run through an embed.
    pub by_embed: Vec<UsageSlice>,
}

/// The nearest-rank percentile `p` (0–100) of sorted values; `None` for none.
pub fn nearest_rank(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(nearest_rank(&[], 50.0), None);
        assert_eq!(nearest_rank(&[7.0], 95.0), Some(7.0));
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(nearest_rank(&values, 50.0), Some(10.0));
        assert_eq!(nearest_rank(&values, 95.0), Some(19.0));
        assert_eq!(nearest_rank(&values, 100.0), Some(20.0));
    }

    #[test]
    fn days_are_bounded() {
        assert_eq!(UsageQuery { days: None }.days(), DEFAULT_USAGE_DAYS);
        assert_eq!(UsageQuery { days: Some(0) }.days(), 1);
        assert_eq!(UsageQuery { days: Some(100_000) }.days(), MAX_USAGE_DAYS);
    }

    #[test]
    fn flattened_figures_on_the_wire() {
        let day =
            UsageDay { date: "2026-12-02".into(), figures: UsageFigures { tasks: 2, ..Default::default() } };
        let json = serde_json::to_value(&day).unwrap();
        assert_eq!(json["tasks"], 2);
        assert_eq!(json["date"], "2026-12-02");
    }
}

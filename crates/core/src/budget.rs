//! Who pays for a task and how much they may spend: a custom UI's owner chooses whether its
//! viewers or the owner pay for its runs and caps them per day; the operator sets a default
//! budget per user per day and per month. Budgets are checked when a task starts, against the
//! costs recorded so far; a task over budget is refused with `quota_exceeded` and when it resets.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::CoreError;

/// Highest cost cap accepted, in US dollars (a typo of a few digits is refused, not stored).
pub const MAX_COST_CAP: f64 = 1_000_000.0;

/// Highest runs-per-viewer cap accepted.
pub const MAX_RUNS_CAP: u32 = 1_000_000;

/// Whose budget a custom UI's runs are charged to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// Each viewer pays for their own runs (their own key first, then the operator's within their
    /// budget): the default.
    #[default]
    Viewer,
    /// The UI's owner pays for everyone's runs (the owner's key first, within the owner's budget).
    Owner,
}

impl Payer {
    /// The wire and column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Payer::Viewer => "viewer",
            Payer::Owner => "owner",
        }
    }

    /// Reads a column value; anything unknown is `viewer`, the payer that risks no one else's budget.
    pub fn from_column(value: &str) -> Payer {
        if value == "owner" { Payer::Owner } else { Payer::Viewer }
    }
}

/// A custom UI's payer and caps (`GET`/`PUT /api/custom-uis/{id}/budget`); a UI never set has
/// the default: viewers pay, no caps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct UiBudget {
    /// Who pays for the UI's runs.
    #[serde(default)]
    pub payer: Payer,
    /// Most the UI's runs may cost in one UTC day, everyone's together, in US dollars.
    #[serde(default)]
    pub max_cost_per_day: Option<f64>,
    /// Most runs one viewer may start through the UI in one UTC day.
    #[serde(default)]
    pub max_runs_per_viewer_per_day: Option<u32>,
}

impl UiBudget {
    /// Checks the caps are numbers a person meant.
    pub fn check(&self) -> Result<(), CoreError> {
        if let Some(cost) = self.max_cost_per_day
            && !(cost.is_finite() && (0.0..=MAX_COST_CAP).contains(&cost))
        {
            return Err(CoreError::Invalid {
                field: "max_cost_per_day",
                message: format!("a number of US dollars from 0 to {MAX_COST_CAP}"),
            });
        }
        if let Some(runs) = self.max_runs_per_viewer_per_day
            && runs > MAX_RUNS_CAP
        {
            return Err(CoreError::Invalid {
                field: "max_runs_per_viewer_per_day",
                message: format!("at most {MAX_RUNS_CAP}"),
            });
        }
        Ok(())
    }
}

/// The caller's own budget and what they have spent (`GET /api/account/budget`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct AccountBudget {
    /// The operator's cap per UTC day, in US dollars; `None`: no cap.
    pub daily_cost_limit: Option<f64>,
    /// The operator's cap per UTC calendar month, in US dollars; `None`: no cap.
    pub monthly_cost_limit: Option<f64>,
    /// Cost charged to the caller today (their runs, and others' runs of UIs they pay for).
    pub spent_today: f64,
    /// Cost charged to the caller this month.
    pub spent_this_month: f64,
    /// When today's figures start again from zero (next UTC midnight).
    pub day_resets_at: DateTime<Utc>,
    /// When this month's figures start again from zero (the first of next month, UTC).
    pub month_resets_at: DateTime<Utc>,
}

/// The budget periods `now` falls in: UTC days and calendar months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// Today's first instant.
    pub day_start: DateTime<Utc>,
    /// Tomorrow's first instant.
    pub day_end: DateTime<Utc>,
    /// This month's first instant.
    pub month_start: DateTime<Utc>,
    /// Next month's first instant.
    pub month_end: DateTime<Utc>,
}

impl Periods {
    /// The periods of `now`.
    pub fn at(now: DateTime<Utc>) -> Periods {
        let today = now.date_naive();
        let day_start = midnight(today);
        let first = today.with_day(1).unwrap_or(today);
        let next_first = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        }
        .unwrap_or(first);
        Periods {
            day_start,
            day_end: day_start + Duration::days(1),
            month_start: midnight(first),
            month_end: midnight(next_first),
        }
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_utc_days_and_calendar_months() {
        let now = Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).unwrap();
        let p = Periods::at(now);
        assert_eq!(p.day_start, Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap());
        assert_eq!(p.day_end, Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(p.month_start, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
        assert_eq!(p.month_end, Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
        let feb = Periods::at(Utc.with_ymd_and_hms(2028, 2, 29, 12, 0, 0).unwrap());
        assert_eq!(feb.month_end, Utc.with_ymd_and_hms(2028, 3, 1, 0, 0, 0).unwrap());
    }

    #[test]
    fn caps_must_be_meant() {
        assert!(UiBudget::default().check().is_ok());
        for cost in [-1.0, f64::NAN, f64::INFINITY, MAX_COST_CAP * 2.0] {
            let budget = UiBudget { max_cost_per_day: Some(cost), ..Default::default() };
            assert!(budget.check().is_err(), "{cost}");
        }
        let zero = UiBudget {
            max_cost_per_day: Some(0.0),
            max_runs_per_viewer_per_day: Some(0),
            ..Default::default()
        };
        assert!(zero.check().is_ok());
        let many = UiBudget { max_runs_per_viewer_per_day: Some(MAX_RUNS_CAP + 1), ..Default::default() };
        assert!(many.check().is_err());
        let parsed: Result<UiBudget, _> = serde_json::from_str(r#"{"payer":"owner","bogus":1}"#);
        assert!(parsed.is_err());
    }
}

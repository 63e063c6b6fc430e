//! Who pays for a task, and whether their budget and the custom UI's caps allow it to start.
//! Checked after the task is planned (the UI is known to be visible to the viewer) and before it
//! is recorded, against the costs recorded so far plus, for each task still running, the mean
//! cost of the finished ones (see [`promptdeck_store::Spending::projected`]): many viewers
//! starting at once cannot all pass a cap that only finished costs would show spent. Running
//! tasks are never stopped, so spending can still pass a cap by what they cost beyond that mean.
//! Nothing is read when no cap applies.

use chrono::{DateTime, Utc};
use promptdeck_core::protocol::TaskErrorCode;
use promptdeck_core::{Payer, Periods};
use promptdeck_store::{EmbedRecord, TaskCharge};
use uuid::Uuid;

use crate::state::AppState;
use crate::tasks::TaskError;

/// Decides who pays for `viewer`'s task through the UI `ui` (if any) and the embed `embed` (if
/// the viewer is an embed's) at `now`, or refuses it with `quota_exceeded` and when the budget it
/// ran into resets. An embed's runs are always paid by its owner, within the embed's caps as well
/// as the UI's.
pub async fn charge(
    state: &AppState,
    viewer: Uuid,
    ui: Option<Uuid>,
    embed: Option<&EmbedRecord>,
    now: DateTime<Utc>,
) -> Result<TaskCharge, TaskError> {
    let periods = Periods::at(now);
    let mut payer = viewer;
    if let Some(record) = embed {
        payer = record.owner;
        let embed = &record.embed;
        if let Some(cap) = embed.max_runs_per_viewer_per_day
            && state.store.runs_through_embed(embed.id, Some(viewer), periods.day_start).await?
                >= i64::from(cap)
        {
            let runs = if cap == 1 { "run" } else { "runs" };
            return Err(quota(
                format!("this embed allows {cap} {runs} per viewer a day"),
                periods.day_end,
                now,
            ));
        }
        if let Some(cap) = embed.max_cost_per_day
            && state.store.spent_through_embed(embed.id, periods.day_start).await?.projected() >= cap
        {
            return Err(quota(
                format!("this embed's runs may cost ${cap} a day, and today's are spent"),
                periods.day_end,
                now,
            ));
        }
        if state.store.runs_through_embed(embed.id, None, periods.day_start).await?
            >= i64::from(embed.daily_runs)
        {
            let runs = if embed.daily_runs == 1 { "run" } else { "runs" };
            return Err(quota(
                format!("this embed allows {} {runs} a day, and today's are used", embed.daily_runs),
                periods.day_end,
                now,
            ));
        }
    }
    if let Some(ui) = ui {
        let rules = state.store.charge_rules(ui).await?.ok_or_else(|| TaskError::not_found("custom UI"))?;
        if rules.budget.payer == Payer::Owner {
            payer = rules.owner;
        }
        if let Some(cap) = rules.budget.max_runs_per_viewer_per_day
            && viewer != rules.owner
            && state.store.runs_through(ui, viewer, periods.day_start).await? >= i64::from(cap)
        {
            let runs = if cap == 1 { "run" } else { "runs" };
            return Err(quota(format!("this UI allows {cap} {runs} per viewer a day"), periods.day_end, now));
        }
        if let Some(cap) = rules.budget.max_cost_per_day
            && state.store.spent_through(ui, periods.day_start).await?.projected() >= cap
        {
            return Err(quota(
                format!("this UI's runs may cost ${cap} a day, and today's are spent"),
                periods.day_end,
                now,
            ));
        }
    }
    let whose = if payer == viewer { "your" } else { "this UI's owner's" };
    let limits = &state.config.tasks;
    if let Some(cap) = limits.daily_cost_limit()
        && state.store.spent_by(payer, periods.day_start).await?.projected() >= cap
    {
        return Err(quota(format!("{whose} daily budget of ${cap} is spent"), periods.day_end, now));
    }
    if let Some(cap) = limits.monthly_cost_limit()
        && state.store.spent_by(payer, periods.month_start).await?.projected() >= cap
    {
        return Err(quota(format!("{whose} monthly budget of ${cap} is spent"), periods.month_end, now));
    }
    Ok(TaskCharge { payer: Some(payer), custom_ui: ui, embed: embed.map(|r| r.embed.id) })
}

fn quota(message: String, resets_at: DateTime<Utc>, now: DateTime<Utc>) -> TaskError {
    let when = resets_at.format("%Y-%m-%d %H:%M UTC");
    TaskError::new(TaskErrorCode::QuotaExceeded, format!("{message}; it resets at {when}"))
        .with_reset(resets_at, now)
}

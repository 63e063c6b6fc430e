//! Limits on Socket.IO tasks: how many a user may start and run, how long a task may run and
//! how large its answer may grow. Each is a flag with a documented default (docs/limits.md);
//! 0 turns a cap off.

use std::time::Duration;

/// Default largest answer of one task: 1 MiB of text (tool-call deltas count too).
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// Default longest run of one task: 10 minutes.
pub const DEFAULT_MAX_TASK_SECONDS: u64 = 600;
/// Default task starts per user and minute, once the burst is spent.
pub const DEFAULT_TASK_STARTS_PER_MINUTE: u32 = 30;
/// Default task starts a user may make back to back.
pub const DEFAULT_TASK_START_BURST: u32 = 10;
/// Default tasks one user may have running at once.
pub const DEFAULT_MAX_CONCURRENT_TASKS: u32 = 5;
/// Default task starts per custom UI and viewer and minute, once the burst is spent.
pub const DEFAULT_UI_TASK_STARTS_PER_MINUTE: u32 = 6;
/// Default task starts through one custom UI a viewer may make back to back.
pub const DEFAULT_UI_TASK_START_BURST: u32 = 3;

/// Task limits, set from flags and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct TaskLimits {
    /// Largest answer of one task, in bytes of text (tool-call deltas count too); a task that
    /// reaches it ends `failed` with `answer_too_large`, keeping the text so far.
    #[arg(long, env = "PROMPTDECK_MAX_ANSWER_BYTES", default_value_t = DEFAULT_MAX_ANSWER_BYTES)]
    pub max_answer_bytes: usize,
    /// Longest a task may run, in seconds; a task that reaches it ends `failed` with
    /// `task_timeout`, keeping the text so far.
    #[arg(long, env = "PROMPTDECK_MAX_TASK_SECONDS", default_value_t = DEFAULT_MAX_TASK_SECONDS)]
    pub max_task_seconds: u64,
    /// Task starts per user and minute once the burst is spent (over it: `rate_limited`).
    #[arg(long, env = "PROMPTDECK_TASK_STARTS_PER_MINUTE", default_value_t = DEFAULT_TASK_STARTS_PER_MINUTE)]
    pub task_starts_per_minute: u32,
    /// Task starts a user may make back to back.
    #[arg(long, env = "PROMPTDECK_TASK_START_BURST", default_value_t = DEFAULT_TASK_START_BURST)]
    pub task_start_burst: u32,
    /// Tasks one user may have running at once (over it: `too_many_tasks`).
    #[arg(long, env = "PROMPTDECK_MAX_CONCURRENT_TASKS", default_value_t = DEFAULT_MAX_CONCURRENT_TASKS)]
    pub max_concurrent_tasks: u32,
    /// Task starts through one custom UI per viewer and minute once the burst is spent (over
    /// it: `rate_limited`), so a UI that calls run() in a loop cannot fill its viewer's account.
    #[arg(long, env = "PROMPTDECK_UI_TASK_STARTS_PER_MINUTE", default_value_t = DEFAULT_UI_TASK_STARTS_PER_MINUTE)]
    pub ui_task_starts_per_minute: u32,
    /// Task starts through one custom UI a viewer may make back to back.
    #[arg(long, env = "PROMPTDECK_UI_TASK_START_BURST", default_value_t = DEFAULT_UI_TASK_START_BURST)]
    pub ui_task_start_burst: u32,
    /// Most cost, in US dollars, charged to one user in one UTC day (their runs and the runs of
    /// UIs they pay for); over it a task start is refused with `quota_exceeded`. 0: no cap.
    #[arg(long, env = "PROMPTDECK_USER_DAILY_COST_LIMIT", default_value_t = 0.0)]
    pub user_daily_cost_limit: f64,
    /// Most cost, in US dollars, charged to one user in one UTC calendar month. 0: no cap.
    #[arg(long, env = "PROMPTDECK_USER_MONTHLY_COST_LIMIT", default_value_t = 0.0)]
    pub user_monthly_cost_limit: f64,
}

impl TaskLimits {
    /// The longest a task may run; `None` when the cap is off (0).
    pub fn max_task_duration(&self) -> Option<Duration> {
        (self.max_task_seconds > 0).then(|| Duration::from_secs(self.max_task_seconds))
    }

    /// The operator's cost cap per user and UTC day; `None` when off (0 or not a positive number).
    pub fn daily_cost_limit(&self) -> Option<f64> {
        (self.user_daily_cost_limit.is_finite() && self.user_daily_cost_limit > 0.0)
            .then_some(self.user_daily_cost_limit)
    }

    /// The operator's cost cap per user and UTC month; `None` when off.
    pub fn monthly_cost_limit(&self) -> Option<f64> {
        (self.user_monthly_cost_limit.is_finite() && self.user_monthly_cost_limit > 0.0)
            .then_some(self.user_monthly_cost_limit)
    }

    /// The largest answer of a task; `None` when the cap is off (0).
    pub fn max_answer(&self) -> Option<usize> {
        (self.max_answer_bytes > 0).then_some(self.max_answer_bytes)
    }
}

impl Default for TaskLimits {
    fn default() -> Self {
        TaskLimits {
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            max_task_seconds: DEFAULT_MAX_TASK_SECONDS,
            task_starts_per_minute: DEFAULT_TASK_STARTS_PER_MINUTE,
            task_start_burst: DEFAULT_TASK_START_BURST,
            max_concurrent_tasks: DEFAULT_MAX_CONCURRENT_TASKS,
            ui_task_starts_per_minute: DEFAULT_UI_TASK_STARTS_PER_MINUTE,
            ui_task_start_burst: DEFAULT_UI_TASK_START_BURST,
            user_daily_cost_limit: 0.0,
            user_monthly_cost_limit: 0.0,
        }
    }
}

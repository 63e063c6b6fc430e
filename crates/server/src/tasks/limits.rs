//! Per-user task caps, checked before a task is planned: task starts per minute per user and
//! per custom UI and viewer (`rate_limited`, with when to retry), and tasks running at once per
//! user (`too_many_tasks`). Behind [`TaskLimiter`], so a limiter shared by several nodes (e.g.
//! in Redis) can replace the in-process [`MemoryTaskLimiter`].

use promptdeck_core::protocol::TaskErrorCode;
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::config::TaskLimits;
use crate::tasks::TaskError;

/// Why a task may not start now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Too many starts lately, for the user or for the user through one custom UI.
    RateLimited {
        /// Which limit: `per user` or `through this custom UI`.
        scope: &'static str,
        /// When a start will be allowed again.
        retry_after: Duration,
    },
    /// The user already has this many tasks running.
    TooManyTasks {
        /// The limit.
        limit: u32,
    },
    /// The shared counters (Redis, on a node of several) could not be reached.
    Unavailable,
}

impl From<Refusal> for TaskError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::RateLimited { scope, retry_after } => {
                // Whole seconds, rounded up, as HTTP's Retry-After counts them.
                let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                let secs = secs.max(1);
                TaskError::new(
                    TaskErrorCode::RateLimited,
                    format!("too many task starts {scope}; retry in {secs} s"),
                )
                .with_retry_after(secs)
            }
            Refusal::TooManyTasks { limit } => TaskError::new(
                TaskErrorCode::TooManyTasks,
                format!("you already have {limit} tasks running; wait for one to end or cancel one"),
            ),
            Refusal::Unavailable => TaskError::new(
                TaskErrorCode::Unavailable,
                "the shared task counters (Redis) are not answering; try again shortly",
            ),
        }
    }
}

/// Decides whether a user may start a task, and counts the tasks they have running.
/// Implementations must bound their memory whatever users do.
#[async_trait::async_trait]
pub trait TaskLimiter: Send + Sync + Debug {
    /// Counts a start by `user` (through the custom UI `ui`, when given) and takes one of the
    /// user's running-task slots, named by the id returned; refuses without counting anything
    /// when a limit is reached.
    async fn admit(&self, user: Uuid, ui: Option<Uuid>) -> Result<Uuid, Refusal>;

    /// Gives back the running-task slot `slot` taken by `admit` (the task ended, or never
    /// started).
    fn release(&self, user: Uuid, slot: Uuid);
}

/// A running-task slot: given back when dropped, however the task ends.
#[derive(Debug)]
pub struct TaskSlot {
    limiter: Arc<dyn TaskLimiter>,
    user: Uuid,
    slot: Uuid,
}

impl Drop for TaskSlot {
    fn drop(&mut self) {
        self.limiter.release(self.user, self.slot);
    }
}

/// Admits a task start, or says why not in the ack's terms.
pub async fn admit(
    limiter: &Arc<dyn TaskLimiter>,
    user: Uuid,
    ui: Option<Uuid>,
) -> Result<TaskSlot, TaskError> {
    let slot = limiter.admit(user, ui).await?;
    Ok(TaskSlot { limiter: limiter.clone(), user, slot })
}

/// A rate: `burst` starts at once, then one more every `interval`; `None`: no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    burst: u32,
    interval: Duration,
}

impl Rate {
    /// `per_minute` starts a minute after a burst of `burst`; 0 per minute turns the limit off.
    pub fn per_minute(per_minute: u32, burst: u32) -> Option<Rate> {
        (per_minute > 0).then(|| Rate { burst: burst.max(1), interval: Duration::from_secs(60) / per_minute })
    }

    /// Starts allowed back to back.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Time for one start to be allowed again.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    fn allowance(&self) -> Duration {
        self.interval.checked_mul(self.burst).unwrap_or(Duration::MAX)
    }
}

/// What a start is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    User(Uuid),
    UiViewer(Uuid, Uuid),
}

/// Most start counters kept; past it, the ones nearest to a whole allowance are forgotten.
pub const MAX_COUNTERS: usize = 100_000;

#[derive(Debug, Default)]
struct State {
    /// For each key, when its allowance is whole again (GCRA's "theoretical arrival time"); a
    /// time in the past holds nothing and may be dropped.
    starts: HashMap<Key, Instant>,
    /// Running tasks per user; a user with none has no entry.
    running: HashMap<Uuid, u32>,
}

/// The in-process limiter of one node.
#[derive(Debug)]
pub struct MemoryTaskLimiter {
    user_rate: Option<Rate>,
    ui_rate: Option<Rate>,
    max_running: Option<u32>,
    capacity: usize,
    state: Mutex<State>,
}

impl MemoryTaskLimiter {
    /// A limiter with the configured caps.
    pub fn new(limits: &TaskLimits) -> MemoryTaskLimiter {
        MemoryTaskLimiter {
            user_rate: Rate::per_minute(limits.task_starts_per_minute, limits.task_start_burst),
            ui_rate: Rate::per_minute(limits.ui_task_starts_per_minute, limits.ui_task_start_burst),
            max_running: (limits.max_concurrent_tasks > 0).then_some(limits.max_concurrent_tasks),
            capacity: MAX_COUNTERS,
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `admit` at a given instant.
    pub fn admit_at(&self, user: Uuid, ui: Option<Uuid>, now: Instant) -> Result<(), Refusal> {
        let mut state = self.lock();
        let running = state.running.get(&user).copied().unwrap_or(0);
        if let Some(limit) = self.max_running
            && running >= limit
        {
            return Err(Refusal::TooManyTasks { limit });
        }
        let mut counted = Vec::with_capacity(2);
        for (key, rate, scope) in [
            (Key::User(user), self.user_rate, "per user"),
            (Key::UiViewer(ui.unwrap_or_default(), user), ui.and(self.ui_rate), "through this custom UI"),
        ] {
            let Some(rate) = rate else { continue };
            let from = state.starts.get(&key).copied().filter(|t| *t > now).unwrap_or(now);
            let next = from + rate.interval;
            let ahead = next - now;
            if ahead > rate.allowance() {
                return Err(Refusal::RateLimited { scope, retry_after: ahead - rate.allowance() });
            }
            counted.push((key, next));
        }
        for (key, next) in counted {
            if !state.starts.contains_key(&key) && state.starts.len() >= self.capacity {
                make_room(&mut state.starts, self.capacity, now);
            }
            state.starts.insert(key, next);
        }
        if self.max_running.is_some() {
            *state.running.entry(user).or_default() += 1;
        }
        Ok(())
    }

    /// Start counters kept now (for tests).
    pub fn counters(&self) -> usize {
        self.lock().starts.len()
    }
}

/// Drops every counter whose allowance is whole; if that is not enough, forgets the eighth of
/// the counters nearest to a whole allowance (the least a user gains by being forgotten).
fn make_room(starts: &mut HashMap<Key, Instant>, capacity: usize, now: Instant) {
    starts.retain(|_, t| *t > now);
    if starts.len() < capacity {
        return;
    }
    let mut by_time: Vec<(Instant, Key)> = starts.iter().map(|(k, t)| (*t, *k)).collect();
    let forget = (capacity / 8).clamp(1, by_time.len());
    by_time.select_nth_unstable_by_key(forget - 1, |(t, _)| *t);
    for (_, key) in &by_time[..forget] {
        starts.remove(key);
    }
}

#[async_trait::async_trait]
impl TaskLimiter for MemoryTaskLimiter {
    async fn admit(&self, user: Uuid, ui: Option<Uuid>) -> Result<Uuid, Refusal> {
        // Slots of one node are counted per user; their ids do not matter.
        self.admit_at(user, ui, Instant::now()).map(|()| Uuid::nil())
    }

    fn release(&self, user: Uuid, _slot: Uuid) {
        let mut state = self.lock();
        if let Some(n) = state.running.get_mut(&user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                state.running.remove(&user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32, burst: u32, running: u32, ui_per_minute: u32, ui_burst: u32) -> TaskLimits {
        TaskLimits {
            task_starts_per_minute: per_minute,
            task_start_burst: burst,
            max_concurrent_tasks: running,
            ui_task_starts_per_minute: ui_per_minute,
            ui_task_start_burst: ui_burst,
            ..TaskLimits::default()
        }
    }

    #[test]
    fn a_burst_then_one_start_per_interval() {
        let limiter = MemoryTaskLimiter::new(&limits(6, 3, 0, 0, 0));
        let (user, t0) = (Uuid::new_v4(), Instant::now());
        for _ in 0..3 {
            assert_eq!(limiter.admit_at(user, None, t0), Ok(()));
        }
        let refused = limiter.admit_at(user, None, t0);
        assert_eq!(
            refused,
            Err(Refusal::RateLimited { scope: "per user", retry_after: Duration::from_secs(10) })
        );
        assert!(limiter.admit_at(user, None, t0 + Duration::from_secs(4)).is_err());
        assert_eq!(limiter.admit_at(user, None, t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(limiter.admit_at(Uuid::new_v4(), None, t0), Ok(()), "users are counted apart");
    }

    #[test]
    fn running_tasks_are_capped_and_slots_come_back() {
        let limiter = MemoryTaskLimiter::new(&limits(0, 0, 2, 0, 0));
        let (user, t0) = (Uuid::new_v4(), Instant::now());
        assert_eq!(limiter.admit_at(user, None, t0), Ok(()));
        assert_eq!(limiter.admit_at(user, None, t0), Ok(()));
        assert_eq!(limiter.admit_at(user, None, t0), Err(Refusal::TooManyTasks { limit: 2 }));
        limiter.release(user, Uuid::nil());
        assert_eq!(limiter.admit_at(user, None, t0), Ok(()));
        limiter.release(user, Uuid::nil());
        limiter.release(user, Uuid::nil());
        limiter.release(user, Uuid::nil());
        assert!(limiter.lock().running.is_empty(), "a user with nothing running holds no entry");
    }

    #[test]
    fn a_custom_ui_has_its_own_smaller_allowance_per_viewer() {
        let limiter = MemoryTaskLimiter::new(&limits(60, 10, 0, 6, 2));
        let (viewer, ui, t0) = (Uuid::new_v4(), Uuid::new_v4(), Instant::now());
        assert_eq!(limiter.admit_at(viewer, Some(ui), t0), Ok(()));
        assert_eq!(limiter.admit_at(viewer, Some(ui), t0), Ok(()));
        let refused = limiter.admit_at(viewer, Some(ui), t0);
        assert!(
            matches!(refused, Err(Refusal::RateLimited { scope: "through this custom UI", .. })),
            "{refused:?}"
        );
        // The refusal counted nothing: the user's own allowance still has 8 starts.
        for _ in 0..8 {
            assert_eq!(limiter.admit_at(viewer, None, t0), Ok(()));
        }
        assert!(limiter.admit_at(viewer, None, t0).is_err());
        assert_eq!(limiter.admit_at(Uuid::new_v4(), Some(ui), t0), Ok(()), "another viewer of the UI");
    }

    #[test]
    fn a_refusal_converts_to_an_ack_error_with_when_to_retry() {
        let err = TaskError::from(Refusal::RateLimited {
            scope: "per user",
            retry_after: Duration::from_millis(1500),
        });
        let json = serde_json::to_value(err.body()).unwrap();
        assert_eq!(json["code"], "rate_limited");
        assert_eq!(json["retry_after_secs"], 2);
        assert_eq!(TaskError::from(Refusal::TooManyTasks { limit: 5 }).code, TaskErrorCode::TooManyTasks);
    }

    #[test]
    fn counters_stay_bounded_under_many_users() {
        let mut limiter = MemoryTaskLimiter::new(&limits(1, 1, 0, 0, 0));
        limiter.capacity = 64;
        let t0 = Instant::now();
        let first = Uuid::new_v4();
        assert_eq!(limiter.admit_at(first, None, t0), Ok(()));
        for i in 0..10_000u64 {
            let _ = limiter.admit_at(Uuid::new_v4(), None, t0 + Duration::from_nanos(i));
            assert!(limiter.counters() <= 64);
        }
        // Counters whose allowance is whole again are dropped first.
        let later = t0 + Duration::from_secs(3600);
        let _ = limiter.admit_at(Uuid::new_v4(), None, later);
        assert!(limiter.counters() <= 64);
    }
}

//! Rate limits and per-user caps shared by every node, in Redis: the same GCRA the in-process
//! limiters run, as one Lua script per decision, on Redis's clock (`TIME`), so a user or an
//! address gets the configured allowance across N nodes, not N times it.
//!
//! Memory in Redis is bounded by expiry: a rate key lives until its allowance is whole again; a
//! user's running-task set holds one member per running task, each with a lease (the longest a
//! task may run plus the drain), so the slots of a node that died free themselves.

use std::time::Duration;

use uuid::Uuid;

use super::Redis;
use crate::auth::limiter::{LimitKey, MemoryLimiter, RateLimiter, Rule};
use crate::config::TaskLimits;
use crate::tasks::limits::{Rate, Refusal, TaskLimiter};

/// The prefix of every limiter key.
const PREFIX: &str = "promptdeck:limit";

/// How long a running-task slot is held when tasks may run for ever (`--max-task-seconds 0`).
const UNBOUNDED_LEASE: Duration = Duration::from_secs(24 * 3600);

/// One GCRA step on `KEYS[1]`. ARGV: interval (µs), burst, 1 to take or -1 to give back.
/// Returns 0 when taken (or given back), else the µs until an attempt is allowed.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local allowance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
if ARGV[3] == '-1' then
  local back = tat - interval
  if back > now then
    redis.call('SET', KEYS[1], back, 'PX', math.ceil((back - now) / 1000))
  else
    redis.call('DEL', KEYS[1])
  end
  return 0
end
local nxt = tat + interval
if nxt - now > allowance then return nxt - now - allowance end
redis.call('SET', KEYS[1], nxt, 'PX', math.ceil((nxt - now) / 1000))
return 0
";

/// A task start: the user's running-task set `KEYS[1]` (capped at ARGV[1], 0 = no cap), then the
/// user's rate `KEYS[2]` (ARGV[2] interval µs, ARGV[3] burst; interval 0 = no limit) and the
/// viewer-through-UI rate `KEYS[3]` (ARGV[4], ARGV[5]); when all allow, both rates are counted
/// and the slot ARGV[6] joins the set with a lease of ARGV[7] ms.
/// Returns `{0}`, `{1, scope, µs to wait}` (scope 0 user, 1 UI) or `{2}` (too many running).
const TASK_START: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now_ms = math.floor(now / 1000)
local max = tonumber(ARGV[1])
if max > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
  if redis.call('ZCARD', KEYS[1]) >= max then return {2} end
end
local counted = {}
for i = 0, 1 do
  local interval = tonumber(ARGV[2 + 2 * i])
  if interval > 0 then
    local key = KEYS[2 + i]
    local tat = tonumber(redis.call('GET', key) or now)
    if tat < now then tat = now end
    local nxt = tat + interval
    local allowance = interval * tonumber(ARGV[3 + 2 * i])
    if nxt - now > allowance then return {1, i, nxt - now - allowance} end
    counted[#counted + 1] = {key, nxt}
  end
end
for _, c in ipairs(counted) do
  redis.call('SET', c[1], c[2], 'PX', math.ceil((c[2] - now) / 1000))
end
if max > 0 then
  local lease = tonumber(ARGV[7])
  redis.call('ZADD', KEYS[1], now_ms + lease, ARGV[6])
  redis.call('PEXPIRE', KEYS[1], lease)
end
return {0}
";

/// Sign-up and sign-in limits counted in Redis. While Redis does not answer, this node's own
/// in-memory limiter decides (an attacker gains at most N times the allowance, never unlimited).
pub struct RedisRateLimiter {
    redis: Redis,
    fallback: MemoryLimiter,
}

impl RedisRateLimiter {
    /// A limiter on `redis`, falling back to one remembering at most `capacity` keys.
    pub fn new(redis: Redis, capacity: usize) -> RedisRateLimiter {
        RedisRateLimiter { redis, fallback: MemoryLimiter::new(capacity) }
    }

    async fn step(&self, key: LimitKey, rule: Rule, direction: i8) -> redis::RedisResult<u64> {
        let mut conn = self.redis.conn();
        redis::cmd("EVAL")
            .arg(GCRA)
            .arg(1)
            .arg(format!("{PREFIX}:auth:{}", hex::encode(key.as_bytes())))
            .arg(micros(rule.interval))
            .arg(rule.burst)
            .arg(direction)
            .query_async(&mut conn)
            .await
    }
}

#[async_trait::async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn take(&self, key: LimitKey, rule: Rule) -> Result<(), Duration> {
        match self.step(key, rule, 1).await {
            Ok(0) => Ok(()),
            Ok(wait) => Err(Duration::from_micros(wait)),
            Err(e) => {
                tracing::warn!(error = %e, "Redis did not answer a sign-in limit; this node's own limit decides");
                self.fallback.take_at(key, rule, std::time::Instant::now())
            }
        }
    }

    async fn give_back(&self, key: LimitKey, rule: Rule) {
        if let Err(e) = self.step(key, rule, -1).await {
            tracing::warn!(error = %e, "Redis did not answer a sign-in limit's give-back");
            self.fallback.give_back_at(key, rule, std::time::Instant::now());
        }
    }
}

/// Task caps counted in Redis: starts per minute per user and per viewer through a custom UI,
/// and tasks running at once per user, across every node.
#[derive(Debug)]
pub struct RedisTaskLimiter {
    redis: Redis,
    user_rate: Option<Rate>,
    ui_rate: Option<Rate>,
    max_running: u32,
    lease: Duration,
}

impl RedisTaskLimiter {
    /// A limiter with the configured caps on `redis`; a running-task slot is held at most
    /// `drain` past the longest a task may run.
    pub fn new(redis: Redis, limits: &TaskLimits, drain: Duration) -> RedisTaskLimiter {
        let longest =
            limits.max_task_duration().map_or(UNBOUNDED_LEASE, |d| d + drain + Duration::from_secs(60));
        RedisTaskLimiter {
            redis,
            user_rate: Rate::per_minute(limits.task_starts_per_minute, limits.task_start_burst),
            ui_rate: Rate::per_minute(limits.ui_task_starts_per_minute, limits.ui_task_start_burst),
            max_running: limits.max_concurrent_tasks,
            lease: longest,
        }
    }
}

/// `(interval µs, burst)` of a rate, `(0, 0)` for none.
fn rate_args(rate: Option<Rate>) -> (u64, u32) {
    rate.map_or((0, 0), |r| (micros(r.interval()), r.burst()))
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

fn running_key(user: Uuid) -> String {
    format!("{PREFIX}:running:{user}")
}

#[async_trait::async_trait]
impl TaskLimiter for RedisTaskLimiter {
    async fn admit(&self, user: Uuid, ui: Option<Uuid>) -> Result<Uuid, Refusal> {
        let slot = Uuid::new_v4();
        let (user_interval, user_burst) = rate_args(self.user_rate);
        let (ui_interval, ui_burst) = rate_args(ui.and(self.ui_rate));
        let mut conn = self.redis.conn();
        let answer: redis::RedisResult<Vec<u64>> = redis::cmd("EVAL")
            .arg(TASK_START)
            .arg(3)
            .arg(running_key(user))
            .arg(format!("{PREFIX}:starts:{user}"))
            .arg(format!("{PREFIX}:ui-starts:{}:{user}", ui.unwrap_or_default()))
            .arg(self.max_running)
            .arg(user_interval)
            .arg(user_burst)
            .arg(ui_interval)
            .arg(ui_burst)
            .arg(slot.to_string())
            .arg(u64::try_from(self.lease.as_millis()).unwrap_or(u64::MAX))
            .query_async(&mut conn)
            .await;
        match answer.as_deref() {
            Ok([0]) => Ok(slot),
            Ok([1, scope, wait]) => Err(Refusal::RateLimited {
                scope: if *scope == 0 { "per user" } else { "through this custom UI" },
                retry_after: Duration::from_micros(*wait),
            }),
            Ok([2]) => Err(Refusal::TooManyTasks { limit: self.max_running }),
            Ok(other) => {
                tracing::error!(answer = ?other, "the task limiter's script answered something unexpected");
                Err(Refusal::Unavailable)
            }
            Err(e) => {
                tracing::warn!(error = %e, "Redis did not answer a task start's limits");
                Err(Refusal::Unavailable)
            }
        }
    }

    fn release(&self, user: Uuid, slot: Uuid) {
        if self.max_running == 0 {
            return;
        }
        let mut conn = self.redis.conn();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        runtime.spawn(async move {
            let removed: redis::RedisResult<()> =
                redis::cmd("ZREM").arg(running_key(user)).arg(slot.to_string()).query_async(&mut conn).await;
            if let Err(e) = removed {
                tracing::warn!(error = %e, %user, "could not give back a running-task slot; its lease frees it");
            }
        });
    }
}

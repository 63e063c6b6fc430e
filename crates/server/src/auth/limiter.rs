//! Rate limits on sign-up and login: a `RateLimiter` trait (so a limiter shared by several nodes,
//! e.g. in Redis, can replace the in-process one) and `MemoryLimiter`, a bounded map of GCRA
//! states. Keys are 128-bit digests of scope and value, so an entry has a fixed size whatever an
//! attacker sends, and the map never holds more than its configured number of entries.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// What is limited: one client address, or one account, for one kind of attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LimitKey([u8; 16]);

impl LimitKey {
    /// The key of `value` (an address, an email) within `scope` (`ip`, `login`, `signup`).
    pub fn new(scope: &str, value: &str) -> LimitKey {
        let digest = Sha256::new().chain_update(scope).chain_update([0]).chain_update(value).finalize();
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        LimitKey(key)
    }

    /// The digest, for a limiter that keeps its keys elsewhere (Redis).
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

/// A rate: `burst` attempts at once, then one more every `interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Attempts allowed back to back.
    pub burst: u32,
    /// Time for one attempt to be allowed again.
    pub interval: Duration,
}

impl Rule {
    /// `count` attempts per `window`, all of which may come at once.
    pub fn per_window(count: u32, window: Duration) -> Rule {
        let count = count.max(1);
        Rule { burst: count, interval: window / count }
    }
}

/// Decides whether an attempt may go ahead. Implementations must bound their memory.
#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one attempt against `key` under `rule`; when none is left, the time until one is.
    async fn take(&self, key: LimitKey, rule: Rule) -> Result<(), Duration>;
    /// Gives back one attempt taken earlier (a login that succeeded does not count as a failure).
    async fn give_back(&self, key: LimitKey, rule: Rule);
}

/// The in-process limiter: for each key the GCRA "theoretical arrival time", the instant at
/// which its allowance is whole again. A key whose time has passed holds nothing and is dropped
/// when room is needed; past the capacity, the keys nearest to a whole allowance are forgotten
/// first (the least an attacker can gain by making the map forget).
pub struct MemoryLimiter {
    entries: Mutex<HashMap<LimitKey, Instant>>,
    capacity: usize,
}

impl MemoryLimiter {
    /// A limiter remembering at most `capacity` keys (at least 16).
    pub fn new(capacity: usize) -> MemoryLimiter {
        MemoryLimiter { entries: Mutex::new(HashMap::new()), capacity: capacity.max(16) }
    }

    /// Keys remembered now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<LimitKey, Instant>> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `take` at a given instant.
    pub fn take_at(&self, key: LimitKey, rule: Rule, now: Instant) -> Result<(), Duration> {
        let mut entries = self.lock();
        let current = entries.get(&key).copied().filter(|t| *t > now).unwrap_or(now);
        let next = current + rule.interval;
        let allowance = rule.interval.checked_mul(rule.burst).unwrap_or(Duration::MAX);
        let ahead = next - now;
        if ahead > allowance {
            return Err(ahead - allowance);
        }
        if !entries.contains_key(&key) && entries.len() >= self.capacity {
            make_room(&mut entries, self.capacity, now);
        }
        entries.insert(key, next);
        Ok(())
    }

    /// `give_back` at a given instant.
    pub fn give_back_at(&self, key: LimitKey, rule: Rule, now: Instant) {
        let mut entries = self.lock();
        if let Some(t) = entries.get_mut(&key) {
            match t.checked_sub(rule.interval).filter(|back| *back > now) {
                Some(back) => *t = back,
                None => {
                    entries.remove(&key);
                }
            }
        }
    }
}

/// Drops every key whose allowance is whole; if that is not enough, forgets the eighth of the
/// keys nearest to a whole allowance (one linear pass, so the cost is spread over many inserts).
fn make_room(entries: &mut HashMap<LimitKey, Instant>, capacity: usize, now: Instant) {
    entries.retain(|_, t| *t > now);
    if entries.len() < capacity {
        return;
    }
    let mut by_time: Vec<(Instant, LimitKey)> = entries.iter().map(|(k, t)| (*t, *k)).collect();
    let forget = (capacity / 8).max(1).min(by_time.len());
    by_time.select_nth_unstable_by_key(forget - 1, |(t, _)| *t);
    for (_, key) in &by_time[..forget] {
        entries.remove(key);
    }
}

#[async_trait::async_trait]
impl RateLimiter for MemoryLimiter {
    async fn take(&self, key: LimitKey, rule: Rule) -> Result<(), Duration> {
        self.take_at(key, rule, Instant::now())
    }

    async fn give_back(&self, key: LimitKey, rule: Rule) {
        self.give_back_at(key, rule, Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule { burst: 3, interval: Duration::from_secs(10) };

    #[test]
    fn a_burst_is_allowed_then_one_attempt_per_interval() {
        let limiter = MemoryLimiter::new(100);
        let key = LimitKey::new("ip", "192.0.2.1");
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.take_at(key, RULE, t0), Ok(()));
        }
        assert_eq!(limiter.take_at(key, RULE, t0), Err(Duration::from_secs(10)));
        assert_eq!(limiter.take_at(key, RULE, t0 + Duration::from_secs(4)), Err(Duration::from_secs(6)));
        assert_eq!(limiter.take_at(key, RULE, t0 + Duration::from_secs(10)), Ok(()));
        assert!(limiter.take_at(key, RULE, t0 + Duration::from_secs(10)).is_err());
    }

    #[test]
    fn keys_are_independent_and_scoped() {
        let limiter = MemoryLimiter::new(100);
        let t0 = Instant::now();
        for _ in 0..3 {
            let _ = limiter.take_at(LimitKey::new("login", "a@example.com"), RULE, t0);
        }
        assert!(limiter.take_at(LimitKey::new("login", "a@example.com"), RULE, t0).is_err());
        assert_eq!(limiter.take_at(LimitKey::new("login", "b@example.com"), RULE, t0), Ok(()));
        assert_eq!(limiter.take_at(LimitKey::new("signup", "a@example.com"), RULE, t0), Ok(()));
    }

    #[test]
    fn a_given_back_attempt_can_be_taken_again() {
        let limiter = MemoryLimiter::new(100);
        let key = LimitKey::new("login", "a@example.com");
        let t0 = Instant::now();
        for _ in 0..3 {
            let _ = limiter.take_at(key, RULE, t0);
        }
        limiter.give_back_at(key, RULE, t0);
        assert_eq!(limiter.take_at(key, RULE, t0), Ok(()));
        for _ in 0..5 {
            limiter.give_back_at(key, RULE, t0);
        }
        assert!(limiter.is_empty(), "a whole allowance is not remembered");
    }

    #[test]
    fn the_map_never_grows_past_its_capacity_under_rotating_keys() {
        let limiter = MemoryLimiter::new(64);
        let t0 = Instant::now();
        let victim = LimitKey::new("login", "victim@example.com");
        for _ in 0..3 {
            let _ = limiter.take_at(victim, RULE, t0);
        }
        for i in 0..10_000 {
            let _ = limiter.take_at(LimitKey::new("ip", &format!("198.51.100.{i}")), RULE, t0);
            assert!(limiter.len() <= 64);
        }
        // The victim's spent allowance is the furthest from whole, so it is forgotten last.
        assert!(limiter.take_at(victim, RULE, t0).is_err());
    }
}

//! A small bounded, thread-safe map from a content hash to a shared value: the compile cache
//! and the JSON-Schema validator cache. Bounded in entries and in bytes (each value's weight);
//! eviction drops the least recently used entries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// A bounded least-recently-used map keyed by a 32-byte hash.
pub(crate) struct Lru<V> {
    inner: Mutex<Inner<V>>,
    capacity: usize,
    max_bytes: usize,
    weigh: fn(&V) -> usize,
}

struct Inner<V> {
    map: HashMap<[u8; 32], Entry<V>>,
    tick: u64,
    bytes: usize,
}

struct Entry<V> {
    used: u64,
    bytes: usize,
    value: Arc<V>,
}

impl<V> Lru<V> {
    /// A cache holding at most `capacity` entries (0 disables caching) weighing at most `max_bytes` together; a value
    /// heavier than that is not kept.
    pub(crate) fn weighed(capacity: usize, max_bytes: usize, weigh: fn(&V) -> usize) -> Self {
        Self {
            inner: Mutex::new(Inner { map: HashMap::new(), tick: 0, bytes: 0 }),
            capacity,
            max_bytes,
            weigh,
        }
    }

    /// The value stored under `key`, marking it recently used.
    pub(crate) fn get(&self, key: &[u8; 32]) -> Option<Arc<V>> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.tick += 1;
        let tick = inner.tick;
        inner.map.get_mut(key).map(|entry| {
            entry.used = tick;
            Arc::clone(&entry.value)
        })
    }

    /// Stores `value` under `key`, evicting the least recently used entries until it fits.
    pub(crate) fn insert(&self, key: [u8; 32], value: Arc<V>) {
        let bytes = (self.weigh)(&value);
        if self.capacity == 0 || bytes > self.max_bytes {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.tick += 1;
        let tick = inner.tick;
        if let Some(old) = inner.map.remove(&key) {
            inner.bytes -= old.bytes;
        }
        while inner.map.len() >= self.capacity || inner.bytes + bytes > self.max_bytes {
            // A linear scan is fine for the thousand entries these caches hold at most.
            let Some(oldest) = inner.map.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| *k) else { break };
            if let Some(old) = inner.map.remove(&oldest) {
                inner.bytes -= old.bytes;
            }
        }
        inner.bytes += bytes;
        inner.map.insert(key, Entry { used: tick, bytes, value });
    }

    /// How many entries are stored.
    pub(crate) fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unweighed<V>(capacity: usize) -> Lru<V> {
        Lru::weighed(capacity, usize::MAX, |_| 0)
    }

    #[test]
    fn evicts_the_least_recently_used_entry() {
        let cache = unweighed(2);
        cache.insert([1; 32], Arc::new(1));
        cache.insert([2; 32], Arc::new(2));
        assert_eq!(cache.get(&[1; 32]).as_deref(), Some(&1));
        cache.insert([3; 32], Arc::new(3));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&[2; 32]).is_none());
        assert!(cache.get(&[1; 32]).is_some());
        assert!(cache.get(&[3; 32]).is_some());
    }

    #[test]
    fn evicts_until_the_bytes_fit_and_never_keeps_a_value_heavier_than_the_budget() {
        let cache: Lru<Vec<u8>> = Lru::weighed(10, 100, Vec::len);
        cache.insert([1; 32], Arc::new(vec![0; 40]));
        cache.insert([2; 32], Arc::new(vec![0; 40]));
        assert!(cache.get(&[1; 32]).is_some());
        cache.insert([3; 32], Arc::new(vec![0; 40]));
        assert!(cache.get(&[2; 32]).is_none(), "the least recently used entry goes");
        assert_eq!(cache.len(), 2);
        cache.insert([4; 32], Arc::new(vec![0; 101]));
        assert!(cache.get(&[4; 32]).is_none());
        cache.insert([5; 32], Arc::new(vec![0; 100]));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn zero_capacity_stores_nothing() {
        let cache = unweighed(0);
        cache.insert([1; 32], Arc::new(1));
        assert_eq!(cache.len(), 0);
    }
}

//! A small bounded, thread-safe map from a content hash to a shared value: the compile cache
//! and the JSON-Schema validator cache. Eviction drops the least recently used entry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// A bounded least-recently-used map keyed by a 32-byte hash.
pub(crate) struct Lru<V> {
    inner: Mutex<Inner<V>>,
    capacity: usize,
}

struct Inner<V> {
    map: HashMap<[u8; 32], (u64, Arc<V>)>,
    tick: u64,
}

impl<V> Lru<V> {
    /// A cache holding at most `capacity` entries (0 disables caching).
    pub(crate) fn new(capacity: usize) -> Self {
        Self { inner: Mutex::new(Inner { map: HashMap::new(), tick: 0 }), capacity }
    }

    /// The value stored under `key`, marking it recently used.
    pub(crate) fn get(&self, key: &[u8; 32]) -> Option<Arc<V>> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.tick += 1;
        let tick = inner.tick;
        inner.map.get_mut(key).map(|(used, value)| {
            *used = tick;
            Arc::clone(value)
        })
    }

    /// Stores `value` under `key`, evicting the least recently used entry when full.
    pub(crate) fn insert(&self, key: [u8; 32], value: Arc<V>) {
        if self.capacity == 0 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.tick += 1;
        let tick = inner.tick;
        if inner.map.len() >= self.capacity && !inner.map.contains_key(&key) {
            // A linear scan is fine for the few hundred entries these caches hold.
            let oldest = inner.map.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| *k);
            if let Some(oldest) = oldest {
                inner.map.remove(&oldest);
            }
        }
        inner.map.insert(key, (tick, value));
    }

    /// How many entries are stored.
    pub(crate) fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used_entry() {
        let cache = Lru::new(2);
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
    fn zero_capacity_stores_nothing() {
        let cache = Lru::new(0);
        cache.insert([1; 32], Arc::new(1));
        assert_eq!(cache.len(), 0);
    }
}

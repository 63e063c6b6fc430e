//! Which task records go first on a database with one writer. A start's ack and a finish's
//! `{end:true}` wait for their records; a partial-text flush is insurance nobody waits for. On
//! SQLite the three writers share one connection, so a flush batch written while starts or
//! finishes are waiting adds its whole duration to their latency (1,000 one-second streams ask
//! for their flushes in the same few milliseconds as they finish). So the flush writer waits
//! while starts or finishes are queued or being written — at most [`MAX_DEFER`]; under a load
//! that never pauses it then writes every flush waiting before it waits again, so no flush is
//! held back longer — and a task that finished meanwhile needs no flush at all. On PostgreSQL
//! the writers run on a pool of connections side by side and nothing waits.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// The longest a flush batch waits for starts and finishes to be written.
pub const MAX_DEFER: Duration = Duration::from_secs(1);

/// Counts the start and finish records waiting for, or being written by, their writers.
#[derive(Debug, Clone)]
pub struct UrgentWrites {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Whether flushes give way at all (a single writer: SQLite).
    gated: bool,
    waiting: AtomicUsize,
    idle: Notify,
}

/// Held while one start or finish record waits for or goes through its writer.
#[derive(Debug)]
pub struct UrgentWrite {
    inner: Arc<Inner>,
}

impl UrgentWrites {
    /// Flushes give way to starts and finishes when `single_writer` (SQLite); otherwise the
    /// count is kept but nothing waits for it.
    pub fn new(single_writer: bool) -> UrgentWrites {
        UrgentWrites {
            inner: Arc::new(Inner {
                gated: single_writer,
                waiting: AtomicUsize::new(0),
                idle: Notify::new(),
            }),
        }
    }

    /// One more start or finish record on its way to the database, until the guard drops.
    pub fn begin(&self) -> UrgentWrite {
        self.inner.waiting.fetch_add(1, Ordering::AcqRel);
        UrgentWrite { inner: self.inner.clone() }
    }

    /// Start and finish records on their way now.
    pub fn waiting(&self) -> usize {
        self.inner.waiting.load(Ordering::Acquire)
    }

    /// Returns once no start or finish record is on its way (true), or after `at_most` (false);
    /// at once when flushes do not give way (PostgreSQL).
    pub async fn settled(&self, at_most: Duration) -> bool {
        if !self.inner.gated {
            return true;
        }
        tokio::time::timeout(at_most, async {
            loop {
                let idle = self.inner.idle.notified();
                tokio::pin!(idle);
                // Registered before the count is read, so a guard dropped in between wakes it.
                idle.as_mut().enable();
                if self.waiting() == 0 {
                    return;
                }
                idle.await;
            }
        })
        .await
        .is_ok()
    }
}

impl Drop for UrgentWrite {
    fn drop(&mut self) {
        if self.inner.waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.inner.idle.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    /// Longer than any wait these tests expect to see end early.
    const LONG: Duration = Duration::from_secs(30);

    #[tokio::test]
    async fn a_flush_waits_for_urgent_writes_but_not_longer_than_its_bound() {
        let urgent = UrgentWrites::new(true);
        // Nothing on its way: no wait.
        let at = Instant::now();
        assert!(urgent.settled(LONG).await);
        assert!(at.elapsed() < LONG / 2);

        // Two records on their way: the flush waits until both are written, not for its bound.
        let (a, b) = (urgent.begin(), urgent.begin());
        let waiter = tokio::spawn({
            let urgent = urgent.clone();
            async move {
                let at = Instant::now();
                assert!(urgent.settled(LONG).await);
                at.elapsed()
            }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(a);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiter.is_finished(), "one record is still on its way");
        drop(b);
        let waited = waiter.await.unwrap();
        assert!(waited >= Duration::from_millis(200) && waited < LONG / 2, "{waited:?}");

        // A record that never settles holds a flush back for the bound at most.
        let stuck = urgent.begin();
        let at = Instant::now();
        let bounded = tokio::time::timeout(LONG / 2, urgent.settled(Duration::from_millis(150))).await;
        assert_eq!(bounded, Ok(false), "the bound was not kept");
        let waited = at.elapsed();
        assert!(waited >= Duration::from_millis(150) && waited < LONG / 2, "{waited:?}");
        drop(stuck);
        assert_eq!(urgent.waiting(), 0);
    }

    #[tokio::test]
    async fn with_several_writers_nothing_waits() {
        let urgent = UrgentWrites::new(false);
        let _held = urgent.begin();
        let at = Instant::now();
        assert!(urgent.settled(LONG).await);
        assert!(at.elapsed() < LONG / 2);
        assert_eq!(urgent.waiting(), 1);
    }
}

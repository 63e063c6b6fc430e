//! A live task's cancel switch. Its runner checks it on every wake-up (once per chunk), so the
//! check must cost an atomic load, not a lock: `tokio_util`'s `CancellationToken` takes a mutex
//! on each poll of its `cancelled()` future (2–3 % of the server's CPU per chunk in the budget
//! scenario's profile). A task has one runner waiting on it, so one `AtomicWaker` is enough.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use futures::task::AtomicWaker;

/// Set once by `cancel_task`, a cancel relayed from another node, or a drain that ran out of
/// time; the task's runner stops streaming when it sees it.
#[derive(Debug, Default)]
pub struct CancelSwitch {
    set: AtomicBool,
    runner: AtomicWaker,
}

impl CancelSwitch {
    /// Cancels the task: its runner is woken if it waits.
    pub fn cancel(&self) {
        self.set.store(true, Ordering::Release);
        self.runner.wake();
    }

    /// Whether the task was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.set.load(Ordering::Acquire)
    }

    /// Resolves once the task is cancelled. For the task's one runner: a second waiter would
    /// take the wake-up from the first.
    pub fn cancelled(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx| {
            if self.is_cancelled() {
                return Poll::Ready(());
            }
            self.runner.register(cx.waker());
            // A cancel between the check and the registration woke no one: look again.
            if self.is_cancelled() { Poll::Ready(()) } else { Poll::Pending }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_waiting_runner_is_woken_by_a_cancel_and_a_late_waiter_sees_it_at_once() {
        let switch = Arc::new(CancelSwitch::default());
        assert!(!switch.is_cancelled());
        let runner = tokio::spawn({
            let switch = switch.clone();
            async move { switch.cancelled().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!runner.is_finished(), "nothing cancelled it yet");
        switch.cancel();
        tokio::time::timeout(Duration::from_secs(10), runner).await.expect("the runner was woken").unwrap();
        assert!(switch.is_cancelled());
        tokio::time::timeout(Duration::from_secs(10), switch.cancelled()).await.expect("already cancelled");
    }
}

//! Stopping without losing a task: on SIGTERM (or Ctrl-C) a node stops taking tasks (their acks
//! answer `unavailable`, `/healthz` answers 503, so a load balancer sends new work elsewhere),
//! lets the running ones finish up to the drain timeout, then cuts off the rest — each ends
//! `failed` with its partial text (`server_restarted`) — and exits once every one is recorded.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio_util::task::TaskTracker;

use crate::tasks::TaskError;
use promptdeck_core::protocol::TaskErrorCode;

/// How long cut-off tasks get to record their end after the drain timeout.
pub const CUT_OFF_GRACE: Duration = Duration::from_secs(10);

/// The node's running tasks and whether it is stopping.
#[derive(Debug, Default)]
pub struct Drain {
    tracker: TaskTracker,
    draining: AtomicBool,
    cut_off: AtomicBool,
}

impl Drain {
    /// Runs a task's runner, counted until it has recorded its end. The runner's state (about
    /// 12 KB: every provider's stream and the records it awaits) is moved to the heap once: the
    /// runtime moves a spawned future by value into its task cell and writes its stage over it
    /// when it ends, which for a future held inline copied all of it each time.
    pub fn spawn(&self, runner: impl Future<Output = ()> + Send + 'static) {
        self.tracker.spawn(Box::pin(runner));
    }

    /// Refuses a new task when the node is stopping.
    pub fn admit(&self) -> Result<(), TaskError> {
        if self.is_draining() {
            return Err(TaskError::new(
                TaskErrorCode::Unavailable,
                "this server is stopping and takes no new tasks; try again (another node takes it)",
            ));
        }
        Ok(())
    }

    /// Whether the node is stopping.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Whether running tasks are being cut off (the drain timed out): a cancelled task then
    /// ends `failed`, not `cancelled`.
    pub fn is_cut_off(&self) -> bool {
        self.cut_off.load(Ordering::Acquire)
    }

    /// Stops taking tasks and waits up to `timeout` for the running ones; then calls `cut_off`
    /// (which cancels what still runs) and waits up to [`CUT_OFF_GRACE`] for their records.
    /// Returns how many tasks were cut off.
    pub async fn drain(&self, timeout: Duration, cut_off: impl FnOnce()) -> usize {
        self.draining.store(true, Ordering::Release);
        self.tracker.close();
        if tokio::time::timeout(timeout, self.tracker.wait()).await.is_ok() {
            return 0;
        }
        let left = self.tracker.len();
        self.cut_off.store(true, Ordering::Release);
        cut_off();
        if tokio::time::timeout(CUT_OFF_GRACE, self.tracker.wait()).await.is_err() {
            tracing::error!(left = self.tracker.len(), "tasks did not record their end in time");
        }
        left
    }
}

//! Gathering a group commit's batch: what the task start and finish writers share.

use std::time::Instant;

use tokio::sync::mpsc;

/// Waits for work on `queue` and fills `batch` with what has queued up, at most `max`; also
/// lets whatever is ready to queue right now (a burst arrives as many ready tasks) join, by
/// giving the scheduler one turn — microseconds when nothing else is ready. False when the
/// queue is closed and empty.
pub async fn next_batch<T>(queue: &mut mpsc::Receiver<T>, batch: &mut Vec<T>, max: usize) -> bool {
    if queue.recv_many(batch, max).await == 0 {
        return false;
    }
    tokio::task::yield_now().await;
    while batch.len() < max
        && let Ok(item) = queue.try_recv()
    {
        batch.push(item);
    }
    true
}

/// Awaits one batch's write and logs, at debug level, how many records it held and how long it
/// took (`records` names them: "task starts"), so an operator can see whether the database
/// keeps up (see docs/deploy.md).
pub async fn logged<T>(records: &str, count: usize, write: impl Future<Output = T>) -> T {
    let began = Instant::now();
    let out = write.await;
    tracing::debug!(records, count, ms = began.elapsed().as_secs_f64() * 1e3, "batch written");
    out
}

//! Gathering a group commit's batch: what the task start and finish writers share.

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

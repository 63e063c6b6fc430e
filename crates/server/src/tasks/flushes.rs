//! Writing streaming tasks' partial text without a transaction each: every live task hands
//! its text so far to one writer about once a second ([`crate::tasks::runner::FLUSH_EVERY`]),
//! and the writer records whatever has queued up meanwhile in one transaction (group commit;
//! see [`Store::flush_tasks`]). Tasks that started together flush together, so a thousand
//! streams cost a handful of commits a second instead of a thousand, and the finishes that
//! `{end:true}` waits for are not queued behind them on SQLite's single writer.
//!
//! A flush is only insurance against a crash (the final record is written by the finish, and
//! `resume` of a live task reads memory), so nobody waits for it: a full queue or a failed
//! batch skips those flushes and the tasks' next ones carry their text again.

use promptdeck_store::{Store, TaskFlush};
use tokio::sync::mpsc;

use crate::tasks::batch::next_batch;

/// Most flushes recorded in one transaction.
pub const MAX_BATCH: usize = 512;
/// Flushes that may wait for the writer; past it, a flush is skipped (see the module's doc).
pub const QUEUE: usize = 8192;

/// The queue of partial texts and its writer.
#[derive(Debug, Clone)]
pub struct FlushQueue {
    queue: mpsc::Sender<TaskFlush>,
}

impl FlushQueue {
    /// A queue writing to `store`; its writer runs until the queue is dropped.
    pub fn new(store: Store) -> FlushQueue {
        let (queue, pending) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(store, pending));
        FlushQueue { queue }
    }

    /// Hands a task's text so far to the writer, without waiting. False when the flush was
    /// skipped: the queue is full (the database is slower than the flushes come) or the writer
    /// is gone (the server is stopping).
    pub fn push(&self, flush: TaskFlush) -> bool {
        match self.queue.try_send(flush) {
            Ok(()) => true,
            Err(e) => {
                let flush = e.into_inner();
                tracing::debug!(task_id = flush.task_id, "partial text not flushed: the flush queue is full");
                false
            }
        }
    }
}

/// The writer: takes what has queued up (at most [`MAX_BATCH`]), records it in one
/// transaction, and goes again.
async fn write_batches(store: Store, mut pending: mpsc::Receiver<TaskFlush>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while next_batch(&mut pending, &mut batch, MAX_BATCH).await {
        if let Err(e) = store.flush_tasks(&batch).await {
            tracing::warn!(error = %e, tasks = batch.len(), "could not flush the partial text of streaming tasks");
        }
        batch.clear();
    }
}

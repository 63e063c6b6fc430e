//! Recording finished tasks without a transaction each: finishes are queued to one writer,
//! which records whatever has queued up meanwhile in one transaction (group commit; see
//! [`Store::finish_tasks`]). At low load a finish is written alone at once; a thousand short
//! answers ending together wait for a handful of commits. The writer hands each finish back
//! with its outcome, so a caller can send it again while the database is away without having
//! copied it.

use std::sync::Arc;

use promptdeck_store::{Store, StoreError, TaskFinish, TaskFinished};
use tokio::sync::{mpsc, oneshot};

use crate::tasks::batch::{logged, next_batch};
use crate::tasks::urgent::UrgentWrites;
use crate::tasks::writer_thread::WriterThread;

/// Most finishes recorded in one transaction.
pub const MAX_BATCH: usize = 256;
/// Finishes that may wait for the writer; past it, runners wait for room.
pub const QUEUE: usize = 4096;

/// A finish handed back with its outcome: recorded, or the error that failed its whole batch
/// (shared by the batch's finishes).
pub type Answer = (TaskFinish, Result<TaskFinished, Arc<StoreError>>);

struct Pending {
    finish: TaskFinish,
    done: oneshot::Sender<Answer>,
}

/// The queue of finished tasks and its writer.
#[derive(Debug, Clone)]
pub struct FinishQueue {
    queue: mpsc::Sender<Pending>,
    urgent: UrgentWrites,
    /// Keeps the writers' thread (if they have one) running while the queue is in use.
    _writers: WriterThread,
}

impl FinishQueue {
    /// A queue writing to `store`; its writer runs on `writers` until the queue is dropped.
    /// Each finish counts in `urgent` until it is written, so partial-text flushes give way to it.
    pub fn new(store: Store, urgent: UrgentWrites, writers: &WriterThread) -> FinishQueue {
        let (queue, pending) = mpsc::channel(QUEUE);
        writers.spawn(write_batches(store, pending));
        FinishQueue { queue, urgent, _writers: writers.clone() }
    }

    /// Records a finished task (its final row, its answer in its run) and gives it back with
    /// what became of it. Returns `None` only when the writer is gone (the server is stopping).
    pub async fn record(&self, finish: TaskFinish) -> Option<Answer> {
        let _urgent = self.urgent.begin();
        let (done, answer) = oneshot::channel();
        self.queue.send(Pending { finish, done }).await.ok()?;
        answer.await.ok()
    }
}

/// The writer: takes what has queued up (at most [`MAX_BATCH`]), records it in one
/// transaction, answers each finish, and goes again.
async fn write_batches(store: Store, mut pending: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while next_batch(&mut pending, &mut batch, MAX_BATCH).await {
        let (finishes, answers): (Vec<TaskFinish>, Vec<oneshot::Sender<Answer>>) =
            batch.drain(..).map(|p| (p.finish, p.done)).unzip();
        match logged("task finishes", finishes.len(), store.finish_tasks(&finishes)).await {
            Ok(outcomes) => {
                for ((finish, done), outcome) in finishes.into_iter().zip(answers).zip(outcomes) {
                    let _ = done.send((finish, Ok(outcome)));
                }
            }
            Err(e) => {
                let e = Arc::new(e);
                for (finish, done) in finishes.into_iter().zip(answers) {
                    let _ = done.send((finish, Err(e.clone())));
                }
            }
        }
    }
}

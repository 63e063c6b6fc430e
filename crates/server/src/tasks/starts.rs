//! Recording task starts before their acks without making the first chunk wait on one
//! transaction per task: starts that create their run are queued to one writer, which records
//! whatever has queued up meanwhile in one transaction (group commit). At low load a start is
//! written alone at once; a burst of a thousand waits for a handful of commits, not a thousand.
//! Starts into an existing run (or claiming a task registered over REST) read and rewrite that
//! run, and are recorded on their own.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use promptdeck_core::protocol::TaskErrorCode;
use promptdeck_store::{Store, TaskRun, TaskStart};
use tokio::sync::{mpsc, oneshot};

use crate::tasks::batch::{logged, next_batch};
use crate::tasks::urgent::UrgentWrites;
use crate::tasks::writer_thread::WriterThread;
use uuid::Uuid;

use crate::tasks::TaskError;

/// Most starts recorded in one transaction.
pub const MAX_BATCH: usize = 512;
/// Starts that may wait for the writer; past it, submitters wait for room.
pub const QUEUE: usize = 4096;

struct Pending {
    user: Uuid,
    start: TaskStart,
    done: oneshot::Sender<Result<(), TaskError>>,
}

/// The queue of task starts and its writer.
#[derive(Debug, Clone)]
pub struct StartQueue {
    store: Store,
    queue: mpsc::Sender<Pending>,
    urgent: UrgentWrites,
    /// The last batch the writer wrote failed (the database is away or refusing): until one
    /// succeeds, tasks are recorded before they call their model, so an outage does not turn
    /// every refused start into a provider request.
    failing: Arc<AtomicBool>,
    /// Keeps the writers' thread (if they have one) running while the queue is in use.
    _writers: WriterThread,
}

impl StartQueue {
    /// A queue writing to `store`; its writer runs on `writers` until the queue is dropped.
    /// Each start counts in `urgent` until it is written, so partial-text flushes give way to it.
    pub fn new(store: Store, urgent: UrgentWrites, writers: &WriterThread) -> StartQueue {
        let (queue, pending) = mpsc::channel(QUEUE);
        let failing = Arc::new(AtomicBool::new(false));
        writers.spawn(write_batches(store.clone(), pending, failing.clone()));
        StartQueue { store, queue, urgent, failing, _writers: writers.clone() }
    }

    /// Whether the last batch of starts failed to be written (see `failing`).
    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }

    /// Records a task start (its run, row and the user's turn), refusing a taken task id with
    /// `duplicate_task` and a run that is not the user's with `not_found`.
    pub async fn record(&self, user: Uuid, start: TaskStart) -> Result<(), TaskError> {
        let _urgent = self.urgent.begin();
        if !matches!(start.run, TaskRun::New(_)) {
            return Ok(self.store.start_task(user, &start).await?);
        }
        let (done, answer) = oneshot::channel();
        let lost = || TaskError::new(TaskErrorCode::Internal, "the task could not be recorded");
        self.queue.send(Pending { user, start, done }).await.map_err(|_| lost())?;
        answer.await.map_err(|_| lost())?
    }
}

/// The writer: takes what has queued up (at most [`MAX_BATCH`]), records it in one
/// transaction, answers each start, and goes again.
async fn write_batches(store: Store, mut pending: mpsc::Receiver<Pending>, failing: Arc<AtomicBool>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while next_batch(&mut pending, &mut batch, MAX_BATCH).await {
        let starts: Vec<(Uuid, &TaskStart)> = batch.iter().map(|p| (p.user, &p.start)).collect();
        let results = logged("task starts", starts.len(), store.start_new_tasks(&starts)).await;
        drop(starts);
        failing.store(results.is_err(), Ordering::Relaxed);
        match results {
            Ok(results) => {
                for (p, result) in batch.drain(..).zip(results) {
                    let _ = p.done.send(result.map_err(TaskError::from));
                }
            }
            Err(e) => {
                let err = TaskError::from(e);
                for p in batch.drain(..) {
                    let _ = p.done.send(Err(err.clone()));
                }
            }
        }
    }
}

//! Writing streaming tasks' partial text without a transaction each: every live task asks one
//! writer for a flush about once a second ([`crate::tasks::runner::FLUSH_EVERY`]), and the
//! writer records the tasks that have asked meanwhile in one transaction (group commit; see
//! [`Store::flush_tasks`]). Tasks that started together flush together, so a thousand streams
//! cost a handful of commits a second instead of a thousand, and the finishes that `{end:true}`
//! waits for are not queued behind them on SQLite's single writer.
//!
//! The queue holds the live tasks, not copies of their text: a task waits in it once at most
//! (asking again while it waits changes nothing), and the writer copies each task's text when it
//! writes it, so the text written is the newest and a database that falls behind holds no more
//! than one entry per live task and one batch of copies. A flush is only insurance against a
//! crash (the final record is written by the finish, and `resume` of a live task reads memory),
//! so nobody waits for it: a full queue or a failed batch skips those flushes and the tasks'
//! next ones carry their text. For the same reason it goes last on SQLite's single writer: a
//! batch waits while starts and finishes are on their way (see [`crate::tasks::urgent`]), and a
//! task whose stream ended meanwhile is dropped from it.

use std::sync::Arc;

use promptdeck_store::{Store, TaskFlush};
use tokio::sync::mpsc;

use crate::tasks::LiveTask;
use crate::tasks::batch::{logged, next_batch};
use crate::tasks::urgent::{MAX_DEFER, UrgentWrites};
use crate::tasks::writer_thread::WriterThread;

/// Most tasks flushed in one transaction (each task's text is copied when its batch is
/// written, so this also bounds the copies held at once).
pub const MAX_BATCH: usize = 256;
/// Tasks that may wait for the writer; past it, a flush is skipped (see the module's doc).
pub const QUEUE: usize = 8192;

/// A task waiting for its flush, with its time to first chunk (known to its runner only).
struct Pending {
    live: Arc<LiveTask>,
    ttft_ms: Option<f64>,
}

/// The queue of tasks whose partial text is due, and its writer.
#[derive(Debug, Clone)]
pub struct FlushQueue {
    queue: mpsc::Sender<Pending>,
    /// Keeps the writers' thread (if they have one) running while the queue is in use.
    _writers: WriterThread,
}

impl FlushQueue {
    /// A queue writing to `store`; its writer runs on `writers` until the queue is dropped,
    /// and gives way to the start and finish records counted in `urgent` (see
    /// [`crate::tasks::urgent`]).
    pub fn new(store: Store, urgent: UrgentWrites, writers: &WriterThread) -> FlushQueue {
        FlushQueue::with_capacity(store, urgent, writers, QUEUE)
    }

    /// A queue holding at most `capacity` waiting tasks.
    fn with_capacity(
        store: Store,
        urgent: UrgentWrites,
        writers: &WriterThread,
        capacity: usize,
    ) -> FlushQueue {
        let (queue, pending) = mpsc::channel(capacity);
        writers.spawn(write_batches(store, urgent, pending));
        FlushQueue { queue, _writers: writers.clone() }
    }

    /// Asks for the task's text so far to be written, without waiting. True when it will be
    /// (the task is queued, or already was); false when the flush was skipped: the queue is
    /// full (the database is slower than the flushes come) or the writer is gone (the server is
    /// stopping).
    pub fn push(&self, live: &Arc<LiveTask>, ttft_ms: Option<f64>) -> bool {
        if !live.queue_flush() {
            return true;
        }
        match self.queue.try_send(Pending { live: live.clone(), ttft_ms }) {
            Ok(()) => true,
            Err(e) => {
                let pending = e.into_inner();
                pending.live.unqueue_flush();
                tracing::debug!(
                    task_id = pending.live.task_id,
                    "partial text not flushed: the flush queue is full"
                );
                false
            }
        }
    }
}

/// The writer: takes the tasks that have asked (at most [`MAX_BATCH`]), lets the starts and
/// finishes on their way go first (for [`MAX_DEFER`] at most: when that runs out, the batches
/// waiting behind it are written without waiting again), copies the text of the tasks still
/// streaming, records it in one transaction, and goes again.
async fn write_batches(store: Store, urgent: UrgentWrites, mut pending: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut flushes = Vec::with_capacity(MAX_BATCH);
    let mut behind = false;
    while next_batch(&mut pending, &mut batch, MAX_BATCH).await {
        if !behind {
            behind = !urgent.settled(MAX_DEFER).await;
        }
        if pending.is_empty() {
            behind = false;
        }
        flushes.extend(batch.drain(..).filter_map(|Pending { live, ttft_ms }| {
            // Let go first: text that arrives after the copy queues the task again.
            live.unqueue_flush();
            let (text, chunks) = live.flush_snapshot()?;
            Some(TaskFlush { user: live.user_id, task_id: live.task_id.clone(), text, chunks, ttft_ms })
        }));
        if flushes.is_empty() {
            continue;
        }
        if let Err(e) = logged("partial texts", flushes.len(), store.flush_tasks(&flushes)).await {
            tracing::warn!(error = %e, tasks = flushes.len(), "could not flush the partial text of streaming tasks");
        }
        flushes.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use promptdeck_core::TaskStatus;
    use promptdeck_store::TaskStart;
    use promptdeck_testdb::records::start;
    use uuid::Uuid;

    use super::*;
    use crate::tasks::TaskHub;

    /// A fresh SQLite store with recorded tasks of one user, live and streaming.
    struct Streaming {
        dir: std::path::PathBuf,
        store: Store,
        user: Uuid,
        tasks: Vec<Arc<LiveTask>>,
    }

    async fn streaming_tasks(count: usize) -> Streaming {
        let dir = std::env::temp_dir().join(format!("promptdeck-flushes-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::connect(&format!("sqlite://{}", dir.join("db.sqlite").display())).await.unwrap();
        let user = store.create_user("flush@example.com", "hash").await.unwrap().id;
        let hub = TaskHub::default();
        let starts: Vec<TaskStart> =
            (0..count).map(|_| start("a question", &Uuid::new_v4().to_string())).collect();
        let pairs: Vec<(Uuid, &TaskStart)> = starts.iter().map(|s| (user, s)).collect();
        assert!(store.start_new_tasks(&pairs).await.unwrap().iter().all(Result::is_ok));
        let tasks = starts
            .iter()
            .map(|s| hub.register(s.task.task_id.as_deref().unwrap(), s.run_id, user).unwrap())
            .collect();
        Streaming { dir, store, user, tasks }
    }

    async fn wait_for_text(store: &Store, live: &LiveTask, text: &str) {
        for _ in 0..500 {
            let task = store.get_task(live.user_id, &live.task_id).await.unwrap().unwrap();
            if task.response_text.as_deref() == Some(text) {
                assert_eq!(task.status, TaskStatus::Streaming);
                assert_eq!(task.time_to_first_token, Some(5.0));
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("task {} never had the text {text:?}", live.task_id);
    }

    /// The writer only runs when the test awaits (a current-thread runtime), so the queue fills:
    /// a task is queued once however often it asks; past the queue's capacity a flush is
    /// refused at once (never waited for, never buffered) and the task can ask again; the text
    /// written is the task's newest, copied when its batch is written.
    #[tokio::test]
    async fn a_task_waits_once_a_full_queue_skips_and_the_newest_text_is_written() {
        let Streaming { dir, store, user, tasks } = streaming_tasks(2).await;
        let [first, second] = <[Arc<LiveTask>; 2]>::try_from(tasks).unwrap();

        let queue =
            FlushQueue::with_capacity(store.clone(), UrgentWrites::new(true), &WriterThread::start(true), 1);
        first.push_text("a ");
        assert!(queue.push(&first, Some(5.0)));
        assert!(queue.push(&first, Some(5.0)), "a task already waiting takes no second place");
        second.push_text("x");
        assert!(!queue.push(&second, Some(5.0)), "a full queue skips the flush");
        first.push_text("b");

        wait_for_text(&store, &first, "a b").await;
        let untouched = store.get_task(user, &second.task_id).await.unwrap().unwrap();
        assert_eq!(untouched.response_text, None, "the skipped flush wrote nothing");
        assert!(queue.push(&second, Some(5.0)), "a skipped task can ask again");
        wait_for_text(&store, &second, "x").await;
        first.push_text(" c");
        assert!(queue.push(&first, Some(5.0)), "a written task can ask again");
        wait_for_text(&store, &first, "a b c").await;

        drop(queue);
        std::fs::remove_dir_all(dir).ok();
    }

    /// Under start and finish records that never pause, the first batch waits [`MAX_DEFER`]
    /// and the batches queued behind it are written without waiting again: no flush is held
    /// back longer than that.
    #[tokio::test]
    async fn a_load_that_never_pauses_holds_flushes_back_once() {
        let Streaming { dir, store, tasks, .. } = streaming_tasks(MAX_BATCH * 2 + 10).await;

        let urgent = UrgentWrites::new(true);
        let _never_settles = urgent.begin();
        let queue = FlushQueue::new(store.clone(), urgent.clone(), &WriterThread::start(true));
        let at = std::time::Instant::now();
        for task in &tasks {
            task.push_text("t");
            assert!(queue.push(task, Some(5.0)));
        }
        wait_for_text(&store, &tasks[0], "t").await;
        assert!(at.elapsed() >= MAX_DEFER, "the first batch gave way");
        for task in &tasks {
            wait_for_text(&store, task, "t").await;
        }
        let waited = at.elapsed();
        assert!(waited < MAX_DEFER * 2, "the batches behind waited again: {waited:?}");

        drop(queue);
        std::fs::remove_dir_all(dir).ok();
    }

    /// On a single writer a flush waits while a start or finish record is on its way, and a
    /// task whose stream ended meanwhile is not flushed: its final record carries the text.
    #[tokio::test]
    async fn flushes_give_way_to_urgent_records_and_skip_ended_streams() {
        let Streaming { dir, store, user, tasks } = streaming_tasks(2).await;
        let [first, second] = <[Arc<LiveTask>; 2]>::try_from(tasks).unwrap();

        let urgent = UrgentWrites::new(true);
        let queue = FlushQueue::new(store.clone(), urgent.clone(), &WriterThread::start(true));
        let on_its_way = urgent.begin();
        first.push_text("a");
        second.push_text("b");
        assert!(queue.push(&first, Some(5.0)));
        assert!(queue.push(&second, Some(5.0)));
        tokio::time::sleep(Duration::from_millis(300)).await;
        let waiting = store.get_task(user, &first.task_id).await.unwrap().unwrap();
        assert_eq!(waiting.response_text, None, "no flush while a record is on its way");
        assert_eq!(second.end_stream().0, "b");
        drop(on_its_way);

        wait_for_text(&store, &first, "a").await;
        let ended = store.get_task(user, &second.task_id).await.unwrap().unwrap();
        assert_eq!(ended.response_text, None, "a stream that ended is left to its final record");

        drop(queue);
        std::fs::remove_dir_all(dir).ok();
    }
}

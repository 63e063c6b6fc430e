//! Live tasks: each task's stream events are kept in one buffer (what `resume` replays) and
//! forwarded to every subscribed socket. Emitting never blocks: when a socket's bounded send
//! buffer is full the forwarder waits briefly and retries the same event, so no chunk is lost and
//! chunk indices stay exact for `resume`; memory per stream is the task's own buffer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use socketioxide::extract::SocketRef;
use socketioxide::{SendError, SocketError};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// How long a finished task stays resumable from memory.
pub const RESUMABLE_FOR: Duration = Duration::from_secs(600);

/// One event of a task's stream.
#[derive(Debug, Clone)]
pub enum StreamItem {
    /// A text chunk, emitted as a plain string (kept as the provider made it: no copy).
    Text(String),
    /// An object event: `data`, `info`, `error`, `tool_update`, `broker` or the final `end`.
    Object(Value),
}

#[derive(Debug, Default)]
struct Buffer {
    items: Vec<StreamItem>,
    text_len: usize,
    done: bool,
}

/// A task that is streaming or recently finished.
#[derive(Debug)]
pub struct LiveTask {
    /// The Socket.IO task id.
    pub task_id: String,
    /// Its run.
    pub run_id: Uuid,
    /// Its owner; only they may subscribe, resume or cancel.
    pub user_id: Uuid,
    /// The event name its stream is emitted on.
    pub event: String,
    /// Cancelled by `cancel_task`; the runner then drops the upstream stream.
    pub cancel: CancellationToken,
    buffer: Mutex<Buffer>,
    notify: Notify,
}

impl LiveTask {
    fn lock(&self) -> MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends an event and wakes the forwarders.
    pub fn push(&self, item: StreamItem) {
        {
            let mut buf = self.lock();
            if let StreamItem::Text(t) = &item {
                buf.text_len += t.len();
            }
            buf.items.push(item);
        }
        self.notify.notify_waiters();
    }

    /// Appends the final events (`info`, then `{end:true}`) and marks the task finished.
    pub fn finish(&self, last: impl IntoIterator<Item = StreamItem>) {
        {
            let mut buf = self.lock();
            buf.items.extend(last);
            buf.items.push(StreamItem::Object(serde_json::json!({ "end": true })));
            buf.done = true;
        }
        self.notify.notify_waiters();
    }

    /// The text streamed so far: the text chunks joined (for flushes and the final record, so
    /// chunks are not copied one by one as they arrive).
    pub fn text(&self) -> String {
        let buf = self.lock();
        let mut text = String::with_capacity(buf.text_len);
        for item in &buf.items {
            if let StreamItem::Text(t) = item {
                text.push_str(t);
            }
        }
        text
    }

    /// Bytes of text streamed so far.
    pub fn text_len(&self) -> usize {
        self.lock().text_len
    }

    /// Whether the stream has ended.
    pub fn is_done(&self) -> bool {
        self.lock().done
    }

    /// Emits this task's events from index `from` to `socket` until `{end:true}` or until the
    /// socket goes away.
    pub async fn forward(self: Arc<Self>, socket: SocketRef, from: usize) {
        let mut next = from;
        let mut backoff = Duration::from_millis(1);
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (sent_all, done) = {
                let buf = self.lock();
                let mut blocked = false;
                while next < buf.items.len() {
                    let result = match &buf.items[next] {
                        StreamItem::Text(t) => socket.emit(&self.event, t.as_str()),
                        StreamItem::Object(v) => socket.emit(&self.event, v),
                    };
                    match result {
                        Ok(()) => next += 1,
                        Err(SendError::Socket(SocketError::InternalChannelFull)) => {
                            blocked = true;
                            break;
                        }
                        Err(_) => return, // the socket is closed; the task goes on without it
                    }
                }
                (!blocked, buf.done && next >= buf.items.len())
            };
            if done {
                return;
            }
            if sent_all {
                backoff = Duration::from_millis(1);
                notified.await;
            } else {
                // The socket's send buffer is full (slow client): wait for it to drain.
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_millis(50));
            }
        }
    }
}

/// Every live task by task id.
#[derive(Debug, Default)]
pub struct TaskHub {
    tasks: Mutex<HashMap<String, Arc<LiveTask>>>,
}

impl TaskHub {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<LiveTask>>> {
        self.tasks.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a new task; `None` when its id is already live.
    pub fn register(&self, task_id: &str, run_id: Uuid, user_id: Uuid) -> Option<Arc<LiveTask>> {
        let mut tasks = self.lock();
        if tasks.contains_key(task_id) {
            return None;
        }
        let task = Arc::new(LiveTask {
            task_id: task_id.to_owned(),
            run_id,
            user_id,
            event: format!("response-{task_id}"),
            cancel: CancellationToken::new(),
            buffer: Mutex::default(),
            notify: Notify::new(),
        });
        tasks.insert(task_id.to_owned(), task.clone());
        Some(task)
    }

    /// The caller's live task with this id.
    pub fn get(&self, task_id: &str, user_id: Uuid) -> Option<Arc<LiveTask>> {
        self.lock().get(task_id).filter(|t| t.user_id == user_id).cloned()
    }

    /// Whether a task id is live, whoever owns it.
    pub fn contains(&self, task_id: &str) -> bool {
        self.lock().contains_key(task_id)
    }

    /// Forgets a task after it has been resumable for [`RESUMABLE_FOR`].
    pub fn expire_later(self: &Arc<Self>, task_id: String) {
        let hub = Arc::downgrade(self);
        tokio::spawn(async move {
            tokio::time::sleep(RESUMABLE_FOR).await;
            if let Some(hub) = hub.upgrade() {
                hub.lock().remove(&task_id);
            }
        });
    }

    /// Forgets a task at once (it never started).
    pub fn remove(&self, task_id: &str) {
        self.lock().remove(task_id);
    }
}

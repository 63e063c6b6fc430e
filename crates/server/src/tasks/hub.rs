//! Live tasks: each task's stream events are kept in one buffer (what `resume` replays) and
//! delivered to every subscribed socket. The runner emits each event straight to subscribers that
//! are caught up (no extra task wake-up per chunk). Emitting never blocks: when a socket's bounded
//! send buffer is full, that subscriber is left behind and a driver task retries it from the
//! buffer after a short wait, so no chunk is lost and chunk indices stay exact for `resume`;
//! memory per stream is the task's own buffer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use socketioxide::extract::SocketRef;
use socketioxide::{SendError, SocketError};
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

/// A socket receiving a task's events, and the index of the next event it gets.
#[derive(Debug)]
struct Subscriber {
    socket: SocketRef,
    next: usize,
    /// Its send buffer was full; the driver retries it.
    blocked: bool,
}

#[derive(Debug, Default)]
struct Buffer {
    items: Vec<StreamItem>,
    text_len: usize,
    done: bool,
    subscribers: Vec<Subscriber>,
    /// A driver task is retrying blocked subscribers.
    driving: bool,
}

impl Buffer {
    /// Emits what each subscriber has not had yet, stopping at a full send buffer; forgets
    /// subscribers whose socket closed or that have had the whole finished stream. Returns
    /// whether a subscriber is blocked.
    fn deliver(&mut self, event: &str) -> bool {
        let Buffer { items, subscribers, done, .. } = self;
        let mut any_blocked = false;
        subscribers.retain_mut(|sub| {
            sub.blocked = false;
            while sub.next < items.len() {
                let sent = match &items[sub.next] {
                    StreamItem::Text(t) => sub.socket.emit(event, t.as_str()),
                    StreamItem::Object(v) => sub.socket.emit(event, v),
                };
                match sent {
                    Ok(()) => sub.next += 1,
                    Err(SendError::Socket(SocketError::InternalChannelFull)) => {
                        sub.blocked = true;
                        any_blocked = true;
                        return true;
                    }
                    // The socket is gone (or the event cannot be encoded): the task goes on
                    // without it; the client can `resume`.
                    Err(_) => return false,
                }
            }
            !*done
        });
        any_blocked
    }
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
}

impl LiveTask {
    fn lock(&self) -> MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends an event and delivers it to the subscribers that are caught up.
    pub fn push(self: &Arc<Self>, item: StreamItem) {
        let mut buf = self.lock();
        if let StreamItem::Text(t) = &item {
            buf.text_len += t.len();
        }
        buf.items.push(item);
        self.deliver(buf);
    }

    /// Appends the final events (`info`, then `{end:true}`), marks the task finished and
    /// delivers them.
    pub fn finish(self: &Arc<Self>, last: impl IntoIterator<Item = StreamItem>) {
        let mut buf = self.lock();
        buf.items.extend(last);
        buf.items.push(StreamItem::Object(serde_json::json!({ "end": true })));
        buf.done = true;
        self.deliver(buf);
    }

    /// Subscribes a socket from event index `from` (0 for a new task; what a client already
    /// received for `resume`) and sends it what there is.
    pub fn subscribe(self: &Arc<Self>, socket: SocketRef, from: usize) {
        let mut buf = self.lock();
        // A finished stream always ends with `{end:true}`, even for a `from` past its end.
        let next = if buf.done { from.min(buf.items.len().saturating_sub(1)) } else { from };
        buf.subscribers.push(Subscriber { socket, next, blocked: false });
        self.deliver(buf);
    }

    /// Delivers under the lock and, when a subscriber is blocked, makes sure a driver retries.
    fn deliver(self: &Arc<Self>, mut buf: MutexGuard<'_, Buffer>) {
        if buf.deliver(&self.event) && !buf.driving {
            buf.driving = true;
            tokio::spawn(self.clone().drive());
        }
    }

    /// Retries blocked subscribers, waiting 1 ms and doubling up to 50 ms while their send
    /// buffers stay full; ends when none is blocked.
    async fn drive(self: Arc<Self>) {
        let mut backoff = Duration::from_millis(1);
        loop {
            tokio::time::sleep(backoff).await;
            let mut buf = self.lock();
            if !buf.deliver(&self.event) {
                buf.driving = false;
                return;
            }
            drop(buf);
            backoff = (backoff * 2).min(Duration::from_millis(50));
        }
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
}

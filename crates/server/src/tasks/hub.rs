//! Live tasks: each task's stream events are kept in one compact [`EventLog`] (what `resume`
//! replays) and delivered to every subscribed socket. The runner emits each event straight to
//! subscribers that are caught up (no extra task wake-up per chunk). Emitting never blocks: when
//! a socket's bounded send buffer is full, that subscriber is left behind and a driver task
//! retries it from the log after a short wait, so no chunk is lost and event indices stay exact
//! for `resume`; memory per stream is the task's own log.
//!
//! On a node of several, each live task is also mirrored to a shared log (see
//! [`crate::nodes::log`]): appending marks the task once, and a writer appends everything new
//! in batches, so followers on other nodes see the same events at the same indices. A single
//! node has no mirror and pays nothing for it.
//!
//! A task leaves the hub as soon as its final record (with its chunk boundaries) is stored:
//! from then on `resume` rebuilds its events from the store, so finished answers do not pile up
//! in memory. Sockets still catching up keep the log alive until they have had it all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use promptdeck_core::protocol::{StreamEvent, TaskStarted};
use serde_json::Value;
use socketioxide::encoded::{EncodedEvent, EventEncoder};
use socketioxide::extract::SocketRef;
use socketioxide::{SendError, SocketError};
use uuid::Uuid;

use crate::nodes::log::LogWriter;
use crate::tasks::cancel::CancelSwitch;
use crate::tasks::events::{Cursor, Event, EventLog};

/// How long a finished task whose final record could not be stored stays resumable from memory.
pub const RESUMABLE_FOR: Duration = Duration::from_secs(600);

/// A socket receiving a task's events: where it is in the log, and how many events it still
/// skips (what it already had before a `resume`).
#[derive(Debug)]
struct Subscriber {
    socket: SocketRef,
    at: Cursor,
    skip: usize,
}

#[derive(Debug)]
struct Buffer {
    log: EventLog,
    done: bool,
    subscribers: Vec<Subscriber>,
    /// A driver task is retrying blocked subscribers.
    driving: bool,
    /// Where the shared log's copy ends (events before it are written there).
    mirrored: Cursor,
    /// Encodes the task's events into packets (its event name escaped once, one reused buffer).
    encoder: EventEncoder,
    /// The newest packet encoded and its event's index: the subscribers that are caught up all
    /// get that same packet, encoded once.
    encoded: Option<(usize, EncodedEvent)>,
}

impl Buffer {
    /// An empty buffer for the stream emitted on `event`.
    fn new(event: &str, log: EventLog, done: bool) -> Buffer {
        Buffer {
            log,
            done,
            subscribers: Vec::new(),
            driving: false,
            mirrored: Cursor::default(),
            encoder: EventEncoder::new("/", event),
            encoded: None,
        }
    }

    /// Emits what each subscriber has not had yet, stopping at a full send buffer; forgets
    /// subscribers whose socket closed or that have had the whole finished stream. The final
    /// `{end:true}` of a finished stream is never skipped, so a `resume` from past the end
    /// still ends. Each event is encoded once for all the subscribers it reaches together.
    /// Returns whether a subscriber is blocked.
    fn deliver(&mut self) -> bool {
        let Buffer { log, subscribers, done, encoder, encoded, .. } = self;
        let total = log.len();
        let mut any_blocked = false;
        subscribers.retain_mut(|sub| {
            while let Some((item, next)) = log.next(sub.at) {
                let is_end = *done && next.index == total;
                if sub.skip > 0 && !is_end {
                    sub.skip -= 1;
                    sub.at = next;
                    continue;
                }
                let packet = match encoded {
                    Some((index, packet)) if *index == sub.at.index => packet,
                    _ => {
                        let packet = match item {
                            Event::Text(t) => encoder.encode_str(t),
                            // A JSON value always serializes; were it not to, the socket would
                            // be left out like a closed one (the client can `resume`).
                            Event::Object(v) => match encoder.encode(v) {
                                Ok(packet) => packet,
                                Err(_) => return false,
                            },
                        };
                        &mut encoded.insert((sub.at.index, packet)).1
                    }
                };
                match sub.socket.emit_encoded(packet) {
                    Ok(()) => sub.at = next,
                    Err(SendError::Socket(SocketError::InternalChannelFull)) => {
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

/// A task that is streaming, or finished and still being delivered.
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
    pub cancel: CancelSwitch,
    buffer: Mutex<Buffer>,
    /// The writer of the shared log, on a node of several.
    mirror: Option<Arc<LogWriter>>,
    /// Handed to the mirror's writer and not yet taken up by it.
    unmirrored: AtomicBool,
    /// Waiting in the flush queue (see [`crate::tasks::flushes`]): a task is queued once at most.
    flush_queued: AtomicBool,
    /// The provider's stream has ended: the final record carries the text, so a flush waiting
    /// in the queue is dropped.
    streamed: AtomicBool,
}

/// The events of a live task not yet in the shared log, as one batch.
#[derive(Debug)]
pub struct Unmirrored {
    /// The index of the batch's first event.
    pub first: usize,
    /// The events, as a JSON array (see [`EventLog::encode_from`]).
    pub events: Vec<u8>,
    /// The batch holds the final `{end:true}`.
    pub ends: bool,
    /// Where the shared log's copy ends once this batch is written.
    pub after: Cursor,
}

impl LiveTask {
    fn new(
        task_id: &str,
        run_id: Uuid,
        user_id: Uuid,
        log: EventLog,
        done: bool,
        mirror: Option<Arc<LogWriter>>,
    ) -> LiveTask {
        let event = event_name(task_id);
        LiveTask {
            task_id: task_id.to_owned(),
            run_id,
            user_id,
            buffer: Mutex::new(Buffer::new(&event, log, done)),
            event,
            cancel: CancelSwitch::default(),
            mirror,
            unmirrored: AtomicBool::new(false),
            flush_queued: AtomicBool::new(false),
            streamed: AtomicBool::new(done),
        }
    }

    /// Hands the task to the mirror's writer once per batch (a no-op on a single node).
    fn appended(self: &Arc<Self>) {
        if let Some(mirror) = &self.mirror
            && !self.unmirrored.swap(true, Ordering::AcqRel)
        {
            mirror.appended(self.clone());
        }
    }

    /// For the mirror's writer: the events not yet in the shared log (`None` when there are
    /// none). Taking them clears the hand-over mark first, so events appended meanwhile hand the
    /// task over again.
    pub fn unmirrored(&self) -> Option<Unmirrored> {
        self.unmirrored.store(false, Ordering::Release);
        let buf = self.lock();
        if buf.mirrored.index == buf.log.len() {
            return None;
        }
        let first = buf.mirrored.index;
        let mut events = Vec::new();
        let after = buf.log.encode_from(buf.mirrored, &mut events);
        Some(Unmirrored { first, events, ends: buf.done, after })
    }

    /// For the mirror's writer: the shared log holds the events before `after`.
    pub fn mirrored(&self, after: Cursor) {
        let mut buf = self.lock();
        if after.index > buf.mirrored.index {
            buf.mirrored = after;
        }
    }

    /// A finished task rebuilt from its stored record, for `resume`; `last` are its final
    /// object events (`error`, `info`), `{end:true}` is added.
    pub fn replay(
        task_id: &str,
        run_id: Uuid,
        user_id: Uuid,
        mut log: EventLog,
        last: impl IntoIterator<Item = Value>,
    ) -> Arc<LiveTask> {
        for value in last {
            log.push_object(value);
        }
        log.push_object(StreamEvent::end());
        log.shrink();
        Arc::new(LiveTask::new(task_id, run_id, user_id, log, true, None))
    }

    /// The ack of a submit or `resume` of this task: the event its stream comes on.
    pub fn started(&self) -> TaskStarted {
        TaskStarted {
            response_listener_events: vec![self.event.clone()],
            task_id: self.task_id.clone(),
            run_id: self.run_id,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Buffer> {
        self.buffer.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends a text chunk and delivers it to the subscribers that are caught up.
    pub fn push_text(self: &Arc<Self>, chunk: &str) {
        let mut buf = self.lock();
        buf.log.push_text(chunk);
        self.deliver(buf);
        self.appended();
    }

    /// Appends an object event and delivers it to the subscribers that are caught up.
    pub fn push_object(self: &Arc<Self>, value: Value) {
        let mut buf = self.lock();
        buf.log.push_object(value);
        self.deliver(buf);
        self.appended();
    }

    /// Appends the final object events (`error`, `info`), then `{end:true}`, marks the task
    /// finished and delivers them.
    pub fn finish(self: &Arc<Self>, last: impl IntoIterator<Item = Value>) {
        let mut buf = self.lock();
        for value in last {
            buf.log.push_object(value);
        }
        buf.log.push_object(StreamEvent::end());
        buf.log.shrink();
        buf.done = true;
        self.deliver(buf);
        self.appended();
    }

    /// Subscribes a socket that already received `from` events (0 for a new task) and sends
    /// it what there is past those.
    pub fn subscribe(self: &Arc<Self>, socket: SocketRef, from: usize) {
        let mut buf = self.lock();
        buf.subscribers.push(Subscriber { socket, at: Cursor::default(), skip: from });
        self.deliver(buf);
    }

    /// Delivers under the lock and, when a subscriber is blocked, makes sure a driver retries.
    fn deliver(self: &Arc<Self>, mut buf: MutexGuard<'_, Buffer>) {
        if buf.deliver() && !buf.driving {
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
            if !buf.deliver() {
                buf.driving = false;
                return;
            }
            drop(buf);
            backoff = (backoff * 2).min(Duration::from_millis(50));
        }
    }

    /// The text streamed so far and its chunk boundaries, taken together (for flushes and the
    /// final record).
    pub fn snapshot(&self) -> (String, Vec<u8>) {
        let buf = self.lock();
        (buf.log.text().to_owned(), buf.log.layout().to_vec())
    }

    /// The text so far and its chunk boundaries, for a partial-text flush; `None` once the
    /// provider's stream has ended (see [`LiveTask::end_stream`]), when its final record is on
    /// its way instead.
    pub fn flush_snapshot(&self) -> Option<(String, Vec<u8>)> {
        if self.streamed.load(Ordering::Acquire) {
            return None;
        }
        Some(self.snapshot())
    }

    /// The provider's stream has ended and the final record is next: no more flushes, and the
    /// text so far with its chunk boundaries for that record.
    pub fn end_stream(&self) -> (String, Vec<u8>) {
        self.streamed.store(true, Ordering::Release);
        self.snapshot()
    }

    /// Marks the task as waiting in the flush queue; false when it already was.
    pub fn queue_flush(&self) -> bool {
        !self.flush_queued.swap(true, Ordering::AcqRel)
    }

    /// The flush queue let go of the task (it is being written, or could not be queued): the
    /// next flush queues it again.
    pub fn unqueue_flush(&self) {
        self.flush_queued.store(false, Ordering::Release);
    }

    /// Bytes of text streamed so far.
    pub fn text_len(&self) -> usize {
        self.lock().log.text().len()
    }

    /// Whether the stream has ended.
    pub fn is_done(&self) -> bool {
        self.lock().done
    }
}

/// The event name a task's stream is emitted on.
pub fn event_name(task_id: &str) -> String {
    format!("response-{task_id}")
}

/// Every live task by task id.
#[derive(Debug, Default)]
pub struct TaskHub {
    tasks: Mutex<HashMap<String, Arc<LiveTask>>>,
    /// The writer of the shared log every new task is mirrored to, on a node of several.
    mirror: Option<Arc<LogWriter>>,
}

impl TaskHub {
    /// A hub whose tasks are mirrored to a shared log by `mirror` (a node of several).
    pub fn mirrored(mirror: Arc<LogWriter>) -> TaskHub {
        TaskHub { tasks: Mutex::default(), mirror: Some(mirror) }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<LiveTask>>> {
        self.tasks.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a new task; `None` when its id is already live.
    pub fn register(&self, task_id: &str, run_id: Uuid, user_id: Uuid) -> Option<Arc<LiveTask>> {
        let mut tasks = self.lock();
        if tasks.contains_key(task_id) {
            return None;
        }
        let task = Arc::new(LiveTask::new(
            task_id,
            run_id,
            user_id,
            EventLog::default(),
            false,
            self.mirror.clone(),
        ));
        tasks.insert(task_id.to_owned(), task.clone());
        Some(task)
    }

    /// The caller's live task with this id.
    pub fn get(&self, task_id: &str, user_id: Uuid) -> Option<Arc<LiveTask>> {
        self.lock().get(task_id).filter(|t| t.user_id == user_id).cloned()
    }

    /// The writer of the shared log, on a node of several.
    pub fn mirror(&self) -> Option<&Arc<LogWriter>> {
        self.mirror.as_ref()
    }

    /// Cancels the live task with this id, whoever owns it: for a cancel another node checked
    /// and relayed. Returns whether it runs here.
    pub fn cancel_any(&self, task_id: &str) -> bool {
        let task = self.lock().get(task_id).cloned();
        task.filter(|t| !t.is_done()).map(|t| t.cancel.cancel()).is_some()
    }

    /// Cancels every task still running here (a drain that ran out of time).
    pub fn cancel_all(&self) {
        for task in self.lock().values() {
            task.cancel.cancel();
        }
    }

    /// Forgets a finished task whose final record is stored (`resume` reads the store).
    pub fn remove(&self, task_id: &str) {
        self.lock().remove(task_id);
    }

    /// Live tasks now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no task is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets a finished task after [`RESUMABLE_FOR`]: the fallback when its final record
    /// could not be stored, so a client can still `resume` it for a while.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A Socket.IO EVENT packet in the main namespace, as the protocol writes it.
    fn packet(event: &str, data: &Value) -> String {
        format!("2[{},{}]", Value::from(event), data)
    }

    #[test]
    fn events_are_encoded_as_socket_io_event_packets() {
        let event = event_name("7d0c0a5e-\"quoted\"-\u{1F600}");
        let mut buf = Buffer::new(&event, EventLog::default(), false);
        for data in [
            Value::from("chunk with \"quotes\", \\ and \n\u{2028}"),
            Value::from(""),
            serde_json::json!({"end": true}),
            serde_json::json!({"info": {"cost": 0.5, "list": [1, null, "x"]}}),
        ] {
            let encoded = match &data {
                Value::String(text) => buf.encoder.encode_str(text),
                other => buf.encoder.encode(other).unwrap_or_else(|e| panic!("{e}")),
            };
            assert_eq!(encoded.as_str(), packet(&event, &data));
        }
    }

    #[test]
    fn packets_outlive_the_encoders_buffer() {
        let mut buf = Buffer::new("e", EventLog::default(), false);
        let first = buf.encoder.encode_str("first");
        let big = "x".repeat(5000);
        let many: Vec<_> = (0..20).map(|_| buf.encoder.encode_str(&big)).collect();
        assert_eq!(first.as_str(), r#"2["e","first"]"#);
        assert!(many.iter().all(|p| p.as_str() == packet("e", &Value::from(big.as_str()))));
    }
}

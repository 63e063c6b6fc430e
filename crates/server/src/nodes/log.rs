//! Each task's event log as one Redis Stream, so a follower on any node sees the events the
//! producing node's memory holds, at the same indices.
//!
//! One stream entry is one batch of events: its id is `0-N` with `N` the index of its first
//! event plus one, and its field `e` the events as a JSON array (a text chunk as a string, an
//! object event as itself). The producing node's [`LogWriter`] appends everything new of every
//! live task in one pipeline as soon as it has something and no write in flight (group commit:
//! what arrives during a write goes in the next, so batches grow with load and a lone chunk is
//! never held back). A reader from index `from` finds the batch holding it (`XREVRANGE … COUNT
//! 1`), then reads on with `XREAD BLOCK` (one round trip per read) until `{end:true}`. Explicit ids also stop a node that was
//! declared dead: once the reaper has ended a log, the dead node's late batches are refused.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use promptdeck_store::Store;
use redis::aio::ConnectionLike;
use serde_json::Value;
use socketioxide::encoded::EventEncoder;
use socketioxide::extract::SocketRef;
use socketioxide::{SendError, SocketError};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::Redis;
use crate::tasks::events::EventLog;
use crate::tasks::hub::LiveTask;

/// How long a task's log stays readable after its end (`resume` on any node).
pub const KEPT_AFTER_END: Duration = Duration::from_secs(3600);
/// How long `XREAD` blocks before a follower checks its socket is still there.
const READ_BLOCK: Duration = Duration::from_secs(5);
/// Entries read per `XRANGE`/`XREAD` call.
const READ_COUNT: usize = 256;

/// The Redis key of a task's event log.
pub fn key(task_id: &str) -> String {
    format!("promptdeck:task:{task_id}:events")
}

/// The stream id of the batch whose first event has index `first`.
pub fn entry_id(first: usize) -> String {
    format!("0-{}", first + 1)
}

/// Appends the live tasks of this node to their shared logs, in batches.
#[derive(Debug)]
pub struct LogWriter {
    tx: mpsc::UnboundedSender<Arc<LiveTask>>,
    /// Tasks handed over and not yet written.
    pending: Arc<AtomicUsize>,
}

impl LogWriter {
    /// Starts the writer; a live log expires after `live_for` unless it ends first (then it is
    /// kept [`KEPT_AFTER_END`]).
    pub fn spawn(redis: Redis, live_for: Duration) -> Arc<LogWriter> {
        let (tx, rx) = mpsc::unbounded_channel();
        let pending = Arc::new(AtomicUsize::new(0));
        tokio::spawn(write_batches(redis, rx, pending.clone(), live_for));
        Arc::new(LogWriter { tx, pending })
    }

    /// `task` has events the shared log lacks (called once until the writer takes them).
    pub fn appended(&self, task: Arc<LiveTask>) {
        self.pending.fetch_add(1, Ordering::AcqRel);
        if self.tx.send(task).is_err() {
            self.pending.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Waits until everything handed over so far is written, at most `limit` (a drain).
    pub async fn flushed(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while self.pending.load(Ordering::Acquire) > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }
}

/// The writer's loop: take what has been appended, write it in one pipeline, repeat (what is
/// appended during a write goes in the next). A batch Redis
/// could not take for want of a connection is retried (its events stay in memory); one Redis
/// refuses (the log was ended by a reaper) is dropped.
async fn write_batches(
    redis: Redis,
    mut rx: mpsc::UnboundedReceiver<Arc<LiveTask>>,
    pending: Arc<AtomicUsize>,
    live_for: Duration,
) {
    let mut conn = redis.conn();
    let mut tasks: Vec<Arc<LiveTask>> = Vec::new();
    let mut backoff = Duration::from_millis(50);
    loop {
        if tasks.is_empty() {
            match rx.recv().await {
                Some(task) => tasks.push(task),
                None => return,
            }
            // Let what is due in this same moment be appended too, then write at once: while a
            // write is in flight, what arrives waits for the next one, so batches grow with load
            // and a lone chunk is never held back.
            tokio::task::yield_now().await;
        }
        // Tasks by address: one hand-over per batch, but a retried task may be handed over again.
        let mut seen: HashSet<usize> = tasks.iter().map(|t| Arc::as_ptr(t) as usize).collect();
        while let Ok(task) = rx.try_recv() {
            if seen.insert(Arc::as_ptr(&task) as usize) {
                tasks.push(task);
            } else {
                pending.fetch_sub(1, Ordering::AcqRel);
            }
        }
        let batches: Vec<_> = tasks.iter().map(|t| t.unmirrored()).collect();
        let mut pipe = redis::pipe();
        for (task, batch) in tasks.iter().zip(&batches) {
            if let Some(batch) = batch {
                add_batch(&mut pipe, &task.task_id, batch, live_for);
            }
        }
        let written = pipe.query_async::<()>(&mut conn).await;
        redis.note_answer(written.as_ref().map_or_else(is_refusal, |()| true));
        match written {
            Ok(()) => {
                for (task, batch) in tasks.iter().zip(batches) {
                    if let Some(batch) = batch {
                        task.mirrored(batch.after);
                    }
                }
                pending.fetch_sub(tasks.len(), Ordering::AcqRel);
                tasks.clear();
                backoff = Duration::from_millis(50);
            }
            Err(_) => {
                // One by one: a refused batch is dropped, the others retried while Redis is away.
                let mut retry = Vec::new();
                for (task, batch) in tasks.drain(..).zip(batches) {
                    let Some(batch) = batch else {
                        pending.fetch_sub(1, Ordering::AcqRel);
                        continue;
                    };
                    let mut one = redis::pipe();
                    add_batch(&mut one, &task.task_id, &batch, live_for);
                    match one.query_async::<()>(&mut conn).await {
                        Ok(()) => {
                            task.mirrored(batch.after);
                            pending.fetch_sub(1, Ordering::AcqRel);
                        }
                        Err(e) if is_refusal(&e) => {
                            tracing::warn!(error = %e, task_id = task.task_id, "the shared log refused a batch");
                            task.mirrored(batch.after);
                            pending.fetch_sub(1, Ordering::AcqRel);
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, task_id = task.task_id, "could not write to the shared log; retrying");
                            retry.push(task);
                        }
                    }
                }
                tasks = retry;
                if !tasks.is_empty() {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                }
            }
        }
    }
}

/// Whether Redis answered with an error (rather than not answering): retrying will not help.
fn is_refusal(e: &redis::RedisError) -> bool {
    !(e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() || e.is_timeout())
}

/// The commands that append `batch` to the log of `task_id`.
fn add_batch(
    pipe: &mut redis::Pipeline,
    task_id: &str,
    batch: &crate::tasks::hub::Unmirrored,
    live_for: Duration,
) {
    let key = key(task_id);
    pipe.cmd("XADD").arg(&key).arg(entry_id(batch.first)).arg("e").arg(&batch.events).ignore();
    if batch.ends {
        pipe.cmd("EXPIRE").arg(&key).arg(KEPT_AFTER_END.as_secs()).ignore();
    } else if batch.first == 0 {
        pipe.cmd("EXPIRE").arg(&key).arg(live_for.as_secs()).ignore();
    }
}

/// One stream entry: its id and its field-value pairs.
type Entry = (String, Vec<Vec<u8>>);

/// The events of an entry, with the index of its first one; `None` when it is not a batch.
fn decode(entry: &Entry) -> Option<(usize, Vec<Value>)> {
    let first = entry.0.strip_prefix("0-")?.parse::<usize>().ok()?.checked_sub(1)?;
    let mut fields = entry.1.chunks_exact(2);
    let events = fields.find(|pair| pair[0] == b"e")?;
    Some((first, serde_json::from_slice(&events[1]).ok()?))
}

/// Whether `value` is the final `{end:true}`.
fn is_end(value: &Value) -> bool {
    value.get("end") == Some(&Value::Bool(true))
}

/// What a [`LogReader`] read next.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// The next event to emit; after `{end:true}` the reader is done.
    Event(Value),
    /// Nothing new for a while: the caller checks it is still wanted.
    Quiet,
    /// The log has ended (its `{end:true}` was read).
    Ended,
    /// The log lacks events the reader owes (see [`LogReader::next_index`]).
    Gap,
}

/// Reads a task's log from an exact event index, then live until its end. Events before `from`
/// are skipped, except the final `{end:true}`, so a reader from past the end still ends.
#[derive(Debug)]
pub struct LogReader {
    key: String,
    from: usize,
    /// The id of the last entry read; `None` before the batch holding `from` is found.
    last_id: Option<String>,
    ready: std::collections::VecDeque<Value>,
    ended: bool,
    /// The index of the next event the reader owes its caller.
    next: usize,
    /// The log skips events the reader owes (Redis lost them, e.g. restarted empty): only the
    /// task's stored record can give the rest.
    gap: bool,
}

impl LogReader {
    /// A reader of `task_id`'s log from event `from`.
    pub fn new(task_id: &str, from: usize) -> LogReader {
        LogReader {
            key: key(task_id),
            from,
            last_id: None,
            ready: Default::default(),
            ended: false,
            next: from,
            gap: false,
        }
    }

    /// The index of the next event the reader owes (all before it were returned or skipped as
    /// asked).
    pub fn next_index(&self) -> usize {
        self.next
    }

    /// The next event, blocking on Redis (on `conn`, which should be a connection of its own)
    /// until there is one or a while has passed.
    pub async fn next<C: ConnectionLike + Send>(&mut self, conn: &mut C) -> redis::RedisResult<Read> {
        loop {
            if let Some(value) = self.ready.pop_front() {
                return Ok(Read::Event(value));
            }
            if self.ended {
                return Ok(Read::Ended);
            }
            if self.gap {
                return Ok(Read::Gap);
            }
            let entries: Vec<Entry> = match &self.last_id {
                // The batch holding `from`: the last whose first event is at or before it.
                None => {
                    self.last_id = Some("0-0".to_owned());
                    redis::cmd("XREVRANGE")
                        .arg(&self.key)
                        .arg(entry_id(self.from))
                        .arg("-")
                        .arg("COUNT")
                        .arg(1)
                        .query_async(conn)
                        .await?
                }
                // What follows the last entry read: at once when the log has more (a backlog or
                // new events), else as soon as some arrive, or quiet after a while. One round
                // trip per read, never a range read before it.
                Some(last) => {
                    let read: Option<Vec<(String, Vec<Entry>)>> = redis::cmd("XREAD")
                        .arg("COUNT")
                        .arg(READ_COUNT)
                        .arg("BLOCK")
                        .arg(READ_BLOCK.as_millis() as u64)
                        .arg("STREAMS")
                        .arg(&self.key)
                        .arg(last)
                        .query_async(conn)
                        .await?;
                    let read: Vec<Entry> = read.into_iter().flatten().flat_map(|(_, e)| e).collect();
                    if read.is_empty() {
                        return Ok(Read::Quiet);
                    }
                    read
                }
            };
            self.take(entries);
        }
    }

    /// Queues the events of `entries` the reader should emit.
    fn take(&mut self, entries: Vec<Entry>) {
        for entry in entries {
            let decoded = decode(&entry);
            self.last_id = Some(entry.0);
            let Some((first, events)) = decoded else { continue };
            if first > self.next {
                self.gap = true;
                return;
            }
            for (i, value) in events.into_iter().enumerate() {
                let end = is_end(&value);
                if first + i >= self.next || end {
                    self.ready.push_back(value);
                    self.next = first + i + 1;
                }
                if end {
                    self.ended = true;
                    return;
                }
            }
        }
    }
}

/// Follows a task produced on another node for `socket`, from event `from`, until its end (or
/// until the socket goes). Runs in the background; a full socket buffer is waited out, and a
/// lost Redis connection is opened again where the reader was, so no event is lost and indices
/// stay exact. When the log cannot give the rest — it lacks events (Redis restarted empty) or
/// stays quiet while the task's record says it has ended — the rest comes from that record.
pub fn follow(
    redis: Redis,
    store: Store,
    user: Uuid,
    task_id: String,
    event: String,
    socket: SocketRef,
    from: usize,
) {
    tokio::spawn(async move {
        let mut reader = LogReader::new(&task_id, from);
        let mut encoder = EventEncoder::new("/", &event);
        while socket.connected() {
            let mut conn = match redis.dedicated().await {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::warn!(error = %e, task_id, "could not open a Redis connection to follow a task");
                    if finish_from_record(&store, user, &task_id, &socket, reader.next_index()).await {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            loop {
                match reader.next(&mut conn).await {
                    Ok(Read::Event(value)) => {
                        if !send(&socket, &mut encoder, &value).await {
                            return;
                        }
                    }
                    Ok(Read::Quiet) if socket.connected() => {
                        if finish_from_record(&store, user, &task_id, &socket, reader.next_index()).await {
                            return;
                        }
                    }
                    Ok(Read::Gap) if socket.connected() => {
                        if finish_from_record(&store, user, &task_id, &socket, reader.next_index()).await {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    Ok(Read::Quiet | Read::Gap | Read::Ended) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, task_id, "reading a task's shared log failed; reconnecting");
                        if finish_from_record(&store, user, &task_id, &socket, reader.next_index()).await {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                }
            }
        }
    });
}

/// When the task's record says it has ended, hands `socket` its events from `next` rebuilt from
/// that record and says so; otherwise (still running, or the database not answering) false.
async fn finish_from_record(
    store: &Store,
    user: Uuid,
    task_id: &str,
    socket: &SocketRef,
    next: usize,
) -> bool {
    match store.get_task_replay(user, task_id).await {
        Ok(Some(replay)) if replay.task.status.is_terminal() => {
            let task = crate::tasks::replay::from_record(replay.task, replay.chunks.as_deref(), user);
            task.subscribe(socket.clone(), next);
            true
        }
        Ok(_) => false,
        Err(e) => {
            tracing::warn!(error = %e, task_id, "could not read a followed task's record");
            false
        }
    }
}

/// Emits one event, waiting while the socket's send buffer is full; false when it is gone.
async fn send(socket: &SocketRef, encoder: &mut EventEncoder, value: &Value) -> bool {
    let packet = match value {
        Value::String(text) => encoder.encode_str(text),
        other => match encoder.encode(other) {
            Ok(packet) => packet,
            Err(_) => return false,
        },
    };
    let mut backoff = Duration::from_millis(1);
    loop {
        match socket.emit_encoded(&packet) {
            Ok(()) => return true,
            Err(SendError::Socket(SocketError::InternalChannelFull)) => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_millis(50));
            }
            Err(_) => return false,
        }
    }
}

/// Rebuilds what a task's log holds (for the reaper): its events, and whether it has ended.
pub async fn read_all<C: ConnectionLike + Send>(
    conn: &mut C,
    task_id: &str,
) -> redis::RedisResult<(EventLog, bool)> {
    let key = key(task_id);
    let mut log = EventLog::default();
    let mut last_id = "-".to_owned();
    loop {
        let start = if last_id == "-" { last_id.clone() } else { format!("({last_id}") };
        let entries: Vec<Entry> = redis::cmd("XRANGE")
            .arg(&key)
            .arg(start)
            .arg("+")
            .arg("COUNT")
            .arg(READ_COUNT)
            .query_async(conn)
            .await?;
        if entries.is_empty() {
            return Ok((log, false));
        }
        for entry in &entries {
            last_id.clone_from(&entry.0);
            let Some((first, events)) = decode(entry) else { continue };
            if first != log.len() {
                // A gap (a batch lost with a dead node): what follows cannot be placed exactly.
                return Ok((log, false));
            }
            for value in events {
                if is_end(&value) {
                    return Ok((log, true));
                }
                log.push_decoded(value);
            }
        }
    }
}

/// Appends the final events `last` (then `{end:true}`) to a task's log after its `len` events,
/// and keeps it [`KEPT_AFTER_END`] (the reaper ending a dead node's task).
pub async fn end<C: ConnectionLike + Send>(
    conn: &mut C,
    task_id: &str,
    len: usize,
    last: Vec<Value>,
) -> redis::RedisResult<()> {
    let mut events = last;
    events.push(serde_json::json!({ "end": true }));
    let body = serde_json::to_vec(&events).unwrap_or_default();
    let key = key(task_id);
    redis::pipe()
        .cmd("XADD")
        .arg(&key)
        .arg(entry_id(len))
        .arg("e")
        .arg(body)
        .ignore()
        .cmd("EXPIRE")
        .arg(&key)
        .arg(KEPT_AFTER_END.as_secs())
        .ignore()
        .query_async::<()>(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_count_from_one_and_decode_back() {
        assert_eq!(entry_id(0), "0-1");
        let entry: Entry = ("0-8".into(), vec![b"e".to_vec(), br#"["a ",{"end":true}]"#.to_vec()]);
        let (first, events) = decode(&entry).unwrap();
        assert_eq!(first, 7);
        assert_eq!(events.len(), 2);
        assert!(is_end(&events[1]));
        assert!(decode(&("0-0".into(), vec![b"e".to_vec(), b"[]".to_vec()])).is_none());
        assert!(decode(&("5-1".into(), vec![b"e".to_vec(), b"[]".to_vec()])).is_none());
    }
}

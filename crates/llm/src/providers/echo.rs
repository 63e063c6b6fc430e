//! The built-in `echo` model: deterministic and offline, for demos, tests and benchmarks.
//!
//! The answer is the content of the last `user` message (empty when there is none), repeated
//! `echo_repeat` times (default 1). Repeats are joined with a single space when the text does not
//! already end in white space, so `"a b"` × 2 is `"a b a b"` and `"a b\n"` × 2 is `"a b\na b\n"`.
//! The answer streams as the chunks of the pattern `^\s+|\S+\s*`: leading white space alone, then
//! each word with the white space after it. With `echo_delay_ms` > 0, chunk *k* (counting from 1)
//! is due at start + *k* × delay, where start is when [`Provider::stream`] was called, so timer
//! slop does not add up: a late chunk is followed at once by any that are already due. With no
//! delay no timer is involved at all. Usage: input tokens are the white-space separated words
//! of all messages, output tokens the number of chunks. The finish reason is `stop`.
//!
//! With [`ChatRequest::max_answer_bytes`] set, echo obeys it as a model obeys a token limit:
//! it generates the answer only up to one character past that size (never the whole of a huge
//! `echo_repeat`), so the caller sees the answer go over and cuts it; the finish reason is then
//! `length`. Without it, an answer over [`MAX_ANSWER_BYTES`] is refused up front.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use async_trait::async_trait;
use futures::Stream;
use promptdeck_core::MessageRole;
use serde_json::Value;
use tokio::time::{Instant, Sleep};

use crate::{ChatRequest, ChatStream, LlmError, Provider, StreamEvent};

/// Most repeats accepted.
pub const MAX_REPEAT: u64 = 100_000;
/// Longest answer accepted without [`ChatRequest::max_answer_bytes`], in bytes.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// Longest delay per chunk accepted, in milliseconds.
pub const MAX_DELAY_MS: u64 = 60_000;

/// The built-in echo provider.
#[derive(Debug, Clone, Default)]
pub struct EchoProvider;

impl EchoProvider {
    /// The provider (and model) name.
    pub const NAME: &'static str = "echo";
}

#[async_trait]
impl Provider for EchoProvider {
    fn name(&self) -> &str {
        Self::NAME
    }

    async fn stream(&self, req: ChatRequest) -> Result<ChatStream, LlmError> {
        Ok(Box::pin(EchoStream::new(&req, Instant::now())?))
    }
}

/// The chunks of `text` as the pattern `^\s+|\S+\s*` finds them.
pub fn chunks(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let end = next_chunk_end(rest)?;
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

/// Where the first chunk of `text` ends: a run of white space (only possible at the very
/// start), or a run of other characters and the white space after it. `None` when empty.
fn next_chunk_end(text: &str) -> Option<usize> {
    let mut chars = text.char_indices().peekable();
    let (_, first) = *chars.peek()?;
    if !first.is_whitespace() {
        while chars.next_if(|(_, c)| !c.is_whitespace()).is_some() {}
    }
    while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    Some(chars.peek().map_or(text.len(), |&(i, _)| i))
}

/// The full answer for a request: the last user message, repeated; with
/// [`ChatRequest::max_answer_bytes`], only its first `max + 1` bytes (rounded up to a whole
/// character) when it is longer.
pub fn answer(req: &ChatRequest) -> Result<String, LlmError> {
    let repeat = setting(req, "echo_repeat", 1, MAX_REPEAT)?;
    let text =
        req.messages.iter().rev().find(|m| m.role == MessageRole::User).map_or("", |m| m.content.as_str());
    let joiner = if text.is_empty() || text.ends_with(char::is_whitespace) { "" } else { " " };
    let repeat = usize::try_from(repeat).unwrap_or(usize::MAX);
    let size = (text.len() + joiner.len()).saturating_mul(repeat).saturating_sub(joiner.len());
    let keep = match req.max_answer_bytes {
        Some(max) => size.min(max.saturating_add(1)),
        None if size > MAX_ANSWER_BYTES => {
            return Err(LlmError::invalid(format!(
                "echo_repeat: the answer would be {size} bytes, more than the {MAX_ANSWER_BYTES} allowed"
            )));
        }
        None => size,
    };
    let mut out = String::with_capacity(keep + 4);
    for i in 0..repeat {
        if out.len() >= keep {
            break;
        }
        if i > 0 {
            out.push_str(joiner);
        }
        out.push_str(text);
    }
    if out.len() > keep {
        out.truncate(out.ceil_char_boundary(keep));
    }
    Ok(out)
}

/// A non-negative integer setting from `extra` (a JSON number or a numeric string), at most `max`.
fn setting(req: &ChatRequest, key: &str, default: u64, max: u64) -> Result<u64, LlmError> {
    let value = match req.extra.get(key) {
        None | Some(Value::Null) => return Ok(default),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(_) => None,
    };
    match value {
        Some(v) if v <= max => Ok(v),
        _ => Err(LlmError::invalid(format!("{key} must be an integer from 0 to {max}"))),
    }
}

/// Words in all messages, the echo model's input token count.
fn input_tokens(req: &ChatRequest) -> i64 {
    let words: usize = req.messages.iter().map(|m| m.content.split_whitespace().count()).sum();
    i64::try_from(words).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Chunks,
    Done,
    End,
}

/// The echo answer as a stream.
struct EchoStream {
    answer: String,
    /// The answer was cut at the caller's size limit.
    cut: bool,
    pos: usize,
    sent: u32,
    input: i64,
    delay: Duration,
    start: Instant,
    /// Created on the first delayed chunk and re-armed for each later one.
    sleep: Option<Pin<Box<Sleep>>>,
    phase: Phase,
}

impl EchoStream {
    fn new(req: &ChatRequest, start: Instant) -> Result<Self, LlmError> {
        let delay = Duration::from_millis(setting(req, "echo_delay_ms", 0, MAX_DELAY_MS)?);
        let answer = answer(req)?;
        Ok(EchoStream {
            cut: req.max_answer_bytes.is_some_and(|max| answer.len() > max),
            answer,
            pos: 0,
            sent: 0,
            input: input_tokens(req),
            delay,
            start,
            sleep: None,
            phase: Phase::Chunks,
        })
    }

    /// Waits until chunk number `sent + 1` is due.
    fn poll_due(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let offset = self.delay.saturating_mul(self.sent.saturating_add(1));
        let due = self.start.checked_add(offset).unwrap_or(self.start);
        if Instant::now() >= due {
            // Already due (a late reader catching up): no timer round trip.
            return Poll::Ready(());
        }
        let sleep = self.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
        if sleep.deadline() != due {
            sleep.as_mut().reset(due);
        }
        sleep.as_mut().poll(cx)
    }
}

impl Stream for EchoStream {
    type Item = Result<StreamEvent, LlmError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.phase {
            Phase::Chunks => {
                let Some(len) = next_chunk_end(&this.answer[this.pos..]) else {
                    this.phase = Phase::Done;
                    let output = i64::from(this.sent);
                    return Poll::Ready(Some(Ok(StreamEvent::Usage { input: this.input, output })));
                };
                if this.delay.is_zero() {
                    // Stay a good citizen of the runtime without touching a timer.
                    let coop = ready!(tokio::task::coop::poll_proceed(cx));
                    coop.made_progress();
                } else {
                    ready!(this.poll_due(cx));
                }
                let chunk = this.answer[this.pos..this.pos + len].to_owned();
                this.pos += len;
                this.sent = this.sent.saturating_add(1);
                Poll::Ready(Some(Ok(StreamEvent::Text(chunk))))
            }
            Phase::Done => {
                this.phase = Phase::End;
                let reason = if this.cut { "length" } else { "stop" };
                Poll::Ready(Some(Ok(StreamEvent::Done { finish_reason: Some(reason.into()) })))
            }
            Phase::End => Poll::Ready(None),
        }
    }
}

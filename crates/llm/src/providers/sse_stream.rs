//! The stream a remote provider returns: response bytes → SSE events (parsed by
//! `eventsource-stream`) → [`StreamEvent`]s, with the idle timeout and the event-size bound,
//! and a [`WireProtocol`] per provider that interprets each event.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};

use eventsource_stream::{Event, EventStream, EventStreamError, Eventsource};
use futures::Stream;
use tokio::time::{Instant, Sleep};

use super::http::Upstream;
use crate::{ChatStream, LlmError, StreamEvent, TimeoutPhase};

/// Most bytes received without the parser completing an event; a provider sending more is
/// broken, and the parser would buffer all of it.
const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// How one provider's events become [`StreamEvent`]s.
pub(crate) trait WireProtocol: Send + Unpin + 'static {
    /// The end marker, named in the error when the stream stops before it.
    const TERMINATOR: &'static str;

    /// Interprets one event, pushing what it means onto `out`. Returns `true` when the event
    /// is the end marker (after which nothing more is read). The parser names events without
    /// an `event:` field `message`, as the SSE specification says.
    fn on_event(
        &mut self,
        provider: &str,
        event: &Event,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<bool, LlmError>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Reading,
    /// The end marker was seen; hand out what is queued, then end.
    Ended,
    /// An error was handed out; nothing follows.
    Failed,
}

/// Turns a response body into a [`ChatStream`]. Dropping it drops the body, which closes the
/// connection and so aborts the request upstream.
pub(crate) fn chat_stream<S, B, P>(upstream: &Upstream, body: S, protocol: P) -> ChatStream
where
    S: Stream<Item = reqwest::Result<B>> + Send + 'static,
    B: AsRef<[u8]> + Send + 'static,
    P: WireProtocol,
{
    let idle_after = upstream.settings.idle_timeout;
    let now = Instant::now();
    let unparsed = Arc::new(AtomicUsize::new(0));
    let body = Watched {
        body: Box::pin(body),
        idle_after,
        idle: Box::pin(tokio::time::sleep_until(now + idle_after)),
        last_activity: now,
        unparsed: Arc::clone(&unparsed),
    };
    Box::pin(SseChatStream {
        upstream: upstream.clone(),
        events: body.eventsource(),
        unparsed,
        protocol,
        pending: VecDeque::with_capacity(4),
        state: State::Reading,
    })
}

/// Why the body, as the parser sees it, failed.
#[derive(Debug)]
enum BodyError {
    /// reqwest could not read it (dropped connection, overall timeout).
    Transport(reqwest::Error),
    /// Nothing arrived for the idle timeout.
    Idle,
    /// [`MAX_EVENT_BYTES`] arrived without an event coming out of the parser.
    TooLarge,
}

/// The response body on its way to the parser: notes when bytes arrive (keep-alive comments,
/// which the parser drops silently, count too), fails after the idle timeout without any, and
/// bounds what the parser may buffer. Chunks pass through untouched.
struct Watched<S> {
    body: Pin<Box<S>>,
    idle_after: std::time::Duration,
    /// Fires at the idle deadline; re-armed lazily from `last_activity`, so receiving a chunk
    /// costs a clock read, not a timer update.
    idle: Pin<Box<Sleep>>,
    last_activity: Instant,
    /// Bytes received since the parser last produced an event; reset by [`SseChatStream`],
    /// which shares it because the parser owns this wrapper and does not give it back.
    unparsed: Arc<AtomicUsize>,
}

impl<S, B> Stream for Watched<S>
where
    S: Stream<Item = reqwest::Result<B>>,
    B: AsRef<[u8]>,
{
    type Item = Result<B, BodyError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.body.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                this.last_activity = Instant::now();
                let len = bytes.as_ref().len();
                if this.unparsed.fetch_add(len, Ordering::Relaxed) + len > MAX_EVENT_BYTES {
                    return Poll::Ready(Some(Err(BodyError::TooLarge)));
                }
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(BodyError::Transport(e)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => loop {
                ready!(this.idle.as_mut().poll(cx));
                let deadline = this.last_activity + this.idle_after;
                if Instant::now() >= deadline {
                    return Poll::Ready(Some(Err(BodyError::Idle)));
                }
                this.idle.as_mut().reset(deadline);
            },
        }
    }
}

struct SseChatStream<S, P> {
    upstream: Upstream,
    events: EventStream<Watched<S>>,
    unparsed: Arc<AtomicUsize>,
    protocol: P,
    pending: VecDeque<StreamEvent>,
    state: State,
}

impl<S, P> SseChatStream<S, P> {
    fn fail(&mut self, error: LlmError) -> Poll<Option<Result<StreamEvent, LlmError>>> {
        self.state = State::Failed;
        self.pending.clear();
        Poll::Ready(Some(Err(error)))
    }

    fn error(&self, e: EventStreamError<BodyError>) -> LlmError {
        let malformed =
            |message: String| LlmError::UpstreamMalformed { provider: self.upstream.name.clone(), message };
        match e {
            EventStreamError::Transport(BodyError::Transport(e)) => self.upstream.transport_error(&e),
            EventStreamError::Transport(BodyError::Idle) => self.upstream.timeout(TimeoutPhase::Idle),
            EventStreamError::Transport(BodyError::TooLarge) => {
                malformed("an event grew past 16 MiB without ending".to_owned())
            }
            EventStreamError::Utf8(e) => malformed(format!("the stream is not UTF-8 ({e})")),
            EventStreamError::Parser(e) => malformed(format!("the stream is not SSE ({e})")),
        }
    }
}

impl<S, B, P> Stream for SseChatStream<S, P>
where
    S: Stream<Item = reqwest::Result<B>>,
    B: AsRef<[u8]>,
    P: WireProtocol,
{
    type Item = Result<StreamEvent, LlmError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(event) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            if this.state != State::Reading {
                return Poll::Ready(None);
            }
            match ready!(Pin::new(&mut this.events).poll_next(cx)) {
                Some(Ok(event)) => {
                    this.unparsed.store(0, Ordering::Relaxed);
                    match this.protocol.on_event(&this.upstream.name, &event, &mut this.pending) {
                        Ok(true) => this.state = State::Ended,
                        Ok(false) => {}
                        Err(e) => return this.fail(e),
                    }
                }
                Some(Err(e)) => {
                    let error = this.error(e);
                    return this.fail(error);
                }
                None => {
                    let provider = this.upstream.name.clone();
                    return this.fail(LlmError::UpstreamIncomplete { provider, terminator: P::TERMINATOR });
                }
            }
        }
    }
}

//! The stream a remote provider returns: response bytes → SSE events → [`StreamEvent`]s, with
//! the idle timeout, and a [`WireProtocol`] per provider that interprets each event.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::time::{Instant, Sleep};

use super::http::Upstream;
use super::sse::{SseDecoder, SseEvent};
use crate::{ChatStream, LlmError, StreamEvent, TimeoutPhase};

/// How one provider's events become [`StreamEvent`]s.
pub(crate) trait WireProtocol: Send + Unpin + 'static {
    /// The end marker, named in the error when the stream stops before it.
    const TERMINATOR: &'static str;

    /// Interprets one event, pushing what it means onto `out`. Returns `true` when the event
    /// is the end marker (after which nothing more is read).
    fn on_event(
        &mut self,
        provider: &str,
        event: SseEvent<'_>,
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
    Box::pin(SseChatStream {
        upstream: upstream.clone(),
        body: Box::pin(body),
        decoder: SseDecoder::default(),
        protocol,
        pending: VecDeque::with_capacity(4),
        idle: Box::pin(tokio::time::sleep_until(now + idle_after)),
        last_activity: now,
        state: State::Reading,
    })
}

struct SseChatStream<S, P> {
    upstream: Upstream,
    body: Pin<Box<S>>,
    decoder: SseDecoder,
    protocol: P,
    pending: VecDeque<StreamEvent>,
    /// Fires at the idle deadline; re-armed lazily from `last_activity`, so receiving a chunk
    /// costs a clock read, not a timer update.
    idle: Pin<Box<Sleep>>,
    last_activity: Instant,
    state: State,
}

impl<S, B, P> SseChatStream<S, P>
where
    S: Stream<Item = reqwest::Result<B>>,
    B: AsRef<[u8]>,
    P: WireProtocol,
{
    fn fail(&mut self, error: LlmError) -> Poll<Option<Result<StreamEvent, LlmError>>> {
        self.state = State::Failed;
        self.pending.clear();
        Poll::Ready(Some(Err(error)))
    }

    /// Interprets every complete event in the buffer until one produces output or ends the
    /// stream.
    fn drain_decoder(&mut self) -> Result<(), LlmError> {
        while self.pending.is_empty() && self.state == State::Reading {
            let Some(event) = self.decoder.next_event() else { return Ok(()) };
            if self.protocol.on_event(&self.upstream.name, event, &mut self.pending)? {
                self.state = State::Ended;
            }
        }
        Ok(())
    }

    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<LlmError> {
        loop {
            if self.idle.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let deadline = self.last_activity + self.upstream.settings.idle_timeout;
            if Instant::now() >= deadline {
                return Poll::Ready(self.upstream.timeout(TimeoutPhase::Idle));
            }
            self.idle.as_mut().reset(deadline);
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
            if let Err(e) = this.drain_decoder() {
                return this.fail(e);
            }
            if !this.pending.is_empty() || this.state != State::Reading {
                continue;
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => {
                    this.last_activity = Instant::now();
                    if this.decoder.push(bytes.as_ref()).is_err() {
                        let message = "an event grew past 16 MiB without ending".to_owned();
                        return this.fail(LlmError::UpstreamMalformed {
                            provider: this.upstream.name.clone(),
                            message,
                        });
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    let error = this.upstream.transport_error(&e);
                    return this.fail(error);
                }
                Poll::Ready(None) => {
                    let provider = this.upstream.name.clone();
                    return this.fail(LlmError::UpstreamIncomplete { provider, terminator: P::TERMINATOR });
                }
                Poll::Pending => {
                    return match this.poll_idle(cx) {
                        Poll::Ready(error) => this.fail(error),
                        Poll::Pending => Poll::Pending,
                    };
                }
            }
        }
    }
}

//! The shared provider suite: every case that applies to both wire formats, run against each.

use std::time::Duration;

use futures::StreamExt;
use promptdeck_core::MessageRole;
use promptdeck_llm::{ChatMessage, ChatRequest, ChatStream, LlmError, StreamEvent, TimeoutPhase};
use serde_json::Value;

use crate::fake_upstream::{FakeUpstream, Reply, Step};
use crate::wire::{Anthropic, OpenAi, Wire};

/// The idle timeout of the cases about stalls: short, so they end quickly.
const IDLE: Duration = Duration::from_millis(200);
/// The idle timeout of every other case: long enough that a busy machine pausing the test's
/// upstream for a moment is never taken for a stall.
const PATIENT: Duration = Duration::from_secs(10);

pub fn request() -> ChatRequest {
    ChatRequest {
        model: "upstream-model".into(),
        messages: vec![
            ChatMessage::new(MessageRole::System, "Be brief."),
            ChatMessage::new(MessageRole::User, "Say hello"),
        ],
        ..ChatRequest::default()
    }
}

/// Reads the whole stream: the events before the first error, and that error. Checks that
/// nothing follows an error.
pub async fn drain(mut stream: ChatStream) -> (Vec<StreamEvent>, Option<LlmError>) {
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(e) => events.push(e),
            Err(e) => {
                assert!(stream.next().await.is_none(), "the stream must end after an error");
                return (events, Some(e));
            }
        }
    }
    (events, None)
}

async fn run<W: Wire>(
    wire: W,
    reply: Reply,
) -> (FakeUpstream, Result<(Vec<StreamEvent>, Option<LlmError>), LlmError>) {
    run_with_idle(wire, reply, PATIENT).await
}

async fn run_with_idle<W: Wire>(
    wire: W,
    reply: Reply,
    idle: Duration,
) -> (FakeUpstream, Result<(Vec<StreamEvent>, Option<LlmError>), LlmError>) {
    let upstream = FakeUpstream::start(reply).await;
    let provider = wire.provider(&upstream.base, idle);
    let result = match provider.stream(request()).await {
        Ok(stream) => Ok(drain(stream).await),
        Err(e) => Err(e),
    };
    (upstream, result)
}

fn texts(events: &[StreamEvent]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

pub async fn streams_text_then_usage_then_done<W: Wire>(wire: W) {
    let (upstream, result) = run(wire, Reply::events(wire.answer(&["Hel", "lo, ", "wörld"], 11, 3))).await;
    let (events, error) = result.unwrap();
    assert_eq!(error, None);
    assert_eq!(texts(&events), ["Hel", "lo, ", "wörld"]);
    assert_eq!(
        &events[3..],
        [
            StreamEvent::Usage { input: 11, output: 3 },
            StreamEvent::Done { finish_reason: Some(wire.stop_reason().into()) }
        ]
    );
    let sent = upstream.request();
    assert_eq!(sent.path, wire.path());
    assert_eq!(sent.body["model"], "upstream-model");
    assert_eq!(sent.body["stream"], true);
}

pub async fn survives_events_split_across_many_writes<W: Wire>(wire: W) {
    let whole: String = wire.answer(&["split ", "into ", "bytes"], 4, 3).concat();
    let bytes = whole.as_bytes();
    let mut steps = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let mut end = (at + 7).min(bytes.len());
        while !whole.is_char_boundary(end) {
            end += 1;
        }
        steps.push(Step::Send(whole[at..end].to_owned()));
        steps.push(Step::Sleep(Duration::from_millis(1)));
        at = end;
    }
    let (_upstream, result) = run(wire, Reply::sse(steps)).await;
    let (events, error) = result.unwrap();
    assert_eq!(error, None);
    assert_eq!(texts(&events), ["split ", "into ", "bytes"]);
    assert!(matches!(events.last(), Some(StreamEvent::Done { .. })));
}

pub async fn reads_crlf_lines_and_skips_comments_and_other_fields<W: Wire>(wire: W) {
    let mut events = vec![": a comment first\n\nid: 7\nretry: 1000\n\n".to_owned()];
    events.extend(wire.answer(&["line ", "ends"], 2, 2));
    let crlf = events.iter().map(|e| e.replace('\n', "\r\n")).collect();
    let (_upstream, result) = run(wire, Reply::events(crlf)).await;
    let (events, error) = result.unwrap();
    assert_eq!(error, None);
    assert_eq!(texts(&events), ["line ", "ends"]);
    assert_eq!(events.last(), Some(&StreamEvent::Done { finish_reason: Some(wire.stop_reason().into()) }));
}

pub async fn passes_tool_call_fragments_through<W: Wire>(wire: W) {
    let mut events = wire.start();
    events.extend(wire.tool_call());
    events.push(wire.terminator());
    let (_upstream, result) = run(wire, Reply::events(events)).await;
    let (events, error) = result.unwrap();
    assert_eq!(error, None);
    let updates: Vec<&Value> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolUpdate(v) => Some(v),
            _ => None,
        })
        .collect();
    assert_eq!(updates[0]["index"], 0);
    assert_eq!(updates[0]["id"], "call_abc123");
    assert_eq!(updates[0]["type"], "function");
    assert_eq!(updates[0]["function"]["name"], "get_weather");
    let arguments: String =
        updates.iter().map(|u| u["function"]["arguments"].as_str().unwrap_or_default()).collect();
    assert_eq!(arguments, r#"{"city":"Paris"}"#);
    assert!(updates.iter().all(|u| u["index"] == 0));
    assert_eq!(events.last(), Some(&StreamEvent::Done { finish_reason: Some(wire.tool_reason().into()) }));
}

pub async fn reports_upstream_error_statuses_with_their_message<W: Wire>(wire: W) {
    for status in [400, 401, 429, 500] {
        let message = format!("scripted failure {status}");
        let (_upstream, result) = run(wire, Reply::status(status, wire.error_body(&message))).await;
        let error = result.expect_err("an error status must fail the request");
        assert_eq!(error.code(), "upstream_status");
        assert_eq!(error, LlmError::UpstreamStatus { provider: error_provider(&error), status, message });
    }
}

pub async fn reports_a_non_json_error_body_as_text<W: Wire>(wire: W) {
    let mut reply = Reply::status(502, "<html>Bad Gateway</html>".into());
    reply.content_type = "text/html";
    let (_upstream, result) = run(wire, reply).await;
    let error = result.err().unwrap();
    assert!(
        matches!(&error, LlmError::UpstreamStatus { status: 502, message, .. } if message == "<html>Bad Gateway</html>")
    );
}

fn error_provider(e: &LlmError) -> String {
    match e {
        LlmError::UpstreamStatus { provider, .. } => provider.clone(),
        other => panic!("unexpected {other:?}"),
    }
}

pub async fn fails_when_the_connection_drops_mid_stream<W: Wire>(wire: W) {
    let mut steps: Vec<Step> = wire.start().into_iter().map(Step::Send).collect();
    steps.push(Step::Send(wire.text("partial ")));
    steps.push(Step::Sleep(Duration::from_millis(20)));
    steps.push(Step::Abort);
    let (_upstream, result) = run(wire, Reply::sse(steps)).await;
    let (events, error) = result.unwrap();
    assert_eq!(texts(&events), ["partial "]);
    let error = error.expect("a dropped connection is an error");
    assert_eq!(error.code(), "upstream_connection", "{error}");
}

pub async fn times_out_when_the_stream_stalls<W: Wire>(wire: W) {
    let mut steps: Vec<Step> = wire.start().into_iter().map(Step::Send).collect();
    steps.push(Step::Send(wire.text("before the stall")));
    steps.push(Step::Hang);
    let started = std::time::Instant::now();
    let (_upstream, result) = run_with_idle(wire, Reply::sse(steps), IDLE).await;
    let (events, error) = result.unwrap();
    assert_eq!(texts(&events), ["before the stall"]);
    let error = error.unwrap();
    assert!(
        matches!(error, LlmError::UpstreamTimeout { phase: TimeoutPhase::Idle, after: IDLE, .. }),
        "{error:?}"
    );
    assert_eq!(error.code(), "upstream_timeout");
    assert!(started.elapsed() >= IDLE);
}

pub async fn keep_alive_comments_do_not_count_as_stalls<W: Wire>(wire: W) {
    let idle = Duration::from_millis(500);
    let mut steps: Vec<Step> = wire.start().into_iter().map(Step::Send).collect();
    for _ in 0..5 {
        steps.push(Step::Sleep(Duration::from_millis(150)));
        steps.push(Step::Send(": keep-alive\n\n".into()));
    }
    steps.extend(wire.finish(1, 1).into_iter().map(Step::Send));
    steps.push(Step::Send(wire.terminator()));
    let upstream = FakeUpstream::start(Reply::sse(steps)).await;
    let started = std::time::Instant::now();
    let (_, error) = drain(wire.provider(&upstream.base, idle).stream(request()).await.unwrap()).await;
    assert_eq!(error, None);
    assert!(started.elapsed() > idle, "the answer must outlast the idle timeout to prove anything");
}

pub async fn times_out_when_the_whole_answer_takes_too_long<W: Wire>(wire: W) {
    let mut steps: Vec<Step> = wire.start().into_iter().map(Step::Send).collect();
    steps.push(Step::KeepAlive(Duration::from_millis(30)));
    let upstream = FakeUpstream::start(Reply::sse(steps)).await;
    let limit = Duration::from_millis(300);
    let provider = wire.provider_with(&upstream.base, |s| s.request_timeout = Some(limit));
    let (_, error) = drain(provider.stream(request()).await.unwrap()).await;
    let error = error.unwrap();
    assert!(
        matches!(error, LlmError::UpstreamTimeout { phase: TimeoutPhase::Request, after, .. } if after == limit),
        "{error:?}"
    );
}

pub async fn times_out_when_headers_never_come<W: Wire>(wire: W) {
    let mut reply = Reply::events(wire.answer(&["late"], 1, 1));
    reply.header_delay = Some(Duration::from_secs(5));
    let (_upstream, result) = run_with_idle(wire, reply, IDLE).await;
    let error = result.err().unwrap();
    assert!(matches!(error, LlmError::UpstreamTimeout { phase: TimeoutPhase::Idle, .. }), "{error:?}");
}

pub async fn rejects_invalid_json<W: Wire>(wire: W) {
    let mut events = wire.start();
    events.push(wire.text("fine "));
    events.push(wire.broken_json());
    events.push(wire.terminator());
    let (_upstream, result) = run(wire, Reply::events(events)).await;
    let (events, error) = result.unwrap();
    assert_eq!(texts(&events), ["fine "]);
    assert_eq!(error.unwrap().code(), "upstream_malformed");
}

pub async fn refuses_an_event_that_never_ends<W: Wire>(wire: W) {
    // 17 MiB as one endless line (in large writes: the parser rereads a partial line on every
    // chunk), then as endless `data:` lines without the blank line that ends an event.
    let mib = "x".repeat(1 << 20);
    let one_line = std::iter::once("data: ".to_owned()).chain((0..17).map(|_| mib.clone()));
    let line = "x".repeat(64 * 1024);
    let many_lines = (0..17 * 16).map(|_| format!("data: {line}\n"));
    for body in [one_line.collect::<Vec<_>>(), many_lines.collect()] {
        let mut steps: Vec<Step> = wire.start().into_iter().map(Step::Send).collect();
        steps.push(Step::Send(wire.text("before ")));
        steps.extend(body.into_iter().map(Step::Send));
        steps.push(Step::Hang);
        let upstream = FakeUpstream::start(Reply::sse(steps)).await;
        let stream = wire.provider(&upstream.base, Duration::from_secs(5)).stream(request()).await.unwrap();
        let (events, error) = drain(stream).await;
        assert_eq!(texts(&events), ["before "]);
        let error = error.expect("an endless event is an error");
        assert_eq!(error.code(), "upstream_malformed", "{error}");
        assert!(error.to_string().contains("16 MiB"), "{error}");
    }
}

pub async fn rejects_a_body_that_is_not_an_event_stream<W: Wire>(wire: W) {
    let (_upstream, result) =
        run(wire, Reply::events(vec!["<html><body>maintenance</body></html>\n".into()])).await;
    let (events, error) = result.unwrap();
    assert!(events.is_empty());
    assert_eq!(error.unwrap().code(), "upstream_incomplete");
}

pub async fn fails_when_the_stream_ends_without_its_end_marker<W: Wire>(wire: W) {
    let mut events = wire.start();
    events.push(wire.text("cut "));
    events.extend(wire.finish(3, 1));
    let (_upstream, result) = run(wire, Reply::events(events)).await;
    let (events, error) = result.unwrap();
    assert_eq!(texts(&events), ["cut "]);
    let error = error.unwrap();
    assert_eq!(error.code(), "upstream_incomplete");
    assert!(error.to_string().contains(wire.marker()), "{error}");
}

pub async fn reports_errors_sent_inside_the_stream<W: Wire>(wire: W) {
    let mut events = wire.start();
    events.push(wire.text("so far "));
    events.push(wire.stream_error("overloaded_error", "Overloaded"));
    let (_upstream, result) = run(wire, Reply::events(events)).await;
    let (events, error) = result.unwrap();
    assert_eq!(texts(&events), ["so far "]);
    let error = error.unwrap();
    assert_eq!(error.code(), "upstream_error");
    assert!(
        matches!(&error, LlmError::UpstreamError { kind: Some(k), message, .. } if k == "overloaded_error" && message == "Overloaded"),
        "{error:?}"
    );
}

pub async fn dropping_the_stream_closes_the_upstream_connection<W: Wire>(wire: W) {
    let mut steps: Vec<Step> = wire.start().into_iter().map(Step::Send).collect();
    steps.push(Step::Send(wire.text("first")));
    steps.push(Step::KeepAlive(Duration::from_millis(20)));
    let upstream = FakeUpstream::start(Reply::sse(steps)).await;
    let provider = wire.provider(&upstream.base, Duration::from_secs(10));
    let mut stream = provider.stream(request()).await.unwrap();
    loop {
        if let StreamEvent::Text(t) = stream.next().await.unwrap().unwrap() {
            assert_eq!(t, "first");
            break;
        }
    }
    assert!(!upstream.saw_disconnect_within(Duration::from_millis(100)).await, "still streaming");
    drop(stream);
    assert!(upstream.saw_disconnect_within(Duration::from_secs(3)).await, "the upstream saw no disconnect");
}

pub async fn reports_a_refused_connection<W: Wire>(wire: W) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = wire.provider(&base, IDLE).stream(request()).await.err().unwrap();
    assert_eq!(error.code(), "upstream_connection", "{error}");
}

macro_rules! shared_suite {
    ($wire:expr) => {
        use super::*;
        #[tokio::test]
        async fn streams_text_then_usage_then_done() {
            super::streams_text_then_usage_then_done($wire).await
        }
        #[tokio::test]
        async fn survives_events_split_across_many_writes() {
            super::survives_events_split_across_many_writes($wire).await
        }
        #[tokio::test]
        async fn reads_crlf_lines_and_skips_comments_and_other_fields() {
            super::reads_crlf_lines_and_skips_comments_and_other_fields($wire).await
        }
        #[tokio::test]
        async fn passes_tool_call_fragments_through() {
            super::passes_tool_call_fragments_through($wire).await
        }
        #[tokio::test]
        async fn reports_upstream_error_statuses_with_their_message() {
            super::reports_upstream_error_statuses_with_their_message($wire).await
        }
        #[tokio::test]
        async fn reports_a_non_json_error_body_as_text() {
            super::reports_a_non_json_error_body_as_text($wire).await
        }
        #[tokio::test]
        async fn fails_when_the_connection_drops_mid_stream() {
            super::fails_when_the_connection_drops_mid_stream($wire).await
        }
        #[tokio::test]
        async fn times_out_when_the_stream_stalls() {
            super::times_out_when_the_stream_stalls($wire).await
        }
        #[tokio::test]
        async fn keep_alive_comments_do_not_count_as_stalls() {
            super::keep_alive_comments_do_not_count_as_stalls($wire).await
        }
        #[tokio::test]
        async fn times_out_when_the_whole_answer_takes_too_long() {
            super::times_out_when_the_whole_answer_takes_too_long($wire).await
        }
        #[tokio::test]
        async fn times_out_when_headers_never_come() {
            super::times_out_when_headers_never_come($wire).await
        }
        #[tokio::test]
        async fn rejects_invalid_json() {
            super::rejects_invalid_json($wire).await
        }
        #[tokio::test]
        async fn refuses_an_event_that_never_ends() {
            super::refuses_an_event_that_never_ends($wire).await
        }
        #[tokio::test]
        async fn rejects_a_body_that_is_not_an_event_stream() {
            super::rejects_a_body_that_is_not_an_event_stream($wire).await
        }
        #[tokio::test]
        async fn fails_when_the_stream_ends_without_its_end_marker() {
            super::fails_when_the_stream_ends_without_its_end_marker($wire).await
        }
        #[tokio::test]
        async fn reports_errors_sent_inside_the_stream() {
            super::reports_errors_sent_inside_the_stream($wire).await
        }
        #[tokio::test]
        async fn dropping_the_stream_closes_the_upstream_connection() {
            super::dropping_the_stream_closes_the_upstream_connection($wire).await
        }
        #[tokio::test]
        async fn reports_a_refused_connection() {
            super::reports_a_refused_connection($wire).await
        }
    };
}

mod openai {
    shared_suite!(OpenAi);
}

mod anthropic {
    shared_suite!(Anthropic);
}

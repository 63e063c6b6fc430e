//! The built-in echo model: chunking, repeats, token counts and the fixed delay schedule.

use std::time::Duration;

use futures::{FutureExt, StreamExt};
use promptdeck_core::MessageRole;
use promptdeck_llm::providers::echo::{answer, chunks};
use promptdeck_llm::{ChatMessage, ChatRequest, EchoProvider, Provider, StreamEvent};
use serde_json::json;
use tokio::time::Instant;

use crate::suite::drain;

fn say(text: &str) -> ChatRequest {
    ChatRequest {
        model: "echo".into(),
        messages: vec![ChatMessage::new(MessageRole::User, text)],
        ..Default::default()
    }
}

fn with(mut req: ChatRequest, key: &str, value: serde_json::Value) -> ChatRequest {
    req.extra.insert(key.into(), value);
    req
}

fn split(text: &str) -> Vec<&str> {
    chunks(text).collect()
}

#[test]
fn chunks_are_words_with_the_white_space_after_them() {
    assert_eq!(split("hello world"), ["hello ", "world"]);
    assert_eq!(split("hello   big\n\nworld \t"), ["hello   ", "big\n\n", "world \t"]);
}

#[test]
fn leading_white_space_is_a_chunk_of_its_own() {
    assert_eq!(split("  indented"), ["  ", "indented"]);
    assert_eq!(split("\n\nx y"), ["\n\n", "x ", "y"]);
    assert_eq!(split("   "), ["   "]);
}

#[test]
fn empty_text_has_no_chunks() {
    assert!(split("").is_empty());
}

#[test]
fn unicode_letters_and_spaces_are_respected() {
    assert_eq!(
        split("héllo wörld\u{3000}日本 語\u{a0}🎉"),
        ["héllo ", "wörld\u{3000}", "日本 ", "語\u{a0}", "🎉"]
    );
}

#[test]
fn chunks_put_back_together_are_the_text() {
    for text in ["", " ", "a", " a b  c\n", "x\r\ny\tz ", "é  ü\u{2003}"] {
        assert_eq!(split(text).concat(), text);
    }
}

#[test]
fn repeats_are_joined_with_one_space_unless_the_text_ends_in_white_space() {
    assert_eq!(answer(&with(say("a b"), "echo_repeat", json!(2))).unwrap(), "a b a b");
    assert_eq!(answer(&with(say("a b\n"), "echo_repeat", json!(3))).unwrap(), "a b\na b\na b\n");
    assert_eq!(answer(&with(say("a"), "echo_repeat", json!("2"))).unwrap(), "a a");
    assert_eq!(answer(&with(say("a"), "echo_repeat", json!(0))).unwrap(), "");
    assert_eq!(answer(&say("once")).unwrap(), "once");
}

#[test]
fn the_answer_is_the_last_user_message() {
    let req = ChatRequest {
        messages: vec![
            ChatMessage::new(MessageRole::User, "first"),
            ChatMessage::new(MessageRole::User, "second"),
            ChatMessage::new(MessageRole::Assistant, "not me"),
        ],
        ..Default::default()
    };
    assert_eq!(answer(&req).unwrap(), "second");
    assert_eq!(answer(&ChatRequest::default()).unwrap(), "");
}

#[test]
fn bad_settings_are_refused() {
    for (key, value) in [
        ("echo_repeat", json!(-1)),
        ("echo_repeat", json!("twice")),
        ("echo_repeat", json!(1.5)),
        ("echo_repeat", json!(1_000_000)),
        ("echo_delay_ms", json!(true)),
        ("echo_delay_ms", json!(3_600_000)),
    ] {
        let err = EchoProvider.stream(with(say("x"), key, value.clone())).now_or_never().unwrap().err();
        let err = err.unwrap_or_else(|| panic!("{key}={value} was accepted"));
        assert_eq!(err.code(), "invalid_request");
        assert!(err.to_string().contains(key), "{err}");
    }
    let huge = with(say(&"word ".repeat(1000)), "echo_repeat", json!(100_000));
    assert_eq!(answer(&huge).unwrap_err().code(), "invalid_request");
}

#[tokio::test]
async fn streams_the_chunks_then_usage_then_done() {
    let req = ChatRequest {
        messages: vec![
            ChatMessage::new(MessageRole::System, "be brief"),
            ChatMessage::new(MessageRole::User, "hello there world"),
            ChatMessage::new(MessageRole::Assistant, "ok"),
            ChatMessage::new(MessageRole::User, " a b"),
        ],
        ..Default::default()
    };
    let (events, error) = drain(EchoProvider.stream(with(req, "echo_repeat", json!(2))).await.unwrap()).await;
    assert_eq!(error, None);
    let text = |s: &str| StreamEvent::Text(s.into());
    assert_eq!(
        events,
        [
            text(" "),
            text("a "),
            text("b  "),
            text("a "),
            text("b"),
            StreamEvent::Usage { input: 8, output: 5 },
            StreamEvent::Done { finish_reason: Some("stop".into()) },
        ]
    );
}

#[tokio::test]
async fn an_empty_answer_still_reports_usage_and_done() {
    let (events, _) = drain(EchoProvider.stream(say("")).await.unwrap()).await;
    assert_eq!(
        events,
        [
            StreamEvent::Usage { input: 0, output: 0 },
            StreamEvent::Done { finish_reason: Some("stop".into()) }
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn without_a_delay_every_event_is_ready_at_once() {
    let start = Instant::now();
    let mut stream = EchoProvider.stream(say(&"w ".repeat(50))).await.unwrap();
    let mut count = 0;
    while let Some(item) = stream.next().now_or_never().expect("an echo event waited") {
        item.unwrap();
        count += 1;
    }
    assert_eq!(count, 52);
    assert_eq!(Instant::now(), start);
}

async fn arrival_times(req: ChatRequest, pause_after_first: Option<Duration>) -> Vec<u128> {
    let start = Instant::now();
    let mut stream = EchoProvider.stream(req).await.unwrap();
    let mut times = Vec::new();
    while let Some(item) = stream.next().await {
        if let StreamEvent::Text(_) = item.unwrap() {
            times.push((Instant::now() - start).as_millis());
            if times.len() == 1
                && let Some(pause) = pause_after_first
            {
                tokio::time::sleep(pause).await;
            }
        }
    }
    times
}

#[tokio::test(start_paused = true)]
async fn chunks_follow_a_fixed_schedule() {
    let req = with(say("one two three four five"), "echo_delay_ms", json!(100));
    assert_eq!(arrival_times(req, None).await, [100, 200, 300, 400, 500]);
}

#[tokio::test(start_paused = true)]
async fn a_late_reader_catches_up_without_drift() {
    let req = with(say("one two three four five"), "echo_delay_ms", json!(100));
    assert_eq!(arrival_times(req, Some(Duration::from_millis(350))).await, [100, 450, 450, 450, 500]);
}

fn capped(req: ChatRequest, max: usize) -> ChatRequest {
    ChatRequest { max_answer_bytes: Some(max), ..req }
}

#[test]
fn with_a_size_limit_only_one_character_past_it_is_generated() {
    // 8 KiB repeated 2,047 times would be 16 MiB: with a 1 KiB limit only 1 KiB + 1 is made.
    let big = with(say(&"w".repeat(8 * 1024)), "echo_repeat", json!(2047));
    assert_eq!(answer(&capped(big, 1024)).unwrap(), "w".repeat(1025));
    // Past the limit inside a multi-byte character: the whole character.
    assert_eq!(answer(&capped(say("aé"), 1)).unwrap(), "aé");
    // An answer within the limit is whole.
    assert_eq!(answer(&capped(with(say("a b"), "echo_repeat", json!(2)), 7)).unwrap(), "a b a b");
    // The limit replaces the fixed refusal of huge answers.
    let huge = with(say(&"word ".repeat(1000)), "echo_repeat", json!(100_000));
    assert_eq!(answer(&capped(huge, 10)).unwrap(), "word word w");
}

#[tokio::test]
async fn a_cut_answer_finishes_with_the_reason_length() {
    let req = capped(with(say("a b"), "echo_repeat", json!(3)), 4);
    let (events, error) = drain(EchoProvider.stream(req).await.unwrap()).await;
    assert_eq!(error, None);
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "a b a");
    assert_eq!(events.last(), Some(&StreamEvent::Done { finish_reason: Some("length".into()) }));
}

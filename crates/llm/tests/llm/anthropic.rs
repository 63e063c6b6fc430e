//! What only the Anthropic provider does: system messages, headers, `max_tokens`, tool shapes
//! and events it must skip.

use std::time::Duration;

use promptdeck_core::MessageRole;
use promptdeck_llm::{AnthropicProvider, ChatMessage, HttpSettings, Provider, RequestKey, StreamEvent};
use serde_json::json;

use crate::fake_upstream::{FakeUpstream, Reply};
use crate::suite::{drain, request};
use crate::wire::{Anthropic, Wire};

#[tokio::test]
async fn a_key_given_with_the_request_is_sent_instead_of_the_configured_one() {
    let upstream = FakeUpstream::start(Reply::events(Anthropic.answer(&["hi"], 1, 1))).await;
    let provider =
        AnthropicProvider::new("anthropic", HttpSettings::new(&upstream.base, Some("sk-operator".into())))
            .unwrap();
    let mut req = request();
    req.api_key = Some(RequestKey::new("sk-viewer"));
    let (_, error) = drain(provider.stream(req).await.unwrap()).await;
    assert_eq!(error, None);
    assert_eq!(upstream.request().headers["x-api-key"], "sk-viewer");
}

#[tokio::test]
async fn sends_system_messages_at_the_top_and_a_default_max_tokens() {
    let upstream = FakeUpstream::start(Reply::events(Anthropic.answer(&["hi"], 1, 1))).await;
    let provider =
        AnthropicProvider::new("anthropic", HttpSettings::new(&upstream.base, Some("sk-ant".into())))
            .unwrap();
    let mut req = request();
    req.messages.insert(1, ChatMessage::new(MessageRole::System, "Use French."));
    req.messages.push(ChatMessage::new(MessageRole::Assistant, "Bonjour"));
    req.top_k = Some(5);
    req.extra.insert("stop".into(), json!("END"));
    req.tools = Some(json!([{"type":"function","function":{"name":"get_weather","description":"Weather",
        "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]));
    req.extra.insert("tool_choice".into(), json!("required"));
    let (_, error) = drain(provider.stream(req).await.unwrap()).await;
    assert_eq!(error, None);
    let sent = upstream.request();
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.headers["x-api-key"], "sk-ant");
    assert_eq!(sent.headers["anthropic-version"], "2023-06-01");
    assert!(sent.headers.get("authorization").is_none());
    assert_eq!(
        sent.body,
        json!({
            "model": "upstream-model",
            "max_tokens": 4096,
            "system": "Be brief.\n\nUse French.",
            "messages": [{"role":"user","content":"Say hello"},{"role":"assistant","content":"Bonjour"}],
            "stream": true,
            "top_k": 5,
            "stop_sequences": ["END"],
            "tools": [{"name":"get_weather","description":"Weather",
                "input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
            "tool_choice": {"type": "any"},
        })
    );
}

#[tokio::test]
async fn uses_the_requested_max_tokens() {
    let upstream = FakeUpstream::start(Reply::events(Anthropic.answer(&["hi"], 1, 1))).await;
    let provider = AnthropicProvider::new("anthropic", HttpSettings::new(&upstream.base, None))
        .unwrap()
        .with_default_max_tokens(100);
    drain(provider.stream(request()).await.unwrap()).await;
    let mut req = request();
    req.max_tokens = Some(7);
    drain(provider.stream(req).await.unwrap()).await;
    let sent = upstream.requests();
    assert_eq!(sent[0].body["max_tokens"], 100);
    assert_eq!(sent[1].body["max_tokens"], 7);
    assert!(sent[0].body.get("system").is_some());
}

#[tokio::test]
async fn skips_thinking_and_unknown_events() {
    let mut events = Anthropic.start();
    events.push("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}\n\n".into());
    events.push("event: brand_new_event\ndata: {\"type\":\"brand_new_event\"}\n\n".into());
    events.push(Anthropic.text("answer"));
    events.extend(Anthropic.finish(25, 2));
    events.push(Anthropic.terminator());
    let upstream = FakeUpstream::start(Reply::events(events)).await;
    let provider = Anthropic.provider(&upstream.base, Duration::from_secs(5));
    let (events, error) = drain(provider.stream(request()).await.unwrap()).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        [
            StreamEvent::Text("answer".into()),
            StreamEvent::Usage { input: 25, output: 2 },
            StreamEvent::Done { finish_reason: Some("end_turn".into()) },
        ]
    );
}

#[tokio::test]
async fn takes_input_tokens_from_message_start() {
    let mut events = Anthropic.start();
    events.push(Anthropic.text("x"));
    events.push("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":9}}\n\n".into());
    events.push(Anthropic.terminator());
    let upstream = FakeUpstream::start(Reply::events(events)).await;
    let (events, _) =
        drain(Anthropic.provider(&upstream.base, Duration::from_secs(5)).stream(request()).await.unwrap())
            .await;
    assert_eq!(events[1], StreamEvent::Usage { input: 25, output: 9 });
    assert_eq!(events[2], StreamEvent::Done { finish_reason: Some("max_tokens".into()) });
}

#[tokio::test]
async fn takes_the_kind_from_the_event_name_when_the_data_has_no_type() {
    let mut events = Anthropic.start();
    events.push("event: content_block_delta\ndata: {\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"named\"}}\n\n".into());
    events.push("data: {\"index\":0}\n\n".into());
    let upstream = FakeUpstream::start(Reply::events(events)).await;
    let provider = Anthropic.provider(&upstream.base, Duration::from_secs(5));
    let (events, error) = drain(provider.stream(request()).await.unwrap()).await;
    assert_eq!(events, [StreamEvent::Text("named".into())]);
    let error = error.expect("an event with neither a name nor a type is an error");
    assert_eq!(error.code(), "upstream_malformed");
    assert!(error.to_string().contains("neither a name nor a type"), "{error}");
}

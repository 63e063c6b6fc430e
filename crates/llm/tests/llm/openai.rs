//! What only the OpenAI-compatible provider does: the request it sends and its headers.

use std::time::Duration;

use promptdeck_llm::{HttpSettings, OpenAiProvider, Provider, RequestKey, StreamEvent};
use serde_json::json;

use crate::fake_upstream::{FakeUpstream, Reply};
use crate::suite::{drain, request};
use crate::wire::{OpenAi, Wire};

async fn send(
    provider: OpenAiProvider,
    upstream: &FakeUpstream,
    req: promptdeck_llm::ChatRequest,
) -> Vec<StreamEvent> {
    let (events, error) = drain(provider.stream(req).await.unwrap()).await;
    assert_eq!(error, None);
    assert_eq!(upstream.requests().len(), 1);
    events
}

#[tokio::test]
async fn sends_a_streaming_chat_completion_request() {
    let upstream = FakeUpstream::start(Reply::events(OpenAi.answer(&["hi"], 1, 1))).await;
    let provider = OpenAiProvider::new(
        "local",
        HttpSettings::new(format!("{}/v1/", upstream.base), Some("sk-test".into())),
    )
    .unwrap();
    let mut req = request();
    req.temperature = Some(0.5);
    req.max_tokens = Some(64);
    req.top_p = Some(0.9);
    req.tools =
        Some(json!([{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]));
    req.extra.insert("tool_choice".into(), json!("auto"));
    req.extra.insert("seed".into(), json!(7));
    req.extra.insert("echo_repeat".into(), json!(3));
    req.extra.insert("extra_body".into(), json!({"repetition_penalty": 1.1}));
    send(provider, &upstream, req).await;
    let sent = upstream.request();
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.headers["authorization"], "Bearer sk-test");
    assert_eq!(sent.headers["content-type"], "application/json");
    assert_eq!(
        sent.body,
        json!({
            "model": "upstream-model",
            "messages": [{"role":"system","content":"Be brief."},{"role":"user","content":"Say hello"}],
            "stream": true,
            "stream_options": {"include_usage": true},
            "temperature": 0.5,
            "max_tokens": 64,
            "top_p": 0.9,
            "tools": [{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
            "tool_choice": "auto",
            "seed": 7,
            "repetition_penalty": 1.1,
        })
    );
}

#[tokio::test]
async fn a_key_given_with_the_request_is_sent_instead_of_the_configured_one() {
    let upstream = FakeUpstream::start(Reply::events(OpenAi.answer(&["hi"], 1, 1))).await;
    let provider = OpenAiProvider::new(
        "local",
        HttpSettings::new(format!("{}/v1/", upstream.base), Some("sk-operator".into())),
    )
    .unwrap();
    let mut req = request();
    req.api_key = Some(RequestKey::new("sk-viewer"));
    assert!(!format!("{req:?}").contains("sk-viewer"), "the key never shows in Debug");
    send(provider, &upstream, req).await;
    assert_eq!(upstream.request().headers["authorization"], "Bearer sk-viewer");
}

#[tokio::test]
async fn leaves_out_the_key_and_tool_settings_when_there_are_none() {
    let upstream = FakeUpstream::start(Reply::events(OpenAi.answer(&["hi"], 1, 1))).await;
    let provider =
        OpenAiProvider::new("ollama", HttpSettings::new(format!("{}/v1", upstream.base), None)).unwrap();
    let mut req = request();
    req.extra.insert("tool_choice".into(), json!("auto"));
    send(provider, &upstream, req).await;
    let sent = upstream.request();
    assert!(sent.headers.get("authorization").is_none());
    assert!(sent.body.get("tool_choice").is_none());
    assert!(sent.body.get("tools").is_none());
}

#[tokio::test]
async fn can_send_max_completion_tokens_for_newer_openai_models() {
    let upstream = FakeUpstream::start(Reply::events(OpenAi.answer(&["hi"], 1, 1))).await;
    let provider = OpenAiProvider::new("openai", HttpSettings::new(format!("{}/v1", upstream.base), None))
        .unwrap()
        .with_max_completion_tokens(true);
    let mut req = request();
    req.max_tokens = Some(10);
    send(provider, &upstream, req).await;
    let body = upstream.request().body;
    assert_eq!(body["max_completion_tokens"], 10);
    assert!(body.get("max_tokens").is_none());
}

#[tokio::test]
async fn passes_tool_call_deltas_through_unchanged() {
    let mut events = OpenAi.start();
    events.extend(OpenAi.tool_call());
    events.push(OpenAi.terminator());
    let upstream = FakeUpstream::start(Reply::events(events)).await;
    let provider = OpenAi.provider(&upstream.base, Duration::from_secs(5));
    let (events, _) = drain(provider.stream(request()).await.unwrap()).await;
    assert_eq!(
        events[0],
        StreamEvent::ToolUpdate(
            json!({"index":0,"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":""}})
        )
    );
    assert_eq!(events[1], StreamEvent::ToolUpdate(json!({"index":0,"function":{"arguments":"{\"city\":"}})));
}

#[tokio::test]
async fn a_stream_without_usage_still_completes() {
    let mut events = OpenAi.start();
    events.push(OpenAi.text("no usage"));
    events.push("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n".into());
    events.push(OpenAi.terminator());
    let upstream = FakeUpstream::start(Reply::events(events)).await;
    let (events, error) =
        drain(OpenAi.provider(&upstream.base, Duration::from_secs(5)).stream(request()).await.unwrap()).await;
    assert_eq!(error, None);
    assert_eq!(
        events,
        [StreamEvent::Text("no usage".into()), StreamEvent::Done { finish_reason: Some("length".into()) }]
    );
}

//! The two wire formats, shaped as in the vendors' documentation, behind one trait so the
//! shared suite can run against both providers.

use std::sync::Arc;
use std::time::Duration;

use promptdeck_llm::{AnthropicProvider, HttpSettings, OpenAiProvider, Provider};
use serde_json::json;

/// What the shared suite needs to know about a provider's wire format.
pub trait Wire: Copy {
    /// The provider built against a fake upstream at `base`, with settings changed by `edit`.
    fn provider_with(self, base: &str, edit: impl FnOnce(&mut HttpSettings)) -> Arc<dyn Provider>;
    /// The request path.
    fn path(self) -> &'static str;
    /// Events before the first text.
    fn start(self) -> Vec<String>;
    /// One text delta event.
    fn text(self, text: &str) -> String;
    /// Events after the last text and before the terminator, reporting usage.
    fn finish(self, input: i64, output: i64) -> Vec<String>;
    /// The end marker event.
    fn terminator(self) -> String;
    /// The end marker's name.
    fn marker(self) -> &'static str;
    /// A tool call of `get_weather` whose arguments `{"city":"Paris"}` arrive in two fragments,
    /// with its finish events (without terminator).
    fn tool_call(self) -> Vec<String>;
    /// A data event whose JSON is broken.
    fn broken_json(self) -> String;
    /// An error reported inside the stream.
    fn stream_error(self, kind: &str, message: &str) -> String;
    /// An HTTP error body.
    fn error_body(self, message: &str) -> String;
    /// The finish reason of a normal answer.
    fn stop_reason(self) -> &'static str;
    /// The finish reason of a tool call.
    fn tool_reason(self) -> &'static str;

    /// The provider built against a fake upstream at `base`, with this idle timeout.
    fn provider(self, base: &str, idle: Duration) -> Arc<dyn Provider> {
        self.provider_with(base, |s| s.idle_timeout = idle)
    }

    /// A whole normal answer.
    fn answer(self, texts: &[&str], input: i64, output: i64) -> Vec<String> {
        let mut events = self.start();
        events.extend(texts.iter().map(|t| self.text(t)));
        events.extend(self.finish(input, output));
        events.push(self.terminator());
        events
    }
}

fn settings(base: &str, edit: impl FnOnce(&mut HttpSettings)) -> HttpSettings {
    let mut s = HttpSettings::new(base, Some("test-key".into()));
    s.connect_timeout = Duration::from_secs(2);
    s.idle_timeout = Duration::from_secs(5);
    edit(&mut s);
    s
}

#[derive(Debug, Clone, Copy)]
pub struct OpenAi;

fn chunk(choices: serde_json::Value) -> String {
    let c = json!({
        "id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1_694_268_190,
        "model": "gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices": choices, "usage": null,
    });
    format!("data: {c}\n\n")
}

impl Wire for OpenAi {
    fn provider_with(self, base: &str, edit: impl FnOnce(&mut HttpSettings)) -> Arc<dyn Provider> {
        Arc::new(OpenAiProvider::new("openai", settings(&format!("{base}/v1"), edit)).unwrap())
    }
    fn path(self) -> &'static str {
        "/v1/chat/completions"
    }
    fn start(self) -> Vec<String> {
        vec![chunk(
            json!([{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]),
        )]
    }
    fn text(self, text: &str) -> String {
        chunk(json!([{"index":0,"delta":{"content":text},"logprobs":null,"finish_reason":null}]))
    }
    fn finish(self, input: i64, output: i64) -> Vec<String> {
        let usage = json!({
            "id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1_694_268_190,
            "model": "gpt-4o-mini", "choices": [],
            "usage": {"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output},
        });
        vec![
            chunk(json!([{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}])),
            format!("data: {usage}\n\n"),
        ]
    }
    fn terminator(self) -> String {
        "data: [DONE]\n\n".into()
    }
    fn marker(self) -> &'static str {
        "[DONE]"
    }
    fn tool_call(self) -> Vec<String> {
        vec![
            chunk(json!([{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[
                {"index":0,"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":""}}
            ]},"logprobs":null,"finish_reason":null}])),
            chunk(
                json!([{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"logprobs":null,"finish_reason":null}]),
            ),
            chunk(
                json!([{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"logprobs":null,"finish_reason":null}]),
            ),
            chunk(json!([{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}])),
        ]
    }
    fn broken_json(self) -> String {
        "data: {\"id\":\"chatcmpl-123\",\"choices\":[{\"delta\":{\"content\":\"oops\n\n".into()
    }
    fn stream_error(self, kind: &str, message: &str) -> String {
        format!("data: {}\n\n", json!({"error": {"message": message, "type": kind, "code": 502}}))
    }
    fn error_body(self, message: &str) -> String {
        json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": null}})
            .to_string()
    }
    fn stop_reason(self) -> &'static str {
        "stop"
    }
    fn tool_reason(self) -> &'static str {
        "tool_calls"
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Anthropic;

fn event(name: &str, data: serde_json::Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

impl Wire for Anthropic {
    fn provider_with(self, base: &str, edit: impl FnOnce(&mut HttpSettings)) -> Arc<dyn Provider> {
        Arc::new(AnthropicProvider::new("anthropic", settings(base, edit)).unwrap())
    }
    fn path(self) -> &'static str {
        "/v1/messages"
    }
    fn start(self) -> Vec<String> {
        vec![
            event(
                "message_start",
                json!({"type":"message_start","message":{
                "id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],
                "model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,
                "usage":{"input_tokens":25,"output_tokens":1}}}),
            ),
            event(
                "content_block_start",
                json!({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}),
            ),
            "event: ping\ndata: {\"type\": \"ping\"}\n\n".into(),
        ]
    }
    fn text(self, text: &str) -> String {
        event(
            "content_block_delta",
            json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":text}}),
        )
    }
    fn finish(self, input: i64, output: i64) -> Vec<String> {
        vec![
            event("content_block_stop", json!({"type":"content_block_stop","index":0})),
            event(
                "message_delta",
                json!({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},
                "usage":{"input_tokens":input,"output_tokens":output}}),
            ),
        ]
    }
    fn terminator(self) -> String {
        event("message_stop", json!({"type":"message_stop"}))
    }
    fn marker(self) -> &'static str {
        "message_stop"
    }
    fn tool_call(self) -> Vec<String> {
        vec![
            event(
                "content_block_start",
                json!({"type":"content_block_start","index":0,"content_block":{
                "type":"tool_use","id":"call_abc123","name":"get_weather","input":{}}}),
            ),
            event(
                "content_block_delta",
                json!({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}),
            ),
            event(
                "content_block_delta",
                json!({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}),
            ),
            event(
                "content_block_delta",
                json!({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}),
            ),
            event("content_block_stop", json!({"type":"content_block_stop","index":0})),
            event(
                "message_delta",
                json!({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}),
            ),
        ]
    }
    fn broken_json(self) -> String {
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\n\n"
            .into()
    }
    fn stream_error(self, kind: &str, message: &str) -> String {
        format!(
            "event: error\ndata: {}\n\n",
            json!({"type": "error", "error": {"type": kind, "message": message}})
        )
    }
    fn error_body(self, message: &str) -> String {
        json!({"type": "error", "error": {"type": "invalid_request_error", "message": message}}).to_string()
    }
    fn stop_reason(self) -> &'static str {
        "end_turn"
    }
    fn tool_reason(self) -> &'static str {
        "tool_use"
    }
}

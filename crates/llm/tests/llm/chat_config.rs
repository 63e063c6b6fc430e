//! Building requests from the seed's `chat_config` and from stored prompt settings.

use promptdeck_core::{MessageRole, PromptSettings};
use promptdeck_llm::{ChatMessage, ChatRequest};
use serde_json::{Value, json};

fn parse(config: Value) -> Result<(String, ChatRequest), String> {
    ChatRequest::from_chat_config(&config).map_err(|e| {
        assert_eq!(e.code(), "invalid_request");
        assert!(e.is_caller_error());
        e.to_string()
    })
}

#[test]
fn a_full_chat_config_becomes_a_request() {
    let tools = json!([{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]);
    let (model_id, req) = parse(json!({
        "model_id": "echo",
        "messages": [
            {"role": "system", "content": "be kind"},
            {"role": "user", "content": [{"type":"text","text":"hi "}, {"type":"text","text":"there"}]},
            {"role": "assistant", "content": null},
        ],
        "stream": true,
        "temperature": 0.5,
        "max_tokens": 100,
        "top_p": 1,
        "top_k": 3,
        "tools": tools,
        "echo_repeat": 2,
        "seed": null,
    }))
    .unwrap();
    assert_eq!(model_id, "echo");
    assert_eq!(req.model, "echo");
    assert_eq!(
        req.messages,
        [
            ChatMessage::new(MessageRole::System, "be kind"),
            ChatMessage::new(MessageRole::User, "hi there"),
            ChatMessage::new(MessageRole::Assistant, ""),
        ]
    );
    assert_eq!(
        (req.temperature, req.max_tokens, req.top_p, req.top_k),
        (Some(0.5), Some(100), Some(1.0), Some(3))
    );
    assert_eq!(req.tools, Some(tools));
    assert_eq!(Value::Object(req.extra), json!({"echo_repeat": 2}));
}

#[test]
fn a_missing_or_empty_model_id_is_refused() {
    let messages = json!([{"role":"user","content":"x"}]);
    assert_eq!(parse(json!({"messages": messages})).unwrap_err(), "chat_config.model_id is required");
    assert_eq!(
        parse(json!({"model_id": " ", "messages": messages})).unwrap_err(),
        "chat_config.model_id is required"
    );
    assert_eq!(
        parse(json!({"model_id": 4, "messages": messages})).unwrap_err(),
        "chat_config.model_id must be a string"
    );
    assert_eq!(parse(json!("echo")).unwrap_err(), "chat_config must be a JSON object");
}

#[test]
fn missing_or_invalid_messages_are_refused() {
    assert_eq!(parse(json!({"model_id": "echo"})).unwrap_err(), "chat_config.messages is required");
    assert_eq!(
        parse(json!({"model_id": "echo", "messages": "hi"})).unwrap_err(),
        "chat_config.messages must be an array"
    );
    let err = parse(json!({"model_id": "echo", "messages": [{"content": "x"}]})).unwrap_err();
    assert_eq!(err, "chat_config.messages[0].role is required");
    let err = parse(json!({"model_id": "echo", "messages": [{"role":"user","content":"x"},{"role":"robot","content":"x"}]}))
        .unwrap_err();
    assert!(err.starts_with("chat_config.messages[1].role: unknown value `robot`"), "{err}");
    assert!(err.contains("system, user, assistant"), "{err}");
    let err = parse(json!({"model_id": "echo", "messages": [{"role":"user","content":5}]})).unwrap_err();
    assert_eq!(err, "chat_config.messages[0].content must be a string");
}

#[test]
fn settings_of_the_wrong_type_are_refused() {
    let base = |key: &str, value: Value| {
        let mut c = json!({"model_id":"echo","messages":[]});
        c[key] = value;
        c
    };
    assert_eq!(parse(base("temperature", json!("hot"))).unwrap_err(), "temperature must be a number");
    assert_eq!(
        parse(base("max_tokens", json!(-1))).unwrap_err(),
        "max_tokens must be a non-negative integer"
    );
    assert_eq!(parse(base("top_k", json!(1.5))).unwrap_err(), "top_k must be a non-negative integer");
    let (_, req) = parse(base("tools", json!(["search"]))).unwrap();
    assert_eq!(req.tools, None);
    assert_eq!(req.extra["tools"], json!(["search"]));
}

#[test]
fn model_defaults_fill_only_what_the_request_leaves_unset() {
    let (_, mut req) = parse(json!({"model_id":"m","messages":[],"temperature":0.9,"seed":1})).unwrap();
    let defaults = json!({"temperature":0.1,"max_tokens":50,"seed":2,"echo_delay_ms":5});
    req.apply_defaults(defaults.as_object().unwrap()).unwrap();
    assert_eq!((req.temperature, req.max_tokens), (Some(0.9), Some(50)));
    assert_eq!(Value::Object(req.extra), json!({"seed":1,"echo_delay_ms":5}));
}

#[test]
fn prompt_settings_become_a_request() {
    let mut settings = PromptSettings::for_model("gpt-4o-mini");
    settings.temperature = Some(0.3);
    settings.max_tokens = Some(20);
    settings.tool_choice = Some("auto".into());
    settings.tools = Some(vec!["search".into()]);
    settings.extra.insert("echo_repeat".into(), json!(3));
    let req = ChatRequest::from_settings(&settings, vec![ChatMessage::new(MessageRole::User, "q")]);
    assert_eq!(req.model, "gpt-4o-mini");
    assert_eq!((req.temperature, req.max_tokens, req.tools.clone()), (Some(0.3), Some(20), None));
    assert_eq!(
        Value::Object(req.extra),
        json!({"echo_repeat":3,"tool_choice":"auto","tool_names":["search"]})
    );
}

//! The model catalogue: the TOML file, the environment shortcuts, resolving, prices and listing.

use std::collections::HashMap;

use promptdeck_llm::catalogue::file;
use promptdeck_llm::{Catalogue, ChatRequest, LlmError, StreamEvent};
use serde_json::json;

use crate::fake_upstream::{FakeUpstream, Reply};
use crate::suite::{drain, request};
use crate::wire::{OpenAi, Wire};

const EXAMPLE: &str = include_str!("../../models.example.toml");

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn from_toml(text: &str, vars: &[(&str, &str)]) -> Result<Catalogue, LlmError> {
    let mut catalogue = Catalogue::new();
    file::apply(&mut catalogue, text, &env(vars))?;
    Ok(catalogue)
}

fn ids(catalogue: &Catalogue) -> Vec<&str> {
    catalogue.models().iter().map(|m| m.id.as_str()).collect()
}

#[test]
fn echo_is_always_there_and_free() {
    let catalogue = Catalogue::load(None, &HashMap::new()).unwrap();
    assert_eq!(ids(&catalogue), ["echo"]);
    let (entry, provider) = catalogue.resolve("echo").unwrap();
    assert_eq!(provider.name(), "echo");
    assert_eq!((entry.input_price, entry.output_price), (0.0, 0.0));
    assert_eq!(catalogue.cost("echo", 1_000_000, 1_000_000), 0.0);
}

#[test]
fn the_example_file_loads() {
    let catalogue = from_toml(EXAMPLE, &[("OPENAI_API_KEY", "sk-1"), ("ANTHROPIC_API_KEY", "sk-2")]).unwrap();
    assert_eq!(ids(&catalogue), ["echo", "gpt-4o-mini", "claude-sonnet", "llama-local", "echo-slow"]);
    let (sonnet, provider) = catalogue.resolve("claude-sonnet").unwrap();
    assert_eq!(provider.name(), "anthropic");
    assert_eq!(sonnet.upstream, "claude-sonnet-4-5");
    assert_eq!(sonnet.context_window, Some(200_000));
    assert_eq!(sonnet.display_name.as_deref(), Some("Claude Sonnet 4.5"));
    let (llama, provider) = catalogue.resolve("llama-local").unwrap();
    assert_eq!(provider.name(), "ollama");
    assert_eq!((llama.upstream.as_str(), llama.input_price), ("llama3.2", 0.0));
    assert_eq!(llama.defaults.get("temperature"), Some(&json!(0.2)));
    assert_eq!(catalogue.resolve("gpt-4o-mini").unwrap().0.upstream, "gpt-4o-mini");
}

#[test]
fn cost_uses_the_prices_per_million_tokens() {
    let catalogue = from_toml(EXAMPLE, &[("OPENAI_API_KEY", "k"), ("ANTHROPIC_API_KEY", "k")]).unwrap();
    assert!((catalogue.cost("gpt-4o-mini", 1_000_000, 1_000_000) - 0.75).abs() < 1e-12);
    assert!((catalogue.cost("claude-sonnet", 2_000, 1_000) - 0.021).abs() < 1e-12);
    assert_eq!(catalogue.cost("no-such-model", 10, 10), 0.0);
}

#[test]
fn an_unknown_model_is_an_error_naming_the_known_ones() {
    let err = Catalogue::new().resolve("gpt-9").err().unwrap();
    assert_eq!(err.code(), "unknown_model");
    assert!(err.is_caller_error());
    assert_eq!(err.to_string(), "unknown model `gpt-9`; configured models: echo");
}

#[test]
fn configuration_mistakes_are_explained() {
    let cases = [
        ("[[models]]\nid = \"m\"\nprovider = \"nowhere\"\n", "names provider `nowhere`"),
        ("[providers.p]\nkind = \"openai\"\napi_key_env = \"MISSING_KEY\"\n", "MISSING_KEY is not set"),
        ("[providers.p]\nkind = \"openai\"\nbase_urll = \"http://x\"\n", "base_urll"),
        ("[providers.p]\nkind = \"gemini\"\n", "gemini"),
        ("[providers.p]\nkind = \"openai\"\nbase_url = \"not a url\"\n", "is not a URL"),
        ("[providers.echo]\nkind = \"openai\"\n", "reserved"),
        ("[[models]]\nid = \"echo\"\nprovider = \"echo\"\n", "reserved"),
        (
            "[[models]]\nid = \"a\"\nprovider = \"echo\"\n[[models]]\nid = \"a\"\nprovider = \"echo\"\n",
            "listed twice",
        ),
        ("[[models]]\nid = \"a\"\nprovider = \"echo\"\ninput_price = -1.0\n", "input_price"),
        ("[[models]]\nprovider = \"echo\"\n", "id"),
        ("models = 3", "models"),
        (
            "[[models]]\nid = \"a\"\nprovider = \"echo\"\ndefaults = { temperature = \"hot\" }\n",
            "temperature must be a number",
        ),
    ];
    for (text, expected) in cases {
        let err = from_toml(text, &[]).err().unwrap_or_else(|| panic!("accepted:\n{text}"));
        assert_eq!(err.code(), "provider_config", "{text}");
        assert!(err.to_string().contains(expected), "{text}\n→ {err}");
    }
}

#[test]
fn openai_api_key_adds_the_common_openai_models() {
    let catalogue = Catalogue::load(None, &env(&[("OPENAI_API_KEY", "sk-test")])).unwrap();
    let (entry, provider) = catalogue.resolve("gpt-4o-mini").unwrap();
    assert_eq!(provider.name(), "openai");
    assert_eq!((entry.input_price, entry.output_price), (0.15, 0.60));
    assert!(catalogue.get("gpt-4.1").is_some());
    assert!(catalogue.get("claude-sonnet-4-5").is_none());
}

#[test]
fn anthropic_api_key_adds_the_common_anthropic_models() {
    let catalogue = Catalogue::load(None, &env(&[("ANTHROPIC_API_KEY", "sk-ant")])).unwrap();
    let (entry, provider) = catalogue.resolve("claude-sonnet-4-5").unwrap();
    assert_eq!(provider.name(), "anthropic");
    assert_eq!((entry.input_price, entry.output_price), (3.0, 15.0));
    assert!(catalogue.get("gpt-4o").is_none());
}

#[test]
fn a_compatible_base_url_takes_its_own_model_list() {
    let vars = env(&[
        ("PROMPTDECK_OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"),
        ("PROMPTDECK_OPENAI_MODELS", "llama3.2, qwen2.5 ,gpt-4o-mini"),
    ]);
    let catalogue = Catalogue::load(None, &vars).unwrap();
    assert_eq!(ids(&catalogue), ["echo", "llama3.2", "qwen2.5", "gpt-4o-mini"]);
    assert_eq!(catalogue.resolve("llama3.2").unwrap().1.name(), "openai");
    assert_eq!(catalogue.cost("llama3.2", 1_000_000, 0), 0.0);
    let only_url =
        Catalogue::load(None, &env(&[("PROMPTDECK_OPENAI_BASE_URL", "http://127.0.0.1:1/v1")])).unwrap();
    assert_eq!(ids(&only_url), ["echo"]);
    assert!(only_url.provider("openai").is_some());
}

#[test]
fn the_file_overrides_the_environment() {
    let path = std::env::temp_dir().join(format!("promptdeck-llm-test-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "[[models]]\nid = \"gpt-4o-mini\"\nprovider = \"openai\"\ninput_price = 1.0\noutput_price = 2.0\n",
    )
    .unwrap();
    let catalogue = Catalogue::load(Some(&path), &env(&[("OPENAI_API_KEY", "k")]));
    std::fs::remove_file(&path).unwrap();
    let catalogue = catalogue.unwrap();
    let entry = catalogue.get("gpt-4o-mini").unwrap();
    assert_eq!((entry.input_price, entry.output_price), (1.0, 2.0));
    let missing = std::env::temp_dir().join("promptdeck-llm-no-such-file.toml");
    let err = Catalogue::load(Some(&missing), &HashMap::new()).err().unwrap();
    assert_eq!(err.code(), "provider_config");
    assert!(err.to_string().contains("promptdeck-llm-no-such-file.toml"), "{err}");
}

#[test]
fn the_listing_shows_prices_but_no_secrets_or_defaults() {
    let catalogue =
        from_toml(EXAMPLE, &[("OPENAI_API_KEY", "sk-secret"), ("ANTHROPIC_API_KEY", "sk-secret")]).unwrap();
    let listing = serde_json::to_value(catalogue.models()).unwrap();
    assert_eq!(
        listing[1],
        json!({"id":"gpt-4o-mini","provider":"openai","upstream":"gpt-4o-mini","input_price":0.15,
            "output_price":0.6,"display_name":"GPT-4o mini","context_window":128000})
    );
    let text = listing.to_string();
    assert!(!text.contains("sk-secret") && !text.contains("echo_delay_ms") && !text.contains("11434"));
}

#[tokio::test]
async fn streaming_through_the_catalogue_uses_the_upstream_name_and_model_defaults() {
    let upstream = FakeUpstream::start(Reply::events(OpenAi.answer(&["hi"], 1, 1))).await;
    let toml = format!(
        "[providers.local]\nkind = \"openai\"\nbase_url = \"{}/v1\"\nidle_timeout_ms = 5000\n\n\
         [[models]]\nid = \"local-llama\"\nprovider = \"local\"\nupstream = \"llama3.2\"\n\
         defaults = {{ temperature = 0.2, seed = 1 }}\n\n\
         [[models]]\nid = \"echo-twice\"\nprovider = \"echo\"\ndefaults = {{ echo_repeat = 2 }}\n",
        upstream.base
    );
    let catalogue = from_toml(&toml, &[]).unwrap();
    let mut req = request();
    req.extra.insert("seed".into(), json!(42));
    let (events, error) = drain(catalogue.stream("local-llama", req).await.unwrap()).await;
    assert_eq!(error, None);
    assert_eq!(events[0], StreamEvent::Text("hi".into()));
    let body = upstream.request().body;
    assert_eq!(body["model"], "llama3.2");
    assert_eq!(body["seed"], 42, "a request's own setting wins over the model default");
    assert_eq!(body["temperature"], 0.2);

    let (_, req) = ChatRequest::from_chat_config(
        &json!({"model_id":"echo-twice","messages":[{"role":"user","content":"hey"}]}),
    )
    .unwrap();
    let (events, _) = drain(catalogue.stream("echo-twice", req).await.unwrap()).await;
    assert_eq!(events[..2], [StreamEvent::Text("hey ".into()), StreamEvent::Text("hey".into())]);
}

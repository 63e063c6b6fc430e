//! Environment shortcuts, so a server runs real models without a TOML file:
//!
//! | variable | effect |
//! |---|---|
//! | `OPENAI_API_KEY` | provider `openai` at `https://api.openai.com/v1` with [`OPENAI_MODELS`] |
//! | `PROMPTDECK_OPENAI_BASE_URL` | the `openai` provider talks to this OpenAI-compatible server instead (Ollama, vLLM, llama.cpp, OpenRouter); a key is then optional |
//! | `PROMPTDECK_OPENAI_MODELS` | comma-separated model names for that provider, replacing the default list (prices 0 unless the name is in [`OPENAI_MODELS`]) |
//! | `ANTHROPIC_API_KEY` | provider `anthropic` at `https://api.anthropic.com` with [`ANTHROPIC_MODELS`] |
//! | `PROMPTDECK_ANTHROPIC_BASE_URL` | another base URL for `anthropic` |
//! | `PROMPTDECK_ANTHROPIC_MODELS` | comma-separated model names replacing the default list |
//!
//! Prices are what the vendors listed when this was written, in US dollars per million tokens;
//! a TOML file entry with the same id overrides them.

use std::collections::HashMap;

use super::file::{ANTHROPIC_BASE_URL, OPENAI_BASE_URL, ProviderConfig, ProviderKind, build_provider};
use super::{Catalogue, ModelEntry};
use crate::LlmError;

/// A model known to an env shortcut: id, display name, input and output price, context window.
pub type KnownModel = (&'static str, &'static str, f64, f64, u32);

/// OpenAI models added by `OPENAI_API_KEY`.
pub const OPENAI_MODELS: &[KnownModel] = &[
    ("gpt-5", "GPT-5", 1.25, 10.0, 400_000),
    ("gpt-5-mini", "GPT-5 mini", 0.25, 2.0, 400_000),
    ("gpt-5-nano", "GPT-5 nano", 0.05, 0.40, 400_000),
    ("gpt-4.1", "GPT-4.1", 2.0, 8.0, 1_047_576),
    ("gpt-4.1-mini", "GPT-4.1 mini", 0.40, 1.60, 1_047_576),
    ("gpt-4o", "GPT-4o", 2.50, 10.0, 128_000),
    ("gpt-4o-mini", "GPT-4o mini", 0.15, 0.60, 128_000),
];

/// Anthropic models added by `ANTHROPIC_API_KEY`.
pub const ANTHROPIC_MODELS: &[KnownModel] = &[
    ("claude-sonnet-4-5", "Claude Sonnet 4.5", 3.0, 15.0, 200_000),
    ("claude-haiku-4-5", "Claude Haiku 4.5", 1.0, 5.0, 200_000),
    ("claude-opus-4-1", "Claude Opus 4.1", 15.0, 75.0, 200_000),
];

/// Adds the providers and models the variables in `env` ask for.
pub fn apply(catalogue: &mut Catalogue, env: &HashMap<String, String>) -> Result<(), LlmError> {
    let var = |name: &str| env.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let openai_base = var("PROMPTDECK_OPENAI_BASE_URL");
    let openai_key = var("OPENAI_API_KEY");
    if openai_key.is_some() || openai_base.is_some() {
        let base = openai_base.unwrap_or(OPENAI_BASE_URL);
        let official = base.trim_end_matches('/') == OPENAI_BASE_URL;
        let config = shortcut(ProviderKind::OpenAi, base, openai_key);
        catalogue.add_provider(build_provider("openai", &config, env)?);
        let defaults = if official { OPENAI_MODELS } else { &[] };
        add_models(catalogue, "openai", var("PROMPTDECK_OPENAI_MODELS"), defaults, OPENAI_MODELS)?;
        if !official && var("PROMPTDECK_OPENAI_MODELS").is_none() {
            tracing::warn!(
                "PROMPTDECK_OPENAI_BASE_URL is set without PROMPTDECK_OPENAI_MODELS: no models added"
            );
        }
    }
    if let Some(key) = var("ANTHROPIC_API_KEY") {
        let base = var("PROMPTDECK_ANTHROPIC_BASE_URL").unwrap_or(ANTHROPIC_BASE_URL);
        let config = shortcut(ProviderKind::Anthropic, base, Some(key));
        catalogue.add_provider(build_provider("anthropic", &config, env)?);
        add_models(
            catalogue,
            "anthropic",
            var("PROMPTDECK_ANTHROPIC_MODELS"),
            ANTHROPIC_MODELS,
            ANTHROPIC_MODELS,
        )?;
    }
    Ok(())
}

fn shortcut(kind: ProviderKind, base: &str, key: Option<&str>) -> ProviderConfig {
    ProviderConfig {
        kind,
        base_url: Some(base.to_owned()),
        api_key: key.map(str::to_owned),
        api_key_env: None,
        connect_timeout_ms: None,
        idle_timeout_ms: None,
        request_timeout_ms: None,
        max_completion_tokens: None,
        default_max_tokens: None,
    }
}

/// Adds the listed names (or `defaults` when there is no list), priced from `known`.
fn add_models(
    catalogue: &mut Catalogue,
    provider: &str,
    list: Option<&str>,
    defaults: &[KnownModel],
    known: &[KnownModel],
) -> Result<(), LlmError> {
    let entry = |(id, display, input, output, window): KnownModel| {
        let mut m = ModelEntry::new(id, provider, id).with_prices(input, output).with_display_name(display);
        m.context_window = Some(window);
        m
    };
    match list {
        Some(list) => {
            for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                let m = match known.iter().find(|k| k.0 == name) {
                    Some(k) => entry(*k),
                    None => ModelEntry::new(name, provider, name),
                };
                catalogue.add_model(m)?;
            }
        }
        None => {
            for k in defaults {
                catalogue.add_model(entry(*k))?;
            }
        }
    }
    Ok(())
}

//! The catalogue's TOML file (`PROMPTDECK_MODELS` / `--models FILE`).
//!
//! ```toml
//! # A provider: a name and how to reach it.
//! [providers.openai]
//! kind = "openai"                  # "openai" (any OpenAI-compatible server) or "anthropic"
//! base_url = "https://api.openai.com/v1"   # default for openai; "https://api.anthropic.com" for anthropic
//! api_key_env = "OPENAI_API_KEY"   # the environment variable holding the key (or api_key = "...")
//! connect_timeout_ms = 10000       # default 10 s
//! idle_timeout_ms = 120000         # most time without bytes before headers or between events; default 120 s
//! request_timeout_ms = 600000      # whole answer; default: no limit
//! max_completion_tokens = true     # openai only: send max_completion_tokens instead of max_tokens
//! # default_max_tokens = 4096      # anthropic only: max_tokens when a request sets none
//!
//! # A model: what clients ask for by model_id.
//! [[models]]
//! id = "gpt-4o-mini"
//! provider = "openai"              # a provider above, one from the environment, or "echo"
//! upstream = "gpt-4o-mini"         # the provider's model name; default: id
//! input_price = 0.15               # US dollars per million input tokens; default 0
//! output_price = 0.60              # US dollars per million output tokens; default 0
//! display_name = "GPT-4o mini"     # optional
//! context_window = 128000          # optional
//! defaults = { temperature = 0.2 } # optional settings applied unless a request sets them
//! ```
//!
//! Unknown keys are errors, so a typo does not silently drop a setting. A model id or provider
//! name that already exists (from the environment shortcuts) is replaced; `echo` is reserved.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Catalogue, ModelEntry};
use crate::providers::anthropic::AnthropicProvider;
use crate::providers::echo::EchoProvider;
use crate::providers::openai::OpenAiProvider;
use crate::{HttpSettings, LlmError, Provider};

/// Default base URL of the `openai` kind.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";
/// Default base URL of the `anthropic` kind.
pub const ANTHROPIC_BASE_URL: &str = "https://api.anthropic.com";

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    /// Providers by name.
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderConfig>,
    /// Models, in the order they are listed.
    #[serde(default)]
    pub models: Vec<ModelConfig>,
}

/// Which wire format a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ProviderKind {
    /// OpenAI chat completions (OpenAI, Ollama, vLLM, llama.cpp server, OpenRouter).
    #[serde(rename = "openai", alias = "openai-compatible")]
    OpenAi,
    /// Anthropic Messages.
    #[serde(rename = "anthropic")]
    Anthropic,
}

/// One `[providers.NAME]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// The wire format.
    pub kind: ProviderKind,
    /// Base URL; defaults to the vendor's own.
    #[serde(default)]
    pub base_url: Option<String>,
    /// The key itself.
    #[serde(default)]
    pub api_key: Option<String>,
    /// The environment variable holding the key.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Connect timeout in milliseconds.
    #[serde(default)]
    pub connect_timeout_ms: Option<u64>,
    /// Idle timeout in milliseconds.
    #[serde(default)]
    pub idle_timeout_ms: Option<u64>,
    /// Overall request timeout in milliseconds.
    #[serde(default)]
    pub request_timeout_ms: Option<u64>,
    /// OpenAI only: send `max_completion_tokens` instead of `max_tokens`.
    #[serde(default)]
    pub max_completion_tokens: Option<bool>,
    /// Anthropic only: `max_tokens` when a request sets none.
    #[serde(default)]
    pub default_max_tokens: Option<u32>,
}

/// One `[[models]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// What clients send as `model_id`.
    pub id: String,
    /// The provider name.
    pub provider: String,
    /// The provider's model name; defaults to `id`.
    #[serde(default)]
    pub upstream: Option<String>,
    /// US dollars per million input tokens.
    #[serde(default)]
    pub input_price: f64,
    /// US dollars per million output tokens.
    #[serde(default)]
    pub output_price: f64,
    /// A friendlier name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Tokens the model accepts.
    #[serde(default)]
    pub context_window: Option<u32>,
    /// Settings applied unless a request sets them.
    #[serde(default)]
    pub defaults: Map<String, Value>,
}

/// Parses the file's text.
pub fn parse(text: &str) -> Result<CatalogueFile, LlmError> {
    toml::from_str(text).map_err(|e| LlmError::config(e.to_string().trim_end().to_owned()))
}

/// Parses `text` and adds its providers and models to `catalogue`; `env` supplies
/// `api_key_env` values.
pub fn apply(catalogue: &mut Catalogue, text: &str, env: &HashMap<String, String>) -> Result<(), LlmError> {
    let file = parse(text)?;
    for (name, config) in &file.providers {
        if name == EchoProvider::NAME {
            return Err(LlmError::config("the provider name `echo` is reserved for the built-in model"));
        }
        catalogue.add_provider(build_provider(name, config, env)?);
    }
    let mut seen = HashSet::new();
    for model in file.models {
        if !seen.insert(model.id.clone()) {
            return Err(LlmError::config(format!("model `{}` is listed twice", model.id)));
        }
        if model.id == EchoProvider::NAME {
            return Err(LlmError::config("the model id `echo` is reserved for the built-in model"));
        }
        let upstream = model.upstream.unwrap_or_else(|| model.id.clone());
        catalogue.add_model(ModelEntry {
            id: model.id,
            provider: model.provider,
            upstream,
            input_price: model.input_price,
            output_price: model.output_price,
            display_name: model.display_name,
            context_window: model.context_window,
            defaults: model.defaults,
        })?;
    }
    Ok(())
}

/// Builds the provider a `[providers.NAME]` table describes.
pub fn build_provider(
    name: &str,
    config: &ProviderConfig,
    env: &HashMap<String, String>,
) -> Result<Arc<dyn Provider>, LlmError> {
    let api_key = match (&config.api_key, &config.api_key_env) {
        (Some(_), Some(_)) => {
            return Err(LlmError::config(format!(
                "provider `{name}`: give api_key or api_key_env, not both"
            )));
        }
        (Some(key), None) => Some(key.clone()),
        (None, Some(var)) => Some(env.get(var).cloned().ok_or_else(|| {
            LlmError::config(format!("provider `{name}`: environment variable {var} is not set"))
        })?),
        (None, None) => None,
    };
    let default_base = match config.kind {
        ProviderKind::OpenAi => OPENAI_BASE_URL,
        ProviderKind::Anthropic => ANTHROPIC_BASE_URL,
    };
    let mut settings = HttpSettings::new(config.base_url.as_deref().unwrap_or(default_base), api_key);
    if let Some(ms) = config.connect_timeout_ms {
        settings.connect_timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = config.idle_timeout_ms {
        settings.idle_timeout = Duration::from_millis(ms);
    }
    settings.request_timeout = config.request_timeout_ms.map(Duration::from_millis);
    Ok(match config.kind {
        ProviderKind::OpenAi => {
            if config.default_max_tokens.is_some() {
                return Err(LlmError::config(format!(
                    "provider `{name}`: default_max_tokens is for anthropic"
                )));
            }
            let official = settings.base_url.trim_end_matches('/') == OPENAI_BASE_URL;
            let completion = config.max_completion_tokens.unwrap_or(official);
            Arc::new(OpenAiProvider::new(name, settings)?.with_max_completion_tokens(completion))
        }
        ProviderKind::Anthropic => {
            if config.max_completion_tokens.is_some() {
                return Err(LlmError::config(format!(
                    "provider `{name}`: max_completion_tokens is for openai"
                )));
            }
            let max = config.default_max_tokens.unwrap_or(AnthropicProvider::DEFAULT_MAX_TOKENS);
            Arc::new(AnthropicProvider::new(name, settings)?.with_default_max_tokens(max))
        }
    })
}

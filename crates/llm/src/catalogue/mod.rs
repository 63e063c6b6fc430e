//! The model catalogue: which model ids exist, which provider serves each, under which upstream
//! name and at what price; and the configured providers themselves.
//!
//! Built from the built-in `echo` model, then the environment shortcuts ([`env`](mod@env)), then the
//! TOML file ([`file`](mod@file)); later sources replace earlier entries with the same id or name.

pub mod env;
pub mod file;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::providers::echo::EchoProvider;
use crate::{ChatRequest, ChatStream, LlmError, Provider};

/// One model a client can ask for by `model_id`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ModelEntry {
    /// What clients send as `model_id`.
    pub id: String,
    /// The name of the provider that serves it.
    pub provider: String,
    /// The provider's own model name.
    pub upstream: String,
    /// US dollars per million input tokens.
    pub input_price: f64,
    /// US dollars per million output tokens.
    pub output_price: f64,
    /// A friendlier name for pickers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub display_name: Option<String>,
    /// Tokens the model accepts, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub context_window: Option<u32>,
    /// Settings applied to every request for this model unless the request sets them (such as
    /// `echo_delay_ms` for a slow echo); not listed publicly.
    #[serde(skip)]
    pub defaults: Map<String, Value>,
}

impl ModelEntry {
    /// A model with no price, display name or defaults.
    pub fn new(id: impl Into<String>, provider: impl Into<String>, upstream: impl Into<String>) -> Self {
        ModelEntry {
            id: id.into(),
            provider: provider.into(),
            upstream: upstream.into(),
            input_price: 0.0,
            output_price: 0.0,
            display_name: None,
            context_window: None,
            defaults: Map::new(),
        }
    }

    /// Sets the prices in US dollars per million tokens.
    pub fn with_prices(mut self, input: f64, output: f64) -> Self {
        self.input_price = input;
        self.output_price = output;
        self
    }

    /// Sets the display name.
    pub fn with_display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }
}

/// Every configured model and provider; built once at start-up and shared.
#[derive(Clone)]
pub struct Catalogue {
    models: Vec<ModelEntry>,
    index: HashMap<String, usize>,
    providers: HashMap<String, Arc<dyn Provider>>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut providers: Vec<&String> = self.providers.keys().collect();
        providers.sort();
        f.debug_struct("Catalogue").field("models", &self.models).field("providers", &providers).finish()
    }
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::new()
    }
}

impl Catalogue {
    /// A catalogue with only the built-in `echo` model.
    pub fn new() -> Self {
        let mut catalogue =
            Catalogue { models: Vec::new(), index: HashMap::new(), providers: HashMap::new() };
        catalogue.add_provider(Arc::new(EchoProvider));
        let echo = ModelEntry::new(EchoProvider::NAME, EchoProvider::NAME, EchoProvider::NAME)
            .with_display_name("Echo (built in)");
        catalogue.put_model(echo);
        catalogue
    }

    /// The catalogue for a server: `echo`, the shortcuts found in `env` (see [`env`](mod@env)) and, when
    /// given, the TOML file at `path` (see [`file`](mod@file)).
    pub fn load(path: Option<&Path>, env: &HashMap<String, String>) -> Result<Self, LlmError> {
        let mut catalogue = Self::new();
        env::apply(&mut catalogue, env)?;
        if let Some(path) = path {
            let text = std::fs::read_to_string(path)
                .map_err(|e| LlmError::config(format!("cannot read {}: {e}", path.display())))?;
            file::apply(&mut catalogue, &text, env)
                .map_err(|e| LlmError::config(format!("{}: {}", path.display(), strip_prefix(&e))))?;
        }
        Ok(catalogue)
    }

    /// [`Catalogue::load`] with the process environment.
    pub fn load_with_process_env(path: Option<&Path>) -> Result<Self, LlmError> {
        Self::load(path, &std::env::vars().collect())
    }

    /// Adds or replaces a provider under its [`Provider::name`].
    pub fn add_provider(&mut self, provider: Arc<dyn Provider>) {
        self.providers.insert(provider.name().to_owned(), provider);
    }

    /// Adds or replaces a model; its provider must already be configured and its prices must be
    /// finite and not negative.
    pub fn add_model(&mut self, entry: ModelEntry) -> Result<(), LlmError> {
        if entry.id.trim().is_empty() {
            return Err(LlmError::config("a model has an empty id"));
        }
        if !self.providers.contains_key(&entry.provider) {
            return Err(LlmError::config(format!(
                "model `{}` names provider `{}`, which is not configured",
                entry.id, entry.provider
            )));
        }
        ChatRequest::default()
            .apply_defaults(&entry.defaults)
            .map_err(|e| LlmError::config(format!("model `{}`: defaults: {e}", entry.id)))?;
        for (what, price) in [("input_price", entry.input_price), ("output_price", entry.output_price)] {
            if !price.is_finite() || price < 0.0 {
                return Err(LlmError::config(format!("model `{}`: {what} must be a number ≥ 0", entry.id)));
            }
        }
        self.put_model(entry);
        Ok(())
    }

    fn put_model(&mut self, entry: ModelEntry) {
        match self.index.get(&entry.id) {
            Some(&i) => self.models[i] = entry,
            None => {
                self.index.insert(entry.id.clone(), self.models.len());
                self.models.push(entry);
            }
        }
    }

    /// The model and the provider serving it, or [`LlmError::UnknownModel`].
    pub fn resolve(&self, model_id: &str) -> Result<(&ModelEntry, Arc<dyn Provider>), LlmError> {
        let entry = self.get(model_id).ok_or_else(|| LlmError::UnknownModel {
            model_id: model_id.to_owned(),
            known: self.models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", "),
        })?;
        let provider = self.providers.get(&entry.provider).cloned().ok_or_else(|| {
            LlmError::config(format!("model `{model_id}`: provider `{}` is not configured", entry.provider))
        })?;
        Ok((entry, provider))
    }

    /// The model with this id, if configured.
    pub fn get(&self, model_id: &str) -> Option<&ModelEntry> {
        self.index.get(model_id).map(|&i| &self.models[i])
    }

    /// A configured provider by name.
    pub fn provider(&self, name: &str) -> Option<Arc<dyn Provider>> {
        self.providers.get(name).cloned()
    }

    /// What `input` and `output` tokens of this model cost in US dollars (0 for an unknown model).
    pub fn cost(&self, model_id: &str, input: i64, output: i64) -> f64 {
        self.get(model_id)
            .map_or(0.0, |m| promptdeck_core::cost_for(input, output, m.input_price, m.output_price))
    }

    /// Every model in configuration order, for `/api/models` (serialises without provider
    /// secrets or per-model defaults).
    pub fn models(&self) -> &[ModelEntry] {
        &self.models
    }

    /// Resolves `model_id`, fills in the upstream model name and the model's default settings,
    /// and starts streaming.
    pub async fn stream(&self, model_id: &str, mut req: ChatRequest) -> Result<ChatStream, LlmError> {
        let (entry, provider) = self.resolve(model_id)?;
        req.model.clone_from(&entry.upstream);
        req.apply_defaults(&entry.defaults)?;
        provider.stream(req).await
    }
}

/// The message of a configuration error without its "model configuration:" prefix, for
/// re-wrapping with a file name.
fn strip_prefix(e: &LlmError) -> String {
    match e {
        LlmError::ProviderConfig(m) => m.clone(),
        other => other.to_string(),
    }
}

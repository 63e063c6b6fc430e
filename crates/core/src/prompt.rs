//! Prompts in the seed's camelCase `PromptsData` shape: messages with `{{variable}}`
//! placeholders, typed variable definitions and model settings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{MessageRole, VariableComponentType};

/// A stored prompt, exactly as the seed's `PromptsData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct PromptsData {
    /// Primary key.
    pub id: Uuid,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Display name.
    pub name: String,
    /// Optional longer text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    /// Owner.
    pub user_id: Uuid,
    /// The conversation template.
    pub messages: Vec<PromptMessage>,
    /// Variable definitions with their defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variable_defaults: Option<Vec<PromptVariable>>,
    /// Model settings; `model_id` is required.
    pub settings: PromptSettings,
    /// Tool definitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub tools: Option<Map<String, Value>>,
}

/// A prompt as a viewer of one of its custom UIs sees it (`GET /api/custom-uis/{id}`, and the
/// sandbox's `promptData`): its owner gets every field; anyone else gets what running it needs
/// (each message's role and content, the variables, the named model settings) and never the
/// messages' metadata or unknown settings, which may hold private values such as provider keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct PromptView {
    /// Primary key.
    pub id: Uuid,
    /// When it was created (owner only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed (owner only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Display name.
    pub name: String,
    /// Optional longer text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    /// Owner (owner only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_id: Option<Uuid>,
    /// The conversation template.
    pub messages: Vec<PromptMessage>,
    /// Variable definitions with their defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub variable_defaults: Option<Vec<PromptVariable>>,
    /// Model settings.
    pub settings: PromptSettings,
    /// Tool definitions (owner only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    #[schema(value_type = Option<Object>)]
    pub tools: Option<Map<String, Value>>,
}

impl PromptView {
    /// What `viewer` may see of `prompt`.
    pub fn of(prompt: &PromptsData, viewer: Uuid) -> PromptView {
        if prompt.user_id == viewer {
            let p = prompt.clone();
            return PromptView {
                id: p.id,
                created_at: p.created_at,
                updated_at: p.updated_at,
                name: p.name,
                description: p.description,
                user_id: Some(p.user_id),
                messages: p.messages,
                variable_defaults: p.variable_defaults,
                settings: p.settings,
                tools: p.tools,
            };
        }
        PromptView {
            id: prompt.id,
            created_at: None,
            updated_at: None,
            name: prompt.name.clone(),
            description: prompt.description.clone(),
            user_id: None,
            messages: prompt.messages.iter().map(PromptMessage::public).collect(),
            variable_defaults: Some(prompt.variable_defaults.clone().unwrap_or_default()),
            settings: prompt.settings.public(),
            tools: None,
        }
    }
}

/// One message of a prompt; `content` may hold `{{variable}}` placeholders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct PromptMessage {
    /// Who speaks.
    pub role: MessageRole,
    /// The text, with placeholders.
    pub content: String,
    /// Files, resources and anything else attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub metadata: Option<Map<String, Value>>,
}

impl PromptMessage {
    /// What another user may see of a message of a prompt they can run: who speaks and what
    /// is said, without the metadata (files, notes) its owner attached.
    pub fn public(&self) -> PromptMessage {
        PromptMessage { role: self.role, content: self.content.clone(), metadata: None }
    }
}

/// A variable definition with its default value and the form control that edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct PromptVariable {
    /// The placeholder name, as in `{{name}}`.
    pub name: String,
    /// The value used when none is given.
    #[serde(default)]
    pub default_value: String,
    /// How a form edits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub custom_component: Option<CustomComponent>,
}

/// The form control of a variable, as the seed's `customComponent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomComponent {
    /// The control.
    #[serde(rename = "type")]
    pub kind: VariableComponentType,
    /// Choices for radio, checkbox and select.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub options: Option<Vec<String>>,
    /// Whether a free "other" value is allowed beside the options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub allow_other: Option<bool>,
    /// The off and on values of a toggle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub toggle_values: Option<[String; 2]>,
    /// Lowest number allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub min: Option<f64>,
    /// Highest number allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max: Option<f64>,
    /// Step between numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub step: Option<f64>,
}

/// Model settings. `model_id` is required; settings the seed does not name are kept as they
/// came, so nothing a client stores is dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct PromptSettings {
    /// The model to run (a key of the model catalogue).
    pub model_id: String,
    /// Sampling temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub temperature: Option<f64>,
    /// Most tokens to generate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_tokens: Option<u32>,
    /// Nucleus sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub top_p: Option<f64>,
    /// Top-k sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub top_k: Option<u32>,
    /// Always true for streaming.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stream: Option<bool>,
    /// Requested output format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub output_format: Option<String>,
    /// Tool choice policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tool_choice: Option<String>,
    /// Whether tools may be called in parallel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub parallel_tool_calls: Option<bool>,
    /// Tool names enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tools: Option<Vec<String>>,
    /// Reasoning effort hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reasoning_effort: Option<String>,
    /// Verbosity hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub verbosity: Option<String>,
    /// Every other setting, kept verbatim.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extra: Map<String, Value>,
}

impl PromptSettings {
    /// The settings anyone allowed to run the prompt may see: the named ones, without the
    /// unknown extras, which may hold private values such as provider keys.
    pub fn public(&self) -> PromptSettings {
        PromptSettings { extra: Map::new(), ..self.clone() }
    }

    /// Settings for a model with nothing else set.
    pub fn for_model(model_id: impl Into<String>) -> Self {
        PromptSettings {
            model_id: model_id.into(),
            temperature: None,
            max_tokens: None,
            top_p: None,
            top_k: None,
            stream: None,
            output_format: None,
            tool_choice: None,
            parallel_tool_calls: None,
            tools: None,
            reasoning_effort: None,
            verbosity: None,
            extra: Map::new(),
        }
    }
}

/// The body of `POST /api/prompts`: a prompt without its server-assigned fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewPrompt {
    /// Display name.
    pub name: String,
    /// Optional longer text.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// The conversation template.
    pub messages: Vec<PromptMessage>,
    /// Variable definitions.
    #[serde(default)]
    #[ts(optional)]
    pub variable_defaults: Option<Vec<PromptVariable>>,
    /// Model settings; `model_id` is required.
    pub settings: PromptSettings,
    /// Tool definitions.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub tools: Option<Map<String, Value>>,
}

/// The body of `PATCH /api/prompts/{id}`: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "camelCase")]
pub struct PromptPatch {
    /// New name.
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// New messages.
    #[serde(default)]
    #[ts(optional)]
    pub messages: Option<Vec<PromptMessage>>,
    /// New variable definitions.
    #[serde(default)]
    #[ts(optional)]
    pub variable_defaults: Option<Vec<PromptVariable>>,
    /// New settings (replaced whole).
    #[serde(default)]
    #[ts(optional)]
    pub settings: Option<PromptSettings>,
    /// New tools.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub tools: Option<Map<String, Value>>,
}

impl NewPrompt {
    /// Checks the rules serde cannot: a name, at least one message, unique variable names.
    pub fn check(&self) -> Result<(), crate::CoreError> {
        crate::validation::check_prompt_parts(crate::validation::PromptParts {
            name: Some(&self.name),
            description: self.description.as_deref(),
            messages: Some(&self.messages),
            variables: self.variable_defaults.as_deref(),
            settings: Some(&self.settings),
        })
    }
}

impl PromptPatch {
    /// Checks the fields that are present with the same rules as [`NewPrompt::check`].
    pub fn check(&self) -> Result<(), crate::CoreError> {
        crate::validation::check_prompt_parts(crate::validation::PromptParts {
            name: self.name.as_deref(),
            description: self.description.as_deref(),
            messages: self.messages.as_deref(),
            variables: self.variable_defaults.as_deref(),
            settings: self.settings.as_ref(),
        })
    }

    /// Applies the patch to a prompt.
    pub fn apply(self, prompt: &mut PromptsData) {
        if let Some(v) = self.name {
            prompt.name = v;
        }
        if let Some(v) = self.description {
            prompt.description = Some(v);
        }
        if let Some(v) = self.messages {
            prompt.messages = v;
        }
        if let Some(v) = self.variable_defaults {
            prompt.variable_defaults = Some(v);
        }
        if let Some(v) = self.settings {
            prompt.settings = v;
        }
        if let Some(v) = self.tools {
            prompt.tools = Some(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_settings_are_kept() {
        let json = r#"{"model_id":"echo","temperature":0.5,"echo_repeat":2,"seed":7}"#;
        let s: PromptSettings = serde_json::from_str(json).unwrap();
        assert_eq!(s.extra.get("echo_repeat"), Some(&Value::from(2)));
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["seed"], 7);
        assert_eq!(back["model_id"], "echo");
    }

    #[test]
    fn public_settings_drop_only_the_unknown_ones() {
        let json = r#"{"model_id":"echo","temperature":0.5,"provider_api_key":"sk-x"}"#;
        let s: PromptSettings = serde_json::from_str(json).unwrap();
        let public = serde_json::to_value(s.public()).unwrap();
        assert_eq!(public, serde_json::json!({"model_id":"echo","temperature":0.5}));
    }

    #[test]
    fn settings_without_model_id_are_refused() {
        let err = serde_json::from_str::<PromptSettings>(r#"{"temperature":1}"#).unwrap_err();
        assert!(err.to_string().contains("model_id"), "{err}");
    }

    #[test]
    fn variables_use_the_seed_camel_case() {
        let json = r#"{"name":"tone","defaultValue":"calm","customComponent":{"type":"toggle","toggleValues":["calm","loud"],"allowOther":false}}"#;
        let v: PromptVariable = serde_json::from_str(json).unwrap();
        let c = v.custom_component.clone().unwrap();
        assert_eq!(c.kind, VariableComponentType::Toggle);
        let back: Value = serde_json::to_value(&v).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
    }
}

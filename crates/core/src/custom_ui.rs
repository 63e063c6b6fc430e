//! Custom UIs attached to prompts, their usage and ratings, in the seed's snake_case columns.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{ComponentType, CustomUiStatus, ExecutionMode};

/// A user's UI for a prompt: the seed's `PromptCustomUI`, plus its rating aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct PromptCustomUi {
    /// Primary key.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// The prompt it runs.
    pub prompt_id: Uuid,
    /// Display name.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// TSX, HTML or JSON, depending on `component_type`.
    pub component_code: String,
    /// What `component_code` is.
    pub component_type: ComponentType,
    /// JSON Schema of its props (and, for `json-schema` UIs, of the variables form).
    #[schema(value_type = Option<Object>)]
    pub props_schema: Option<Value>,
    /// Default prop values.
    #[schema(value_type = Option<Object>)]
    pub default_props: Option<Value>,
    /// When and how it runs.
    pub execution_mode: ExecutionMode,
    /// Submit on mount.
    pub auto_submit: bool,
    /// Show variable inputs.
    pub show_variables: bool,
    /// Layout preferences.
    #[schema(value_type = Option<Object>)]
    pub layout_config: Option<Value>,
    /// Theme overrides.
    #[schema(value_type = Option<Object>)]
    pub styling_config: Option<Value>,
    /// Listed for everyone once active.
    pub is_public: bool,
    /// Picked by an admin.
    pub is_featured: bool,
    /// Times used.
    pub use_count: i64,
    /// Version number in its chain.
    pub version: i64,
    /// The version it was made from.
    pub parent_version_id: Option<Uuid>,
    /// Life cycle.
    pub status: CustomUiStatus,
    /// Whether the checks passed.
    pub validated: bool,
    /// What the checks found (absent when nothing was).
    pub validation_errors: Option<Vec<ValidationIssue>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// First published.
    pub published_at: Option<DateTime<Utc>>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Average rating, when rated.
    pub rating_avg: Option<f64>,
    /// Number of ratings.
    pub rating_count: i64,
}

/// A custom UI as lists show it: everything but the code, schemas and configs, which can be
/// large and come from the UI's own endpoint (`GET /api/custom-uis/{id}`). A page of them stays
/// small however large each UI is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CustomUiSummary {
    /// Primary key.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// The prompt it runs.
    pub prompt_id: Uuid,
    /// Display name.
    pub name: String,
    /// What it does (at most 2,000 characters).
    pub description: Option<String>,
    /// What its code is.
    pub component_type: ComponentType,
    /// When and how it runs.
    pub execution_mode: ExecutionMode,
    /// Submit on mount.
    pub auto_submit: bool,
    /// Show variable inputs.
    pub show_variables: bool,
    /// Listed for everyone once active.
    pub is_public: bool,
    /// Picked by an admin.
    pub is_featured: bool,
    /// Times used.
    pub use_count: i64,
    /// Version number in its chain.
    pub version: i64,
    /// The version it was made from.
    pub parent_version_id: Option<Uuid>,
    /// Life cycle.
    pub status: CustomUiStatus,
    /// Whether the checks passed.
    pub validated: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// First published.
    pub published_at: Option<DateTime<Utc>>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Average rating, when rated.
    pub rating_avg: Option<f64>,
    /// Number of ratings.
    pub rating_count: i64,
}

impl From<&PromptCustomUi> for CustomUiSummary {
    fn from(ui: &PromptCustomUi) -> Self {
        CustomUiSummary {
            id: ui.id,
            user_id: ui.user_id,
            prompt_id: ui.prompt_id,
            name: ui.name.clone(),
            description: ui.description.clone(),
            component_type: ui.component_type,
            execution_mode: ui.execution_mode,
            auto_submit: ui.auto_submit,
            show_variables: ui.show_variables,
            is_public: ui.is_public,
            is_featured: ui.is_featured,
            use_count: ui.use_count,
            version: ui.version,
            parent_version_id: ui.parent_version_id,
            status: ui.status,
            validated: ui.validated,
            created_at: ui.created_at,
            updated_at: ui.updated_at,
            published_at: ui.published_at,
            last_used_at: ui.last_used_at,
            rating_avg: ui.rating_avg,
            rating_count: ui.rating_count,
        }
    }
}

/// The body of `POST /api/custom-uis`: the seed's `CreateCustomUIInput`, plus its props.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomUiInput {
    /// The prompt to attach to (must be the caller's).
    pub prompt_id: Uuid,
    /// Display name.
    pub name: String,
    /// What it does.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    /// The code.
    pub component_code: String,
    /// What the code is (default `react`).
    #[serde(default)]
    #[ts(optional)]
    pub component_type: Option<ComponentType>,
    /// When it runs (default `manual`).
    #[serde(default)]
    #[ts(optional)]
    pub execution_mode: Option<ExecutionMode>,
    /// Submit on mount (default false).
    #[serde(default)]
    #[ts(optional)]
    pub auto_submit: Option<bool>,
    /// Show variables (default true).
    #[serde(default)]
    #[ts(optional)]
    pub show_variables: Option<bool>,
    /// Layout preferences.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub layout_config: Option<Value>,
    /// Theme overrides.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub styling_config: Option<Value>,
    /// Props schema.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub props_schema: Option<Value>,
    /// Default props.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub default_props: Option<Value>,
}

/// The body of `PATCH /api/custom-uis/{id}`: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CustomUiPatch {
    /// New name.
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// New description.
    #[serde(default, deserialize_with = "present")]
    #[ts(optional)]
    pub description: Option<Option<String>>,
    /// New code.
    #[serde(default)]
    #[ts(optional)]
    pub component_code: Option<String>,
    /// New code kind.
    #[serde(default)]
    #[ts(optional)]
    pub component_type: Option<ComponentType>,
    /// New execution mode.
    #[serde(default)]
    #[ts(optional)]
    pub execution_mode: Option<ExecutionMode>,
    /// Submit on mount.
    #[serde(default)]
    #[ts(optional)]
    pub auto_submit: Option<bool>,
    /// Show variables.
    #[serde(default)]
    #[ts(optional)]
    pub show_variables: Option<bool>,
    /// Layout preferences.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub layout_config: Option<Option<Value>>,
    /// Theme overrides.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub styling_config: Option<Option<Value>>,
    /// Props schema.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub props_schema: Option<Option<Value>>,
    /// Default props.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub default_props: Option<Option<Value>>,
    /// Draft, active or archived (publishing goes through `/publish`).
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<CustomUiStatus>,
    /// Listed publicly (only with status `active`).
    #[serde(default)]
    #[ts(optional)]
    pub is_public: Option<bool>,
    /// Featured (admins only).
    #[serde(default)]
    #[ts(optional)]
    pub is_featured: Option<bool>,
}

impl CreateCustomUiInput {
    /// Checks the rules serde cannot: a name, a short description.
    pub fn check(&self) -> Result<(), crate::CoreError> {
        crate::check_name("name", &self.name)?;
        crate::check_description("description", self.description.as_deref())
    }
}

impl CustomUiPatch {
    /// Checks the fields that are present with the rules of [`CreateCustomUiInput::check`].
    pub fn check(&self) -> Result<(), crate::CoreError> {
        if let Some(name) = &self.name {
            crate::check_name("name", name)?;
        }
        crate::check_description("description", self.description.as_ref().and_then(Option::as_deref))
    }
}

/// Reads a field that is present — `null` included — as `Some`, so a patch can tell "clear this"
/// (`null`) from "leave it" (absent).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A usage row: one run of a custom UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CustomUiUsage {
    /// Primary key.
    pub id: Uuid,
    /// The UI used.
    pub custom_ui_id: Uuid,
    /// Who used it.
    pub user_id: Uuid,
    /// The run it made.
    pub run_id: Option<Uuid>,
    /// Milliseconds.
    pub execution_time_ms: Option<i64>,
    /// Variables given.
    #[schema(value_type = Option<Object>)]
    pub variables_used: Option<Value>,
    /// Whether it worked.
    pub success: bool,
    /// Why not.
    pub error_message: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// What a usage row records, before it is stored. Only the server writes one, when a task
/// tagged with the UI runs; no client can post one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct NewUsage {
    /// The run it made.
    #[serde(default)]
    #[ts(optional)]
    pub run_id: Option<Uuid>,
    /// Milliseconds.
    #[serde(default)]
    #[ts(optional)]
    pub execution_time_ms: Option<i64>,
    /// Variables given.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[ts(optional)]
    pub variables_used: Option<Value>,
    /// Whether it worked (default true).
    #[serde(default)]
    #[ts(optional)]
    pub success: Option<bool>,
    /// Why not.
    #[serde(default)]
    #[ts(optional)]
    pub error_message: Option<String>,
}

impl NewUsage {
    /// Checks the figures: a run takes 0 to `i32::MAX` milliseconds (the column's range).
    pub fn check(&self) -> Result<(), crate::CoreError> {
        match self.execution_time_ms {
            Some(ms) if !(0..=i64::from(i32::MAX)).contains(&ms) => Err(crate::CoreError::Invalid {
                field: "execution_time_ms",
                message: format!("must be 0 to {}, got {ms}", i32::MAX),
            }),
            _ => Ok(()),
        }
    }
}

/// Longest rating feedback, in characters.
pub const MAX_FEEDBACK_CHARS: usize = 2000;

/// One user's rating of one UI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CustomUiRating {
    /// Primary key.
    pub id: Uuid,
    /// The UI rated.
    pub custom_ui_id: Uuid,
    /// Who rated.
    pub user_id: Uuid,
    /// 1 to 5.
    pub rating: i32,
    /// Words.
    pub feedback: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// The body of `PUT /api/custom-uis/{id}/rating`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1 to 5.
    pub rating: i32,
    /// Words.
    #[serde(default)]
    #[ts(optional)]
    pub feedback: Option<String>,
}

impl RatingInput {
    /// Checks the seed's `rating >= 1 AND rating <= 5` and the feedback's length (at most
    /// [`MAX_FEEDBACK_CHARS`] characters).
    pub fn check(&self) -> Result<(), crate::CoreError> {
        if !(1..=5).contains(&self.rating) {
            return Err(crate::CoreError::Invalid {
                field: "rating",
                message: format!("must be 1 to 5, got {}", self.rating),
            });
        }
        crate::check_max_chars("feedback", self.feedback.as_deref(), MAX_FEEDBACK_CHARS)
    }
}

/// One problem found by the custom UI checks, where it is and which rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct ValidationIssue {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Stable rule id, e.g. `no-network`.
    pub rule: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// The outcome of checking a custom UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct ValidationReport {
    /// Whether nothing was found.
    pub validated: bool,
    /// What was found.
    pub validation_errors: Vec<ValidationIssue>,
}

/// A custom UI with the prompt it runs, as `GET /api/custom-uis/{id}` answers. For a viewer
/// who does not own the prompt, the prompt's private settings are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct CustomUiWithPrompt {
    /// The UI.
    #[serde(flatten)]
    pub ui: PromptCustomUi,
    /// Its prompt (public view for non-owners).
    pub prompt: crate::PromptView,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_figures_are_in_the_column_range() {
        let usage = |ms| NewUsage { execution_time_ms: Some(ms), ..Default::default() };
        assert!(usage(0).check().is_ok());
        assert!(usage(i64::from(i32::MAX)).check().is_ok());
        assert!(NewUsage::default().check().is_ok());
        let err = usage(-1).check().unwrap_err();
        assert!(err.to_string().starts_with("execution_time_ms:"), "{err}");
        assert!(usage(i64::from(i32::MAX) + 1).check().is_err());
    }

    #[test]
    fn feedback_is_capped_in_characters() {
        let rating = |feedback: String| RatingInput { rating: 3, feedback: Some(feedback) };
        assert!(rating("é".repeat(MAX_FEEDBACK_CHARS)).check().is_ok());
        let err = rating("x".repeat(MAX_FEEDBACK_CHARS + 1)).check().unwrap_err();
        assert_eq!(err.to_string(), "feedback: at most 2000 characters");
    }
}

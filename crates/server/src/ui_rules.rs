//! Custom UI rules the handlers share: checking code against the compiler, the public view of
//! a prompt, and who may change what.

use promptdeck_compiler::UiSource;
use promptdeck_core::{
    ComponentType, CustomUiStatus, PromptCustomUi, PromptSettings, PromptsData, ValidationReport,
};
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::state::AppState;

/// Runs the checks on a UI (on a blocking thread: a large component takes milliseconds) and
/// records the outcome on it (`validated`, `validation_errors`).
pub async fn apply_checks(state: &AppState, ui: &mut PromptCustomUi, prompt: Option<&PromptsData>) {
    let report = check_ui(state, ui, prompt).await;
    ui.validated = report.validated;
    ui.validation_errors =
        if report.validation_errors.is_empty() { None } else { Some(json!(report.validation_errors)) };
}

/// The compiler's report for a UI, through the shared compile cache.
pub async fn check_ui(
    state: &AppState,
    ui: &PromptCustomUi,
    prompt: Option<&PromptsData>,
) -> ValidationReport {
    let source = OwnedSource {
        component_type: ui.component_type,
        code: ui.component_code.clone(),
        props_schema: ui.props_schema.clone(),
        default_props: ui.default_props.clone(),
        prompt_variables: prompt.map(variable_names),
    };
    check_source(state, source).await
}

/// What the checks read, owned so it can move to a blocking thread.
pub struct OwnedSource {
    /// What `code` is.
    pub component_type: ComponentType,
    /// The code.
    pub code: String,
    /// Props schema.
    pub props_schema: Option<Value>,
    /// Default props.
    pub default_props: Option<Value>,
    /// The prompt's variable names, when known.
    pub prompt_variables: Option<Vec<String>>,
}

/// Checks a custom UI on a blocking thread (a large component takes milliseconds).
pub async fn check_source(state: &AppState, src: OwnedSource) -> ValidationReport {
    let compiler = state.compiler.clone();
    let checked = tokio::task::spawn_blocking(move || {
        compiler.check(&UiSource {
            component_type: src.component_type,
            code: &src.code,
            props_schema: src.props_schema.as_ref(),
            default_props: src.default_props.as_ref(),
            prompt_variables: src.prompt_variables.as_deref(),
        })
    })
    .await;
    checked.unwrap_or_else(|e| ValidationReport {
        validated: false,
        validation_errors: vec![promptdeck_core::ValidationIssue {
            line: 1,
            column: 1,
            rule: "internal".into(),
            message: format!("the checks could not run: {e}"),
        }],
    })
}

/// The names of a prompt's variables: defined ones and placeholders in its messages.
pub fn variable_names(prompt: &PromptsData) -> Vec<String> {
    let mut names: Vec<String> = prompt.variable_defaults.iter().flatten().map(|v| v.name.clone()).collect();
    for m in &prompt.messages {
        for name in promptdeck_core::variables::placeholders(&m.content) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Refuses a change when the caller does not own the UI (they can see it, so 403).
pub fn require_owner(ui: &PromptCustomUi, user: uuid::Uuid) -> Result<(), ApiError> {
    if ui.user_id == user {
        Ok(())
    } else {
        Err(ApiError::Forbidden("only the owner of this custom UI may change it".into()))
    }
}

/// Refuses to make a UI public or active while its checks fail, listing what they found.
pub fn require_publishable(ui: &PromptCustomUi) -> Result<(), ApiError> {
    let exposed = ui.is_public || ui.status == CustomUiStatus::Active;
    if !exposed || ui.validated {
        return Ok(());
    }
    let details = ui.validation_errors.clone().unwrap_or_else(|| json!([]));
    let count = details.as_array().map_or(0, Vec::len);
    Err(ApiError::Invalid {
        message: format!(
            "the custom UI does not pass its checks ({count} issue(s)); fix them before publishing"
        ),
        details: json!({ "validation_errors": details }),
    })
}

/// The prompt as a viewer sees it: the owner gets everything; anyone else gets what running it
/// needs (messages, variables, the named model settings) and never unknown settings, which may
/// hold private values such as provider keys.
pub fn prompt_view(prompt: &PromptsData, viewer: uuid::Uuid) -> Map<String, Value> {
    if prompt.user_id == viewer {
        return match serde_json::to_value(prompt) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
    }
    let settings = PromptSettings { extra: Map::new(), ..prompt.settings.clone() };
    let mut map = Map::new();
    map.insert("id".into(), json!(prompt.id));
    map.insert("name".into(), json!(prompt.name));
    if let Some(d) = &prompt.description {
        map.insert("description".into(), json!(d));
    }
    map.insert("messages".into(), json!(prompt.messages));
    map.insert("variableDefaults".into(), json!(prompt.variable_defaults.clone().unwrap_or_default()));
    map.insert("settings".into(), json!(settings));
    map
}

//! Custom UI rules the handlers share: checking code against the compiler, and who may change
//! what.

use std::sync::Arc;

use promptdeck_compiler::{Compiled, Compiler, UiSource};
use promptdeck_core::{
    ComponentType, CustomUiStatus, CustomUiTemplate, PromptCustomUi, PromptsData, ValidationReport,
};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

/// Runs the checks on a UI (on a compiler thread, see [`crate::compile_gate`]) and records the
/// outcome on it (`validated`, `validation_errors`). 429 when the compiler is busy.
pub async fn apply_checks(
    state: &AppState,
    ui: &mut PromptCustomUi,
    prompt: Option<&PromptsData>,
) -> Result<(), ApiError> {
    let report = check_ui(state, ui, prompt).await?;
    ui.validated = report.validated;
    ui.validation_errors =
        if report.validation_errors.is_empty() { None } else { Some(report.validation_errors) };
    Ok(())
}

/// The compiler's report for a UI, through the shared compile cache.
pub async fn check_ui(
    state: &AppState,
    ui: &PromptCustomUi,
    prompt: Option<&PromptsData>,
) -> Result<ValidationReport, ApiError> {
    check_source(state, OwnedSource::of(ui, prompt.map(variable_names))).await
}

/// What the checks read, owned so it can move to a compiler thread.
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

impl OwnedSource {
    /// What the compiler reads of a saved UI.
    pub fn of(ui: &PromptCustomUi, prompt_variables: Option<Vec<String>>) -> Self {
        OwnedSource {
            component_type: ui.component_type,
            code: ui.component_code.clone(),
            props_schema: ui.props_schema.clone(),
            default_props: ui.default_props.clone(),
            prompt_variables,
        }
    }

    fn borrow(&self) -> UiSource<'_> {
        UiSource {
            component_type: self.component_type,
            code: &self.code,
            props_schema: self.props_schema.as_ref(),
            default_props: self.default_props.as_ref(),
            prompt_variables: self.prompt_variables.as_deref(),
        }
    }
}

/// Runs the compiler on one of its threads (see [`crate::compile_gate`]); `queued: false` waits
/// for a thread however long the queue.
async fn on_compiler<T: Send + 'static>(
    state: &AppState,
    src: OwnedSource,
    queued: bool,
    work: impl FnOnce(&Compiler, &UiSource<'_>) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let compiler = state.compiler.clone();
    let work = move || work(&compiler, &src.borrow());
    if queued { state.compile_gate.run(work).await } else { state.compile_gate.run_unqueued(work).await }
}

/// Checks a custom UI through the shared compile cache; 429 when the compiler is busy.
pub async fn check_source(state: &AppState, src: OwnedSource) -> Result<ValidationReport, ApiError> {
    on_compiler(state, src, true, |c, s| c.check(s)).await
}

/// Compiles a saved UI through the shared compile cache; a UI that does not compile is a 422
/// listing its issues, and 429 means the compiler is busy.
pub async fn compile(state: &AppState, ui: &PromptCustomUi) -> Result<Arc<Compiled>, ApiError> {
    compile_with(state, ui, true).await
}

/// Compiles an official template's code (React) for its thumbnail, waiting for a compiler
/// thread however long the queue (templates are few and compiled once per node).
pub async fn compile_template(
    state: &AppState,
    template: &CustomUiTemplate,
) -> Result<Arc<Compiled>, ApiError> {
    let src = OwnedSource {
        component_type: ComponentType::React,
        code: template.component_code.clone(),
        props_schema: None,
        default_props: None,
        prompt_variables: None,
    };
    let result = on_compiler(state, src, false, |c, s| c.compile(s)).await?;
    result.map_err(|e| ApiError::Invalid {
        message: "the template does not compile".into(),
        details: json!({ "validation_errors": e.into_report().validation_errors }),
    })
}

/// Compiles a saved UI like [`compile`], waiting for a compiler thread however long the queue:
/// for the sandbox origin's recompiles, which bound their own concurrency.
pub async fn recompile(state: &AppState, ui: &PromptCustomUi) -> Result<Arc<Compiled>, ApiError> {
    compile_with(state, ui, false).await
}

async fn compile_with(
    state: &AppState,
    ui: &PromptCustomUi,
    queued: bool,
) -> Result<Arc<Compiled>, ApiError> {
    let result = on_compiler(state, OwnedSource::of(ui, None), queued, |c, s| c.compile(s)).await?;
    result.map_err(|e| ApiError::Invalid {
        message: "the custom UI does not compile".into(),
        details: json!({ "validation_errors": e.into_report().validation_errors }),
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
    let details = ui.validation_errors.clone().unwrap_or_default();
    let count = details.len();
    Err(ApiError::Invalid {
        message: format!(
            "the custom UI does not pass its checks ({count} issue(s)); fix them before publishing"
        ),
        details: json!({ "validation_errors": details }),
    })
}

//! Database rows as sqlx decodes them on either backend, and their conversion into the domain
//! types of `promptdeck-core`. Enum columns hold the seed's wire strings.

use chrono::{DateTime, Utc};
use promptdeck_core::{
    AiRun, AiTask, CustomUiRating, CustomUiSummary, CustomUiTemplate, CustomUiUsage, PromptCustomUi,
    PromptMessage, PromptSettings, PromptVariable, PromptsData, RunMessage, RunSummary,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sqlx::types::Json;
use uuid::Uuid;

use crate::{StoreError, StoreResult};

/// Reads a JSON column into a typed value, reporting corrupt data instead of panicking.
fn from_json<T: DeserializeOwned>(what: &str, value: Value) -> StoreResult<T> {
    serde_json::from_value(value).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PromptRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    description: Option<String>,
    messages: Json<Value>,
    variable_defaults: Option<Json<Value>>,
    settings: Json<Value>,
    tools: Option<Json<Value>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<PromptRow> for PromptsData {
    type Error = StoreError;
    fn try_from(r: PromptRow) -> StoreResult<Self> {
        Ok(PromptsData {
            id: r.id,
            created_at: Some(r.created_at),
            updated_at: Some(r.updated_at),
            name: r.name,
            description: r.description,
            user_id: r.user_id,
            messages: from_json::<Vec<PromptMessage>>("prompts.messages", r.messages.0)?,
            variable_defaults: r
                .variable_defaults
                .map(|v| from_json::<Vec<PromptVariable>>("prompts.variable_defaults", v.0))
                .transpose()?,
            settings: from_json::<PromptSettings>("prompts.settings", r.settings.0)?,
            tools: r.tools.map(|t| object(t.0)),
        })
    }
}

/// A custom UI's rating aggregates, as columns `rating_avg` and `rating_count` of `u`.
macro_rules! ui_rating_columns {
    () => {
        "(SELECT CAST(AVG(r.rating) AS DOUBLE PRECISION) FROM prompt_custom_ui_ratings r WHERE r.custom_ui_id = u.id) AS rating_avg, \
         (SELECT COUNT(*) FROM prompt_custom_ui_ratings r WHERE r.custom_ui_id = u.id) AS rating_count"
    };
}

/// The columns of a custom UI plus its rating aggregates.
pub(crate) const UI_COLUMNS: &str = concat!(
    "u.id, u.user_id, u.prompt_id, u.name, u.description, u.component_code, \
     u.component_type, u.props_schema, u.default_props, u.execution_mode, u.auto_submit, u.show_variables, \
     u.layout_config, u.styling_config, u.is_public, u.is_featured, u.use_count, u.version, \
     u.parent_version_id, u.status, u.validated, u.validation_errors, u.created_at, u.updated_at, \
     u.published_at, u.last_used_at, ",
    ui_rating_columns!()
);

/// The columns of a custom UI summary (no code, schemas or configs) plus its rating aggregates.
pub(crate) const UI_SUMMARY_COLUMNS: &str = concat!(
    "u.id, u.user_id, u.prompt_id, u.name, u.description, u.component_type, u.execution_mode, \
     u.auto_submit, u.show_variables, u.is_public, u.is_featured, u.use_count, u.version, \
     u.parent_version_id, u.status, u.validated, u.created_at, u.updated_at, u.published_at, \
     u.last_used_at, ",
    ui_rating_columns!()
);

#[derive(sqlx::FromRow)]
pub(crate) struct UiRow {
    id: Uuid,
    user_id: Uuid,
    prompt_id: Uuid,
    name: String,
    description: Option<String>,
    component_code: String,
    component_type: String,
    props_schema: Option<Json<Value>>,
    default_props: Option<Json<Value>>,
    execution_mode: String,
    auto_submit: bool,
    show_variables: bool,
    layout_config: Option<Json<Value>>,
    styling_config: Option<Json<Value>>,
    is_public: bool,
    is_featured: bool,
    use_count: i32,
    version: i32,
    parent_version_id: Option<Uuid>,
    status: String,
    validated: bool,
    validation_errors: Option<Json<Value>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    rating_avg: Option<f64>,
    rating_count: i64,
}

impl TryFrom<UiRow> for PromptCustomUi {
    type Error = StoreError;
    fn try_from(r: UiRow) -> StoreResult<Self> {
        Ok(PromptCustomUi {
            id: r.id,
            user_id: r.user_id,
            prompt_id: r.prompt_id,
            name: r.name,
            description: r.description,
            component_code: r.component_code,
            component_type: r.component_type.parse()?,
            props_schema: r.props_schema.map(|j| j.0),
            default_props: r.default_props.map(|j| j.0),
            execution_mode: r.execution_mode.parse()?,
            auto_submit: r.auto_submit,
            show_variables: r.show_variables,
            layout_config: r.layout_config.map(|j| j.0),
            styling_config: r.styling_config.map(|j| j.0),
            is_public: r.is_public,
            is_featured: r.is_featured,
            use_count: r.use_count.into(),
            version: r.version.into(),
            parent_version_id: r.parent_version_id,
            status: r.status.parse()?,
            validated: r.validated,
            // Written only by the checks; a value of another shape reads as no issues.
            validation_errors: r.validation_errors.and_then(|j| serde_json::from_value(j.0).ok()),
            created_at: r.created_at,
            updated_at: r.updated_at,
            published_at: r.published_at,
            last_used_at: r.last_used_at,
            rating_avg: r.rating_avg,
            rating_count: r.rating_count,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UiSummaryRow {
    id: Uuid,
    user_id: Uuid,
    prompt_id: Uuid,
    name: String,
    description: Option<String>,
    component_type: String,
    execution_mode: String,
    auto_submit: bool,
    show_variables: bool,
    is_public: bool,
    is_featured: bool,
    use_count: i32,
    version: i32,
    parent_version_id: Option<Uuid>,
    status: String,
    validated: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    rating_avg: Option<f64>,
    rating_count: i64,
}

impl TryFrom<UiSummaryRow> for CustomUiSummary {
    type Error = StoreError;
    fn try_from(r: UiSummaryRow) -> StoreResult<Self> {
        Ok(CustomUiSummary {
            id: r.id,
            user_id: r.user_id,
            prompt_id: r.prompt_id,
            name: r.name,
            description: r.description,
            component_type: r.component_type.parse()?,
            execution_mode: r.execution_mode.parse()?,
            auto_submit: r.auto_submit,
            show_variables: r.show_variables,
            is_public: r.is_public,
            is_featured: r.is_featured,
            use_count: r.use_count.into(),
            version: r.version.into(),
            parent_version_id: r.parent_version_id,
            status: r.status.parse()?,
            validated: r.validated,
            created_at: r.created_at,
            updated_at: r.updated_at,
            published_at: r.published_at,
            last_used_at: r.last_used_at,
            rating_avg: r.rating_avg,
            rating_count: r.rating_count,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RunRow {
    id: Uuid,
    user_id: Uuid,
    source_type: String,
    source_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    messages: Json<Value>,
    settings: Json<Value>,
    variable_values: Json<Value>,
    broker_values: Json<Value>,
    attachments: Json<Value>,
    metadata: Json<Value>,
    status: String,
    is_starred: bool,
    total_tokens: i64,
    total_cost: f64,
    message_count: i64,
    task_count: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_message_at: DateTime<Utc>,
}

impl TryFrom<RunRow> for AiRun {
    type Error = StoreError;
    fn try_from(r: RunRow) -> StoreResult<Self> {
        Ok(AiRun {
            id: r.id,
            user_id: r.user_id,
            source_type: r.source_type.parse()?,
            source_id: r.source_id,
            name: r.name,
            description: r.description,
            messages: from_json::<Vec<RunMessage>>("ai_runs.messages", r.messages.0)?,
            settings: object(r.settings.0),
            variable_values: from_json("ai_runs.variable_values", r.variable_values.0)?,
            broker_values: from_json("ai_runs.broker_values", r.broker_values.0)?,
            attachments: from_json("ai_runs.attachments", r.attachments.0)?,
            metadata: object(r.metadata.0),
            status: r.status.parse()?,
            is_starred: r.is_starred,
            total_tokens: r.total_tokens,
            total_cost: r.total_cost,
            message_count: r.message_count,
            task_count: r.task_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
            last_message_at: r.last_message_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RunSummaryRow {
    id: Uuid,
    user_id: Uuid,
    source_type: String,
    source_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    model_id: Option<String>,
    status: String,
    is_starred: bool,
    total_tokens: i64,
    total_cost: f64,
    message_count: i64,
    task_count: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_message_at: DateTime<Utc>,
}

impl TryFrom<RunSummaryRow> for RunSummary {
    type Error = StoreError;
    fn try_from(r: RunSummaryRow) -> StoreResult<Self> {
        Ok(RunSummary {
            id: r.id,
            user_id: r.user_id,
            source_type: r.source_type.parse()?,
            source_id: r.source_id,
            name: r.name,
            description: r.description,
            model_id: r.model_id,
            status: r.status.parse()?,
            is_starred: r.is_starred,
            total_tokens: r.total_tokens,
            total_cost: r.total_cost,
            message_count: r.message_count,
            task_count: r.task_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
            last_message_at: r.last_message_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TaskRow {
    id: Uuid,
    run_id: Uuid,
    user_id: Uuid,
    task_id: String,
    service: String,
    task_name: String,
    model_id: Option<String>,
    provider: Option<String>,
    endpoint: Option<String>,
    request_data: Json<Value>,
    response_text: Option<String>,
    response_data: Option<Json<Value>>,
    response_info: Option<Json<Value>>,
    response_errors: Option<Json<Value>>,
    tool_updates: Option<Json<Value>>,
    response_complete: bool,
    response_metadata: Json<Value>,
    tokens_input: Option<i64>,
    tokens_output: Option<i64>,
    tokens_total: Option<i64>,
    cost: Option<f64>,
    time_to_first_token: Option<f64>,
    total_time: Option<f64>,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
}

impl TryFrom<TaskRow> for AiTask {
    type Error = StoreError;
    fn try_from(r: TaskRow) -> StoreResult<Self> {
        Ok(AiTask {
            id: r.id,
            run_id: r.run_id,
            user_id: r.user_id,
            task_id: r.task_id,
            service: r.service,
            task_name: r.task_name,
            model_id: r.model_id,
            provider: r.provider,
            endpoint: r.endpoint,
            request_data: r.request_data.0,
            response_text: r.response_text,
            response_data: r.response_data.map(|j| j.0),
            response_info: r.response_info.map(|j| j.0),
            response_errors: r.response_errors.map(|j| j.0),
            tool_updates: r.tool_updates.map(|j| j.0),
            response_complete: r.response_complete,
            response_metadata: r.response_metadata.0,
            tokens_input: r.tokens_input,
            tokens_output: r.tokens_output,
            tokens_total: r.tokens_total,
            cost: r.cost,
            time_to_first_token: r.time_to_first_token,
            total_time: r.total_time,
            status: r.status.parse()?,
            created_at: r.created_at,
            updated_at: r.updated_at,
            completed_at: r.completed_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UsageRow {
    id: Uuid,
    custom_ui_id: Uuid,
    user_id: Uuid,
    run_id: Option<Uuid>,
    execution_time_ms: Option<i32>,
    variables_used: Option<Json<Value>>,
    success: bool,
    error_message: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<UsageRow> for CustomUiUsage {
    fn from(r: UsageRow) -> Self {
        CustomUiUsage {
            id: r.id,
            custom_ui_id: r.custom_ui_id,
            user_id: r.user_id,
            run_id: r.run_id,
            execution_time_ms: r.execution_time_ms.map(i64::from),
            variables_used: r.variables_used.map(|j| j.0),
            success: r.success,
            error_message: r.error_message,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RatingRow {
    id: Uuid,
    custom_ui_id: Uuid,
    user_id: Uuid,
    rating: i32,
    feedback: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<RatingRow> for CustomUiRating {
    fn from(r: RatingRow) -> Self {
        CustomUiRating {
            id: r.id,
            custom_ui_id: r.custom_ui_id,
            user_id: r.user_id,
            rating: r.rating,
            feedback: r.feedback,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TemplateRow {
    id: Uuid,
    name: String,
    description: Option<String>,
    category: String,
    component_code: String,
    preview_image_url: Option<String>,
    demo_prompt_id: Option<Uuid>,
    tags_json: String,
    difficulty: String,
    is_official: bool,
    use_count: i32,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<TemplateRow> for CustomUiTemplate {
    type Error = StoreError;
    fn try_from(r: TemplateRow) -> StoreResult<Self> {
        Ok(CustomUiTemplate {
            id: r.id,
            name: r.name,
            description: r.description,
            category: r.category,
            component_code: r.component_code,
            preview_image_url: r.preview_image_url,
            demo_prompt_id: r.demo_prompt_id,
            tags: serde_json::from_str(&r.tags_json)
                .map_err(|e| StoreError::Corrupt(format!("templates.tags: {e}")))?,
            difficulty: r.difficulty.parse()?,
            is_official: r.is_official,
            use_count: r.use_count.into(),
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally in `LIKE … ESCAPE '\'`.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

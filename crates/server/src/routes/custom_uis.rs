//! `/api/custom-uis`: create, list (summaries), read (with the prompt), change, delete, publish,
//! versions, ratings, the caller's usage rows, validation without saving, and the compiled
//! module. Usage rows are recorded by the task runner when a task tagged with a UI runs; there
//! is no endpoint to post one.

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use promptdeck_compiler::Compiled;
use promptdeck_core::{
    ComponentType, CreateCustomUiInput, CustomUiPatch, CustomUiRating, CustomUiStatus, CustomUiSummary,
    CustomUiUsage, CustomUiWithPrompt, Page, PromptCustomUi, PromptView, RatingInput, ValidationReport,
};
use promptdeck_store::{UiFilter, UiScope, UiSort};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, IdPath};
use crate::routes::prompts::Paging;
use crate::state::AppState;
use crate::ui_rules::{OwnedSource, apply_checks, check_source, compile, require_owner, require_publishable};

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_uis, create_ui))
        .routes(routes!(validate_ui))
        .routes(routes!(get_ui, update_ui, delete_ui))
        .routes(routes!(publish_ui))
        .routes(routes!(list_versions, create_version))
        .routes(routes!(rate_ui))
        .routes(routes!(list_usage))
        .routes(routes!(compiled_ui))
        .routes(routes!(get_ui_state, put_ui_state))
}

/// Largest per-user UI state, in bytes of JSON.
pub const MAX_UI_STATE_BYTES: usize = 64 * 1024;

/// A user's private state for a custom UI.
#[derive(Debug, serde::Serialize, Deserialize, ToSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UiState {
    /// A JSON object the UI keeps between visits (at most 64 KiB).
    #[schema(value_type = Object)]
    pub state: serde_json::Map<String, Value>,
}

/// The caller's state for a UI they may see (`{}` until one is saved).
#[utoipa::path(get, path = "/api/custom-uis/{id}/state", tag = "custom-uis", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = UiState), (status = 404, body = ErrorBody)))]
async fn get_ui_state(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<UiState>> {
    visible_ui(&state, user.id, id).await?;
    let value = state.store.ui_state(user.id, id).await?;
    Ok(Json(UiState { state: value.as_object().cloned().unwrap_or_default() }))
}

/// Replaces the caller's state for a UI they may see.
#[utoipa::path(put, path = "/api/custom-uis/{id}/state", tag = "custom-uis", params(("id" = Uuid, Path)), request_body = UiState,
    security(("bearer" = [])),
    responses((status = 200, body = UiState), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_ui_state(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<UiState>,
) -> ApiResult<Json<UiState>> {
    let value = Value::Object(body.state);
    if value.to_string().len() > MAX_UI_STATE_BYTES {
        return Err(ApiError::Validation(format!("state: at most {MAX_UI_STATE_BYTES} bytes of JSON")));
    }
    visible_ui(&state, user.id, id).await?;
    state.store.put_ui_state(user.id, id, &value).await?;
    let Value::Object(state) = value else { return Err(ApiError::Internal("state is not an object".into())) };
    Ok(Json(UiState { state }))
}

/// A custom UI the caller may see (their own, or public and active); 404 otherwise.
async fn visible_ui(state: &AppState, user: Uuid, id: Uuid) -> ApiResult<PromptCustomUi> {
    state.store.find_ui(user, id).await?.ok_or(ApiError::NotFound("custom UI"))
}

/// Filters of the custom UI list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UiListQuery {
    /// `mine` (default), `public` or `featured`.
    #[param(schema_with = scope_schema)]
    pub scope: Option<String>,
    /// Only UIs of this prompt.
    pub prompt_id: Option<Uuid>,
    /// `draft`, `active` or `archived`.
    #[param(value_type = Option<CustomUiStatus>)]
    pub status: Option<String>,
    /// Text in the name or description.
    pub q: Option<String>,
    /// `recent` (default), `use_count` or `rating`.
    #[param(schema_with = sort_schema)]
    pub sort: Option<String>,
    /// Items per page (default 50, at most 200).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// The wire strings of `?scope=` (checked in [`UiListQuery::filter`]).
fn scope_schema() -> utoipa::openapi::Object {
    string_enum(&["mine", "public", "featured"])
}

/// The wire strings of `?sort=`.
fn sort_schema() -> utoipa::openapi::Object {
    string_enum(&["recent", "use_count", "rating"])
}

fn string_enum(values: &[&str]) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(values.iter().copied()))
        .build()
}

impl UiListQuery {
    fn filter(&self) -> ApiResult<UiFilter> {
        let scope = match self.scope.as_deref() {
            None | Some("mine") => UiScope::Mine,
            Some("public") => UiScope::Public,
            Some("featured") => UiScope::Featured,
            Some(other) => {
                return Err(ApiError::Validation(format!(
                    "scope: unknown value `{other}`, expected mine, public or featured"
                )));
            }
        };
        let sort = match self.sort.as_deref() {
            None | Some("recent") => UiSort::Recent,
            Some("use_count") => UiSort::UseCount,
            Some("rating") => UiSort::Rating,
            Some(other) => {
                return Err(ApiError::Validation(format!(
                    "sort: unknown value `{other}`, expected recent, use_count or rating"
                )));
            }
        };
        let status = self.status.as_deref().map(str::parse::<CustomUiStatus>).transpose()?;
        Ok(UiFilter { scope, prompt_id: self.prompt_id, status, q: self.q.clone(), sort })
    }
}

/// Lists custom UIs: the caller's own, or everyone's public ones. Items are summaries, without
/// code, schemas or configs: `GET /api/custom-uis/{id}` has those.
#[utoipa::path(get, path = "/api/custom-uis", tag = "custom-uis", params(UiListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<CustomUiSummary>), (status = 422, body = ErrorBody)))]
async fn list_uis(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(query): ApiQuery<UiListQuery>,
) -> ApiResult<Json<Page<CustomUiSummary>>> {
    let filter = query.filter()?;
    let page = Paging { limit: query.limit, offset: query.offset }.page();
    Ok(Json(state.store.list_uis(user.id, &filter, page).await?))
}

/// Creates a draft UI for one of the caller's prompts; the checks run and are recorded.
#[utoipa::path(post, path = "/api/custom-uis", tag = "custom-uis", request_body = CreateCustomUiInput, security(("bearer" = [])),
    responses((status = 201, body = PromptCustomUi), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn create_ui(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(input): ApiJson<CreateCustomUiInput>,
) -> ApiResult<(StatusCode, Json<PromptCustomUi>)> {
    input.check()?;
    let prompt =
        state.store.get_prompt(user.id, input.prompt_id).await?.ok_or(ApiError::NotFound("prompt"))?;
    let now = Utc::now();
    let mut ui = PromptCustomUi {
        id: Uuid::new_v4(),
        user_id: user.id,
        prompt_id: prompt.id,
        name: input.name,
        description: input.description,
        component_code: input.component_code,
        component_type: input.component_type.unwrap_or_default(),
        props_schema: input.props_schema,
        default_props: input.default_props,
        execution_mode: input.execution_mode.unwrap_or_default(),
        auto_submit: input.auto_submit.unwrap_or(false),
        show_variables: input.show_variables.unwrap_or(true),
        layout_config: input.layout_config,
        styling_config: input.styling_config,
        is_public: false,
        is_featured: false,
        use_count: 0,
        version: 1,
        parent_version_id: None,
        status: CustomUiStatus::Draft,
        validated: false,
        validation_errors: None,
        created_at: now,
        updated_at: now,
        published_at: None,
        last_used_at: None,
        rating_avg: None,
        rating_count: 0,
    };
    apply_checks(&state, &mut ui, Some(&prompt)).await?;
    Ok((StatusCode::CREATED, Json(state.store.insert_ui(&ui).await?)))
}

/// A UI the caller may see, with its prompt (a public view for non-owners).
#[utoipa::path(get, path = "/api/custom-uis/{id}", tag = "custom-uis", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = CustomUiWithPrompt), (status = 404, body = ErrorBody)))]
async fn get_ui(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<CustomUiWithPrompt>> {
    let ui = visible_ui(&state, user.id, id).await?;
    let prompt =
        state.store.get_prompt_of_visible_ui(user.id, id).await?.ok_or(ApiError::NotFound("prompt"))?;
    Ok(Json(CustomUiWithPrompt { prompt: PromptView::of(&prompt, user.id), ui }))
}

/// Changes the fields given (owner only; `is_featured` by admins only). Code changes re-run
/// the checks; a UI that fails them cannot be active or public.
#[utoipa::path(patch, path = "/api/custom-uis/{id}", tag = "custom-uis", params(("id" = Uuid, Path)), request_body = CustomUiPatch,
    security(("bearer" = [])),
    responses((status = 200, body = PromptCustomUi), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn update_ui(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(patch): ApiJson<CustomUiPatch>,
) -> ApiResult<Json<PromptCustomUi>> {
    let mut ui = visible_ui(&state, user.id, id).await?;
    if patch.is_featured.is_some() && !user.is_admin {
        return Err(ApiError::Forbidden("only an admin may feature a custom UI".into()));
    }
    let featured = patch.is_featured;
    let only_featuring = patch == CustomUiPatch { is_featured: featured, ..Default::default() };
    if !(only_featuring && user.is_admin) {
        require_owner(&ui, user.id)?;
    }
    let recheck = apply_patch(&mut ui, patch)?;
    if recheck {
        let prompt = state.store.get_prompt(ui.user_id, ui.prompt_id).await?;
        apply_checks(&state, &mut ui, prompt.as_ref()).await?;
    }
    require_publishable(&ui)?;
    let saved = if ui.user_id == user.id { Some(state.store.save_ui(&ui).await?) } else { None };
    // Featuring is an admin's act on the server's own role, never part of an owner's save.
    match (featured, saved) {
        (Some(featured), _) => {
            Ok(Json(state.store.set_featured(ui.id, featured).await?.ok_or(ApiError::NotFound("custom UI"))?))
        }
        (None, Some(saved)) => Ok(Json(saved)),
        (None, None) => Err(ApiError::Internal("a patch by a non-owner that features nothing".into())),
    }
}

/// Applies a patch; true when the checks must run again.
fn apply_patch(ui: &mut PromptCustomUi, p: CustomUiPatch) -> ApiResult<bool> {
    p.check()?;
    let recheck = p.component_code.is_some()
        || p.component_type.is_some()
        || p.props_schema.is_some()
        || p.default_props.is_some();
    if let Some(name) = p.name {
        ui.name = name;
    }
    macro_rules! set {
        ($($field:ident),*) => { $(if let Some(v) = p.$field { ui.$field = v; })* };
    }
    // `null` clears a nullable field; an absent field stays as it is.
    set!(
        component_code,
        component_type,
        execution_mode,
        auto_submit,
        show_variables,
        status,
        is_public,
        is_featured,
        description,
        layout_config,
        styling_config,
        props_schema,
        default_props
    );
    Ok(recheck)
}

/// Deletes a UI (owner only).
#[utoipa::path(delete, path = "/api/custom-uis/{id}", tag = "custom-uis", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_ui(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    let ui = visible_ui(&state, user.id, id).await?;
    require_owner(&ui, user.id)?;
    state.store.delete_ui(user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes a validated UI: public, active, `published_at` set. A UI that fails its checks
/// is refused with its issues; a quarantined one (its frame was reported navigating) with 409.
#[utoipa::path(post, path = "/api/custom-uis/{id}/publish", tag = "custom-uis", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = PromptCustomUi), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn publish_ui(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<PromptCustomUi>> {
    let mut ui = visible_ui(&state, user.id, id).await?;
    require_owner(&ui, user.id)?;
    if state.store.ui_quarantine(ui.id).await?.quarantined {
        return Err(ApiError::Conflict(
            "this version was reported for loading another page in its frame and stays out of the gallery; \
             publish a new version (POST /api/custom-uis/{id}/versions) without that"
                .into(),
        ));
    }
    let prompt = state.store.get_prompt(user.id, ui.prompt_id).await?;
    apply_checks(&state, &mut ui, prompt.as_ref()).await?;
    ui.is_public = true;
    ui.status = CustomUiStatus::Active;
    require_publishable(&ui)?;
    ui.published_at.get_or_insert_with(Utc::now);
    Ok(Json(state.store.save_ui(&ui).await?))
}

/// The version chain of a UI, oldest first, as summaries (non-owners see only its public,
/// active versions); each version's own endpoint has its code.
#[utoipa::path(get, path = "/api/custom-uis/{id}/versions", tag = "custom-uis", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = Page<CustomUiSummary>), (status = 404, body = ErrorBody)))]
async fn list_versions(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<Page<CustomUiSummary>>> {
    let ui = visible_ui(&state, user.id, id).await?;
    let mut items = state.store.ui_versions(&ui).await?;
    if ui.user_id != user.id {
        items.retain(|v| v.is_public && v.status == CustomUiStatus::Active);
    }
    let total = items.len() as i64;
    Ok(Json(Page { limit: total, offset: 0, total, items }))
}

/// Creates version n+1 of a UI as a draft, with `parent_version_id` pointing at it and the
/// changes given applied.
#[utoipa::path(post, path = "/api/custom-uis/{id}/versions", tag = "custom-uis", params(("id" = Uuid, Path)),
    request_body(content = Option<CustomUiPatch>), security(("bearer" = [])),
    responses((status = 201, body = PromptCustomUi), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn create_version(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<PromptCustomUi>)> {
    let patch: CustomUiPatch = if body.iter().all(u8::is_ascii_whitespace) {
        CustomUiPatch::default()
    } else {
        let is_json =
            headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
        if !is_json {
            return Err(ApiError::InvalidJson(
                "expected a JSON body with content-type application/json".into(),
            ));
        }
        crate::extract::parse_json(&body)?
    };
    if patch.is_featured.is_some() {
        return Err(ApiError::Validation("is_featured: cannot be set on a new version".into()));
    }
    let base = visible_ui(&state, user.id, id).await?;
    require_owner(&base, user.id)?;
    let chain = state.store.ui_versions(&base).await?;
    let now = Utc::now();
    let mut ui = PromptCustomUi {
        id: Uuid::new_v4(),
        version: chain.iter().map(|v| v.version).max().unwrap_or(base.version) + 1,
        parent_version_id: Some(base.id),
        status: CustomUiStatus::Draft,
        is_public: false,
        is_featured: false,
        use_count: 0,
        created_at: now,
        updated_at: now,
        published_at: None,
        last_used_at: None,
        rating_avg: None,
        rating_count: 0,
        ..base
    };
    apply_patch(&mut ui, patch)?;
    let prompt = state.store.get_prompt(user.id, ui.prompt_id).await?;
    apply_checks(&state, &mut ui, prompt.as_ref()).await?;
    require_publishable(&ui)?;
    Ok((StatusCode::CREATED, Json(state.store.insert_ui(&ui).await?)))
}

/// Rates another user's UI the caller may see (1–5, feedback up to 2,000 characters, one rating
/// per user; a second call replaces it). Owners cannot rate their own UIs.
#[utoipa::path(put, path = "/api/custom-uis/{id}/rating", tag = "custom-uis", params(("id" = Uuid, Path)), request_body = RatingInput,
    security(("bearer" = [])),
    responses((status = 200, body = CustomUiRating), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn rate_ui(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<RatingInput>,
) -> ApiResult<Json<CustomUiRating>> {
    input.check()?;
    let ui = visible_ui(&state, user.id, id).await?;
    if ui.user_id == user.id {
        return Err(ApiError::Forbidden(
            "you cannot rate your own custom UI; ratings are for other users".into(),
        ));
    }
    Ok(Json(state.store.upsert_rating(user.id, id, &input).await?))
}

/// The caller's own usage rows (recorded by the server each time a task tagged with a custom
/// UI ran for the caller).
#[utoipa::path(get, path = "/api/usage", tag = "custom-uis", params(Paging), security(("bearer" = [])),
    responses((status = 200, body = Page<CustomUiUsage>)))]
async fn list_usage(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Page<CustomUiUsage>>> {
    Ok(Json(state.store.list_usage(user.id, paging.page()).await?))
}

/// What `POST /api/custom-uis/validate` checks.
#[derive(Debug, Deserialize, ToSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct ValidateInput {
    /// The code.
    pub component_code: String,
    /// Its kind (default `react`).
    #[serde(default)]
    pub component_type: Option<ComponentType>,
    /// Props schema.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub props_schema: Option<Value>,
    /// Default props.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub default_props: Option<Value>,
    /// The prompt whose variables templates and schemas may bind (optional; must be the caller's).
    #[serde(default)]
    pub prompt_id: Option<Uuid>,
}

/// Checks a custom UI without saving it.
#[utoipa::path(post, path = "/api/custom-uis/validate", tag = "custom-uis", request_body = ValidateInput, security(("bearer" = [])),
    responses((status = 200, body = ValidationReport), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn validate_ui(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(input): ApiJson<ValidateInput>,
) -> ApiResult<Json<ValidationReport>> {
    let prompt = match input.prompt_id {
        Some(id) => Some(state.store.get_prompt(user.id, id).await?.ok_or(ApiError::NotFound("prompt"))?),
        None => None,
    };
    let source = OwnedSource {
        component_type: input.component_type.unwrap_or_default(),
        code: input.component_code,
        props_schema: input.props_schema,
        default_props: input.default_props,
        prompt_variables: prompt.as_ref().map(crate::ui_rules::variable_names),
    };
    Ok(Json(check_source(&state, source).await?))
}

/// The compiled UI (JavaScript module, sanitised HTML or normalised schema) with an ETag;
/// `If-None-Match` answers 304. A module also becomes servable by its hash on the sandbox origin.
#[utoipa::path(get, path = "/api/custom-uis/{id}/compiled", tag = "custom-uis", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the compiled UI"), (status = 304), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn compiled_ui(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ui = visible_ui(&state, user.id, id).await?;
    let compiled = compile(&state, &ui).await?;
    state.modules.publish(&state, ui.id, &compiled).await;
    compiled_response(&compiled, &headers)
}

/// A compiled UI or template as `/compiled` answers it: its ETag (the module's hash), 304 for a
/// matching `If-None-Match`, and the code with its media type.
pub(crate) fn compiled_response(compiled: &Compiled, headers: &HeaderMap) -> ApiResult<Response> {
    let etag = format!("\"{}\"", compiled.hash);
    let fresh = headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let etag_value = HeaderValue::from_str(&etag).map_err(|e| ApiError::Internal(e.to_string()))?;
    let cache = HeaderValue::from_static("private, no-cache");
    if fresh {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, etag_value), (CACHE_CONTROL, cache)]).into_response());
    }
    let mime = match compiled.kind {
        ComponentType::React => "text/javascript; charset=utf-8",
        ComponentType::Template => "text/html; charset=utf-8",
        ComponentType::JsonSchema => "application/json",
    };
    Ok((
        StatusCode::OK,
        [(ETAG, etag_value), (CACHE_CONTROL, cache), (CONTENT_TYPE, HeaderValue::from_static(mime))],
        compiled.code.clone(),
    )
        .into_response())
}

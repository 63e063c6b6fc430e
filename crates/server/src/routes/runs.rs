//! `/api/runs` and `/api/tasks`: each user's own AI runs, their messages and tasks.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use promptdeck_core::{
    AiRun, AiTask, MAX_TASK_ID_CHARS, NewRun, NewRunMessage, NewTask, Page, RunPatch, RunStatus, RunSummary,
    RunWithTasks,
};
use promptdeck_store::RunFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, IdPath, TextPath};
use crate::routes::prompts::Paging;
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_runs, create_run))
        .routes(routes!(get_run, update_run))
        .routes(routes!(add_message))
        .routes(routes!(add_task))
        .routes(routes!(get_task))
}

/// Filters of the run list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunListQuery {
    /// `active`, `archived` or `deleted` (default: all but deleted).
    #[param(value_type = Option<promptdeck_core::RunStatus>)]
    pub status: Option<String>,
    /// Only starred (`true`) or unstarred (`false`) runs.
    pub starred: Option<bool>,
    /// Text in the name.
    pub q: Option<String>,
    /// Only runs of this source (e.g. a prompt id).
    pub source_id: Option<String>,
    /// Items per page (default 50, at most 200).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// The caller's runs, most recent activity first. Items are summaries, without messages,
/// settings or other JSON: `GET /api/runs/{id}` has those.
#[utoipa::path(get, path = "/api/runs", tag = "runs", params(RunListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<RunSummary>)))]
async fn list_runs(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(q): ApiQuery<RunListQuery>,
) -> ApiResult<Json<Page<RunSummary>>> {
    let filter = RunFilter {
        status: q.status.as_deref().map(str::parse::<RunStatus>).transpose()?,
        starred: q.starred,
        q: q.q.clone(),
        source_id: q.source_id.clone(),
    };
    let page = Paging { limit: q.limit, offset: q.offset }.page();
    Ok(Json(state.store.list_runs(user.id, &filter, page).await?))
}

/// Creates a run (the seed's `createRun`).
#[utoipa::path(post, path = "/api/runs", tag = "runs", request_body = NewRun, security(("bearer" = [])),
    responses((status = 201, body = AiRun), (status = 422, body = ErrorBody)))]
async fn create_run(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<NewRun>,
) -> ApiResult<(StatusCode, Json<AiRun>)> {
    body.check()?;
    Ok((StatusCode::CREATED, Json(state.store.create_run(user.id, &body).await?)))
}

/// A run with its messages and tasks.
#[utoipa::path(get, path = "/api/runs/{id}", tag = "runs", params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = RunWithTasks), (status = 404, body = ErrorBody)))]
async fn get_run(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<RunWithTasks>> {
    let run = state.store.get_run(user.id, id).await?.ok_or(ApiError::NotFound("run"))?;
    let tasks = state.store.run_tasks(user.id, id).await?;
    Ok(Json(RunWithTasks { run, tasks }))
}

/// Renames, stars, archives or deletes a run.
#[utoipa::path(patch, path = "/api/runs/{id}", tag = "runs", params(("id" = uuid::Uuid, Path)), request_body = RunPatch,
    security(("bearer" = [])), responses((status = 200, body = AiRun), (status = 404, body = ErrorBody)))]
async fn update_run(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(patch): ApiJson<RunPatch>,
) -> ApiResult<Json<AiRun>> {
    patch.check()?;
    state.store.update_run(user.id, id, &patch).await?.map(Json).ok_or(ApiError::NotFound("run"))
}

/// Appends a message to a run (the seed's `addMessage`). Its figures (tokens, cost, times) must
/// be finite, non-negative and bounded; a full run (`--max-run-messages`, `--max-run-bytes`)
/// answers 422 `run_too_large`.
#[utoipa::path(post, path = "/api/runs/{id}/messages", tag = "runs", params(("id" = uuid::Uuid, Path)), request_body = NewRunMessage,
    security(("bearer" = [])), responses((status = 201, body = AiRun), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_message(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(message): ApiJson<NewRunMessage>,
) -> ApiResult<(StatusCode, Json<AiRun>)> {
    message.check()?;
    let tokens = message.metadata.as_ref().and_then(|m| m.tokens).unwrap_or(0);
    let cost = message.metadata.as_ref().and_then(|m| m.cost).unwrap_or(0.0);
    let run = state.store.append_run_messages(user.id, id, vec![message], tokens, cost).await?;
    Ok((StatusCode::CREATED, Json(run)))
}

/// Registers a task in a run before it is submitted (the seed's `createTask`).
#[utoipa::path(post, path = "/api/runs/{id}/tasks", tag = "runs", params(("id" = uuid::Uuid, Path)), request_body = NewTask,
    security(("bearer" = [])),
    responses((status = 201, body = AiTask), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn add_task(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(task): ApiJson<NewTask>,
) -> ApiResult<(StatusCode, Json<AiTask>)> {
    if let Some(task_id) = &task.task_id
        && (task_id.is_empty() || task_id.len() > MAX_TASK_ID_CHARS)
    {
        return Err(ApiError::Validation(format!("task_id: 1 to {MAX_TASK_ID_CHARS} characters")));
    }
    Ok((StatusCode::CREATED, Json(state.store.create_task(user.id, id, &task).await?)))
}

/// A task by its Socket.IO task id.
#[utoipa::path(get, path = "/api/tasks/{task_id}", tag = "runs", params(("task_id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = AiTask), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_task(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    TextPath(task_id): TextPath,
) -> ApiResult<Json<AiTask>> {
    state.store.get_task(user.id, &task_id).await?.map(Json).ok_or(ApiError::NotFound("task"))
}

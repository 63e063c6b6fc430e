//! `/api/prompts`: each user's own prompts, in the seed's camelCase `PromptsData` shape.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use promptdeck_core::{NewPrompt, Page, PageRequest, PromptPatch, PromptsData};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, IdPath};
use crate::state::AppState;

/// Paging parameters shared by list endpoints.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Items per page (default 50, at most 200).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

impl Paging {
    /// The clamped page request.
    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.limit, self.offset)
    }
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_prompts, create_prompt)).routes(routes!(
        get_prompt,
        update_prompt,
        delete_prompt
    ))
}

/// The caller's prompts, most recently changed first.
#[utoipa::path(get, path = "/api/prompts", tag = "prompts", params(Paging), security(("bearer" = [])),
    responses((status = 200, body = Page<PromptsData>), (status = 401, body = ErrorBody)))]
async fn list_prompts(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Page<PromptsData>>> {
    Ok(Json(state.store.list_prompts(user.id, paging.page()).await?))
}

/// Creates a prompt.
#[utoipa::path(post, path = "/api/prompts", tag = "prompts", request_body = NewPrompt, security(("bearer" = [])),
    responses((status = 201, body = PromptsData), (status = 422, body = ErrorBody)))]
async fn create_prompt(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<NewPrompt>,
) -> ApiResult<(StatusCode, Json<PromptsData>)> {
    body.check()?;
    Ok((StatusCode::CREATED, Json(state.store.create_prompt(user.id, body).await?)))
}

/// One of the caller's prompts.
#[utoipa::path(get, path = "/api/prompts/{id}", tag = "prompts", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = PromptsData), (status = 404, body = ErrorBody)))]
async fn get_prompt(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<PromptsData>> {
    state.store.get_prompt(user.id, id).await?.map(Json).ok_or(ApiError::NotFound("prompt"))
}

/// Changes the fields given.
#[utoipa::path(patch, path = "/api/prompts/{id}", tag = "prompts", request_body = PromptPatch, security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = PromptsData), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_prompt(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<PromptPatch>,
) -> ApiResult<Json<PromptsData>> {
    body.check()?;
    state.store.update_prompt(user.id, id, body).await?.map(Json).ok_or(ApiError::NotFound("prompt"))
}

/// Deletes a prompt and its custom UIs.
#[utoipa::path(delete, path = "/api/prompts/{id}", tag = "prompts", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_prompt(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    if state.store.delete_prompt(user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("prompt"))
    }
}

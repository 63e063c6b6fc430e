//! `/api/templates`: the template library, readable by everyone signed in.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use promptdeck_core::{CustomUiTemplate, Difficulty, Page, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, IdPath};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates))
        .routes(routes!(get_template))
        .routes(routes!(compiled_template))
}

/// Filters of the template list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// `form`, `chat`, `dashboard`, `visualization`, …
    pub category: Option<String>,
    /// A tag the template has.
    pub tag: Option<String>,
    /// `beginner`, `intermediate` or `advanced`.
    #[param(value_type = Option<promptdeck_core::Difficulty>)]
    pub difficulty: Option<String>,
    /// Items per page (default 50, at most 200).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// Templates matching the filters.
#[utoipa::path(get, path = "/api/templates", tag = "templates", params(TemplateQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<CustomUiTemplate>), (status = 401, body = ErrorBody)))]
async fn list_templates(
    State(state): State<AppState>,
    AuthUser(_user): AuthUser,
    ApiQuery(q): ApiQuery<TemplateQuery>,
) -> ApiResult<Json<Page<CustomUiTemplate>>> {
    let difficulty = q.difficulty.as_deref().map(str::parse::<Difficulty>).transpose()?;
    let all = state.store.list_templates(q.category.as_deref(), q.tag.as_deref(), difficulty).await?;
    Ok(Json(page_of(all, PageRequest::new(q.limit, q.offset))))
}

/// One page of a list that is small enough to hold whole (templates, models).
pub fn page_of<T>(all: Vec<T>, page: PageRequest) -> Page<T> {
    let total = all.len() as i64;
    let items = all.into_iter().skip(page.offset as usize).take(page.limit as usize).collect();
    Page::new(items, total, page)
}

/// One template.
#[utoipa::path(get, path = "/api/templates/{id}", tag = "templates", params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = CustomUiTemplate), (status = 404, body = ErrorBody)))]
async fn get_template(
    State(state): State<AppState>,
    AuthUser(_user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<CustomUiTemplate>> {
    state.store.get_template(id).await?.map(Json).ok_or(ApiError::NotFound("template"))
}

/// A template's compiled module (with its hash as ETag, `If-None-Match` answers 304), servable on
/// the sandbox origin by its hash: what its gallery thumbnail runs.
#[utoipa::path(get, path = "/api/templates/{id}/compiled", tag = "templates", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "the compiled template"), (status = 304), (status = 404, body = ErrorBody)))]
async fn compiled_template(
    State(state): State<AppState>,
    AuthUser(_user): AuthUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let module = state.modules.templates(&state).await?.of(id).ok_or(ApiError::NotFound("template"))?;
    crate::routes::custom_uis::compiled_response(&module, &headers)
}

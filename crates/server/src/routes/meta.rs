//! `GET /api/models` (the model catalogue with prices) and `GET /healthz`.

use axum::Json;
use axum::extract::State;
use promptdeck_core::Page;
use promptdeck_llm::ModelEntry;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::routes::prompts::Paging;
use crate::routes::templates::page_of;
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_models)).routes(routes!(healthz))
}

/// The configured models with their prices (US dollars per million tokens).
#[utoipa::path(get, path = "/api/models", tag = "meta", params(Paging), security(("bearer" = [])),
    responses((status = 200, body = Page<ModelEntry>)))]
async fn list_models(
    State(state): State<AppState>,
    AuthUser(_user): AuthUser,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Json<Page<ModelEntry>> {
    Json(page_of(state.catalogue.models().to_vec(), paging.page()))
}

/// Liveness and database health.
#[derive(Debug, Serialize, ToSchema, ts_rs::TS)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
}

/// Answers 200 when the server and its database are up.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health), (status = 500)))]
async fn healthz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    state.store.ping().await.map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(Health { status: "ok", database: state.store.kind() }))
}

//! `GET /api/models` (the model catalogue with prices) and `GET /healthz`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use promptdeck_core::Page;
use promptdeck_llm::ModelEntry;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::AuthUser;
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

/// Liveness and the health of the parts the server needs.
#[derive(Debug, Serialize, ToSchema, ts_rs::TS)]
pub struct Health {
    /// `ok`, or `unavailable` (see `failed`).
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// `ok` on a node of several (its Redis answers); absent on a single node.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub redis: Option<&'static str>,
    /// What is wrong when `status` is `unavailable`: `database`, `redis`, or `draining` (the
    /// node is stopping and takes no new tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub failed: Option<&'static str>,
}

/// Answers 200 when the server and the parts it needs (database; Redis on a node of several)
/// are up; 503 naming the failed part, or `draining` while the node stops (so a load balancer
/// sends new work elsewhere).
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let mut failed = None;
    if state.drain.is_draining() {
        failed = Some("draining");
    } else {
        // A database that does not answer at all would hold the check for the pool's whole
        // acquire timeout; a balancer wants an answer in time.
        let answer = tokio::time::timeout(HEALTH_WAIT, state.store.ping()).await;
        if !matches!(answer, Ok(Ok(()))) {
            tracing::warn!(answer = ?answer.map(|a| a.map_err(|e| e.to_string())), "health check: the database is not answering");
            failed = Some("database");
        }
    }
    let mut redis = None;
    if let Some(nodes) = &state.nodes {
        redis = Some("ok");
        if failed.is_none() {
            let answer = tokio::time::timeout(HEALTH_WAIT, nodes.ping()).await;
            if !matches!(answer, Ok(Ok(()))) {
                tracing::warn!(answer = ?answer, "health check: Redis is not answering");
                failed = Some("redis");
            }
        }
    }
    let status = if failed.is_some() { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    let health = Health {
        status: if failed.is_some() { "unavailable" } else { "ok" },
        database: state.store.kind(),
        redis,
        failed,
    };
    (status, Json(health))
}

/// How long the health check waits for Redis.
const HEALTH_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

//! Who pays and how much: `GET`/`PUT /api/custom-uis/{id}/budget` (a UI's payer and caps, its
//! owner only) and `GET /api/account/budget` (the caller's own budget and spending).

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use promptdeck_core::{AccountBudget, Periods, UiBudget};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::{AuthUser, UserAction};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, IdPath};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_ui_budget, put_ui_budget)).routes(routes!(account_budget))
}

/// A UI's payer and caps (the default — viewers pay, no caps — until its owner sets them).
#[utoipa::path(get, path = "/api/custom-uis/{id}/budget", tag = "custom-uis", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = UiBudget), (status = 404, body = ErrorBody)))]
async fn get_ui_budget(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<UiBudget>> {
    let budget = state.store.ui_budget(user.id, id).await?.ok_or(ApiError::NotFound("custom UI"))?;
    Ok(Json(budget))
}

/// Sets who pays for a UI's runs and its caps per day; the owner's alone.
#[utoipa::path(put, path = "/api/custom-uis/{id}/budget", tag = "custom-uis", params(("id" = Uuid, Path)),
    request_body = UiBudget, security(("bearer" = [])),
    responses((status = 200, body = UiBudget), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn put_ui_budget(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<UiBudget>,
) -> ApiResult<Json<UiBudget>> {
    state.auth.admit_action(user.id, UserAction::WriteBudget).await?;
    Ok(Json(state.store.set_ui_budget(user.id, id, &input).await?))
}

/// The caller's budget as the operator set it, and what has been charged to them today and
/// this month (their own runs and the runs of UIs they pay for).
#[utoipa::path(get, path = "/api/account/budget", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = AccountBudget), (status = 401, body = ErrorBody)))]
async fn account_budget(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<AccountBudget>> {
    let periods = Periods::at(Utc::now());
    let limits = &state.config.tasks;
    Ok(Json(AccountBudget {
        daily_cost_limit: limits.daily_cost_limit(),
        monthly_cost_limit: limits.monthly_cost_limit(),
        spent_today: state.store.spent_by(user.id, periods.day_start).await?.recorded,
        spent_this_month: state.store.spent_by(user.id, periods.month_start).await?.recorded,
        day_resets_at: periods.day_end,
        month_resets_at: periods.month_end,
    }))
}

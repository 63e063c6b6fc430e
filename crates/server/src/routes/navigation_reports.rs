//! `/api/custom-uis/{id}/navigation-reports`: a viewer's browser reports a custom UI whose frame
//! loaded a second document (it navigated itself: a way to carry the viewer's data out), and
//! the UI's owner reads why the UI was quarantined. One report per viewer and UI (a repeat
//! answers the same and changes nothing); reports per account are capped per hour.

use axum::Json;
use axum::extract::State;
use chrono::{Duration, Utc};
use promptdeck_core::{NavigationReportInput, UiQuarantine};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, IdPath};
use crate::state::AppState;
use crate::ui_rules::require_owner;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report_navigation, get_quarantine))
}

/// The window the per-account report cap counts over.
const REPORT_WINDOW_SECS: i64 = 3600;

/// Reports that the UI's frame loaded a second document; the UI is quarantined (out of the
/// gallery and hidden from everyone but its owner) until its owner publishes a new version.
#[utoipa::path(post, path = "/api/custom-uis/{id}/navigation-reports", tag = "custom-uis", params(("id" = uuid::Uuid, Path)),
    request_body = NavigationReportInput, security(("bearer" = [])),
    responses((status = 200, body = UiQuarantine), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn report_navigation(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<NavigationReportInput>,
) -> ApiResult<Json<UiQuarantine>> {
    // A repeat answers as the first report did, also once the UI is hidden by it.
    if state.store.has_navigation_report(user.id, id).await? {
        return Ok(Json(state.store.ui_quarantine(id).await?));
    }
    let ui = state.store.find_ui(user.id, id).await?.ok_or(ApiError::NotFound("custom UI"))?;
    let cap = i64::from(state.config.web.navigation_reports_per_hour);
    let (count, oldest) =
        state.store.navigation_reports_within(user.id, Duration::seconds(REPORT_WINDOW_SECS)).await?;
    if count >= cap {
        let frees_at = oldest.unwrap_or_else(Utc::now) + Duration::seconds(REPORT_WINDOW_SECS);
        let wait = (frees_at - Utc::now()).num_seconds().max(1);
        return Err(ApiError::RateLimited {
            message: format!("at most {cap} navigation reports an hour (--navigation-reports-per-hour)"),
            retry_after_secs: u64::try_from(wait).unwrap_or(1),
        });
    }
    Ok(Json(state.store.report_navigation(user.id, ui.id, &input.detail()).await?))
}

/// Whether the caller's UI is quarantined, and why (owner only).
#[utoipa::path(get, path = "/api/custom-uis/{id}/navigation-reports", tag = "custom-uis", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = UiQuarantine), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_quarantine(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<UiQuarantine>> {
    let ui = state.store.find_ui(user.id, id).await?.ok_or(ApiError::NotFound("custom UI"))?;
    require_owner(&ui, user.id)?;
    Ok(Json(state.store.ui_quarantine(id).await?))
}

//! The usage dashboard's figures: `GET /api/account/stats` (the caller's own tasks and anyone's
//! tasks through the caller's UIs) and `GET /api/custom-uis/{id}/stats` (one UI, its owner
//! only), as JSON or, with `.csv`, one row per day for a spreadsheet. Aggregates only: no text
//! any viewer wrote or read is in a report.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use promptdeck_core::{UsageQuery, UsageReport};
use promptdeck_store::UsageScope;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::auth::{AuthUser, UserAction};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, IdPath};
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(account_usage))
        .routes(routes!(account_usage_csv))
        .routes(routes!(ui_usage))
        .routes(routes!(ui_usage_csv))
}

/// The caller's account: their own tasks, and anyone's tasks through their UIs.
#[utoipa::path(get, path = "/api/account/stats", tag = "account", params(UsageQuery), security(("bearer" = [])),
    responses((status = 200, body = UsageReport), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn account_usage(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> ApiResult<Json<UsageReport>> {
    Ok(Json(report(&state, UsageScope::Account(user.id), user.id, q).await?))
}

/// The account's report as CSV, one row per day.
#[utoipa::path(get, path = "/api/account/stats.csv", tag = "account", params(UsageQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn account_usage_csv(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> ApiResult<Response> {
    let report = report(&state, UsageScope::Account(user.id), user.id, q).await?;
    csv_response(&report, "account")
}

/// One of the caller's UIs: everyone's tasks through it.
#[utoipa::path(get, path = "/api/custom-uis/{id}/stats", tag = "custom-uis", params(("id" = Uuid, Path), UsageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = UsageReport), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn ui_usage(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> ApiResult<Json<UsageReport>> {
    owned(&state, user.id, id).await?;
    Ok(Json(report(&state, UsageScope::Ui(id), user.id, q).await?))
}

/// One UI's report as CSV, one row per day.
#[utoipa::path(get, path = "/api/custom-uis/{id}/stats.csv", tag = "custom-uis", params(("id" = Uuid, Path), UsageQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn ui_usage_csv(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> ApiResult<Response> {
    owned(&state, user.id, id).await?;
    let report = report(&state, UsageScope::Ui(id), user.id, q).await?;
    csv_response(&report, &format!("ui-{id}"))
}

/// A UI's figures are its owner's alone: anyone else (even a viewer of a public UI) gets 404.
async fn owned(state: &AppState, user: Uuid, id: Uuid) -> ApiResult<()> {
    match state.store.find_ui(user, id).await? {
        Some(ui) if ui.user_id == user => Ok(()),
        _ => Err(ApiError::NotFound("custom UI")),
    }
}

async fn report(state: &AppState, scope: UsageScope, caller: Uuid, q: UsageQuery) -> ApiResult<UsageReport> {
    state.auth.admit_action(caller, UserAction::ReadStats).await?;
    Ok(state.store.usage_report(scope, caller, q.days(), Utc::now()).await?)
}

/// The CSV columns, in order.
const CSV_HEADER: [&str; 8] =
    ["date", "tasks", "errors", "error_rate", "tokens", "cost_usd", "ttft_p50_ms", "ttft_p95_ms"];

fn csv_response(report: &UsageReport, name: &str) -> ApiResult<Response> {
    let body = to_csv(report).map_err(|e| ApiError::Internal(format!("could not write the CSV: {e}")))?;
    let disposition = format!("attachment; filename=\"promptdeck-usage-{name}-{}.csv\"", report.to);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

fn to_csv(report: &UsageReport) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_HEADER)?;
    let optional = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    for day in &report.days {
        let f = &day.figures;
        out.write_record([
            day.date.clone(),
            f.tasks.to_string(),
            f.errors.to_string(),
            format!("{:.4}", f.error_rate()),
            f.tokens.to_string(),
            format!("{:.6}", f.cost),
            optional(f.ttft_p50_ms),
            optional(f.ttft_p95_ms),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use promptdeck_core::{UsageDay, UsageFigures};

    #[test]
    fn one_row_per_day_with_a_header() {
        let day = |date: &str, tasks, ttft| UsageDay {
            date: date.into(),
            figures: UsageFigures {
                tasks,
                errors: 1,
                tokens: 10,
                cost: 0.5,
                ttft_p50_ms: ttft,
                ttft_p95_ms: ttft,
            },
        };
        let report = UsageReport {
            from: "2026-12-01".into(),
            to: "2026-12-02".into(),
            days: vec![day("2026-12-01", 4, Some(12.25)), day("2026-12-02", 2, None)],
            totals: UsageFigures::default(),
            error_rate: 0.0,
            by_payer: vec![],
            top_uis: vec![],
            by_embed: vec![],
        };
        let text = to_csv(&report).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "date,tasks,errors,error_rate,tokens,cost_usd,ttft_p50_ms,ttft_p95_ms");
        assert_eq!(lines[1], "2026-12-01,4,1,0.2500,10,0.500000,12.2,12.2");
        assert_eq!(lines[2], "2026-12-02,2,1,0.5000,10,0.500000,,");
        assert_eq!(lines.len(), 3);
    }
}

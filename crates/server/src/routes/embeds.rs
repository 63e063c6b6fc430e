//! Embeds: `POST/GET /api/custom-uis/{id}/embeds` (owner), `POST /api/embeds/{id}/secret` and
//! `DELETE /api/embeds/{id}` (owner: re-key, revoke), and `POST /api/embeds/{id}/sessions`, which
//! the embed page calls with no account to get a viewer session. An embed is made of a published
//! UI, pinned to a version of its chain or following the latest published one; what it opens is
//! decided as for share links (`crate::published`), and a revoked embed or a UI archived,
//! unpublished or deleted answers 410 with a sentence saying which.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use promptdeck_core::{
    EMBED_SESSION_HOURS, Embed, EmbedCreated, EmbedSession, EmbedViewer, MAX_COST_CAP, MAX_EMBED_DAILY_RUNS,
    MAX_EMBED_ORIGINS, MAX_VIEWER_ID_BYTES, NewEmbed, NewEmbedSession, Page, normalise_origin,
};
use promptdeck_store::EmbedSpec;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::client_ip::ClientIp;
use crate::auth::{AuthUser, UserAction, hash_token};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, IdPath};
use crate::published::is_published;
use crate::state::AppState;
use crate::ui_rules::require_owner;

/// Sessions one viewer account keeps at once (a reload asks for a new one).
const VIEWER_SESSIONS: u32 = 5;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_embeds, create_embed))
        .routes(routes!(revoke_embed))
        .routes(routes!(rotate_secret))
        .routes(routes!(open_session))
}

/// Makes an embed of the caller's published UI: the exact origins that may frame it, who its
/// viewers are, its runs per day, and optionally the version of the chain it is pinned to. The
/// answer holds the secret once. At most 20 per UI.
#[utoipa::path(post, path = "/api/custom-uis/{id}/embeds", tag = "embeds", params(("id" = uuid::Uuid, Path)),
    request_body = NewEmbed, security(("bearer" = [])),
    responses((status = 201, body = EmbedCreated), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn create_embed(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<NewEmbed>,
) -> ApiResult<(StatusCode, Json<EmbedCreated>)> {
    let origins = valid_origins(&input.allowed_origins)?;
    let daily_runs = valid_cap("daily_runs", input.daily_runs)?;
    let per_viewer =
        input.max_runs_per_viewer_per_day.map(|n| valid_cap("max_runs_per_viewer_per_day", n)).transpose()?;
    if let Some(cost) = input.max_cost_per_day
        && !(cost.is_finite() && (0.0..=MAX_COST_CAP).contains(&cost))
    {
        return Err(ApiError::Validation(format!("max_cost_per_day: from 0 to {MAX_COST_CAP} (US dollars)")));
    }
    state.auth.admit_action(user.id, UserAction::WriteEmbed).await?;
    let ui = state.store.find_ui(user.id, id).await?.ok_or(ApiError::NotFound("custom UI"))?;
    require_owner(&ui, user.id)?;
    let (base, pinned) = match input.version {
        None => (ui, false),
        Some(n) => {
            let chain = state.store.ui_versions(&ui).await?;
            let v = chain
                .into_iter()
                .find(|v| v.version == n)
                .ok_or_else(|| ApiError::Validation(format!("version: this UI has no version {n}")))?;
            (state.store.find_ui(user.id, v.id).await?.ok_or(ApiError::NotFound("custom UI"))?, true)
        }
    };
    if !is_published(&base) {
        return Err(ApiError::Conflict(
            "only a published version can be embedded: publish it first (POST /api/custom-uis/{id}/publish)"
                .into(),
        ));
    }
    let secret = crate::embeds::new_secret();
    let spec = EmbedSpec {
        custom_ui_id: base.id,
        pinned,
        allowed_origins: &origins,
        viewer: input.viewer,
        daily_runs,
        max_runs_per_viewer_per_day: per_viewer,
        max_cost_per_day: input.max_cost_per_day,
        secret: &secret,
    };
    let embed = state.store.create_embed(user.id, spec).await?;
    Ok((StatusCode::CREATED, Json(EmbedCreated { embed, secret })))
}

/// The caller's embeds of their UI, newest first, revoked ones included (never their secrets).
#[utoipa::path(get, path = "/api/custom-uis/{id}/embeds", tag = "embeds", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Page<Embed>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_embeds(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<Page<Embed>>> {
    let ui = state.store.find_ui(user.id, id).await?.ok_or(ApiError::NotFound("custom UI"))?;
    require_owner(&ui, user.id)?;
    let items = state.store.embeds(user.id, ui.id).await?;
    let total = items.len() as i64;
    Ok(Json(Page { limit: total, offset: 0, total, items }))
}

/// Replaces the embed's secret: HMACs made with the old one stop working at once (sessions
/// already open go on until they expire). The answer holds the new secret once.
#[utoipa::path(post, path = "/api/embeds/{id}/secret", tag = "embeds", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = EmbedCreated), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn rotate_secret(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<EmbedCreated>> {
    state.auth.admit_action(user.id, UserAction::WriteEmbed).await?;
    let secret = crate::embeds::new_secret();
    let embed =
        state.store.rotate_embed_secret(user.id, id, &secret).await?.ok_or(ApiError::NotFound("embed"))?;
    Ok(Json(EmbedCreated { embed, secret }))
}

/// Revokes the caller's embed: from now on it shows a notice, and its viewers' sessions end (their
/// sockets are disconnected, on every node). Revoking twice is harmless.
#[utoipa::path(delete, path = "/api/embeds/{id}", tag = "embeds", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Embed), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn revoke_embed(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<Embed>> {
    state.auth.admit_action(user.id, UserAction::WriteEmbed).await?;
    let (embed, sessions) =
        state.store.revoke_embed(user.id, id).await?.ok_or(ApiError::NotFound("embed"))?;
    for session in sessions {
        state.auth.disconnect_session(session).await;
    }
    Ok(Json(embed))
}

/// A viewer session for the embed, asked for by the embed page with no account: anonymous
/// embeds give one to anyone (20 a minute per address); verified embeds want the embedding
/// site's `user_id` and `user_hash` = hex HMAC-SHA256(secret, user_id). The token runs only this
/// embed's UI, for two hours.
#[utoipa::path(post, path = "/api/embeds/{id}/sessions", tag = "embeds", params(("id" = uuid::Uuid, Path)),
    request_body = NewEmbedSession,
    responses((status = 201, body = EmbedSession), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn open_session(
    State(state): State<AppState>,
    client: ClientIp,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<NewEmbedSession>,
) -> ApiResult<(StatusCode, Json<EmbedSession>)> {
    state.auth.admit_embed_viewer(client).await?;
    let record = state.store.find_embed(id).await?.ok_or(ApiError::NotFound("embed"))?;
    let name = match record.embed.viewer {
        EmbedViewer::Anonymous => None,
        EmbedViewer::Verified => {
            let (Some(user_id), Some(hash)) = (input.user_id.as_deref(), input.user_hash.as_deref()) else {
                return Err(ApiError::Forbidden(
                    "this embed shows its site's signed-in users only: the page must name the viewer \
                     (data-user-id and data-user-hash)"
                        .into(),
                ));
            };
            if user_id.is_empty()
                || user_id.len() > MAX_VIEWER_ID_BYTES
                || user_id.chars().any(char::is_control)
            {
                return Err(ApiError::Validation(format!(
                    "user_id: 1 to {MAX_VIEWER_ID_BYTES} bytes, no control characters"
                )));
            }
            if !crate::embeds::verify_viewer(&record.secret, user_id, hash) {
                return Err(ApiError::Forbidden(
                    "the viewer's signature does not match: user_hash must be the hex HMAC-SHA256 of user_id \
                     with the embed's secret"
                        .into(),
                ));
            }
            Some(user_id)
        }
    };
    // Before any account is made: an embed that opens nothing says so.
    crate::embeds::target(&state, &record, record.owner).await?;
    let viewer = state.store.embed_viewer(record.embed.id, name).await?;
    let target = crate::embeds::target(&state, &record, viewer).await?;
    let token = crate::auth::new_token();
    let lifetime = chrono::Duration::hours(EMBED_SESSION_HOURS);
    state.store.create_session(viewer, &hash_token(&token), lifetime, VIEWER_SESSIONS).await?;
    let session = EmbedSession {
        token,
        expires_at: Utc::now() + lifetime,
        custom_ui_id: target.id,
        version: target.version,
        name: target.name,
        viewer: record.embed.viewer,
    };
    Ok((StatusCode::CREATED, Json(session)))
}

fn valid_origins(given: &[String]) -> ApiResult<Vec<String>> {
    if given.is_empty() || given.len() > MAX_EMBED_ORIGINS {
        return Err(ApiError::Validation(format!(
            "allowed_origins: list 1 to {MAX_EMBED_ORIGINS} exact origins (scheme://host[:port])"
        )));
    }
    let mut origins = Vec::with_capacity(given.len());
    for origin in given {
        let origin = normalise_origin(origin)
            .map_err(|why| ApiError::Validation(format!("allowed_origins: {why}")))?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(origins)
}

fn valid_cap(field: &str, n: u32) -> ApiResult<u32> {
    if (1..=MAX_EMBED_DAILY_RUNS).contains(&n) {
        Ok(n)
    } else {
        Err(ApiError::Validation(format!("{field}: from 1 to {MAX_EMBED_DAILY_RUNS}")))
    }
}

//! Share links: `POST/GET /api/custom-uis/{id}/share-links` (owner), `DELETE
//! /api/share-links/{slug}` (owner: revoke) and `GET /api/share-links/{slug}` (anyone signed in:
//! which UI version the link opens now). A link is made for a published UI; pinned, it opens that
//! version for as long as the version stays published; following, it opens the latest published
//! version of the chain. A revoked link, or one whose UI is archived, unpublished or deleted,
//! answers 410 with a sentence saying which, so the page shows a notice, never a blank frame.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use promptdeck_core::{NewShareLink, Page, ShareLink, SharedUi};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::{AuthUser, UserAction};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, IdPath};
use crate::published::{self, is_published};
use crate::state::AppState;
use crate::ui_rules::require_owner;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_links, create_link)).routes(routes!(open_link, revoke_link))
}

/// Makes a share link to the caller's published UI (pinned to this version, or following the
/// latest published one). At most 50 per UI.
#[utoipa::path(post, path = "/api/custom-uis/{id}/share-links", tag = "share-links", params(("id" = uuid::Uuid, Path)),
    request_body = NewShareLink, security(("bearer" = [])),
    responses((status = 201, body = ShareLink), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_link(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<NewShareLink>,
) -> ApiResult<(StatusCode, Json<ShareLink>)> {
    let ui = state.store.find_ui(user.id, id).await?.ok_or(ApiError::NotFound("custom UI"))?;
    require_owner(&ui, user.id)?;
    if !is_published(&ui) {
        return Err(ApiError::Conflict(
            "only a published UI can be shared: publish it first (POST /api/custom-uis/{id}/publish)".into(),
        ));
    }
    Ok((StatusCode::CREATED, Json(state.store.create_share_link(user.id, ui.id, input.pinned).await?)))
}

/// The caller's share links to their UI, newest first, revoked ones included.
#[utoipa::path(get, path = "/api/custom-uis/{id}/share-links", tag = "share-links", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Page<ShareLink>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_links(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<Page<ShareLink>>> {
    let ui = state.store.find_ui(user.id, id).await?.ok_or(ApiError::NotFound("custom UI"))?;
    require_owner(&ui, user.id)?;
    let items = state.store.share_links(user.id, ui.id).await?;
    let total = items.len() as i64;
    Ok(Json(Page { limit: total, offset: 0, total, items }))
}

/// Revokes the caller's share link: from now on it opens a notice. Revoking twice is harmless.
#[utoipa::path(delete, path = "/api/share-links/{slug}", tag = "share-links", params(("slug" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ShareLink), (status = 404, body = ErrorBody)))]
async fn revoke_link(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(slug): Path<String>,
) -> ApiResult<Json<ShareLink>> {
    let slug = valid_slug(&slug)?;
    state.store.revoke_share_link(user.id, slug).await?.map(Json).ok_or(ApiError::NotFound("share link"))
}

/// Which UI version the link opens now, for anyone signed in; 410 (revoked, archived,
/// unpublished, deleted) says why it opens nothing.
#[utoipa::path(get, path = "/api/share-links/{slug}", tag = "share-links", params(("slug" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = SharedUi), (status = 404, body = ErrorBody), (status = 410, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn open_link(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(slug): Path<String>,
) -> ApiResult<Json<SharedUi>> {
    let slug = valid_slug(&slug)?;
    state.auth.admit_action(user.id, UserAction::OpenShareLink).await?;
    let (owner, link) = state.store.find_share_link(slug).await?.ok_or(ApiError::NotFound("share link"))?;
    if link.revoked_at.is_some() {
        return Err(ApiError::Gone("this share link was revoked by its owner".into()));
    }
    let target = published::target(&state, owner, link.custom_ui_id, link.pinned, user.id, "link").await?;
    Ok(Json(SharedUi {
        slug: link.slug,
        pinned: link.pinned,
        custom_ui_id: target.id,
        version: target.version,
        name: target.name,
    }))
}

/// A slug as the store makes them (32 lowercase hex digits); anything else is not found without
/// a database lookup.
fn valid_slug(slug: &str) -> ApiResult<&str> {
    if slug.len() == 32 && slug.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(slug)
    } else {
        Err(ApiError::NotFound("share link"))
    }
}

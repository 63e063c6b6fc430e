//! `/api/account/provider-keys`: a user's own API keys for the configured model providers. A
//! key is written once (`PUT`), stored encrypted, never answered again (only a hint of its last
//! characters) and never logged; the runs the user pays for use it instead of the operator's key.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use promptdeck_core::{Page, ProviderKeyInfo, ProviderKeyInput};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::{AuthUser, UserAction};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_keys)).routes(routes!(put_key, delete_key))
}

/// The caller's stored keys: provider and hint only.
#[utoipa::path(get, path = "/api/account/provider-keys", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Page<ProviderKeyInfo>), (status = 401, body = ErrorBody)))]
async fn list_keys(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<Page<ProviderKeyInfo>>> {
    let items = state.store.provider_keys(user.id).await?;
    let total = items.len() as i64;
    Ok(Json(Page { limit: total, offset: 0, total, items }))
}

/// Stores (or replaces) the caller's key for a configured provider, encrypted; answers its hint.
#[utoipa::path(put, path = "/api/account/provider-keys/{provider}", tag = "account", params(("provider" = String, Path)),
    request_body = ProviderKeyInput, security(("bearer" = [])),
    responses((status = 200, body = ProviderKeyInfo), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn put_key(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(provider): Path<String>,
    ApiJson(input): ApiJson<ProviderKeyInput>,
) -> ApiResult<Json<ProviderKeyInfo>> {
    let provider = keyed_provider(&state, &provider)?;
    state.auth.admit_action(user.id, UserAction::WriteProviderKey).await?;
    let Some(cipher) = &state.provider_keys else {
        return Err(ApiError::Conflict(
            "this server stores no provider keys: its operator has not set PROMPTDECK_KEY_ENCRYPTION_KEY"
                .into(),
        ));
    };
    let key = input.key().map_err(|e| ApiError::Validation(e.into()))?;
    let sealed = cipher.seal(user.id, provider, key).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(state.store.put_provider_key(user.id, provider, &sealed, &input.hint()).await?))
}

/// Forgets the caller's key for a provider: their runs use the operator's key again.
#[utoipa::path(delete, path = "/api/account/provider-keys/{provider}", tag = "account", params(("provider" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn delete_key(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(provider): Path<String>,
) -> ApiResult<StatusCode> {
    state.auth.admit_action(user.id, UserAction::WriteProviderKey).await?;
    if provider.len() > 100 || !state.store.delete_provider_key(user.id, &provider).await? {
        return Err(ApiError::NotFound("provider key"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A configured provider that takes a key (any but the built-in `echo`).
fn keyed_provider<'a>(state: &AppState, name: &'a str) -> ApiResult<&'a str> {
    if name == "echo" || state.catalogue.provider(name).is_none() {
        return Err(ApiError::NotFound("provider"));
    }
    Ok(name)
}

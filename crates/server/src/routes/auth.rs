//! `POST /api/auth/signup`, `POST /api/auth/login`, `GET /api/auth/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::auth::{AuthUser, check_password, hash_password, issue_token, normalise_email, verify_password};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

/// Email and password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    /// Sign-in email.
    pub email: String,
    /// At least 8 characters.
    pub password: String,
}

/// The public part of an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicUser {
    /// Id (the `sub` of JWTs).
    pub id: Uuid,
    /// Email.
    pub email: String,
}

/// A session: the account and a bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    /// Who.
    pub user: PublicUser,
    /// Send as `Authorization: Bearer <token>` or Socket.IO `auth: {token}`.
    pub token: String,
}

/// The caller's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// May feature UIs.
    pub is_admin: bool,
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(signup)).routes(routes!(login)).routes(routes!(me))
}

/// Creates an account and signs it in. The first account is an admin.
#[utoipa::path(post, path = "/api/auth/signup", tag = "auth", request_body = Credentials,
    responses((status = 201, body = Session), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn signup(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Credentials>,
) -> ApiResult<(StatusCode, Json<Session>)> {
    let email = normalise_email(&body.email)?;
    check_password(&body.password)?;
    let hash = hash_password(body.password).await?;
    let user = state.store.create_user(&email, &hash).await.map_err(|e| match e {
        promptdeck_store::StoreError::Conflict(_) => {
            ApiError::Conflict("an account with this email exists".into())
        }
        other => other.into(),
    })?;
    let token = issue_token(&state.store, user.id).await?;
    Ok((StatusCode::CREATED, Json(Session { user: PublicUser { id: user.id, email: user.email }, token })))
}

/// Signs in with email and password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = Credentials,
    responses((status = 200, body = Session), (status = 401, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Credentials>,
) -> ApiResult<Json<Session>> {
    let wrong = || ApiError::Unauthorized("wrong email or password".into());
    let email = normalise_email(&body.email).map_err(|_| wrong())?;
    let Some((user, hash)) = state.store.user_credentials(&email).await? else {
        // Spend the same effort as a real check so timing does not reveal accounts.
        let _ = hash_password(body.password).await;
        return Err(wrong());
    };
    if !verify_password(body.password, hash).await? {
        return Err(wrong());
    }
    let token = issue_token(&state.store, user.id).await?;
    Ok(Json(Session { user: PublicUser { id: user.id, email: user.email }, token }))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(AuthUser(user): AuthUser) -> Json<Me> {
    Json(Me { id: user.id, email: user.email, is_admin: user.is_admin })
}

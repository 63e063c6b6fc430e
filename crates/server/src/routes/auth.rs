//! `/api/auth`: sign-up, login, logout, `me`, and the caller's sessions (list, revoke).
//! Sign-up and login are rate limited per client address and per account, and their password
//! hashing waits for a bounded pool (429 `rate_limited` with `Retry-After`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use promptdeck_core::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::auth::client_ip::ClientIp;
use crate::auth::password::{check_length, check_strength};
use crate::auth::{AccountAttempt, AuthUser, Caller, issue_token, normalise_email};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, IdPath};
use crate::routes::templates::page_of;
use crate::state::AppState;

/// Email and password.
#[derive(Debug, Deserialize, ToSchema, ts_rs::TS)]
pub struct Credentials {
    /// Sign-in email.
    pub email: String,
    /// 8–1024 characters; at sign-up it must also be hard to guess (a zxcvbn score of at least
    /// `--password-min-score`, 3 by default).
    pub password: String,
}

/// The public part of an account.
#[derive(Debug, Serialize, ToSchema, ts_rs::TS)]
pub struct PublicUser {
    /// Id (the `sub` of JWTs).
    pub id: Uuid,
    /// Email.
    pub email: String,
}

/// A session: the account and a bearer token.
#[derive(Debug, Serialize, ToSchema, ts_rs::TS)]
pub struct Session {
    /// Who.
    pub user: PublicUser,
    /// Send as `Authorization: Bearer <token>` or Socket.IO `auth: {token}`. Valid for
    /// `--session-days` (30 by default) or until revoked.
    pub token: String,
}

/// The caller's account.
#[derive(Debug, Serialize, ToSchema, ts_rs::TS)]
pub struct Me {
    /// Id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// May feature UIs.
    pub is_admin: bool,
}

/// One of the caller's sessions. Never the token.
#[derive(Debug, Serialize, ToSchema, ts_rs::TS)]
pub struct SessionSummary {
    /// Id, for `DELETE /api/auth/sessions/{id}`.
    pub id: Uuid,
    /// When it was created (sign-up or login).
    pub created_at: DateTime<Utc>,
    /// When its token stops working.
    pub expires_at: DateTime<Utc>,
    /// When its token was last used, to within five minutes.
    pub last_used_at: Option<DateTime<Utc>>,
    /// The session of the token this request carries.
    pub current: bool,
}

/// Paging of the session list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Items per page (default 50, at most 200).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_session))
}

/// Creates an account and signs it in. The first account is an admin.
#[utoipa::path(post, path = "/api/auth/signup", tag = "auth", request_body = Credentials,
    responses((status = 201, body = Session), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody)))]
async fn signup(
    State(state): State<AppState>,
    client: ClientIp,
    ApiJson(body): ApiJson<Credentials>,
) -> ApiResult<(StatusCode, Json<Session>)> {
    let guard = &state.auth;
    guard.admit_client(client).await?;
    let email = normalise_email(&body.email)?;
    check_length(&body.password)?;
    guard.admit_account(AccountAttempt::Signup, &email).await?;
    let min_score = state.config.auth.password_min_score;
    let hash = {
        let email = email.clone();
        guard.hasher.check_and_hash(body.password, move |p| check_strength(p, &email, min_score)).await?
    }
    .map_err(ApiError::Validation)?;
    let user = state.store.create_user(&email, &hash).await.map_err(|e| match e {
        promptdeck_store::StoreError::Conflict(_) => {
            ApiError::Conflict("an account with this email exists".into())
        }
        other => other.into(),
    })?;
    let token = issue_token(&state.store, &state.config.auth, user.id).await?;
    Ok((StatusCode::CREATED, Json(Session { user: PublicUser { id: user.id, email: user.email }, token })))
}

/// Signs in with email and password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = Credentials,
    responses((status = 200, body = Session), (status = 401, body = ErrorBody),
        (status = 429, description = "`rate_limited`, with `Retry-After`", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    client: ClientIp,
    ApiJson(body): ApiJson<Credentials>,
) -> ApiResult<Json<Session>> {
    let wrong = || ApiError::Unauthorized("wrong email or password".into());
    let guard = &state.auth;
    guard.admit_client(client).await?;
    let email = normalise_email(&body.email).map_err(|_| wrong())?;
    guard.admit_account(AccountAttempt::Login, &email).await?;
    // An unknown email is checked against a decoy hash, so timing does not reveal accounts.
    let found = state.store.user_credentials(&email).await?;
    let (user, stored) = found.map_or((None, None), |(user, hash)| (Some(user), Some(hash)));
    let matches = guard.hasher.verify(body.password, stored).await?;
    let Some(user) = user.filter(|_| matches) else {
        return Err(wrong());
    };
    guard.forgive_account(AccountAttempt::Login, &email).await;
    let token = issue_token(&state.store, &state.config.auth, user.id).await?;
    Ok(Json(Session { user: PublicUser { id: user.id, email: user.email }, token }))
}

/// Signs out: revokes the session of the token this request carries, and disconnects the sockets
/// that connected with it. A JWT is not a session and is left to expire.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    if let Some(session) = caller.session {
        state.store.revoke_session(caller.user.id, session).await?;
        state.auth.disconnect_session(session).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(AuthUser(user): AuthUser) -> Json<Me> {
    Json(Me { id: user.id, email: user.email, is_admin: user.is_admin })
}

/// The caller's live sessions, newest first.
#[utoipa::path(get, path = "/api/auth/sessions", tag = "auth", params(SessionQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<SessionSummary>), (status = 401, body = ErrorBody)))]
async fn list_sessions(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SessionQuery>,
) -> ApiResult<Json<Page<SessionSummary>>> {
    let sessions = state.store.list_sessions(caller.user.id).await?;
    let all = sessions
        .into_iter()
        .map(|s| SessionSummary {
            current: caller.session == Some(s.id),
            id: s.id,
            created_at: s.created_at,
            expires_at: s.expires_at,
            last_used_at: s.last_used_at,
        })
        .collect();
    Ok(Json(page_of(all, PageRequest::new(q.limit, q.offset))))
}

/// Revokes one of the caller's sessions (its token stops working at once, its sockets are
/// disconnected). Another account's session is a 404.
#[utoipa::path(delete, path = "/api/auth/sessions/{id}", tag = "auth", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_session(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    if !state.store.revoke_session(caller.user.id, id).await? {
        return Err(ApiError::NotFound("session"));
    }
    state.auth.disconnect_session(id).await;
    Ok(StatusCode::NO_CONTENT)
}

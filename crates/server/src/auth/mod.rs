//! Who is calling: the bearer-token extractors, sessions and the rules around signing in.
//! Session tokens are random and stored only as SHA-256 hashes, each with a public session id its
//! owner can list and revoke; HS256 JWTs whose `sub` is a user id are accepted when a secret is
//! configured. Hashing, rate limits and password rules live in the submodules.

pub mod client_ip;
pub mod guard;
pub mod hasher;
pub mod limiter;
pub mod password;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use chrono::Utc;
use promptdeck_store::{Store, User};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub use guard::{AccountAttempt, AuthGuard, EMBED_SESSIONS_PER_MINUTE, UserAction, session_room};
pub use password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

use crate::config::AuthLimits;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How stale a session's `last_used_at` may get before a request records it again: the record
/// costs a write, so it is kept to one per session per this many minutes.
const TOUCH_EVERY_MINUTES: i64 = 5;

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

/// The signed-in caller and the session its token belongs to (none for a JWT). An embed's viewer
/// passes only on the routes its embed needs (see [`crate::embeds::admit_request`]).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account.
    pub user: User,
    /// The session's public id; `None` when the caller used a JWT.
    pub session: Option<Uuid>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| ApiError::Unauthorized("missing Authorization: Bearer <token> header".into()))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized("the Authorization header must be `Bearer <token>`".into())
            })?;
        let caller = caller_for_token(&state.store, state.config.jwt_secret.as_deref(), token).await?;
        if let Some(embed) = caller.user.embed_id {
            crate::embeds::admit_request(state, &caller.user, embed, parts).await?;
        }
        Ok(caller)
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Caller::from_request_parts(parts, state).await.map(|caller| AuthUser(caller.user))
    }
}

/// Resolves a session token or a JWT to its caller; every failure (unknown, expired or revoked
/// token) is `unauthorized`.
pub async fn caller_for_token(store: &Store, jwt_secret: Option<&str>, token: &str) -> ApiResult<Caller> {
    let invalid = || ApiError::Unauthorized("invalid or expired token".into());
    if let Some(secret) = jwt_secret
        && token.split('.').count() == 3
    {
        let id = jwt_subject(secret, token).ok_or_else(invalid)?;
        let user = store.user_by_id(id).await?.ok_or_else(invalid)?;
        return Ok(Caller { user, session: None });
    }
    let owner = store.session_by_token(&hash_token(token)).await?.ok_or_else(invalid)?;
    let now = Utc::now();
    if owner.last_used_at.is_none_or(|t| now - t > chrono::Duration::minutes(TOUCH_EVERY_MINUTES))
        && let Err(e) = store.touch_session(owner.session_id, now).await
    {
        tracing::warn!(error = %e, "could not record a session's last use");
    }
    Ok(Caller { user: owner.user, session: Some(owner.session_id) })
}

/// Resolves a session token or a JWT to its user; every failure is `unauthorized`.
pub async fn user_for_token(store: &Store, jwt_secret: Option<&str>, token: &str) -> ApiResult<User> {
    caller_for_token(store, jwt_secret, token).await.map(|caller| caller.user)
}

#[derive(serde::Deserialize)]
struct Claims {
    sub: String,
}

fn jwt_subject(secret: &str, token: &str) -> Option<Uuid> {
    let key = jsonwebtoken::DecodingKey::from_secret(secret.as_bytes());
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.validate_aud = false;
    let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).ok()?;
    Uuid::parse_str(&data.claims.sub).ok()
}

/// Normalises and checks an email address.
pub fn normalise_email(email: &str) -> ApiResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(char::is_whitespace);
    if valid { Ok(email) } else { Err(ApiError::Validation("email: not a valid email address".into())) }
}

/// Creates a session for a user and returns its token (the database keeps only its hash). The
/// session lasts `--session-days`; past `--max-sessions` the user's oldest sessions end.
pub async fn issue_token(store: &Store, limits: &AuthLimits, user: Uuid) -> ApiResult<String> {
    let token = new_token();
    store.create_session(user, &hash_token(&token), limits.session_lifetime(), limits.max_sessions).await?;
    Ok(token)
}

/// A new session token: 256 random bits, URL-safe base64 after `pd_`.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("pd_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The SHA-256 of a token, hex: what the database keeps.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

//! Sign-up, sign-in and the bearer-token extractor. Passwords are hashed with argon2id on a
//! blocking thread; session tokens are random and stored only as SHA-256 hashes; HS256 JWTs
//! whose `sub` is a user id are accepted when a secret is configured.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use chrono::Utc;
use promptdeck_store::{Store, User};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::SESSION_DAYS;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (argon2 works on any length; this bounds the work).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

impl FromRequestParts<AppState> for AuthUser {
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
        user_for_token(&state.store, state.config.jwt_secret.as_deref(), token).await.map(AuthUser)
    }
}

/// Resolves a session token or a JWT to its user; every failure is `unauthorized`.
pub async fn user_for_token(store: &Store, jwt_secret: Option<&str>, token: &str) -> ApiResult<User> {
    let invalid = || ApiError::Unauthorized("invalid or expired token".into());
    if let Some(secret) = jwt_secret
        && token.split('.').count() == 3
    {
        let id = jwt_subject(secret, token).ok_or_else(invalid)?;
        return store.user_by_id(id).await?.ok_or_else(invalid);
    }
    store.user_by_token(&hash_token(token)).await?.ok_or_else(invalid)
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

/// Checks password length rules.
pub fn check_password(password: &str) -> ApiResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(ApiError::Validation(format!("password: at least {MIN_PASSWORD_CHARS} characters")));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(ApiError::Validation(format!("password: at most {MAX_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

/// Hashes a password with argon2id off the async threads.
pub async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        Argon2::default()
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

/// Checks a password against its stored hash off the async threads.
pub async fn verify_password(password: String, hash: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

/// Creates a session token for a user and stores its hash.
pub async fn issue_token(store: &Store, user: Uuid) -> ApiResult<String> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!("pd_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let expires = Utc::now() + chrono::Duration::days(SESSION_DAYS);
    store.create_token(user, &hash_token(&token), expires).await?;
    Ok(token)
}

/// The SHA-256 of a token, hex: what the database keeps.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

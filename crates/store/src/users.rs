//! Accounts and session tokens. Passwords arrive already hashed; tokens arrive as hashes, so the
//! database never holds a usable secret.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::pool::{on_pool, on_write_pool};
use crate::{Store, StoreResult};

/// A signed-up person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    /// Primary key (the `sub` of a JWT).
    pub id: Uuid,
    /// Sign-in email, lower-cased.
    pub email: String,
    /// May feature UIs in the gallery.
    pub is_admin: bool,
}

#[derive(sqlx::FromRow)]
struct Credentials {
    id: Uuid,
    email: String,
    is_admin: bool,
    password_hash: String,
}

impl Store {
    /// Creates an account; the very first account becomes an admin. A taken email is a conflict.
    pub async fn create_user(&self, email: &str, password_hash: &str) -> StoreResult<User> {
        let id = Uuid::new_v4();
        let user = on_write_pool!(self, |pool| {
            sqlx::query_as::<_, User>(
                "INSERT INTO users (id, email, password_hash, is_admin, created_at) \
                 SELECT $1, $2, $3, NOT EXISTS (SELECT 1 FROM users), $4 \
                 RETURNING id, email, is_admin",
            )
            .bind(id)
            .bind(email)
            .bind(password_hash)
            .bind(Utc::now())
            .fetch_one(pool)
            .await?
        });
        Ok(user)
    }

    /// The account and its password hash, for signing in.
    pub async fn user_credentials(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, Credentials>(
                "SELECT id, email, is_admin, password_hash FROM users WHERE email = $1",
            )
            .bind(email)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|c| (User { id: c.id, email: c.email, is_admin: c.is_admin }, c.password_hash)))
    }

    /// The account with this id.
    pub async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<User>> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as::<_, User>("SELECT id, email, is_admin FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Makes an account an admin (or not); false when no account has that email.
    pub async fn set_admin(&self, email: &str, is_admin: bool) -> StoreResult<bool> {
        let done = on_write_pool!(self, |pool| {
            sqlx::query("UPDATE users SET is_admin = $1 WHERE email = $2")
                .bind(is_admin)
                .bind(email)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// Stores the hash of a new session token.
    pub async fn create_token(
        &self,
        user_id: Uuid,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO access_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(user_id)
            .bind(Utc::now())
            .bind(expires_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The account a session token hash belongs to, if the token has not expired.
    pub async fn user_by_token(&self, token_hash: &str) -> StoreResult<Option<User>> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as::<_, User>(
                "SELECT u.id, u.email, u.is_admin FROM access_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1 AND t.expires_at > $2",
            )
            .bind(token_hash)
            .bind(Utc::now())
            .fetch_optional(pool)
            .await?
        }))
    }
}

//! Accounts and sessions. Passwords arrive already hashed; tokens arrive as hashes, so the
//! database never holds a usable secret; each session has a public id its owner can list and
//! revoke.

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
    /// Set for an embed's viewer: an account that cannot sign in and may only run that embed.
    #[serde(skip)]
    pub embed_id: Option<Uuid>,
}

/// One signed-in session as its owner sees it: never the token or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SessionInfo {
    /// Public id, for revoking it.
    pub id: Uuid,
    /// When it was created (sign-up or login).
    pub created_at: DateTime<Utc>,
    /// When its token stops working.
    pub expires_at: DateTime<Utc>,
    /// When its token was last seen, to within a few minutes; `None` before any use.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Who a session token belongs to, and which session it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    /// The account.
    pub user: User,
    /// The session's public id.
    pub session_id: Uuid,
    /// When the token was last seen.
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct TokenOwnerRow {
    id: Uuid,
    email: String,
    is_admin: bool,
    embed_id: Option<Uuid>,
    session_id: Uuid,
    last_used_at: Option<DateTime<Utc>>,
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
                 RETURNING id, email, is_admin, embed_id",
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

    /// The account and its password hash, for signing in (an embed's viewers cannot).
    pub async fn user_credentials(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, Credentials>(
                "SELECT id, email, is_admin, password_hash FROM users WHERE email = $1 AND embed_id IS NULL",
            )
            .bind(email)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|c| {
            (User { id: c.id, email: c.email, is_admin: c.is_admin, embed_id: None }, c.password_hash)
        }))
    }

    /// The account with this id.
    pub async fn user_by_id(&self, id: Uuid) -> StoreResult<Option<User>> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as::<_, User>("SELECT id, email, is_admin, embed_id FROM users WHERE id = $1")
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

    /// Stores the hash of a new session token, valid for `lifetime` from now, and returns the
    /// session's public id. The account's expired sessions are deleted, and so are its oldest
    /// ones beyond `keep`, so an account holds at most `keep` sessions whatever signs in.
    pub async fn create_session(
        &self,
        user_id: Uuid,
        token_hash: &str,
        lifetime: chrono::Duration,
        keep: u32,
    ) -> StoreResult<Uuid> {
        let id = Uuid::new_v4();
        let now = Utc::now();
        let expires_at = now + lifetime;
        on_write_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO access_tokens (token_hash, id, user_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(id)
            .bind(user_id)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "DELETE FROM access_tokens WHERE user_id = $1 AND (expires_at <= $2 OR token_hash NOT IN \
                 (SELECT token_hash FROM access_tokens WHERE user_id = $1 \
                  ORDER BY created_at DESC, token_hash LIMIT $3))",
            )
            .bind(user_id)
            .bind(now)
            .bind(i64::from(keep))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(id)
    }

    /// The account and session a token hash belongs to, if the session is live.
    pub async fn session_by_token(&self, token_hash: &str) -> StoreResult<Option<TokenOwner>> {
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, TokenOwnerRow>(
                "SELECT u.id, u.email, u.is_admin, u.embed_id, t.id AS session_id, t.last_used_at \
                 FROM access_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1 AND t.expires_at > $2",
            )
            .bind(token_hash)
            .bind(Utc::now())
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|r| TokenOwner {
            user: User { id: r.id, email: r.email, is_admin: r.is_admin, embed_id: r.embed_id },
            session_id: r.session_id,
            last_used_at: r.last_used_at,
        }))
    }

    /// Records that a session was used at `at`.
    pub async fn touch_session(&self, session_id: Uuid, at: DateTime<Utc>) -> StoreResult<()> {
        on_write_pool!(self, |pool| {
            sqlx::query("UPDATE access_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(at)
                .bind(session_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// An account's live sessions, newest first.
    pub async fn list_sessions(&self, user_id: Uuid) -> StoreResult<Vec<SessionInfo>> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as::<_, SessionInfo>(
                "SELECT id, created_at, expires_at, last_used_at FROM access_tokens \
                 WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, token_hash",
            )
            .bind(user_id)
            .bind(Utc::now())
            .fetch_all(pool)
            .await?
        }))
    }

    /// Ends one of an account's sessions; false when it has no session with that id.
    pub async fn revoke_session(&self, user_id: Uuid, session_id: Uuid) -> StoreResult<bool> {
        let done = on_write_pool!(self, |pool| {
            sqlx::query("DELETE FROM access_tokens WHERE id = $1 AND user_id = $2")
                .bind(session_id)
                .bind(user_id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }
}

//! The auth machinery requests share: the bounded password-hashing pool, the rate limiter with
//! its per-address and per-account rules, and the Socket.IO handle that disconnects the sockets
//! of a revoked session.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use socketioxide::SocketIo;
use uuid::Uuid;

use super::client_ip::ClientIp;
use super::hasher::{HashError, HashPool};
use super::limiter::{LimitKey, MemoryLimiter, RateLimiter, Rule};
use crate::config::AuthLimits;
use crate::error::ApiError;
use crate::nodes::Redis;

/// What an attempt is counted as, per account (email).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAttempt {
    /// A login (given back when it succeeds, so only failures count).
    Login,
    /// A sign-up.
    Signup,
}

impl AccountAttempt {
    fn scope(self) -> &'static str {
        match self {
            AccountAttempt::Login => "login",
            AccountAttempt::Signup => "signup",
        }
    }
}

/// New embed viewer sessions one address may get per minute.
pub const EMBED_SESSIONS_PER_MINUTE: u32 = 20;

/// A signed-in user's request with a rate of its own (docs/limits.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAction {
    /// Opening a share link by its slug: 120 a minute.
    OpenShareLink,
    /// Storing or forgetting a provider key: 20 a minute.
    WriteProviderKey,
    /// Setting a UI's payer and caps: 60 a minute.
    WriteBudget,
    /// Reading a usage report (JSON or CSV), each a few aggregate queries: 60 a minute.
    ReadStats,
    /// Making, re-keying or revoking embeds.
    WriteEmbed,
    /// A write by an embed's viewer (its UI's state, runs it records, navigation reports): a
    /// stranger's account, made on request, so its writes are paced.
    ViewerWrite,
}

impl UserAction {
    /// How often the action may be repeated.
    pub fn rule(self) -> Rule {
        let per_minute = match self {
            UserAction::OpenShareLink => 120,
            UserAction::WriteProviderKey => 20,
            UserAction::WriteBudget | UserAction::ReadStats | UserAction::WriteEmbed => 60,
            UserAction::ViewerWrite => 120,
        };
        Rule::per_window(per_minute, Duration::from_secs(60))
    }

    fn scope(self) -> &'static str {
        match self {
            UserAction::OpenShareLink => "open-share-link",
            UserAction::WriteProviderKey => "write-provider-key",
            UserAction::WriteBudget => "write-budget",
            UserAction::ReadStats => "read-stats",
            UserAction::WriteEmbed => "write-embed",
            UserAction::ViewerWrite => "viewer-write",
        }
    }

    fn what(self) -> &'static str {
        match self {
            UserAction::OpenShareLink => "share links opened",
            UserAction::WriteProviderKey => "provider key changes",
            UserAction::WriteBudget => "budget changes",
            UserAction::ReadStats => "usage reports",
            UserAction::WriteEmbed => "embed changes",
            UserAction::ViewerWrite => "writes from this embed",
        }
    }
}

/// Shared by every request through `AppState`.
pub struct AuthGuard {
    /// Where passwords are hashed and checked.
    pub hasher: HashPool,
    limiter: Arc<dyn RateLimiter>,
    ip_rule: Rule,
    account_rule: Rule,
    sockets: OnceLock<SocketIo>,
    /// The shared Redis on a node of several: revoked sessions are announced to every node.
    nodes: Option<Redis>,
}

impl AuthGuard {
    /// The guard for `limits`, with the in-process limiter.
    pub fn new(limits: &AuthLimits) -> std::io::Result<AuthGuard> {
        AuthGuard::with_limiter(limits, Arc::new(MemoryLimiter::new(limits.auth_limiter_entries)))
    }

    /// The guard for `limits` with another limiter (one shared by several nodes).
    pub fn with_limiter(limits: &AuthLimits, limiter: Arc<dyn RateLimiter>) -> std::io::Result<AuthGuard> {
        Ok(AuthGuard {
            hasher: HashPool::start(limits.hash_threads(), limits.hash_wait(), limits.hash_cost)?,
            limiter,
            ip_rule: Rule {
                burst: limits.auth_ip_burst,
                interval: Duration::from_secs(60) / limits.auth_ip_per_minute.max(1),
            },
            account_rule: Rule::per_window(
                limits.auth_account_attempts,
                Duration::from_secs(limits.auth_account_window_secs),
            ),
            sockets: OnceLock::new(),
            nodes: None,
        })
    }

    /// The guard of a node of several: a revoked session's sockets are disconnected on every
    /// node, not only this one.
    pub fn on_nodes(mut self, redis: Redis) -> AuthGuard {
        self.nodes = Some(redis);
        self
    }

    /// The Socket.IO handle, once attached.
    pub fn sockets(&self) -> Option<SocketIo> {
        self.sockets.get().cloned()
    }

    /// Counts a new embed viewer session asked for from `client` (anyone may ask for an anonymous
    /// one): [`EMBED_SESSIONS_PER_MINUTE`] per address, with as many at once; 429 past that.
    pub async fn admit_embed_viewer(&self, client: ClientIp) -> Result<(), ApiError> {
        let key = LimitKey::new("embed-viewer-ip", &client.limit_value());
        let rule = Rule::per_window(EMBED_SESSIONS_PER_MINUTE, Duration::from_secs(60));
        self.limiter.take(key, rule).await.map_err(|wait| {
            rate_limited(
                format!("too many embed sessions from your address; try again in {}", secs(wait)),
                wait,
            )
        })
    }

    /// Counts a sign-up or login attempt from `client`; 429 when its address has none left.
    pub async fn admit_client(&self, client: ClientIp) -> Result<(), ApiError> {
        let key = LimitKey::new("ip", &client.limit_value());
        self.limiter.take(key, self.ip_rule).await.map_err(|wait| {
            rate_limited(
                format!("too many sign-in attempts from your address; try again in {}", secs(wait)),
                wait,
            )
        })
    }

    /// Counts an attempt against the account `email`; 429 when it has none left.
    pub async fn admit_account(&self, attempt: AccountAttempt, email: &str) -> Result<(), ApiError> {
        let key = LimitKey::new(attempt.scope(), email);
        self.limiter.take(key, self.account_rule).await.map_err(|wait| {
            let what = match attempt {
                AccountAttempt::Login => "failed sign-ins for this account",
                AccountAttempt::Signup => "sign-up attempts for this email",
            };
            rate_limited(format!("too many {what}; try again in {}", secs(wait)), wait)
        })
    }

    /// Counts one `action` by a signed-in `user` against its fixed rate ([`UserAction::rule`]);
    /// 429 when none is left. For requests that are cheap one by one but cost a lookup or a
    /// write each, so that a script cannot repeat them without bound.
    pub async fn admit_action(&self, user: Uuid, action: UserAction) -> Result<(), ApiError> {
        let key = LimitKey::new(action.scope(), &user.to_string());
        self.limiter.take(key, action.rule()).await.map_err(|wait| {
            rate_limited(format!("too many {} lately; try again in {}", action.what(), secs(wait)), wait)
        })
    }

    /// Gives back an attempt counted against `email` (a login that succeeded).
    pub async fn forgive_account(&self, attempt: AccountAttempt, email: &str) {
        self.limiter.give_back(LimitKey::new(attempt.scope(), email), self.account_rule).await;
    }

    /// Remembers the Socket.IO handle, once the Socket.IO layer exists.
    pub fn attach_sockets(&self, io: SocketIo) {
        let _ = self.sockets.set(io);
    }

    /// Disconnects the sockets that connected with session `id` (after it was revoked), here and
    /// on every other node.
    pub async fn disconnect_session(&self, id: Uuid) {
        if let Some(io) = self.sockets.get()
            && let Err(e) = io.to(session_room(id)).disconnect().await
        {
            tracing::warn!(error = %e, session = %id, "could not disconnect a revoked session's sockets");
        }
        if let Some(redis) = &self.nodes
            && let Err(e) = crate::nodes::sessions::publish(redis, id).await
        {
            tracing::warn!(error = %e, session = %id, "could not tell the other nodes of a revoked session");
        }
    }
}

/// The Socket.IO room of the sockets connected with session `id`.
pub fn session_room(id: Uuid) -> String {
    format!("session:{id}")
}

fn rate_limited(message: String, wait: Duration) -> ApiError {
    ApiError::RateLimited { message, retry_after_secs: whole_secs(wait) }
}

/// A wait rounded up to whole seconds, at least one (what `Retry-After` can say).
fn whole_secs(wait: Duration) -> u64 {
    wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0)).max(1)
}

fn secs(wait: Duration) -> String {
    match whole_secs(wait) {
        1 => "1 second".into(),
        s => format!("{s} seconds"),
    }
}

impl From<HashError> for ApiError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => ApiError::RateLimited { message: err.to_string(), retry_after_secs: 1 },
            HashError::Failed(detail) => ApiError::Internal(detail),
        }
    }
}

//! Server settings, from flags and environment (see `main.rs`), with documented defaults.

mod args;
mod auth;
mod compiler;
mod http;
mod nodes;
mod runs;
mod tasks;
mod web;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use args::{DEFAULT_DATABASE, ServeArgs};
pub use auth::{AuthLimits, HashCost};
pub use compiler::{CompilerLimits, DEFAULT_COMPILE_QUEUE, DEFAULT_COMPILE_THREADS};
pub use http::HttpLimits;
pub use nodes::{DEFAULT_DRAIN_TIMEOUT_SECS, DEFAULT_NODE_TIMEOUT_SECS, NodeSettings};
pub use runs::RunLimits;
pub use tasks::TaskLimits;
pub use web::{DEFAULT_MODULE_CACHE_BYTES, WebLimits};

/// Default request body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default limit on the message content of one task: 512 KiB.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 512 * 1024;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest total message content of one task, in bytes.
    pub max_message_bytes: usize,
    /// Secret for HS256 JWTs whose `sub` is a user id (Supabase style), when set.
    pub jwt_secret: Option<String>,
    /// The key that encrypts users' own provider keys (`PROMPTDECK_KEY_ENCRYPTION_KEY`); without
    /// it no user keys are stored and every run uses the operator's keys.
    pub key_encryption_key: Option<crate::provider_keys::KeyEncryptionKey>,
    /// TOML model catalogue, when set.
    pub models_file: Option<PathBuf>,
    /// Address of the sandbox listener (custom UI documents); `None`: the app's port + 1, or a
    /// free port when the app's port is 0.
    pub sandbox_addr: Option<SocketAddr>,
    /// Public origin of the sandbox documents when a proxy serves them (e.g.
    /// `https://sandbox.example.com`); `None`: the sandbox listener's own address. Set to the
    /// resolved origin once the server is bound.
    pub sandbox_origin: Option<String>,
    /// Origins the app is reached at, allowed to frame sandbox documents; `None`: the bound
    /// address (and `localhost` beside a loopback address).
    pub app_origins: Option<Vec<String>>,
    /// Sign-up, sign-in and session limits.
    pub auth: AuthLimits,
    /// Task start, concurrency, duration and answer-size limits.
    pub tasks: TaskLimits,
    /// HTTP connection limits.
    pub http: HttpLimits,
    /// Compiled-module cache limits.
    pub web: WebLimits,
    /// What one run may hold.
    pub runs: RunLimits,
    /// How many custom UI checks and compilations run and wait at once.
    pub compiler: CompilerLimits,
    /// Redis for several nodes, liveness and the shutdown drain.
    pub nodes: NodeSettings,
}

impl Config {
    /// Settings for a server on `addr` with `database_url` and every default.
    pub fn new(addr: SocketAddr, database_url: impl Into<String>) -> Self {
        Config {
            addr,
            database_url: database_url.into(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            jwt_secret: None,
            key_encryption_key: None,
            models_file: None,
            sandbox_addr: None,
            sandbox_origin: None,
            app_origins: None,
            auth: AuthLimits::default(),
            tasks: TaskLimits::default(),
            http: HttpLimits::default(),
            web: WebLimits::default(),
            runs: RunLimits::default(),
            compiler: CompilerLimits::default(),
            nodes: NodeSettings::default(),
        }
    }
}

//! The `serve` command line: flags and their environment variables, turned into a [`Config`].

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use super::{
    AuthLimits, CompilerLimits, Config, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_MESSAGE_BYTES, HttpLimits,
    NodeSettings, RunLimits, TaskLimits, WebLimits,
};

/// Default database for `cargo run`: a SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://promptdeck.db";

/// The flags and environment of `promptdeck serve`: the one place a command line becomes a
/// [`Config`], for the binary and for tests that start the app in-process with the same flags.
#[derive(Debug, Parser)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PROMPTDECK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "PROMPTDECK_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    pub database: String,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PROMPTDECK_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Largest total message content of one task, in bytes.
    #[arg(long, env = "PROMPTDECK_MAX_MESSAGE_BYTES", default_value_t = DEFAULT_MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,
    /// TOML model catalogue (see crates/llm/README.md).
    #[arg(long, env = "PROMPTDECK_MODELS")]
    pub models: Option<PathBuf>,
    /// Address of the sandbox listener serving custom UI documents (default: the app's port + 1;
    /// a free port when the app's port is 0).
    #[arg(long, env = "PROMPTDECK_SANDBOX_ADDR")]
    pub sandbox_addr: Option<SocketAddr>,
    /// Public origin of the sandbox documents when a proxy serves the sandbox listener
    /// (e.g. `https://sandbox.example.com`); must differ from the app's origin.
    #[arg(long, env = "PROMPTDECK_SANDBOX_ORIGIN")]
    pub sandbox_origin: Option<String>,
    /// Origins the app is reached at (comma-separated), allowed to frame sandbox documents
    /// (default: the bound address, and `localhost` beside a loopback address).
    #[arg(long, env = "PROMPTDECK_APP_ORIGINS", value_delimiter = ',')]
    pub app_origin: Vec<String>,
    /// Sign-up, sign-in and session limits.
    #[command(flatten)]
    pub auth: AuthLimits,
    /// Task start, concurrency, duration and answer-size limits.
    #[command(flatten)]
    pub tasks: TaskLimits,
    /// HTTP connection limits.
    #[command(flatten)]
    pub http: HttpLimits,
    /// Compiled-module cache limits.
    #[command(flatten)]
    pub web: WebLimits,
    /// What one run may hold.
    #[command(flatten)]
    pub runs: RunLimits,
    /// How many custom UI checks and compilations run and wait at once.
    #[command(flatten)]
    pub compiler: CompilerLimits,
    /// Redis for several nodes, node liveness and the shutdown drain.
    #[command(flatten)]
    pub nodes: NodeSettings,
}

impl ServeArgs {
    /// The configuration these flags describe (`jwt_secret` is read by the caller: it comes only
    /// from the environment, never from a flag).
    pub fn into_config(self) -> Config {
        let mut config = Config::new(self.addr, self.database);
        config.max_body_bytes = self.max_body_bytes;
        config.max_message_bytes = self.max_message_bytes;
        config.models_file = self.models;
        config.sandbox_addr = self.sandbox_addr;
        config.sandbox_origin = self.sandbox_origin;
        config.app_origins = (!self.app_origin.is_empty()).then_some(self.app_origin);
        config.auth = self.auth;
        config.tasks = self.tasks;
        config.http = self.http;
        config.web = self.web;
        config.runs = self.runs;
        config.compiler = self.compiler;
        config.nodes = self.nodes;
        config
    }
}

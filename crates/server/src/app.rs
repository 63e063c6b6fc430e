//! Building and running the application: the same start-up code for production and tests
//! (bind the configured address, port 0 picks a free one), served with header and body read
//! timeouts (`serve`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use promptdeck_compiler::Compiler;
use promptdeck_llm::Catalogue;
use promptdeck_store::Store;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;
use utoipa::openapi::OpenApi;

use crate::auth::AuthGuard;
use crate::compile_gate::CompileGate;
use crate::config::{Config, HashCost};
use crate::nodes::limits::{RedisRateLimiter, RedisTaskLimiter};
use crate::nodes::log::{KEPT_AFTER_END, LogWriter};
use crate::nodes::{NodesError, Redis};
use crate::routes::api_router;
use crate::state::AppState;
use crate::tasks::urgent::UrgentWrites;
use crate::tasks::writer_thread::WriterThread;
use crate::tasks::{Drain, FinishQueue, FlushQueue, MemoryTaskLimiter, StartQueue, TaskHub, TaskLimiter};
use crate::web::{ModuleStore, PagePolicy};

/// Entries kept in the compile cache.
const COMPILE_CACHE_ENTRIES: usize = 1024;
/// How long a live task's shared log lives when tasks have no duration cap.
const MAX_LOG_LIFE: Duration = Duration::from_secs(7 * 24 * 3600);
/// How long a stopping node leaves its sockets to send what they hold.
const SOCKET_FLUSH_GRACE: Duration = Duration::from_millis(300);

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// A server bound to its address, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    sandbox: crate::web::Sandbox,
}

impl Application {
    /// Connects the store (running migrations) and, on a node of several, Redis; installs the
    /// official templates, marks tasks a crash left unfinished as failed (on a node of several,
    /// only dead nodes' tasks), loads the model catalogue and binds the address.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        if config.auth.hash_cost == HashCost::InsecureForTests {
            tracing::warn!(
                "password hashes are made with the insecure test parameters (HashCost::InsecureForTests)"
            );
        }
        let redis = match &config.nodes.redis_url {
            Some(_) if !is_postgres_url(&config.database_url) => return Err(NodesError::NeedsPostgres.into()),
            Some(url) => Some(Redis::connect(url).await?),
            None => None,
        };
        let mut store = Store::connect(&config.database_url).await?.with_run_caps(config.runs.caps());
        store.install_official_templates(crate::template_library::OFFICIAL).await?;
        if let Some(redis) = &redis {
            store = store.with_node(redis.node_id);
            store.heartbeat(redis.node_id).await?;
            crate::nodes::liveness::reap(&store, redis, config.nodes.node_timeout()).await?;
        } else {
            let recovered = store
                .fail_unfinished_tasks("the server stopped before this task finished", chrono::Utc::now())
                .await?;
            if recovered > 0 {
                tracing::warn!(recovered, "marked tasks left unfinished by a previous run as failed");
            }
        }
        let catalogue = Catalogue::load_with_process_env(config.models_file.as_deref())?;
        let listener = TcpListener::bind(config.addr).await?;
        let (config, sandbox) = crate::web::bind_sandbox(config, listener.local_addr()?).await?;
        let pages = PagePolicy::new(&sandbox.policy().origin, &sandbox.policy().frame_ancestors);
        // On a node of several, limits count across nodes in Redis; alone, in memory.
        let (auth, task_limiter): (Arc<AuthGuard>, Arc<dyn TaskLimiter>) = match &redis {
            Some(redis) => (
                Arc::new(
                    AuthGuard::with_limiter(
                        &config.auth,
                        Arc::new(RedisRateLimiter::new(redis.clone(), config.auth.auth_limiter_entries)),
                    )?
                    .on_nodes(redis.clone()),
                ),
                Arc::new(RedisTaskLimiter::new(redis.clone(), &config.tasks, config.nodes.drain_timeout())),
            ),
            None => {
                (Arc::new(AuthGuard::new(&config.auth)?), Arc::new(MemoryTaskLimiter::new(&config.tasks)))
            }
        };
        let hub = match &redis {
            Some(redis) => {
                let live_for = config.tasks.max_task_duration().unwrap_or(MAX_LOG_LIFE) + KEPT_AFTER_END;
                let hub = Arc::new(TaskHub::mirrored(LogWriter::spawn(redis.clone(), live_for)));
                crate::nodes::cancel::listen(redis.clone(), hub.clone()).await?;
                hub
            }
            None => Arc::new(TaskHub::default()),
        };
        // On SQLite's single writer, partial-text flushes give way to starts and finishes.
        let urgent = UrgentWrites::new(!store.is_postgres());
        // On SQLite the record writers run on a thread of their own (see `writer_thread`).
        let writers = WriterThread::start(!store.is_postgres());
        let state = AppState {
            task_starts: StartQueue::new(store.clone(), urgent.clone(), &writers),
            task_flushes: FlushQueue::new(store.clone(), urgent.clone(), &writers),
            task_finishes: FinishQueue::new(store.clone(), urgent, &writers),
            store,
            auth,
            task_limiter,
            compiler: Arc::new(Compiler::new(COMPILE_CACHE_ENTRIES)),
            compile_gate: Arc::new(CompileGate::new(&config.compiler)),
            catalogue: Arc::new(catalogue),
            hub,
            drain: Arc::new(Drain::default()),
            nodes: redis,
            provider_keys: config
                .key_encryption_key
                .as_ref()
                .map(|k| Arc::new(crate::provider_keys::KeyCipher::new(k))),
            modules: Arc::new(ModuleStore::new(config.web.module_cache_bytes)),
            pages: Arc::new(pages),
            config: Arc::new(config),
        };
        let router = router(state.clone());
        if let (Some(redis), Some(io)) = (&state.nodes, state.auth.sockets()) {
            crate::nodes::sessions::listen(redis.clone(), io).await?;
        }
        Ok(Application { listener, router, state, sandbox })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The address the sandbox listener (custom UI documents) actually bound.
    pub fn sandbox_addr(&self) -> std::io::Result<SocketAddr> {
        self.sandbox.local_addr()
    }

    /// The shared state (for tests and the CLI).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, then drains (no new tasks; running ones finish up to the
    /// drain timeout), stops serving and closes the store. On a node of several it heartbeats
    /// and reaps dead nodes' tasks meanwhile.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves both listeners until `stop` completes, then drains (no new tasks; running ones
    /// finish up to the drain timeout), lets the requests in flight finish and closes the store.
    /// The binary stops on a signal; tests and embedders stop when they choose.
    pub async fn run_until(self, stop: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let state = self.state.clone();
        let liveness = CancellationToken::new();
        if let Some(redis) = &state.nodes {
            let timeout = state.config.nodes.node_timeout();
            crate::nodes::liveness::spawn(state.store.clone(), redis.clone(), timeout, liveness.clone());
        }
        let stopped = CancellationToken::new();
        tokio::spawn({
            let (state, stopped) = (state.clone(), stopped.clone());
            async move {
                stop.await;
                drain(&state).await;
                stopped.cancel();
            }
        });
        let limits = state.config.http.clone();
        let sandbox =
            tokio::spawn(self.sandbox.run(state.clone(), limits.clone(), stopped.clone().cancelled_owned()));
        crate::serve::serve(self.listener, self.router, &limits, stopped.cancelled_owned()).await?;
        sandbox.abort();
        liveness.cancel();
        if let Some(redis) = &state.nodes
            && let Err(e) = state.store.forget_node(redis.node_id).await
        {
            tracing::warn!(error = %e, "could not sign this node off");
        }
        state.store.close().await;
        Ok(())
    }
}

/// The full router: the API with its OpenAPI document, the front end, limits, security headers,
/// tracing and a JSON 404.
pub fn router(state: AppState) -> Router {
    let (api, mut openapi) = api_router().split_for_parts();
    crate::routes::describe_responses(&mut openapi);
    let openapi = Arc::new(openapi);
    let limit = state.config.max_body_bytes;
    let (socket_layer, io) = crate::socket::layer(state.clone());
    state.auth.attach_sockets(io);
    let router = api
        .route("/api/openapi.json", axum::routing::get(move || openapi_json(openapi.clone())))
        .route("/embed/{id}", axum::routing::get(crate::web::assets::embed_page))
        .fallback(crate::web::fallback)
        .layer(DefaultBodyLimit::max(limit))
        .layer(socket_layer);
    crate::web::headers::layer(router).layer(TraceLayer::new_for_http()).with_state(state)
}

async fn openapi_json(doc: Arc<OpenApi>) -> impl IntoResponse {
    match doc.to_json() {
        Ok(json) => ([(axum::http::header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Stops taking tasks, lets the running ones finish (or cuts them off at the drain timeout),
/// and waits until their events are in the shared log and sockets had a moment to send them.
async fn drain(state: &AppState) {
    let running = state.hub.len();
    tracing::info!(running, "stopping: taking no new tasks, letting running ones finish");
    let cut = state.drain.drain(state.config.nodes.drain_timeout(), || state.hub.cancel_all()).await;
    if cut > 0 {
        tracing::warn!(cut, "the drain timed out; tasks still running ended failed with their text so far");
    }
    if let Some(mirror) = state.hub.mirror()
        && !mirror.flushed(Duration::from_secs(5)).await
    {
        tracing::warn!("some task events did not reach the shared log before stopping");
    }
    // The last events of finished streams are in socket buffers: a moment to send them.
    tokio::time::sleep(SOCKET_FLUSH_GRACE).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

//! Building and running the application: the same start-up code for production and tests
//! (bind the configured address, port 0 picks a free one), served with header and body read
//! timeouts (`serve`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

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
use crate::routes::api_router;
use crate::state::AppState;
use crate::tasks::{MemoryTaskLimiter, StartQueue, TaskHub};
use crate::web::{ModuleStore, PagePolicy};

/// Entries kept in the compile cache.
const COMPILE_CACHE_ENTRIES: usize = 1024;

/// A server bound to its address, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    sandbox: crate::web::Sandbox,
}

impl Application {
    /// Connects the store (running migrations), installs the official templates, marks tasks
    /// a crash left unfinished as failed, loads the model catalogue and binds the address.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        if config.auth.hash_cost == HashCost::InsecureForTests {
            tracing::warn!(
                "password hashes are made with the insecure test parameters (HashCost::InsecureForTests)"
            );
        }
        let store = Store::connect(&config.database_url).await?.with_run_caps(config.runs.caps());
        store.install_official_templates(crate::template_library::OFFICIAL).await?;
        let recovered = store
            .fail_unfinished_tasks("the server stopped before this task finished", chrono::Utc::now())
            .await?;
        if recovered > 0 {
            tracing::warn!(recovered, "marked tasks left unfinished by a previous run as failed");
        }
        let catalogue = Catalogue::load_with_process_env(config.models_file.as_deref())?;
        let listener = TcpListener::bind(config.addr).await?;
        let (config, sandbox) = crate::web::bind_sandbox(config, listener.local_addr()?).await?;
        let pages = PagePolicy::new(&sandbox.policy().origin, &sandbox.policy().frame_ancestors);
        let auth = Arc::new(AuthGuard::new(&config.auth)?);
        let task_limiter = Arc::new(MemoryTaskLimiter::new(&config.tasks));
        let state = AppState {
            task_starts: StartQueue::new(store.clone()),
            store,
            auth,
            task_limiter,
            compiler: Arc::new(Compiler::new(COMPILE_CACHE_ENTRIES)),
            compile_gate: Arc::new(CompileGate::new(&config.compiler)),
            catalogue: Arc::new(catalogue),
            hub: Arc::new(TaskHub::default()),
            modules: Arc::new(ModuleStore::new(config.web.module_cache_bytes)),
            pages: Arc::new(pages),
            config: Arc::new(config),
        };
        let router = router(state.clone());
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

    /// Serves until Ctrl-C or SIGTERM, then closes the store.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves both listeners until `stop` completes, lets the requests in flight finish, then
    /// closes the store. The binary stops on a signal; tests and embedders stop when they choose.
    pub async fn run_until(self, stop: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let stopping = CancellationToken::new();
        tokio::spawn({
            let stopping = stopping.clone();
            async move {
                stop.await;
                stopping.cancel();
            }
        });
        let store = self.state.store.clone();
        let limits = self.state.config.http.clone();
        let sandbox = tokio::spawn(self.sandbox.run(
            self.state.clone(),
            limits.clone(),
            stopping.clone().cancelled_owned(),
        ));
        crate::serve::serve(self.listener, self.router, &limits, stopping.cancelled_owned()).await?;
        sandbox.abort();
        store.close().await;
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

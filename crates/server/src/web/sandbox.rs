//! The sandbox origin: a second listener that serves the custom UI runtime document, its
//! assets and compiled modules, and nothing else. Every answer carries the Content-Security-Policy
//! (`default-src 'none'`, scripts and styles only from this origin, `connect-src 'none'`,
//! `form-action 'none'`, framed only by the app), `nosniff`, `Referrer-Policy: no-referrer` and
//! `Access-Control-Allow-Origin: *`, because the frame runs with an opaque origin
//! (`sandbox="allow-scripts"`, never `allow-same-origin`) and module scripts are fetched in CORS
//! mode. Modules come from the app's [`ModuleStore`](super::modules::ModuleStore).
//!
//! `worker-src blob:` lets the runtime start the component's worker: a frame with an opaque
//! origin cannot start one from a URL, so it starts a classic worker from a blob that loads the
//! runtime's worker script with `importScripts`. A blob worker inherits this policy (no
//! connections, scripts only from this origin); the runtime removes `Worker` and the network
//! globals from it before the component's code is loaded, so it starts no worker of its own.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

use crate::config::{Config, HttpLimits};
use crate::state::AppState;

/// The sandbox listener, bound and ready to serve.
pub struct Sandbox {
    listener: TcpListener,
    policy: SandboxPolicy,
}

/// What the sandbox origin's answers are built from.
#[derive(Debug, Clone)]
pub struct SandboxPolicy {
    /// The origin scripts are loaded from (the listener's, or the configured external one).
    pub origin: String,
    /// The app origins allowed to frame sandbox documents.
    pub frame_ancestors: Vec<String>,
}

impl SandboxPolicy {
    /// The Content-Security-Policy of every sandbox answer.
    pub fn csp(&self) -> String {
        self.csp_allowing(None)
    }

    /// The policy, also allowing the one inline script whose `'sha256-…'` source is given (the
    /// runtime document's early worker start; see [`early_script_hash`]).
    pub fn csp_allowing(&self, inline_script: Option<&str>) -> String {
        self.csp_framed(inline_script, &[])
    }

    /// The policy allowing that inline script, whose frame may also have the `embedders` as
    /// ancestors (the sites an embed lets frame the app page the sandbox frame sits in).
    pub fn csp_framed(&self, inline_script: Option<&str>, embedders: &[String]) -> String {
        let o = &self.origin;
        let inline = inline_script.map(|h| format!(" {h}")).unwrap_or_default();
        let mut ancestors = self.frame_ancestors.join(" ");
        for origin in embedders {
            ancestors.push(' ');
            ancestors.push_str(origin);
        }
        format!(
            "default-src 'none'; script-src {o}{inline}; style-src {o}; img-src {o} data: blob:; font-src {o} data:; \
             connect-src 'none'; form-action 'none'; base-uri 'none'; frame-src 'none'; child-src 'none'; \
             worker-src blob:; manifest-src 'none'; frame-ancestors {ancestors}"
        )
    }
}

/// The opening tag of the runtime document's one inline script: it starts the component's
/// worker while the frame's own scripts still load (the web build writes it into sandbox.html).
const EARLY_SCRIPT: &str = "<script id=\"pd-early-worker\">";

/// The CSP source (`'sha256-…'`) allowing the runtime document's early worker script, if the
/// document has one: only that exact script text may run inline.
pub fn early_script_hash(document: &[u8]) -> Option<String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let text = std::str::from_utf8(document).ok()?;
    let start = text.find(EARLY_SCRIPT)? + EARLY_SCRIPT.len();
    let len = text[start..].find("</script>")?;
    let digest = sha2::Sha256::digest(&text.as_bytes()[start..start + len]);
    Some(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)))
}

/// Binds the sandbox listener next to the app listener bound at `app_addr` and records the
/// sandbox origin in the configuration (for the host app). The address is
/// `config.sandbox_addr`, or the app's port + 1 (a free port when the app's port was 0).
pub async fn bind_sandbox(mut config: Config, app_addr: SocketAddr) -> anyhow::Result<(Config, Sandbox)> {
    let addr = config.sandbox_addr.unwrap_or_else(|| {
        let port = if config.addr.port() == 0 { 0 } else { app_addr.port().saturating_add(1) };
        SocketAddr::new(app_addr.ip(), port)
    });
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("binding the sandbox address {addr}: {e} (set --sandbox-addr)"))?;
    let bound = listener.local_addr()?;
    let origin = config
        .sandbox_origin
        .clone()
        .map(|o| o.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| format!("http://{}", host_port(bound)));
    config.sandbox_origin = Some(origin.clone());
    let policy =
        SandboxPolicy { origin, frame_ancestors: app_origins(app_addr, config.app_origins.as_deref()) };
    Ok((config, Sandbox { listener, policy }))
}

/// The origins the app is reached at: configured ones, or the bound address (with `localhost`
/// beside a loopback address; any host on that port when bound to every interface).
fn app_origins(app_addr: SocketAddr, configured: Option<&[String]>) -> Vec<String> {
    if let Some(list) = configured.filter(|l| !l.is_empty()) {
        return list.iter().map(|o| o.trim_end_matches('/').to_owned()).collect();
    }
    let port = app_addr.port();
    if app_addr.ip().is_unspecified() {
        return vec![format!("http://*:{port}"), format!("https://*:{port}")];
    }
    let mut list = vec![format!("http://{}", host_port(app_addr))];
    if app_addr.ip().is_loopback() {
        list.push(format!("http://localhost:{port}"));
    }
    list
}

fn host_port(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    }
}

impl Sandbox {
    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The policy its answers carry.
    pub fn policy(&self) -> &SandboxPolicy {
        &self.policy
    }

    /// Serves, with the header and body read timeouts of `limits`, until the future `stop`
    /// completes; modules come from `app`'s module store.
    pub async fn run(
        self,
        app: AppState,
        limits: HttpLimits,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = router(SandboxState { policy: Arc::new(self.policy), app });
        crate::serve::serve(self.listener, router, &limits, stop).await
    }
}

/// What the sandbox origin's handlers share.
#[derive(Clone)]
pub struct SandboxState {
    /// The headers' policy.
    pub policy: Arc<SandboxPolicy>,
    /// The app's state, for its module store (and the database behind it).
    pub app: AppState,
}

/// The sandbox origin's routes.
pub fn router(state: SandboxState) -> Router {
    Router::new()
        .route("/", get(document))
        .route("/frame", get(document))
        .route("/m/{file}", get(module))
        .fallback(asset)
        .with_state(state)
}

fn headers(policy: &SandboxPolicy, mime: &'static str, cache: HeaderValue) -> HeaderMap {
    headers_with_csp(&policy.csp(), mime, cache)
}

fn headers_with_csp(csp: &str, mime: &'static str, cache: HeaderValue) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(CACHE_CONTROL, cache);
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    if let Ok(v) = HeaderValue::from_str(csp) {
        h.insert(CONTENT_SECURITY_POLICY, v);
    }
    h
}

/// `?embed={id}` on the sandbox document: the frame sits in that embed's page.
#[derive(Debug, serde::Deserialize)]
struct FrameQuery {
    embed: Option<String>,
}

/// The origins allowed to frame the embed named in the query (none when it names no live embed).
async fn embedders(app: &AppState, query: &FrameQuery) -> Vec<String> {
    let Some(id) = query.embed.as_deref().and_then(|s| uuid::Uuid::parse_str(s).ok()) else {
        return Vec::new();
    };
    match app.store.find_embed(id).await {
        Ok(Some(record)) if record.embed.revoked_at.is_none() => record.embed.allowed_origins,
        Ok(_) => Vec::new(),
        Err(e) => {
            tracing::warn!(error = %e, "looking up an embed for its sandbox frame");
            Vec::new()
        }
    }
}

async fn document(
    State(SandboxState { policy, app }): State<SandboxState>,
    Query(query): Query<FrameQuery>,
) -> Response {
    match super::assets::file("sandbox.html") {
        Some((body, mime)) => {
            let csp = policy.csp_framed(early_script_hash(&body).as_deref(), &embedders(&app, &query).await);
            (headers_with_csp(&csp, mime, HeaderValue::from_static("no-cache")), body).into_response()
        }
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            headers(&policy, "text/plain; charset=utf-8", HeaderValue::from_static("no-store")),
            "the sandbox runtime is not built",
        )
            .into_response(),
    }
}

async fn module(State(state): State<SandboxState>, Path(file): Path<String>) -> Response {
    let policy = &state.policy;
    let found = match super::modules::parse_file_name(&file) {
        Some(hash) => state.app.modules.find(&state.app, hash).await,
        None => Ok(None),
    };
    match found {
        Ok(Some(module)) => (
            headers(
                policy,
                "text/javascript; charset=utf-8",
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            module.code.clone(),
        )
            .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            headers(policy, "text/plain; charset=utf-8", HeaderValue::from_static("no-store")),
            "unknown module",
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "looking up a compiled module");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                headers(policy, "text/plain; charset=utf-8", HeaderValue::from_static("no-store")),
                "the module cannot be loaded right now",
            )
                .into_response()
        }
    }
}

async fn asset(State(SandboxState { policy, .. }): State<SandboxState>, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let found = path.starts_with("assets/").then(|| super::assets::file(path)).flatten();
    match found {
        Some((body, mime)) => {
            (headers(&policy, mime, super::assets::cache_control(path)), body).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            headers(&policy, "text/plain; charset=utf-8", HeaderValue::from_static("no-store")),
            "not found",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_scripts_only_from_the_sandbox_and_framing_only_by_the_app() {
        let p = SandboxPolicy {
            origin: "http://127.0.0.1:9".into(),
            frame_ancestors: vec!["http://127.0.0.1:8".into()],
        };
        let csp = p.csp();
        assert!(csp.starts_with("default-src 'none'; script-src http://127.0.0.1:9;"));
        assert!(csp.contains("connect-src 'none'"));
        assert!(csp.contains("form-action 'none'"));
        assert!(csp.contains("worker-src blob:;"), "workers only from the runtime's own blobs");
        assert!(csp.ends_with("frame-ancestors http://127.0.0.1:8"));
    }

    #[test]
    fn the_early_worker_script_is_allowed_by_its_hash_alone() {
        let doc = br#"<head><script id="pd-early-worker">start()</script></head><script>evil()</script>"#;
        // sha256("start()"), base64.
        let hash = early_script_hash(doc).unwrap_or_default();
        assert_eq!(hash, "'sha256-DIm7WJS6ZKDYe5qFLPy+h4JFI9Bol5QmYC57mt3Fb00='");
        let p = SandboxPolicy { origin: "http://127.0.0.1:9".into(), frame_ancestors: vec![] };
        assert!(
            p.csp_allowing(Some(&hash))
                .starts_with(&format!("default-src 'none'; script-src http://127.0.0.1:9 {hash};"))
        );
        assert_eq!(early_script_hash(b"<script>evil()</script>"), None);
        assert_eq!(early_script_hash(br#"<script id="pd-early-worker">unclosed"#), None);
    }

    #[test]
    fn a_loopback_app_is_also_allowed_as_localhost() {
        let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(app_origins(addr, None), vec!["http://127.0.0.1:8080", "http://localhost:8080"]);
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(app_origins(any, None)[0], "http://*:8080");
        assert_eq!(
            app_origins(addr, Some(&["https://app.example/".to_owned()])),
            vec!["https://app.example"]
        );
    }
}

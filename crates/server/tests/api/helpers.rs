//! Starts the app on a fresh database (SQLite or PostgreSQL) and talks HTTP and Socket.IO to it:
//! `spawn_app` gives a `TestApp` with one method per endpoint, so tests read as sentences. The
//! app runs in this process (`Application::build` on 127.0.0.1:0, on a runtime and thread of its
//! own, with the flags parsed as `promptdeck serve` parses them, and cheap password hashes);
//! `spawn_binary` starts the real `promptdeck` binary instead, for tests of the binary itself.

use std::process::Stdio;
use std::sync::Once;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{CommandFactory, FromArgMatches};
use promptdeck_server::Application;
use promptdeck_server::config::{Config, HashCost, ServeArgs};

use promptdeck_testdb::TestDatabase;
pub use promptdeck_testdb::{Backend, POSTGRES_ENV, both_backends, sqlite_only};
use reqwest::header::{CONTENT_TYPE, HeaderMap, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use uuid::Uuid;

/// A component every check accepts.
pub const VALID_COMPONENT: &str = "export default function App() { return <div>Hello</div>; }";
/// A component that reaches for the network, which the checks refuse.
pub const FETCHING_COMPONENT: &str =
    "export default function App() {\n  fetch(\"https://x\");\n  return <div>Hello</div>;\n}\n";
/// A component importing a package the runtime does not provide.
pub const UNKNOWN_IMPORT_COMPONENT: &str =
    "import x from \"left-pad\";\nexport default function App() { return <div>{x}</div>; }\n";
/// The password every test user signs up with.
pub const PASSWORD: &str = "correct horse battery staple";

/// How to start the server, beyond the defaults.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--max-body-bytes N`.
    pub max_body_bytes: Option<u64>,
    /// `PROMPTDECK_JWT_SECRET`.
    pub jwt_secret: Option<String>,
    /// `PROMPTDECK_KEY_ENCRYPTION_KEY` (64 hex digits).
    pub key_encryption_key: Option<String>,
    /// `--module-cache-bytes N`.
    pub module_cache_bytes: Option<u64>,
    /// Keep the server's default sign-up and login limits. Off by default: scenarios sign up
    /// many users from 127.0.0.1, so the limits are raised out of their way
    /// (`RAISED_AUTH_LIMITS`); tests about the limits turn this on.
    pub default_auth_limits: bool,
    /// Hash passwords at the production cost instead of the cheap test one: for tests about
    /// what hashing costs (the hashing pool's queue).
    pub standard_hashing: bool,
    /// More `promptdeck serve` arguments (e.g. `--auth-ip-burst 3`).
    pub args: Vec<String>,
}

/// What every scenario's server runs with unless `Options::default_auth_limits` is set: no
/// realistic number of sign-ups and logins from 127.0.0.1 is rate limited, and password hashing
/// waits as long as a loaded test machine needs.
pub const RAISED_AUTH_LIMITS: &[&str] = &[
    "--auth-ip-per-minute",
    "1000000",
    "--auth-ip-burst",
    "1000000",
    "--auth-account-attempts",
    "1000000",
    "--auth-hash-wait-ms",
    "120000",
];

impl Options {
    /// The usual options plus `args` (e.g. `["--max-sessions", "2"]`).
    pub fn with_args(args: &[&str]) -> Options {
        Options { args: args.iter().map(|a| (*a).to_owned()).collect(), ..Options::default() }
    }

    /// The server's default auth limits plus `args`: for tests about the limits.
    pub fn with_auth_limits(args: &[&str]) -> Options {
        Options { default_auth_limits: true, ..Options::with_args(args) }
    }
}

/// A model catalogue file (`--models`) in a directory of its own, removed on drop.
pub struct ModelsDir {
    dir: std::path::PathBuf,
    file: String,
}

impl ModelsDir {
    /// Writes `toml` as a catalogue file.
    pub fn write(toml: &str) -> ModelsDir {
        let dir = std::env::temp_dir().join(format!("promptdeck-models-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("models.toml");
        std::fs::write(&file, toml).unwrap();
        ModelsDir { file: file.to_string_lossy().into_owned(), dir }
    }

    /// The file's path, for `--models`.
    pub fn path(&self) -> &str {
        &self.file
    }
}

impl Drop for ModelsDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A catalogue with `priced-echo`: the echo model at one US dollar per token in and out, so
/// every run costs whole dollars.
pub const PRICED_ECHO: &str = "[[models]]\nid = \"priced-echo\"\nprovider = \"echo\"\ninput_price = 1000000.0\noutput_price = 1000000.0\n";

/// A server with `priced-echo`, task start limits out of the way, and `args`; keep the
/// catalogue as long as the server.
pub async fn spawn_priced(backend: Backend, args: &[&str]) -> (TestApp, ModelsDir) {
    let models = ModelsDir::write(PRICED_ECHO);
    let mut all = vec![
        "--models",
        models.path(),
        "--task-start-burst",
        "1000",
        "--ui-task-start-burst",
        "1000",
        "--max-concurrent-tasks",
        "100",
    ];
    all.extend_from_slice(args);
    (spawn_app_with(backend, Options::with_args(&all)).await, models)
}

/// A running server on its own database.
pub struct TestApp {
    /// `http://HOST:PORT`, no trailing slash.
    pub address: String,
    /// The sandbox listener's `http://HOST:PORT`.
    pub sandbox: String,
    /// A plain HTTP client.
    pub client: reqwest::Client,
    /// The database URL the server runs on (for commands that open it directly).
    pub database_url: String,
    // Declared before `database` so the server stops before its database is removed.
    _server: Server,
    /// `None` for a server beside another one, on that one's database.
    _database: Option<TestDatabase>,
}

/// Where a test's server runs; dropping it stops the server.
enum Server {
    /// In this process, on a thread and runtime of its own, so a test that blocks its own thread
    /// never stalls the server.
    InProcess { stop: Option<oneshot::Sender<()>>, thread: Option<std::thread::JoinHandle<()>> },
    /// The real binary (killed on drop).
    Binary(#[allow(dead_code)] Child),
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Server::InProcess { stop, thread } = self {
            if let Some(stop) = stop.take() {
                let _ = stop.send(());
            }
            if let Some(thread) = thread.take() {
                let _ = thread.join();
            }
        }
    }
}

/// A signed-up user.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// The session token for `Authorization: Bearer`.
    pub token: String,
    /// The user id.
    pub id: String,
    /// The email signed up with.
    pub email: String,
}

/// One HTTP answer, read whole.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub body: String,
}

impl Reply {
    /// The body parsed as JSON (panics with the body when it is not JSON).
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}), status {}: {:?}", self.status, self.body))
    }

    /// Asserts the status and returns the JSON body (`Null` when the body is empty).
    #[track_caller]
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected status {status}, got {} with body {:?}",
            self.status,
            self.body
        );
        if self.body.trim().is_empty() { Value::Null } else { self.json() }
    }

    /// Asserts the status and the error shape `{"error":{"code","message"}}` with that code, and
    /// returns the message (never empty).
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> String {
        let body = self.expect(status);
        let error = body.get("error").unwrap_or_else(|| panic!("no `error` object in {body}"));
        assert_eq!(error["code"], code, "wrong error code in {body}");
        let message =
            error["message"].as_str().unwrap_or_else(|| panic!("no error.message string in {body}"));
        assert!(!message.trim().is_empty(), "empty error.message in {body}");
        message.to_owned()
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Starts the app in-process on a fresh database of `backend`.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

/// Starts the app in-process on a fresh database of `backend` with extra options.
pub async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    install_crypto_provider();
    let database = new_database(backend).await;
    start_in_process(database.url().to_owned(), Some(database), &options).await
}

/// Starts a second app on `app`'s database (another node of the same deployment). Drop it
/// before `app`.
pub async fn spawn_app_beside(app: &TestApp, options: Options) -> TestApp {
    start_in_process(app.database_url.clone(), None, &options).await
}

/// Starts the real `promptdeck` binary on a fresh database of `backend` (hashing passwords at
/// their production cost): for tests of the binary itself.
pub async fn spawn_binary(backend: Backend, options: Options) -> TestApp {
    install_crypto_provider();
    let database = new_database(backend).await;
    start_binary(database.url().to_owned(), Some(database), &options).await
}

/// The `promptdeck serve` arguments for a test server on `url` with `options`.
fn serve_args(url: &str, options: &Options) -> Vec<String> {
    let mut args: Vec<String> =
        ["serve", "--addr", "127.0.0.1:0", "--database", url].map(str::to_owned).to_vec();
    if let Some(n) = options.max_body_bytes {
        args.extend(["--max-body-bytes".to_owned(), n.to_string()]);
    }
    if let Some(n) = options.module_cache_bytes {
        args.extend(["--module-cache-bytes".to_owned(), n.to_string()]);
    }
    if !options.default_auth_limits {
        // A flag the test sets itself wins.
        for pair in RAISED_AUTH_LIMITS.chunks(2).filter(|pair| !options.args.iter().any(|a| a == pair[0])) {
            args.extend(pair.iter().map(|a| (*a).to_owned()));
        }
    }
    args.extend(options.args.iter().cloned());
    args
}

/// The configuration `promptdeck serve` would build from the test's arguments, ignoring the
/// `PROMPTDECK_*` environment of the test process (as the binary's tests clear it), with cheap
/// password hashes unless `standard_hashing` is set.
fn in_process_config(url: &str, options: &Options) -> Config {
    let command = ServeArgs::command().mut_args(|arg| arg.env(None));
    let matches = command
        .try_get_matches_from(serve_args(url, options))
        .unwrap_or_else(|e| panic!("the test's serve flags do not parse: {e}"));
    let args = ServeArgs::from_arg_matches(&matches).unwrap_or_else(|e| panic!("serve flags: {e}"));
    let mut config = args.into_config();
    config.jwt_secret = options.jwt_secret.clone();
    config.key_encryption_key = options.key_encryption_key.as_deref().map(|hex| {
        promptdeck_server::provider_keys::KeyEncryptionKey::from_hex(hex).unwrap_or_else(|e| panic!("{e}"))
    });
    if !options.standard_hashing {
        config.auth.hash_cost = HashCost::InsecureForTests;
    }
    config
}

/// Logs the in-process servers' warnings and errors (shown with a failing test's output).
fn install_log() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    });
}

async fn new_database(backend: Backend) -> TestDatabase {
    TestDatabase::create(backend).await.unwrap_or_else(|e| panic!("a fresh {backend:?} database: {e}"))
}

async fn start_in_process(url: String, database: Option<TestDatabase>, options: &Options) -> TestApp {
    install_log();
    let config = in_process_config(&url, options);
    let (ready, addresses) = oneshot::channel::<Result<(String, String), String>>();
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("promptdeck-app".into())
        .spawn(move || serve_in_process(config, ready, stopped))
        .expect("start the server's thread");
    let server = Server::InProcess { stop: Some(stop), thread: Some(thread) };
    let (address, sandbox) = match tokio::time::timeout(Duration::from_secs(60), addresses).await {
        Ok(Ok(Ok(addresses))) => addresses,
        Ok(Ok(Err(e))) => panic!("the server did not start: {e}"),
        Ok(Err(_)) => panic!("the server's thread ended before it started"),
        Err(_) => panic!("the server did not start within 60 s"),
    };
    TestApp {
        address,
        sandbox,
        client: http_client(),
        database_url: url,
        _server: server,
        _database: database,
    }
}

/// The server's thread: builds the app on a runtime like the binary's, says where it listens,
/// and serves until `stopped`; then the runtime and everything on it are dropped.
fn serve_in_process(
    config: Config,
    ready: oneshot::Sender<Result<(String, String), String>>,
    stopped: oneshot::Receiver<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = ready.send(Err(format!("build the server's runtime: {e}")));
            return;
        }
    };
    runtime.block_on(async move {
        let app = match Application::build(config).await {
            Ok(app) => app,
            Err(e) => {
                let _ = ready.send(Err(format!("{e:#}")));
                return;
            }
        };
        let addresses = match (app.local_addr(), app.sandbox_addr()) {
            (Ok(app), Ok(sandbox)) => (format!("http://{app}"), format!("http://{sandbox}")),
            (Err(e), _) | (_, Err(e)) => {
                let _ = ready.send(Err(format!("read the bound addresses: {e}")));
                return;
            }
        };
        let _ = ready.send(Ok(addresses));
        tokio::select! {
            served = app.run_until(std::future::pending()) => {
                if let Err(e) = served {
                    eprintln!("the in-process server stopped: {e:#}");
                }
            }
            _ = stopped => {}
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
}

async fn start_binary(url: String, database: Option<TestDatabase>, options: &Options) -> TestApp {
    let mut command = Command::new(env!("CARGO_BIN_EXE_promptdeck"));
    command.args(serve_args(&url, options));
    for (var, _) in std::env::vars() {
        if var.starts_with("PROMPTDECK_") && var != POSTGRES_ENV {
            command.env_remove(var);
        }
    }
    if let Some(secret) = &options.jwt_secret {
        command.env("PROMPTDECK_JWT_SECRET", secret);
    }
    if let Some(key) = &options.key_encryption_key {
        command.env("PROMPTDECK_KEY_ENCRYPTION_KEY", key);
    }
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit()).kill_on_drop(true);
    let mut child = command.spawn().expect("start the promptdeck binary");

    let stdout = child.stdout.take().expect("the child's stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let wait_for_addresses = async {
        let mut address = None;
        while let Some(line) = lines.next_line().await.expect("read the server's stdout") {
            println!("[server] {line}");
            let url = |rest: &str| format!("http://{}", rest.split_whitespace().next().unwrap_or_default());
            if let Some(rest) = line.trim().strip_prefix("listening on http://") {
                address = Some(url(rest));
            } else if let Some(rest) = line.trim().strip_prefix("sandbox on http://") {
                return address.map(|address| (address, url(rest)));
            }
        }
        None
    };
    let (address, sandbox) = match tokio::time::timeout(Duration::from_secs(60), wait_for_addresses).await {
        Ok(Some(addresses)) => addresses,
        Ok(None) => panic!("the server exited without printing `listening on` and `sandbox on`"),
        Err(_) => panic!("the server did not print `listening on` and `sandbox on` within 60 s"),
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            println!("[server] {line}");
        }
    });
    TestApp {
        address,
        sandbox,
        client: http_client(),
        database_url: url,
        _server: Server::Binary(child),
        _database: database,
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("build the HTTP client")
}

/// A unique email for a new test user.
pub fn unique_email() -> String {
    format!("user-{}@example.com", Uuid::new_v4().simple())
}

/// A valid prompt body named `name`, with an extra setting the server must keep.
pub fn prompt_body(name: &str) -> Value {
    json!({
        "name": name,
        "description": "Writes a short poem",
        "messages": [
            {"role": "system", "content": "You are a poet."},
            {"role": "user", "content": "Write about {{topic}}"}
        ],
        "variableDefaults": [{"name": "topic", "defaultValue": "the sea"}],
        "settings": {"model_id": "echo", "temperature": 0.5, "echo_repeat": 2}
    })
}

/// An HS256 JWT for `sub`, signed with `secret`, valid for `valid_for_secs` (negative: expired).
pub fn jwt(secret: &str, sub: &str, valid_for_secs: i64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs() as i64;
    let claims = json!({"sub": sub, "iat": now, "exp": now + valid_for_secs, "role": "authenticated"});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign the JWT")
}

impl TestApp {
    // ---- plain HTTP ------------------------------------------------------------------------

    /// Sends a request; `token` becomes a bearer token, `body` JSON.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        Self::read(request).await
    }

    /// Sends a request with a raw body and content type.
    pub async fn request_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::read(request).await
    }

    /// `GET` on the sandbox origin, without credentials (as the sandboxed frame asks).
    pub async fn get_sandbox(&self, path: &str) -> Reply {
        Self::read(self.client.get(format!("{}{path}", self.sandbox))).await
    }

    /// Sends a request with a raw `Authorization` header value.
    pub async fn get_with_authorization(&self, path: &str, authorization: &str) -> Reply {
        let request = self
            .client
            .get(format!("{}{path}", self.address))
            .header(reqwest::header::AUTHORIZATION, authorization);
        Self::read(request).await
    }

    async fn read(request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("send the request");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("read the response body");
        Reply { status, headers, body }
    }

    async fn get(&self, user: &TestUser, path: &str) -> Reply {
        self.request(Method::GET, path, Some(&user.token), None).await
    }

    async fn post(&self, user: &TestUser, path: &str, body: &Value) -> Reply {
        self.request(Method::POST, path, Some(&user.token), Some(body)).await
    }

    async fn patch(&self, user: &TestUser, path: &str, body: &Value) -> Reply {
        self.request(Method::PATCH, path, Some(&user.token), Some(body)).await
    }

    async fn delete(&self, user: &TestUser, path: &str) -> Reply {
        self.request(Method::DELETE, path, Some(&user.token), None).await
    }

    // ---- auth ------------------------------------------------------------------------------

    /// `POST /api/auth/signup`.
    pub async fn signup(&self, email: &str, password: &str) -> Reply {
        let body = json!({"email": email, "password": password});
        self.request(Method::POST, "/api/auth/signup", None, Some(&body)).await
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, email: &str, password: &str) -> Reply {
        let body = json!({"email": email, "password": password});
        self.request(Method::POST, "/api/auth/login", None, Some(&body)).await
    }

    /// `GET /api/auth/me` with a bearer token.
    pub async fn me(&self, token: &str) -> Reply {
        self.request(Method::GET, "/api/auth/me", Some(token), None).await
    }

    /// `POST /api/auth/logout`.
    pub async fn logout(&self, token: &str) -> Reply {
        self.request(Method::POST, "/api/auth/logout", Some(token), None).await
    }

    /// `GET /api/auth/sessions`.
    pub async fn list_sessions(&self, token: &str) -> Reply {
        self.request(Method::GET, "/api/auth/sessions", Some(token), None).await
    }

    /// `DELETE /api/auth/sessions/{id}`.
    pub async fn revoke_session(&self, token: &str, id: &str) -> Reply {
        self.request(Method::DELETE, &format!("/api/auth/sessions/{id}"), Some(token), None).await
    }

    /// `POST /api/auth/login` with an `X-Forwarded-For` header.
    pub async fn login_forwarded_for(&self, email: &str, password: &str, forwarded_for: &str) -> Reply {
        let request = self
            .client
            .post(format!("{}/api/auth/login", self.address))
            .header("x-forwarded-for", forwarded_for)
            .json(&json!({"email": email, "password": password}));
        Self::read(request).await
    }

    /// Signs up a new user with a unique email and returns it.
    pub async fn new_user(&self) -> TestUser {
        let email = unique_email();
        let body = self.signup(&email, PASSWORD).await.expect(201);
        TestUser {
            token: body["token"].as_str().expect("signup answers a token").to_owned(),
            id: body["user"]["id"].as_str().expect("signup answers user.id").to_owned(),
            email,
        }
    }

    // ---- prompts ---------------------------------------------------------------------------

    /// `GET /api/prompts{query}`.
    pub async fn list_prompts(&self, user: &TestUser, query: &str) -> Reply {
        self.get(user, &format!("/api/prompts{query}")).await
    }

    /// `POST /api/prompts`.
    pub async fn create_prompt(&self, user: &TestUser, body: &Value) -> Reply {
        self.post(user, "/api/prompts", body).await
    }

    /// `GET /api/prompts/{id}`.
    pub async fn get_prompt(&self, user: &TestUser, id: &str) -> Reply {
        self.get(user, &format!("/api/prompts/{id}")).await
    }

    /// `PATCH /api/prompts/{id}`.
    pub async fn update_prompt(&self, user: &TestUser, id: &str, body: &Value) -> Reply {
        self.patch(user, &format!("/api/prompts/{id}"), body).await
    }

    /// `DELETE /api/prompts/{id}`.
    pub async fn delete_prompt(&self, user: &TestUser, id: &str) -> Reply {
        self.delete(user, &format!("/api/prompts/{id}")).await
    }

    /// Creates a valid prompt for `user` and returns it.
    pub async fn new_prompt(&self, user: &TestUser) -> Value {
        self.create_prompt(user, &prompt_body("Poem")).await.expect(201)
    }

    // ---- custom UIs ------------------------------------------------------------------------

    /// `GET /api/custom-uis{query}`.
    pub async fn list_custom_uis(&self, user: &TestUser, query: &str) -> Reply {
        self.get(user, &format!("/api/custom-uis{query}")).await
    }

    /// `POST /api/custom-uis`.
    pub async fn create_custom_ui(&self, user: &TestUser, body: &Value) -> Reply {
        self.post(user, "/api/custom-uis", body).await
    }

    /// `GET /api/custom-uis/{id}`.
    pub async fn get_custom_ui(&self, user: &TestUser, id: &str) -> Reply {
        self.get(user, &format!("/api/custom-uis/{id}")).await
    }

    /// `PATCH /api/custom-uis/{id}`.
    pub async fn update_custom_ui(&self, user: &TestUser, id: &str, body: &Value) -> Reply {
        self.patch(user, &format!("/api/custom-uis/{id}"), body).await
    }

    /// `DELETE /api/custom-uis/{id}`.
    pub async fn delete_custom_ui(&self, user: &TestUser, id: &str) -> Reply {
        self.delete(user, &format!("/api/custom-uis/{id}")).await
    }

    /// `POST /api/custom-uis/{id}/publish`.
    pub async fn publish_custom_ui(&self, user: &TestUser, id: &str) -> Reply {
        self.request(Method::POST, &format!("/api/custom-uis/{id}/publish"), Some(&user.token), None).await
    }

    /// `POST /api/custom-uis/{id}/versions`, with or without a body.
    pub async fn create_version(&self, user: &TestUser, id: &str, body: Option<&Value>) -> Reply {
        self.request(Method::POST, &format!("/api/custom-uis/{id}/versions"), Some(&user.token), body).await
    }

    /// `GET /api/custom-uis/{id}/versions`.
    pub async fn list_versions(&self, user: &TestUser, id: &str) -> Reply {
        self.get(user, &format!("/api/custom-uis/{id}/versions")).await
    }

    /// `PUT /api/custom-uis/{id}/rating`.
    pub async fn rate_custom_ui(&self, user: &TestUser, id: &str, body: &Value) -> Reply {
        self.request(Method::PUT, &format!("/api/custom-uis/{id}/rating"), Some(&user.token), Some(body))
            .await
    }

    /// `GET /api/usage{query}`.
    pub async fn list_usage(&self, user: &TestUser, query: &str) -> Reply {
        self.get(user, &format!("/api/usage{query}")).await
    }

    /// `POST /api/custom-uis/validate`.
    pub async fn validate_component(&self, user: &TestUser, body: &Value) -> Reply {
        self.post(user, "/api/custom-uis/validate", body).await
    }

    /// `POST /api/custom-uis/validate` for a react component.
    pub async fn validate_react(&self, user: &TestUser, code: &str) -> Reply {
        self.validate_component(user, &json!({"component_code": code, "component_type": "react"})).await
    }

    /// `GET /api/custom-uis/{id}/compiled`, optionally with `If-None-Match`.
    pub async fn get_compiled(&self, user: &TestUser, id: &str, if_none_match: Option<&str>) -> Reply {
        self.get_compiled_at(user, &format!("/api/custom-uis/{id}/compiled"), if_none_match).await
    }

    /// `GET {path}` (a `/compiled` endpoint) as `user`, with `If-None-Match` when given.
    pub async fn get_compiled_at(&self, user: &TestUser, path: &str, if_none_match: Option<&str>) -> Reply {
        let mut request = self.client.get(format!("{}{path}", self.address)).bearer_auth(&user.token);
        if let Some(etag) = if_none_match {
            request = request.header(IF_NONE_MATCH, etag);
        }
        Self::read(request).await
    }

    /// Creates a draft react UI with valid code on `prompt_id` and returns it.
    pub async fn new_custom_ui(&self, user: &TestUser, prompt_id: &str) -> Value {
        self.create_custom_ui(user, &custom_ui_body(prompt_id, "Hello UI", VALID_COMPONENT)).await.expect(201)
    }

    /// Creates a prompt and a valid UI for `user`, publishes the UI and returns it as published.
    pub async fn new_public_custom_ui(&self, user: &TestUser) -> Value {
        let prompt = self.new_prompt(user).await;
        let ui = self.new_custom_ui(user, str_of(&prompt["id"])).await;
        self.publish_custom_ui(user, str_of(&ui["id"])).await.expect(200)
    }

    // ---- templates -------------------------------------------------------------------------

    /// `GET /api/templates{query}`.
    pub async fn list_templates(&self, user: &TestUser, query: &str) -> Reply {
        self.get(user, &format!("/api/templates{query}")).await
    }

    /// `GET /api/templates/{id}`.
    pub async fn get_template(&self, user: &TestUser, id: &str) -> Reply {
        self.get(user, &format!("/api/templates/{id}")).await
    }

    // ---- runs and tasks --------------------------------------------------------------------

    /// `POST /api/runs`.
    pub async fn create_run(&self, user: &TestUser, body: &Value) -> Reply {
        self.post(user, "/api/runs", body).await
    }

    /// `GET /api/runs{query}`.
    pub async fn list_runs(&self, user: &TestUser, query: &str) -> Reply {
        self.get(user, &format!("/api/runs{query}")).await
    }

    /// `GET /api/runs/{id}`.
    pub async fn get_run(&self, user: &TestUser, id: &str) -> Reply {
        self.get(user, &format!("/api/runs/{id}")).await
    }

    /// `PATCH /api/runs/{id}`.
    pub async fn update_run(&self, user: &TestUser, id: &str, body: &Value) -> Reply {
        self.patch(user, &format!("/api/runs/{id}"), body).await
    }

    /// `POST /api/runs/{id}/messages`.
    pub async fn add_run_message(&self, user: &TestUser, id: &str, body: &Value) -> Reply {
        self.post(user, &format!("/api/runs/{id}/messages"), body).await
    }

    /// `POST /api/runs/{id}/tasks`.
    pub async fn create_task(&self, user: &TestUser, run_id: &str, body: &Value) -> Reply {
        self.post(user, &format!("/api/runs/{run_id}/tasks"), body).await
    }

    /// `GET /api/tasks/{task_id}`.
    pub async fn get_task(&self, user: &TestUser, task_id: &str) -> Reply {
        self.get(user, &format!("/api/tasks/{task_id}")).await
    }

    /// Creates a run for `user` and returns it.
    pub async fn new_run(&self, user: &TestUser) -> Value {
        self.create_run(user, &json!({"source_type": "prompt", "name": "A run"})).await.expect(201)
    }

    // ---- the rest --------------------------------------------------------------------------

    /// `GET /api/models`.
    pub async fn list_models(&self, user: &TestUser) -> Reply {
        self.get(user, "/api/models").await
    }

    /// `GET /healthz`.
    pub async fn health_check(&self) -> Reply {
        self.request(Method::GET, "/healthz", None, None).await
    }

    /// `GET /api/openapi.json`.
    pub async fn openapi(&self, user: &TestUser) -> Reply {
        self.get(user, "/api/openapi.json").await
    }
}

/// A `CreateCustomUIInput` with only the required fields.
pub fn custom_ui_body(prompt_id: &str, name: &str, code: &str) -> Value {
    json!({"prompt_id": prompt_id, "name": name, "component_code": code})
}

/// A JSON string field, or a panic naming what it got.
#[track_caller]
pub fn str_of(value: &Value) -> &str {
    value.as_str().unwrap_or_else(|| panic!("expected a string, got {value}"))
}

/// The `id`s of a list answer's `items`, in order.
#[track_caller]
pub fn ids(list: &Value) -> Vec<String> {
    items(list).iter().map(|item| str_of(&item["id"]).to_owned()).collect()
}

/// A list answer's `items`.
#[track_caller]
pub fn items(list: &Value) -> &Vec<Value> {
    list["items"].as_array().unwrap_or_else(|| panic!("expected `items` to be an array in {list}"))
}

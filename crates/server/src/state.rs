//! What every handler shares: the store, the custom UI compiler, the compiled-module store, the
//! model catalogue, the app page's security policy, the auth guard, the configuration, the
//! running tasks and, on a node of several, the shared Redis.

use std::sync::Arc;

use promptdeck_compiler::Compiler;
use promptdeck_llm::Catalogue;
use promptdeck_store::Store;

use crate::auth::AuthGuard;
use crate::compile_gate::CompileGate;
use crate::config::Config;
use crate::nodes::Redis;
use crate::tasks::{Drain, FinishQueue, FlushQueue, StartQueue, TaskHub, TaskLimiter};
use crate::web::{ModuleStore, PagePolicy};

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Store,
    /// Settings.
    pub config: Arc<Config>,
    /// Compiles and checks custom UIs, each distinct input once.
    pub compiler: Arc<Compiler>,
    /// The threads the compiler runs on, and their queue.
    pub compile_gate: Arc<CompileGate>,
    /// Models and their providers.
    pub catalogue: Arc<Catalogue>,
    /// Tasks streaming now or recently finished.
    pub hub: Arc<TaskHub>,
    /// Compiled React modules the sandbox origin serves by hash.
    pub modules: Arc<ModuleStore>,
    /// The app page's Content-Security-Policy (it names the sandbox and app origins).
    pub pages: Arc<PagePolicy>,
    /// Password hashing, sign-in rate limits and session revocation.
    pub auth: Arc<AuthGuard>,
    /// Per-user task caps (starts per minute, tasks running at once).
    pub task_limiter: Arc<dyn TaskLimiter>,
    /// Records task starts before their acks, a burst in one transaction.
    pub task_starts: StartQueue,
    /// Records streaming tasks' partial text about once a second, those due together in one
    /// transaction.
    pub task_flushes: FlushQueue,
    /// Records finished tasks (row and answer), those ending together in one transaction.
    pub task_finishes: FinishQueue,
    /// The running tasks, and whether the node is stopping.
    pub drain: Arc<Drain>,
    /// The shared Redis, on a node of several (`--redis-url`).
    pub nodes: Option<Redis>,
    /// Seals and opens users' own provider keys; `None` without `PROMPTDECK_KEY_ENCRYPTION_KEY`.
    pub provider_keys: Option<Arc<crate::provider_keys::KeyCipher>>,
}

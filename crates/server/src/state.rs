//! What every handler shares: the store, the custom UI compiler, the model catalogue and the
//! configuration.

use std::sync::Arc;

use promptdeck_compiler::Compiler;
use promptdeck_llm::Catalogue;
use promptdeck_store::Store;

use crate::config::Config;
use crate::tasks::{StartQueue, TaskHub, TaskLimiter};

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Store,
    /// Settings.
    pub config: Arc<Config>,
    /// Compiles and checks custom UIs, each distinct input once.
    pub compiler: Arc<Compiler>,
    /// Models and their providers.
    pub catalogue: Arc<Catalogue>,
    /// Tasks streaming now or recently finished.
    pub hub: Arc<TaskHub>,
    /// Per-user task caps (starts per minute, tasks running at once).
    pub task_limiter: Arc<dyn TaskLimiter>,
    /// Records task starts before their acks, a burst in one transaction.
    pub task_starts: StartQueue,
}

//! What every handler shares: the store, the custom UI compiler, the model catalogue, the auth
//! guard and the configuration.

use std::sync::Arc;

use promptdeck_compiler::Compiler;
use promptdeck_llm::Catalogue;
use promptdeck_store::Store;

use crate::auth::AuthGuard;
use crate::config::Config;
use crate::tasks::TaskHub;

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
    /// Password hashing, sign-in rate limits and session revocation.
    pub auth: Arc<AuthGuard>,
}

//! Compiled React modules addressed by their SHA-256, so the sandbox frame can load them
//! without the session token. When `/api/custom-uis/{id}/compiled` answers a module to an
//! authorised caller, the module goes into a bounded in-memory cache and the database records
//! that the UI compiles to that hash. The sandbox origin serves `/m/{hash}.js` from the cache,
//! or, on a miss, finds a UI recorded with that hash and compiles it again: what one user
//! fetches never makes another user's module unavailable, and any node (or the same node after
//! a restart) can serve any module from the database alone. The official templates' modules
//! (for their thumbnails) are compiled once per node, on first need, and kept apart from the
//! cache: templates change only with the binary, so every node compiles them to the same hashes.

use std::collections::HashMap;
use std::sync::Arc;

use promptdeck_compiler::Compiled;
use promptdeck_core::ComponentType;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use tokio::sync::{OnceCell, Semaphore};
use uuid::Uuid;

use crate::state::AppState;

/// UIs tried when several are recorded with one hash (they share code, so the first usually
/// compiles to it).
const CANDIDATES: i64 = 4;
/// Recompiles on cache misses that may run at once; more wait their turn, so a flood of misses
/// cannot take every blocking thread.
const RECOMPILES_AT_ONCE: usize = 2;
/// A guess at the average module size, for the cache's table sizing.
const TYPICAL_MODULE_BYTES: u64 = 16 * 1024;

/// A module's SHA-256, decoded from the 64 hex digits of its URL.
pub type ModuleHash = [u8; 32];

#[derive(Clone)]
struct ByCodeSize;

impl Weighter<ModuleHash, Arc<Compiled>> for ByCodeSize {
    fn weight(&self, _key: &ModuleHash, module: &Arc<Compiled>) -> u64 {
        module.code.len() as u64
    }
}

/// The official templates' modules, by template and by hash.
#[derive(Default)]
pub struct TemplateModules {
    by_template: HashMap<Uuid, Arc<Compiled>>,
    by_hash: HashMap<ModuleHash, Arc<Compiled>>,
}

impl TemplateModules {
    /// The module of the template `id`; `None` for no such template or one that does not compile.
    pub fn of(&self, id: Uuid) -> Option<Arc<Compiled>> {
        self.by_template.get(&id).cloned()
    }
}

/// The sandbox origin's compiled modules: a cache bounded in bytes in front of the database.
pub struct ModuleStore {
    cache: Cache<ModuleHash, Arc<Compiled>, ByCodeSize>,
    recompiles: Semaphore,
    templates: OnceCell<TemplateModules>,
}

impl std::fmt::Debug for ModuleStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleStore").field("cached_bytes", &self.cache.weight()).finish()
    }
}

impl ModuleStore {
    /// A store whose cache holds at most `cache_bytes` of module code (0: none).
    pub fn new(cache_bytes: u64) -> Self {
        let items = usize::try_from(cache_bytes / TYPICAL_MODULE_BYTES).unwrap_or(usize::MAX).max(1);
        ModuleStore {
            cache: Cache::with_weighter(items, cache_bytes, ByCodeSize),
            recompiles: Semaphore::new(RECOMPILES_AT_ONCE),
            templates: OnceCell::new(),
        }
    }

    /// Makes the module `ui_id` compiles to servable by its hash: cached here, and recorded in
    /// the database for every node. Called when an authorised caller gets the compiled UI.
    pub async fn publish(&self, state: &AppState, ui_id: Uuid, module: &Arc<Compiled>) {
        let Some(hash) = parse_hash(&module.hash) else { return };
        if module.kind != ComponentType::React {
            return;
        }
        self.cache.insert(hash, Arc::clone(module));
        if let Err(e) = state.store.record_ui_module(ui_id, &module.hash).await {
            // The caller still gets its module; this node's cache serves it for now.
            tracing::warn!(error = %e, %ui_id, "could not record the compiled module");
        }
    }

    /// The official templates' modules, compiled on the first call (a template that does not
    /// compile has none; it is logged).
    pub async fn templates(
        &self,
        state: &AppState,
    ) -> Result<&TemplateModules, promptdeck_store::StoreError> {
        self.templates
            .get_or_try_init(|| async {
                let mut modules = TemplateModules::default();
                for template in state.store.list_templates(None, None, None).await? {
                    match crate::ui_rules::compile_template(state, &template).await {
                        Ok(module) => {
                            if let Some(hash) = parse_hash(&module.hash) {
                                modules.by_hash.insert(hash, Arc::clone(&module));
                            }
                            modules.by_template.insert(template.id, module);
                        }
                        Err(e) => {
                            tracing::warn!(error = ?e, template = %template.id, "a template does not compile")
                        }
                    }
                }
                Ok(modules)
            })
            .await
    }

    /// The module with this hash: from the cache, an official template, or compiled again from
    /// a UI the database records with it. `Ok(None)` when no UI compiles to it (any more).
    pub async fn find(
        &self,
        state: &AppState,
        hash: ModuleHash,
    ) -> Result<Option<Arc<Compiled>>, promptdeck_store::StoreError> {
        if let Some(module) = self.cache.get(&hash) {
            return Ok(Some(module));
        }
        if let Some(module) = self.templates(state).await?.by_hash.get(&hash) {
            return Ok(Some(Arc::clone(module)));
        }
        let hex_hash = hex::encode(hash);
        let uis = state.store.uis_with_module(&hex_hash, CANDIDATES).await?;
        if uis.is_empty() {
            return Ok(None);
        }
        let Ok(_permit) = self.recompiles.acquire().await else { return Ok(None) };
        for ui in uis.iter().filter(|ui| ui.component_type == ComponentType::React) {
            match crate::ui_rules::recompile(state, ui).await {
                Ok(module) if module.hash == hex_hash => {
                    self.cache.insert(hash, Arc::clone(&module));
                    return Ok(Some(module));
                }
                // The UI changed since it was recorded, or no longer compiles: try the next.
                Ok(_) | Err(_) => {}
            }
        }
        Ok(None)
    }
}

/// The hash named by `/m/{file}`: 64 lowercase or uppercase hex digits and `.js`.
pub fn parse_file_name(file: &str) -> Option<ModuleHash> {
    parse_hash(file.strip_suffix(".js")?)
}

fn parse_hash(hex_hash: &str) -> Option<ModuleHash> {
    let mut hash = [0u8; 32];
    hex::decode_to_slice(hex_hash, &mut hash).ok()?;
    Some(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_full_hash_with_the_js_extension_names_a_module() {
        let hex64 = "ab".repeat(32);
        assert_eq!(parse_file_name(&format!("{hex64}.js")), Some([0xab; 32]));
        assert_eq!(parse_file_name(&hex64), None);
        assert_eq!(parse_file_name(&format!("{}.js", "ab".repeat(31))), None);
        assert_eq!(parse_file_name(&format!("{}.js", "zz".repeat(32))), None);
        assert_eq!(parse_file_name(&format!("../{hex64}.js")), None);
    }

    #[test]
    fn the_cache_keeps_no_more_code_than_its_budget() {
        let store = ModuleStore::new(64 * 1024);
        for i in 0..100u8 {
            let module = Compiled {
                kind: ComponentType::React,
                code: "x".repeat(4096),
                hash: String::new(),
                report: promptdeck_core::ValidationReport { validated: true, validation_errors: vec![] },
            };
            store.cache.insert([i; 32], Arc::new(module));
        }
        assert!(store.cache.weight() <= 64 * 1024, "{} bytes cached", store.cache.weight());
    }
}

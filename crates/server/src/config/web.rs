//! Limits of the browser-facing side: how much memory the sandbox origin's compiled-module
//! cache may hold, and how many navigation reports an account may file. Each is a flag with a
//! documented default (docs/limits.md).

use promptdeck_core::DEFAULT_NAVIGATION_REPORTS_PER_HOUR;

/// Default size of the compiled-module cache: 64 MiB.
pub const DEFAULT_MODULE_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Web limits, set from flags and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct WebLimits {
    /// Bytes of compiled custom UI modules the sandbox origin keeps in memory. A module not in
    /// memory is compiled again from the database, so this bounds memory, never availability
    /// (0 keeps none).
    #[arg(long, env = "PROMPTDECK_MODULE_CACHE_BYTES", default_value_t = DEFAULT_MODULE_CACHE_BYTES)]
    pub module_cache_bytes: u64,
    /// Navigation reports (a custom UI's frame loading a second document) one account may file
    /// in an hour; more are refused (`rate_limited`). Each viewer reports a UI once at most.
    #[arg(long, env = "PROMPTDECK_NAVIGATION_REPORTS_PER_HOUR", default_value_t = DEFAULT_NAVIGATION_REPORTS_PER_HOUR)]
    pub navigation_reports_per_hour: u32,
}

impl Default for WebLimits {
    fn default() -> Self {
        WebLimits {
            module_cache_bytes: DEFAULT_MODULE_CACHE_BYTES,
            navigation_reports_per_hour: DEFAULT_NAVIGATION_REPORTS_PER_HOUR,
        }
    }
}

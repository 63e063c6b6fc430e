//! Limits of the custom UI compiler's share of the machine: how many checks and compilations
//! run at once, each on a thread of its own with the large stack the compiler's nesting bounds
//! need, and how many may wait. Each is a flag with a documented default (docs/limits.md).

/// Default number of checks and compilations running at once.
pub const DEFAULT_COMPILE_THREADS: usize = 2;
/// Default number of checks and compilations waiting for a thread.
pub const DEFAULT_COMPILE_QUEUE: usize = 64;

/// Compiler limits, set from flags and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct CompilerLimits {
    /// Custom UI checks and compilations running at once, each on its own thread (at least 1).
    #[arg(long, env = "PROMPTDECK_COMPILE_THREADS", default_value_t = DEFAULT_COMPILE_THREADS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub compile_threads: usize,
    /// Checks and compilations that may wait for a thread; more are refused with 429
    /// `rate_limited` until one finishes.
    #[arg(long, env = "PROMPTDECK_COMPILE_QUEUE", default_value_t = DEFAULT_COMPILE_QUEUE)]
    pub compile_queue: usize,
}

impl Default for CompilerLimits {
    fn default() -> Self {
        CompilerLimits { compile_threads: DEFAULT_COMPILE_THREADS, compile_queue: DEFAULT_COMPILE_QUEUE }
    }
}

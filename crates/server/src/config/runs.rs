//! Limits on what one run may hold: clients (`POST /api/runs/{id}/messages`) and every task
//! append messages to a run, so a run has a ceiling. Each is a flag with a documented default
//! (docs/limits.md).

use promptdeck_core::{DEFAULT_MAX_RUN_BYTES, DEFAULT_MAX_RUN_MESSAGES, RunCaps};

/// Run limits, set from flags and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct RunLimits {
    /// Most messages one run holds; an append past it is refused (`run_too_large`).
    #[arg(long, env = "PROMPTDECK_MAX_RUN_MESSAGES", default_value_t = DEFAULT_MAX_RUN_MESSAGES,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_run_messages: usize,
    /// Most bytes of messages (content and metadata) one run holds; an append past it is
    /// refused (`run_too_large`).
    #[arg(long, env = "PROMPTDECK_MAX_RUN_BYTES", default_value_t = DEFAULT_MAX_RUN_BYTES,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_run_bytes: usize,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits { max_run_messages: DEFAULT_MAX_RUN_MESSAGES, max_run_bytes: DEFAULT_MAX_RUN_BYTES }
    }
}

impl RunLimits {
    /// The caps the store enforces.
    pub fn caps(&self) -> RunCaps {
        RunCaps { max_messages: self.max_run_messages, max_bytes: self.max_run_bytes }
    }
}

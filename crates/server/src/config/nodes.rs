//! Settings of a node among several (Redis for live state, liveness) and of its shutdown (the
//! drain, which a single node has too). Each is a flag with a documented default (README,
//! docs/limits.md, docs/deploy.md).

use std::time::Duration;

/// Default time after its last heartbeat at which a node counts as dead: 15 s.
pub const DEFAULT_NODE_TIMEOUT_SECS: u64 = 15;
/// Default time a stopping node lets its running tasks finish: 30 s.
pub const DEFAULT_DRAIN_TIMEOUT_SECS: u64 = 30;

/// Several-node and shutdown settings, set from flags and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct NodeSettings {
    /// Redis 7+ (`redis://HOST:PORT/DB`): run as one node of many behind a load balancer, all on
    /// one PostgreSQL database and this Redis. Without it the server is a single node with its
    /// live state in memory.
    #[arg(long, env = "PROMPTDECK_REDIS_URL")]
    pub redis_url: Option<String>,
    /// Seconds after its last heartbeat at which a node counts as dead; a surviving node then
    /// fails its running tasks with `node_lost` (only with `--redis-url`).
    #[arg(long, alias = "node-timeout", env = "PROMPTDECK_NODE_TIMEOUT_SECS", default_value_t = DEFAULT_NODE_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(3..=3600))]
    pub node_timeout_secs: u64,
    /// Seconds a stopping node (SIGTERM, Ctrl-C) lets its running tasks finish; it takes no new
    /// ones meanwhile (`unavailable`), and a task still running then ends `failed` with its
    /// partial text (`server_restarted`).
    #[arg(long, alias = "drain-timeout", env = "PROMPTDECK_DRAIN_TIMEOUT_SECS", default_value_t = DEFAULT_DRAIN_TIMEOUT_SECS)]
    pub drain_timeout_secs: u64,
}

impl NodeSettings {
    /// How long a node may go without a heartbeat before it counts as dead.
    pub fn node_timeout(&self) -> Duration {
        Duration::from_secs(self.node_timeout_secs)
    }

    /// How long a stopping node lets its running tasks finish.
    pub fn drain_timeout(&self) -> Duration {
        Duration::from_secs(self.drain_timeout_secs)
    }
}

impl Default for NodeSettings {
    fn default() -> Self {
        NodeSettings {
            redis_url: None,
            node_timeout_secs: DEFAULT_NODE_TIMEOUT_SECS,
            drain_timeout_secs: DEFAULT_DRAIN_TIMEOUT_SECS,
        }
    }
}

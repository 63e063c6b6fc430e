//! Limits on HTTP connections: how long a client may take to send its headers and body. Each
//! is a flag with a documented default (docs/limits.md).

/// HTTP limits, set from flags and environment.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct HttpLimits {}

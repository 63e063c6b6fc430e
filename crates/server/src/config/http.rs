//! Limits on HTTP connections: how long a client may take to send its headers and body. Each
//! is a flag with a documented default (docs/limits.md).

use std::time::Duration;

/// Default time a client has to send a request's headers, and the longest a kept-alive
/// connection may sit idle between requests.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
/// Default time a client has to send a whole request body.
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;

/// HTTP limits, set from flags and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct HttpLimits {
    /// Seconds a client has to send a request's headers (also the idle time allowed between
    /// requests on a kept-alive connection); past it the connection is closed.
    #[arg(long, env = "PROMPTDECK_HTTP_HEADER_TIMEOUT_SECS", default_value_t = DEFAULT_HEADER_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub http_header_timeout_secs: u64,
    /// Seconds a client has to send a whole request body; past it the request is answered 408
    /// `request_timeout` and the connection is closed.
    #[arg(long, env = "PROMPTDECK_HTTP_BODY_TIMEOUT_SECS", default_value_t = DEFAULT_BODY_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub http_body_timeout_secs: u64,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            http_header_timeout_secs: DEFAULT_HEADER_TIMEOUT_SECS,
            http_body_timeout_secs: DEFAULT_BODY_TIMEOUT_SECS,
        }
    }
}

impl HttpLimits {
    /// The header read timeout.
    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.http_header_timeout_secs)
    }

    /// The body read deadline.
    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.http_body_timeout_secs)
    }
}

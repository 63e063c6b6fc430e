//! Limits on sign-up, sign-in and sessions: what keeps a flood of logins from exhausting memory
//! or guessing passwords. Each is a flag with a documented default (docs/limits.md).

use std::time::Duration;

use crate::auth::client_ip::TrustedProxy;

/// Default hashing concurrency: 0 means one password hash at a time per CPU core.
pub const DEFAULT_HASH_CONCURRENCY: usize = 0;
/// Default time a sign-up or login waits for a free hashing slot before it is refused.
pub const DEFAULT_HASH_WAIT_MS: u64 = 2_000;
/// Default sign-up and login attempts per client address per minute (sustained rate).
pub const DEFAULT_IP_PER_MINUTE: u32 = 20;
/// Default sign-up and login attempts one client address may make at once before the rate
/// applies.
pub const DEFAULT_IP_BURST: u32 = 10;
/// Default failed logins (and sign-up attempts) per account in one window.
pub const DEFAULT_ACCOUNT_ATTEMPTS: u32 = 10;
/// Default window of the per-account limit: 15 minutes.
pub const DEFAULT_ACCOUNT_WINDOW_SECS: u64 = 15 * 60;
/// Default number of addresses and accounts the rate limiter remembers at once.
pub const DEFAULT_LIMITER_ENTRIES: usize = 100_000;
/// Default lifetime of a session token from sign-up or login.
pub const DEFAULT_SESSION_DAYS: u32 = 30;
/// Default number of live sessions one account keeps; signing in again drops the oldest.
pub const DEFAULT_MAX_SESSIONS: u32 = 50;
/// Default lowest zxcvbn score (0–4) a new password must reach.
pub const DEFAULT_PASSWORD_MIN_SCORE: u8 = 3;

/// Auth limits, set from flags and environment.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthLimits {
    /// Password hashes computed at once (argon2id, 19 MiB each) on dedicated threads; 0: one
    /// per CPU core.
    #[arg(long, env = "PROMPTDECK_AUTH_HASH_CONCURRENCY", default_value_t = DEFAULT_HASH_CONCURRENCY)]
    pub auth_hash_concurrency: usize,
    /// How long a sign-up or login waits for a hashing slot, in milliseconds, before it is
    /// answered 429 `rate_limited`.
    #[arg(long, env = "PROMPTDECK_AUTH_HASH_WAIT_MS", default_value_t = DEFAULT_HASH_WAIT_MS)]
    pub auth_hash_wait_ms: u64,
    /// Sign-up and login attempts per client address per minute.
    #[arg(long, env = "PROMPTDECK_AUTH_IP_PER_MINUTE", default_value_t = DEFAULT_IP_PER_MINUTE,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub auth_ip_per_minute: u32,
    /// Sign-up and login attempts a client address may make in a burst.
    #[arg(long, env = "PROMPTDECK_AUTH_IP_BURST", default_value_t = DEFAULT_IP_BURST,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub auth_ip_burst: u32,
    /// Failed logins and sign-up attempts per account (email) per window.
    #[arg(long, env = "PROMPTDECK_AUTH_ACCOUNT_ATTEMPTS", default_value_t = DEFAULT_ACCOUNT_ATTEMPTS,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub auth_account_attempts: u32,
    /// The per-account window, in seconds.
    #[arg(long, env = "PROMPTDECK_AUTH_ACCOUNT_WINDOW_SECS", default_value_t = DEFAULT_ACCOUNT_WINDOW_SECS,
        value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub auth_account_window_secs: u64,
    /// Client addresses and accounts the rate limiter remembers; past it, the entries nearest
    /// to their full allowance are forgotten first.
    #[arg(long, env = "PROMPTDECK_AUTH_LIMITER_ENTRIES", default_value_t = DEFAULT_LIMITER_ENTRIES,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(16..))]
    pub auth_limiter_entries: usize,
    /// Proxies (IPs or CIDRs, comma-separated) whose `X-Forwarded-For` names the client; the
    /// client is the right-most address not in this list. Unset: the TCP peer is the client.
    #[arg(long = "trusted-proxy", env = "PROMPTDECK_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Days a session token stays valid.
    #[arg(long, env = "PROMPTDECK_SESSION_DAYS", default_value_t = DEFAULT_SESSION_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub session_days: u32,
    /// Live sessions one account keeps; a new sign-in past it revokes the oldest.
    #[arg(long, env = "PROMPTDECK_MAX_SESSIONS", default_value_t = DEFAULT_MAX_SESSIONS,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub max_sessions: u32,
    /// Lowest zxcvbn strength score (0–4) a new password must reach.
    #[arg(long, env = "PROMPTDECK_PASSWORD_MIN_SCORE", default_value_t = DEFAULT_PASSWORD_MIN_SCORE,
        value_parser = clap::value_parser!(u8).range(0..=4))]
    pub password_min_score: u8,
    /// What a password hash costs. Not a flag nor an environment variable: a server started
    /// from the command line always hashes at `HashCost::Standard`; only code that builds its
    /// own `Config` (the API test suite) can pick the cheap setting.
    #[arg(skip)]
    pub hash_cost: HashCost,
}

/// The argon2id parameters new password hashes are made with. Checking a password always uses
/// the parameters stored in its hash.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HashCost {
    /// argon2id with 19 MiB, 2 passes, 1 lane (the argon2 crate's defaults, OWASP's advice).
    #[default]
    Standard,
    /// argon2id with 8 KiB and 1 pass: microseconds instead of tens of milliseconds, and no
    /// protection worth the name. For test suites that sign up hundreds of users; the server
    /// logs a warning when it starts with it.
    InsecureForTests,
}

impl Default for AuthLimits {
    fn default() -> Self {
        AuthLimits {
            auth_hash_concurrency: DEFAULT_HASH_CONCURRENCY,
            auth_hash_wait_ms: DEFAULT_HASH_WAIT_MS,
            auth_ip_per_minute: DEFAULT_IP_PER_MINUTE,
            auth_ip_burst: DEFAULT_IP_BURST,
            auth_account_attempts: DEFAULT_ACCOUNT_ATTEMPTS,
            auth_account_window_secs: DEFAULT_ACCOUNT_WINDOW_SECS,
            auth_limiter_entries: DEFAULT_LIMITER_ENTRIES,
            trusted_proxies: Vec::new(),
            session_days: DEFAULT_SESSION_DAYS,
            max_sessions: DEFAULT_MAX_SESSIONS,
            password_min_score: DEFAULT_PASSWORD_MIN_SCORE,
            hash_cost: HashCost::Standard,
        }
    }
}

impl AuthLimits {
    /// Hashing threads: the flag, or the number of CPU cores when it is 0.
    pub fn hash_threads(&self) -> usize {
        if self.auth_hash_concurrency > 0 {
            return self.auth_hash_concurrency;
        }
        std::thread::available_parallelism().map(usize::from).unwrap_or(2)
    }

    /// How long a request waits for a hashing slot.
    pub fn hash_wait(&self) -> Duration {
        Duration::from_millis(self.auth_hash_wait_ms)
    }

    /// How long a session token lives.
    pub fn session_lifetime(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.session_days))
    }
}

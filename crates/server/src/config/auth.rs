//! Limits on sign-up, sign-in and sessions: what keeps a flood of logins from exhausting memory
//! or guessing passwords. Each is a flag with a documented default (docs/limits.md).

/// Auth limits, set from flags and environment.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AuthLimits {}

//! Limits on Socket.IO tasks: how many a user may start and run, how long a task may run and
//! how large its answer may grow. Each is a flag with a documented default (docs/limits.md).

/// Task limits, set from flags and environment.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TaskLimits {}

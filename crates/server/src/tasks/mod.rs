//! The task runner: a planned task (model request plus what to record) is admitted under the
//! user's caps, recorded (run, task row, user turn) before its ack, streamed from its provider
//! into a [`hub::LiveTask`] log, fanned out to subscribed sockets, and recorded in the store
//! with a constant number of writes plus a partial-text flush about once a second; starts,
//! flushes and finishes that happen together share a transaction ([`StartQueue`],
//! [`FlushQueue`], [`FinishQueue`]).

pub mod batch;
pub mod budget;
pub mod cancel;
pub mod drain;
pub mod error;
pub mod events;
pub mod finishes;
pub mod flushes;
pub mod history;
pub mod hub;
pub mod intake;
pub mod limits;
pub mod plan;
pub mod replay;
pub mod runner;
pub mod starts;
pub mod urgent;
pub mod writer_thread;

pub use drain::Drain;
pub use error::TaskError;
pub use finishes::FinishQueue;
pub use flushes::FlushQueue;
pub use hub::{LiveTask, TaskHub};
pub use limits::{MemoryTaskLimiter, TaskLimiter};
pub use plan::TaskPlan;
pub use starts::StartQueue;

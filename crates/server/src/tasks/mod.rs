//! The task runner: a planned task (model request plus what to record) is streamed from its
//! provider into a [`hub::LiveTask`] buffer, fanned out to subscribed sockets, and recorded in
//! the store with a constant number of writes plus a partial-text flush about once a second.

pub mod error;
pub mod hub;
pub mod plan;
pub mod runner;

pub use error::TaskError;
pub use hub::{LiveTask, StreamItem, TaskHub};
pub use plan::TaskPlan;

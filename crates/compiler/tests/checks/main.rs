//! Behaviour of the custom UI compiler, one module per concern; one test binary so it links once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod cache;
mod constructs;
mod fuzz;
mod helpers;
mod nesting;
mod output;
mod react_rules;
mod react_shapes;
mod schema;
mod template;

//! The crate's behaviour as its users see it: providers against a fake upstream that speaks
//! the real wire formats, the echo model, the catalogue and request parsing. One test binary,
//! so it links once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod anthropic;
mod catalogue;
mod chat_config;
mod echo;
mod fake_upstream;
mod openai;
mod suite;
mod wire;

//! The promptdeck server: REST API, auth and access rules over the store, the custom UI
//! compiler and the model catalogue. `main.rs` only parses the command line and calls in here.

pub mod app;
pub mod auth;
pub mod compile_gate;
pub mod config;
pub mod embeds;
pub mod error;
pub mod extract;
pub mod nodes;
pub mod provider_keys;
pub mod published;
pub mod routes;
pub mod serve;
pub mod socket;
pub mod state;
pub mod tasks;
pub mod template_library;
pub mod ui_rules;
pub mod web;
pub mod wire_types;

pub use app::Application;
pub use config::Config;

//! Black-box tests of promptdeck's REST API and Socket.IO: each scenario starts the app on a fresh
//! database, in-process on 127.0.0.1:0 (`binary` starts the real `promptdeck` binary), and speaks
//! HTTP and Socket.IO to it. Scenarios whose outcome depends on the database run on SQLite and on
//! PostgreSQL (`both_backends!`); the rest run once, on SQLite (`sqlite_only!`); the store's own
//! scenarios cover its operations on both databases. One test binary, so it links once; the
//! modules only group the scenarios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod action_limits;
mod admin;
mod auth;
mod auth_limits;
mod binary;
mod budgets;
mod custom_uis;
mod embeds;
mod errors;
mod helpers;
mod hostile_code;
mod http_timeouts;
mod invalid_text;
mod lists;
mod meta;
mod modules;
mod navigation_reports;
mod openapi_document;
mod prompts;
mod provider_keys;
mod publishing;
mod ratings;
mod run_records;
mod runs;
mod security_headers;
mod sessions;
mod share_links;
mod socket;
mod stats;
mod summaries;
mod templates;
mod ui_state;
mod usage;
mod versions;

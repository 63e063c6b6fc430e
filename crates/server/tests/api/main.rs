//! Black-box tests of promptdeck's REST API: each scenario starts the real `promptdeck` binary on
//! a fresh database and runs once on SQLite and once on PostgreSQL. One test binary, so it links
//! once; the modules only group the scenarios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod admin;
mod auth;
mod auth_limits;
mod custom_uis;
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
mod publishing;
mod ratings;
mod run_records;
mod runs;
mod security_headers;
mod sessions;
mod socket;
mod summaries;
mod templates;
mod ui_state;
mod usage;
mod versions;

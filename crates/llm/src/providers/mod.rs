//! The providers, one module each, and the HTTP and SSE plumbing the remote ones share.

pub mod anthropic;
pub mod echo;
pub(crate) mod http;
pub mod openai;
pub(crate) mod sse_stream;

pub use http::HttpSettings;

//! The browser front end: the host app (embedded `web/dist`, SPA fallback) on the app's
//! address with its security headers, and the sandbox origin — a second listener that serves
//! the custom UI runtime and compiled modules with a strict Content-Security-Policy.

pub mod assets;
pub mod headers;
pub mod modules;
pub mod sandbox;

pub use assets::fallback;
pub use headers::PagePolicy;
pub use modules::ModuleStore;
pub use sandbox::{Sandbox, bind_sandbox};

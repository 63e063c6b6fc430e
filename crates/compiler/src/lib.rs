//! promptdeck's custom UI compiler: checks and compiles the three kinds of custom UI once, on
//! the server, so that no compiler ships to the browser.
//!
//! - `react`: TSX/JSX → one ES module for the sandbox runtime (oxc), with security checks.
//! - `template`: an HTML fragment sanitised against an allow-list (ammonia).
//! - `json-schema`: a JSON Schema for the variables form (jsonschema).
//!
//! # The emitted React module
//!
//! It has no `import` statement: every import (and JSX, compiled with the automatic runtime
//! to `react/jsx-runtime`) becomes a look-up in the registry the runtime installs,
//! `globalThis.__promptdeck__.require(id)`, which returns the module object. Named imports
//! are its properties, namespace imports the object, default imports its `default` property
//! (or the object when it has none). The seed's runner passed some names to every component
//! without an import (`React`, `useState`, `useEffect`, `EnhancedChatMarkdown`, `v4`, ...);
//! when such a name is used and not declared, the module binds it from the registry too. The
//! component is the module's `export default`.

mod cache;
mod compiler;
mod error;
mod issue;
mod limits;
mod react;
mod schema;
mod stack;
mod template;

pub use compiler::{Compiled, Compiler, UiSource, check};
pub use error::CompileError;
pub use issue::rules;
pub use limits::{
    COMPILE_STACK_BYTES, MAX_CACHE_BYTES, MAX_CODE_BYTES, MAX_NESTING_DEPTH, MAX_NESTING_TOKENS,
    MAX_REPORTED_ISSUES, MAX_TEMPLATE_ATTRIBUTES, MAX_TEMPLATE_DEPTH, MAX_TEMPLATE_NODES,
    MAX_TEMPLATE_OPEN_ELEMENTS, MAX_TEMPLATE_TAGS, MAX_TEMPLATE_WORK,
};
pub use react::modules::{ALLOWED_MODULES, REGISTRY};
pub use schema::{SchemaValidator, validate_values};
pub use stack::spawn as spawn_compile_thread;

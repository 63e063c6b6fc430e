//! promptdeck's domain: the seed's data shapes, their enums and rules, variable resolution and
//! cost maths. Nothing in this crate does I/O, so every other crate can depend on it.

pub mod bridge;
pub mod budget;
pub mod custom_ui;
pub mod embed;
pub mod enums;
pub mod error;
pub mod ids;
pub mod page;
pub mod prompt;
pub mod protocol;
pub mod provider_key;
pub mod quarantine;
pub mod run;
pub mod share_link;
pub mod template;
pub mod text;
pub mod usage_report;
pub mod validation;
pub mod variables;

pub use budget::*;
pub use custom_ui::*;
pub use embed::*;
pub use enums::*;
pub use error::CoreError;
pub use page::*;
pub use prompt::*;
pub use provider_key::*;
pub use quarantine::*;
pub use run::*;
pub use share_link::*;
pub use template::*;
pub use text::UnstorableText;
pub use usage_report::*;
pub use validation::*;
pub use variables::{ResolvedPrompt, resolve, resolve_prompt};

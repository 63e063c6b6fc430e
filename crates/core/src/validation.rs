//! Rules on user-supplied prompt parts that serde alone cannot express, and the documented size
//! limits.

use std::collections::BTreeSet;

use crate::{CoreError, PromptMessage, PromptSettings, PromptVariable};

/// Longest prompt or custom UI name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Most messages in a prompt.
pub const MAX_PROMPT_MESSAGES: usize = 200;
/// Most variables in a prompt.
pub const MAX_VARIABLES: usize = 100;

/// Checks the parts of a prompt that are present.
pub fn check_prompt_parts(
    name: Option<&String>,
    messages: Option<&Vec<PromptMessage>>,
    variables: Option<&[PromptVariable]>,
    settings: Option<&PromptSettings>,
) -> Result<(), CoreError> {
    if let Some(name) = name {
        check_name("name", name)?;
    }
    if let Some(messages) = messages
        && messages.len() > MAX_PROMPT_MESSAGES
    {
        return Err(CoreError::Invalid {
            field: "messages",
            message: format!("at most {MAX_PROMPT_MESSAGES} messages, got {}", messages.len()),
        });
    }
    if let Some(variables) = variables {
        if variables.len() > MAX_VARIABLES {
            return Err(CoreError::Invalid {
                field: "variableDefaults",
                message: format!("at most {MAX_VARIABLES} variables, got {}", variables.len()),
            });
        }
        let mut seen = BTreeSet::new();
        for v in variables {
            let name = v.name.trim();
            if name.is_empty() || name.contains('{') || name.contains('}') {
                return Err(CoreError::Invalid {
                    field: "variableDefaults",
                    message: format!("`{}` is not a variable name (non-empty, no braces)", v.name),
                });
            }
            if !seen.insert(name) {
                return Err(CoreError::Invalid {
                    field: "variableDefaults",
                    message: format!("variable `{name}` is defined twice"),
                });
            }
        }
    }
    if let Some(settings) = settings
        && settings.model_id.trim().is_empty()
    {
        return Err(CoreError::Invalid { field: "settings.model_id", message: "must not be empty".into() });
    }
    Ok(())
}

/// Checks a display name: not blank, not too long.
pub fn check_name(field: &'static str, name: &str) -> Result<(), CoreError> {
    if name.trim().is_empty() {
        return Err(CoreError::Invalid { field, message: "must not be empty".into() });
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CoreError::Invalid { field, message: format!("at most {MAX_NAME_CHARS} characters") });
    }
    Ok(())
}

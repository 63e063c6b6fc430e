//! Rules on user-supplied prompt parts that serde alone cannot express, and the documented size
//! limits.

use std::collections::BTreeSet;

use crate::{CoreError, PromptMessage, PromptSettings, PromptVariable};

/// Longest prompt, custom UI or run name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest prompt, custom UI or run description, in characters: descriptions travel in every
/// list item, so they stay short enough for a page of them to stay small.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Most messages in a prompt.
pub const MAX_PROMPT_MESSAGES: usize = 200;
/// Most variables in a prompt.
pub const MAX_VARIABLES: usize = 100;

/// The parts of a prompt a check reads; `None` for a part that is absent (a patch).
#[derive(Debug, Clone, Copy, Default)]
pub struct PromptParts<'a> {
    /// Display name.
    pub name: Option<&'a str>,
    /// Longer text.
    pub description: Option<&'a str>,
    /// Messages.
    pub messages: Option<&'a [PromptMessage]>,
    /// Variable definitions.
    pub variables: Option<&'a [PromptVariable]>,
    /// Model settings.
    pub settings: Option<&'a PromptSettings>,
}

/// Checks the parts of a prompt that are present.
pub fn check_prompt_parts(parts: PromptParts<'_>) -> Result<(), CoreError> {
    let PromptParts { name, description, messages, variables, settings } = parts;
    if let Some(name) = name {
        check_name("name", name)?;
    }
    check_description("description", description)?;
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

/// Checks an optional description: at most [`MAX_DESCRIPTION_CHARS`] characters.
pub fn check_description(field: &'static str, description: Option<&str>) -> Result<(), CoreError> {
    check_max_chars(field, description, MAX_DESCRIPTION_CHARS)
}

/// Checks an optional text is at most `max` characters (not bytes: the limit a person reads).
pub fn check_max_chars(field: &'static str, text: Option<&str>, max: usize) -> Result<(), CoreError> {
    match text {
        // A text of at most `max` bytes has at most `max` characters: skip the count.
        Some(text) if text.len() > max && text.chars().count() > max => {
            Err(CoreError::Invalid { field, message: format!("at most {max} characters") })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(check_max_chars("f", Some(&"é".repeat(10)), 10).is_ok());
        assert!(check_max_chars("f", Some(&"é".repeat(11)), 10).is_err());
        assert!(check_max_chars("f", None, 0).is_ok());
        let err = check_description("description", Some(&"d".repeat(MAX_DESCRIPTION_CHARS + 1))).unwrap_err();
        assert_eq!(err.to_string(), "description: at most 2000 characters");
    }
}

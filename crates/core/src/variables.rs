//! `{{variable}}` resolution with the seed's meaning — every occurrence replaced by its value —
//! done as one left-to-right pass, so names need no escaping, a value that itself contains
//! `{{other}}` is never substituted again, `{{ name }}` with spaces works, and placeholders with
//! no value are left as written and reported.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::{PromptMessage, PromptVariable};

/// The outcome of resolving a whole prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPrompt {
    /// The messages with every known placeholder replaced.
    pub messages: Vec<PromptMessage>,
    /// The values used: defaults overlaid with what the caller gave.
    pub variables: BTreeMap<String, String>,
    /// Placeholders that had no value, each once, sorted.
    pub unknown: Vec<String>,
}

/// Replaces every `{{name}}` in `content` whose name `lookup` knows; unknown names are kept
/// verbatim and pushed to `unknown`.
pub fn resolve_with<'a>(
    content: &str,
    mut lookup: impl FnMut(&str) -> Option<&'a str>,
    unknown: &mut BTreeSet<String>,
) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(start) = rest.find("{{") {
        let after_open = &rest[start + 2..];
        let Some(end) = after_open.find("}}") else {
            break;
        };
        let inner = &after_open[..end];
        let name = inner.trim();
        if name.is_empty() || inner.contains('{') || inner.contains('}') {
            // Not a placeholder here; keep one character and look again after it.
            let skip = start + 1;
            out.push_str(&rest[..skip]);
            rest = &rest[skip..];
            continue;
        }
        out.push_str(&rest[..start]);
        match lookup(name) {
            Some(value) => out.push_str(value),
            None => {
                unknown.insert(name.to_owned());
                out.push_str(&rest[start..start + 2 + end + 2]);
            }
        }
        rest = &after_open[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Resolves one text against a map of values; returns the text and the unknown names.
pub fn resolve(content: &str, values: &BTreeMap<String, String>) -> (String, Vec<String>) {
    let mut unknown = BTreeSet::new();
    let text = resolve_with(content, |n| values.get(n).map(String::as_str), &mut unknown);
    (text, unknown.into_iter().collect())
}

/// The names of every placeholder in a text, in order of first appearance.
pub fn placeholders(content: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    let mut sink = BTreeSet::new();
    resolve_with(
        content,
        |n| {
            if seen.insert(n.to_owned()) {
                order.push(n.to_owned());
            }
            None
        },
        &mut sink,
    );
    order
}

/// Resolves every message of a prompt: defaults from `variableDefaults` first, then the
/// caller's values over them.
pub fn resolve_prompt(
    messages: &[PromptMessage],
    defaults: Option<&[PromptVariable]>,
    given: &BTreeMap<String, String>,
) -> ResolvedPrompt {
    let mut variables: BTreeMap<String, String> =
        defaults.unwrap_or_default().iter().map(|v| (v.name.clone(), v.default_value.clone())).collect();
    for (k, v) in given {
        variables.insert(k.clone(), v.clone());
    }
    let mut unknown = BTreeSet::new();
    let messages = messages
        .iter()
        .map(|m| PromptMessage {
            role: m.role,
            content: resolve_with(&m.content, |n| variables.get(n).map(String::as_str), &mut unknown),
            metadata: m.metadata.clone(),
        })
        .collect();
    ResolvedPrompt { messages, variables, unknown: unknown.into_iter().collect() }
}

/// The text a JSON value stands for in a message: strings as they are, lists joined with
/// ", " (checkbox answers), numbers and booleans as written, null as empty.
pub fn value_to_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(value_to_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Turns a JSON object of variable values into texts; `None` when it is not an object.
pub fn values_from_json(value: &Value) -> Option<BTreeMap<String, String>> {
    match value {
        Value::Object(map) => Some(map.iter().map(|(k, v)| (k.clone(), value_to_text(v))).collect()),
        Value::Null => Some(BTreeMap::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MessageRole;
    use proptest::prelude::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn replaces_every_occurrence_like_the_seed() {
        let (out, unknown) = resolve(
            "Write a story about {{topic}} in {{style}} style. {{topic}}!",
            &map(&[("topic", "dragons"), ("style", "fantasy")]),
        );
        assert_eq!(out, "Write a story about dragons in fantasy style. dragons!");
        assert!(unknown.is_empty());
    }

    #[test]
    fn names_with_regex_characters_work() {
        let (out, _) = resolve(
            "{{a.b}} {{c+}} {{(x)}} {{$1}}",
            &map(&[("a.b", "1"), ("c+", "2"), ("(x)", "3"), ("$1", "4")]),
        );
        assert_eq!(out, "1 2 3 4");
    }

    #[test]
    fn values_containing_placeholders_are_not_substituted_again() {
        let (out, _) = resolve("{{a}} {{b}}", &map(&[("a", "{{b}}"), ("b", "B")]));
        assert_eq!(out, "{{b}} B");
    }

    #[test]
    fn spaces_inside_braces_are_allowed() {
        let (out, _) = resolve("Hi {{ name }} and {{name}}", &map(&[("name", "Ada")]));
        assert_eq!(out, "Hi Ada and Ada");
    }

    #[test]
    fn unknown_placeholders_are_kept_and_reported() {
        let (out, unknown) = resolve("{{known}} {{ missing }} {{missing}}", &map(&[("known", "k")]));
        assert_eq!(out, "k {{ missing }} {{missing}}");
        assert_eq!(unknown, vec!["missing".to_string()]);
    }

    #[test]
    fn braces_that_are_not_placeholders_are_left_alone() {
        let (out, unknown) = resolve("{{{x}}} {{}} {{ open", &map(&[("x", "X")]));
        assert_eq!(out, "{X} {{}} {{ open");
        assert!(unknown.is_empty());
    }

    #[test]
    fn defaults_apply_and_given_values_win() {
        let messages =
            vec![PromptMessage { role: MessageRole::User, content: "{{a}}-{{b}}".into(), metadata: None }];
        let defaults = vec![
            PromptVariable { name: "a".into(), default_value: "A".into(), custom_component: None },
            PromptVariable { name: "b".into(), default_value: "B".into(), custom_component: None },
        ];
        let r = resolve_prompt(&messages, Some(&defaults), &map(&[("b", "given")]));
        assert_eq!(r.messages[0].content, "A-given");
        assert_eq!(r.variables["a"], "A");
    }

    #[test]
    fn json_values_become_text() {
        let v = serde_json::json!({"list":["a","b"],"n":3,"t":true,"s":"x","z":null});
        let m = values_from_json(&v).unwrap();
        assert_eq!(m["list"], "a, b");
        assert_eq!(m["n"], "3");
        assert_eq!(m["t"], "true");
        assert_eq!(m["z"], "");
    }

    #[test]
    fn placeholders_are_listed_in_order() {
        assert_eq!(placeholders("{{b}} {{a}} {{ b }}"), vec!["b", "a"]);
    }

    proptest! {
        #[test]
        fn resolution_without_placeholders_is_identity(s in "[^{}]*") {
            let (out, unknown) = resolve(&s, &BTreeMap::new());
            prop_assert_eq!(out, s);
            prop_assert!(unknown.is_empty());
        }

        #[test]
        fn any_name_and_value_substitute_literally(name in "[a-zA-Z0-9_.$()*+?\\[\\]^|-]{1,12}", value in ".*") {
            let text = format!("<{{{{{name}}}}}>");
            let (out, unknown) = resolve(&text, &map(&[(&name, &value)]));
            prop_assert_eq!(out, format!("<{value}>"));
            prop_assert!(unknown.is_empty());
        }

        #[test]
        fn resolution_never_panics_and_keeps_unknowns(s in ".*") {
            let (out, unknown) = resolve(&s, &BTreeMap::new());
            prop_assert_eq!(out, s);
            let _ = unknown;
        }
    }
}

//! Text a database can store. PostgreSQL refuses the NUL character in `text` and `jsonb`
//! (SQLite would keep it, and the two databases must behave alike), so NUL anywhere in a
//! request is refused up front with `invalid_text` instead of failing deep in a write.

use serde_json::Value;

/// Why a text cannot be stored: where the first unstorable character is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: text must not contain the NUL character (U+0000)")]
pub struct UnstorableText {
    /// Where in the input: a field path such as `messages[2].content`, or `.` for the whole.
    pub path: String,
}

/// Whether `text` holds a character no database of ours can store.
pub fn is_unstorable(text: &str) -> bool {
    text.contains('\0')
}

/// Checks one text; `path` names it in the error.
pub fn check_text(path: &str, text: &str) -> Result<(), UnstorableText> {
    if is_unstorable(text) { Err(UnstorableText { path: path.to_owned() }) } else { Ok(()) }
}

/// Checks every string and every object key in a JSON value, iteratively (a deeply nested
/// value cannot overflow the stack); the error names the path of the first offender.
pub fn check_json(value: &Value) -> Result<(), UnstorableText> {
    if json_is_storable(value) { Ok(()) } else { Err(first_unstorable(value)) }
}

/// The fast pass: no allocation but the stack of values still to visit.
fn json_is_storable(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(s) if is_unstorable(s) => return false,
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                for (key, item) in map {
                    if is_unstorable(key) {
                        return false;
                    }
                    stack.push(item);
                }
            }
            _ => {}
        }
    }
    true
}

/// The slow pass, only once something was found: the path of the first offender.
fn first_unstorable(value: &Value) -> UnstorableText {
    let mut stack: Vec<(String, &Value)> = vec![(String::new(), value)];
    while let Some((path, value)) = stack.pop() {
        match value {
            Value::String(s) if is_unstorable(s) => return UnstorableText { path: shown(&path) },
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((format!("{path}[{i}]"), item));
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter().rev() {
                    let bad_key = is_unstorable(key);
                    let key = if bad_key { key.replace('\0', "\\u0000") } else { key.clone() };
                    let child = if path.is_empty() { key } else { format!("{path}.{key}") };
                    if bad_key {
                        return UnstorableText { path: child };
                    }
                    stack.push((child, item));
                }
            }
            _ => {}
        }
    }
    UnstorableText { path: ".".to_owned() }
}

/// `text` as a database can store it: each NUL replaced by U+FFFD (the replacement character).
/// For what a model answers, which promptdeck records whatever it holds; without a NUL the
/// text is returned as it is, without copying.
pub fn storable(text: String) -> String {
    if is_unstorable(&text) { text.replace('\0', "\u{FFFD}") } else { text }
}

/// Makes every string and key of `value` storable, as [`storable`] does for one text.
pub fn make_json_storable(value: &mut Value) {
    if json_is_storable(value) {
        return;
    }
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(s) => *s = storable(std::mem::take(s)),
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(map) => {
                if map.keys().any(|k| is_unstorable(k)) {
                    let entries = std::mem::take(map);
                    *map = entries.into_iter().map(|(k, v)| (storable(k), v)).collect();
                }
                stack.extend(map.values_mut());
            }
            _ => {}
        }
    }
}

fn shown(path: &str) -> String {
    if path.is_empty() { ".".to_owned() } else { path.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_text_is_storable() {
        assert!(check_text("name", "hello\tworld\n").is_ok());
        assert!(check_json(&json!({"a": ["x", 1, {"b": "y"}], "c": null})).is_ok());
    }

    #[test]
    fn nul_is_found_with_its_path() {
        assert_eq!(check_text("name", "a\0b").unwrap_err().path, "name");
        let err = check_json(&json!({"messages": [{"content": "ok"}, {"content": "x\u{0}"}]})).unwrap_err();
        assert_eq!(err.path, "messages[1].content");
        assert_eq!(check_json(&json!("\u{0}")).unwrap_err().path, ".");
        assert_eq!(check_json(&json!({"k\u{0}": 1})).unwrap_err().path, "k\\u0000");
    }

    #[test]
    fn unstorable_text_is_made_storable() {
        assert_eq!(storable("a\0b\0".into()), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(storable("plain".into()), "plain");
        let mut v = json!({"a\u{0}": ["x\u{0}", {"b": "\u{0}"}], "c": 1});
        make_json_storable(&mut v);
        assert_eq!(v, json!({"a\u{FFFD}": ["x\u{FFFD}", {"b": "\u{FFFD}"}], "c": 1}));
        assert!(check_json(&v).is_ok());
    }

    #[test]
    fn deep_values_do_not_overflow() {
        let mut v = json!("x\u{0}");
        for _ in 0..100_000 {
            v = Value::Array(vec![v]);
        }
        assert!(check_json(&v).is_err());
        // Dropping a deeply nested value recurses in serde_json; unwrap it by hand.
        while let Value::Array(mut items) = v {
            v = items.pop().unwrap_or(Value::Null);
        }
    }
}

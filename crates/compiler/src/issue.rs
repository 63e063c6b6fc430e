//! Rule ids and the mapping from byte offsets to the 1-based line and column every
//! `ValidationIssue` carries.

use promptdeck_core::ValidationIssue;

/// Stable rule ids, so clients and tests can match on them.
pub mod rules {
    /// The code does not parse (or breaks an early-error rule of JavaScript).
    pub const SYNTAX: &str = "syntax";
    /// A network API (`fetch`, `XMLHttpRequest`, `WebSocket`, ...) is used.
    pub const NO_NETWORK: &str = "no-network";
    /// Code is built from strings at run time (`eval`, `new Function`, string timers).
    pub const NO_EVAL: &str = "no-eval";
    /// `import()` loads code at run time.
    pub const NO_DYNAMIC_IMPORT: &str = "no-dynamic-import";
    /// The code reaches for the embedding page (`parent`, `top`, `opener`, `document.cookie`, ...).
    pub const NO_FRAME_ESCAPE: &str = "no-frame-escape";
    /// A WebRTC API (`RTCPeerConnection`, `RTCDataChannel`, ...): it sends packets no CSP stops.
    pub const NO_WEBRTC: &str = "no-webrtc";
    /// The code navigates the frame or opens a window (`location` writes, `location.assign`,
    /// `window.open`, `<meta http-equiv>`).
    pub const NO_NAVIGATION: &str = "no-navigation";
    /// An import of a module the sandbox runtime does not provide.
    pub const DISALLOWED_IMPORT: &str = "disallowed-import";
    /// No component could be found in a React module.
    pub const NO_COMPONENT: &str = "no-component";
    /// Several components could be the UI and none is the default export.
    pub const AMBIGUOUS_COMPONENT: &str = "ambiguous-component";
    /// The sanitiser removed an element, attribute or URL from a template.
    pub const UNSAFE_HTML: &str = "unsafe-html";
    /// A template binding, form field or schema property names a variable the prompt lacks.
    pub const UNKNOWN_VARIABLE: &str = "unknown-variable";
    /// `props_schema` is not a usable JSON Schema for an object.
    pub const INVALID_SCHEMA: &str = "invalid-schema";
    /// `default_props` does not validate against `props_schema`.
    pub const INVALID_DEFAULT_PROPS: &str = "invalid-default-props";
    /// Submitted values do not validate against the schema.
    pub const INVALID_VALUES: &str = "invalid-values";
    /// The input is larger than the compiler accepts (bytes, nesting tokens, elements, ...).
    pub const TOO_LARGE: &str = "too-large";
    /// The input nests deeper than the compiler accepts.
    pub const TOO_DEEP: &str = "too-deep";
    /// The compiler itself failed; a bug, reported rather than crashing the server.
    pub const INTERNAL: &str = "internal";
}

/// Builds an issue.
pub(crate) fn issue(line: u32, column: u32, rule: &str, message: impl Into<String>) -> ValidationIssue {
    ValidationIssue { line, column, rule: rule.to_owned(), message: message.into() }
}

/// Line starts of a text, to turn byte offsets into 1-based line and column (in characters).
/// Line breaks are those of JavaScript: `\n`, `\r\n`, a lone `\r`, U+2028 and U+2029.
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes `text`.
    pub(crate) fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
                0xE2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) => {
                    starts.push(i + 3);
                    i += 2;
                }
                _ => {}
            }
            i += 1;
        }
        Self { text, starts }
    }

    /// The 1-based line and column of a byte offset (clamped to the text).
    pub(crate) fn position(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (to_u32(line), to_u32(column))
    }

    /// An issue located at a byte offset.
    pub(crate) fn issue_at(&self, offset: usize, rule: &str, message: impl Into<String>) -> ValidationIssue {
        let (line, column) = self.position(offset);
        issue(line, column, rule, message)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let idx = LineIndex::new("ab\ncé d\r\nx\ry");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(7), (2, 4));
        assert_eq!(idx.position(10), (3, 1));
        assert_eq!(idx.position(12), (4, 1));
        assert_eq!(idx.position(999), (4, 2));
    }
}

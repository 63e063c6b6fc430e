//! A bound on the attributes of one tag, found before html5ever reads the template. html5ever's
//! tokenizer checks each new attribute against every earlier one of its tag, so one tag with
//! tens of thousands of attributes costs billions of comparisons before any tree is built.
//!
//! Whether a `<` starts a tag depends on where the tree builder is (script and other raw text,
//! comments, attribute values), so this does not decide it: it runs the tokenizer's tag states
//! (the HTML standard's tag name, attribute name and attribute value states) from every `<`
//! that could start a tag, all at once. Runs that reach the same state at the same byte behave
//! alike from there on, so they merge, keeping the largest count: at most one run per state,
//! linear time, and never fewer attributes than html5ever sees in any tag.

use crate::limits::MAX_TEMPLATE_ATTRIBUTES;

/// The tokenizer's states inside a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    TagName,
    BeforeAttributeName,
    AttributeName,
    AfterAttributeName,
    BeforeAttributeValue,
    DoubleQuoted,
    SingleQuoted,
    Unquoted,
    AfterQuotedValue,
    SelfClosing,
}

const STATES: usize = 10;

impl State {
    fn index(self) -> usize {
        self as usize
    }
}

/// What one byte does to a run in `state`: its next state and whether an attribute starts, or
/// `None` when the tag ends.
fn step(state: State, byte: u8) -> Option<(State, bool)> {
    use State::*;
    let space = matches!(byte, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ');
    match state {
        TagName => match byte {
            _ if space => Some((BeforeAttributeName, false)),
            b'/' => Some((SelfClosing, false)),
            b'>' => None,
            _ => Some((TagName, false)),
        },
        BeforeAttributeName => match byte {
            _ if space => Some((BeforeAttributeName, false)),
            b'/' | b'>' => step(AfterAttributeName, byte),
            _ => Some((AttributeName, true)),
        },
        AttributeName => match byte {
            _ if space => step(AfterAttributeName, byte),
            b'/' | b'>' => step(AfterAttributeName, byte),
            b'=' => Some((BeforeAttributeValue, false)),
            _ => Some((AttributeName, false)),
        },
        AfterAttributeName => match byte {
            _ if space => Some((AfterAttributeName, false)),
            b'/' => Some((SelfClosing, false)),
            b'=' => Some((BeforeAttributeValue, false)),
            b'>' => None,
            _ => Some((AttributeName, true)),
        },
        BeforeAttributeValue => match byte {
            _ if space => Some((BeforeAttributeValue, false)),
            b'"' => Some((DoubleQuoted, false)),
            b'\'' => Some((SingleQuoted, false)),
            b'>' => None,
            _ => Some((Unquoted, false)),
        },
        DoubleQuoted => Some((if byte == b'"' { AfterQuotedValue } else { DoubleQuoted }, false)),
        SingleQuoted => Some((if byte == b'\'' { AfterQuotedValue } else { SingleQuoted }, false)),
        Unquoted => match byte {
            _ if space => Some((BeforeAttributeName, false)),
            b'>' => None,
            _ => Some((Unquoted, false)),
        },
        AfterQuotedValue => match byte {
            _ if space => Some((BeforeAttributeName, false)),
            b'/' => Some((SelfClosing, false)),
            b'>' => None,
            _ => step(BeforeAttributeName, byte),
        },
        SelfClosing => match byte {
            b'>' => None,
            _ => step(BeforeAttributeName, byte),
        },
    }
}

/// A run: how many attributes its tag has so far, and where the tag starts.
#[derive(Debug, Clone, Copy)]
struct Run {
    attributes: usize,
    start: usize,
}

/// The offset of the first tag that may have more than [`MAX_TEMPLATE_ATTRIBUTES`] attributes.
pub(crate) fn too_many(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut runs: [Option<Run>; STATES] = [None; STATES];
    for (i, &byte) in bytes.iter().enumerate() {
        let mut next: [Option<Run>; STATES] = [None; STATES];
        for run_state in [
            State::TagName,
            State::BeforeAttributeName,
            State::AttributeName,
            State::AfterAttributeName,
            State::BeforeAttributeValue,
            State::DoubleQuoted,
            State::SingleQuoted,
            State::Unquoted,
            State::AfterQuotedValue,
            State::SelfClosing,
        ] {
            let Some(run) = runs[run_state.index()] else { continue };
            let Some((state, starts)) = step(run_state, byte) else { continue };
            let moved = Run { attributes: run.attributes + usize::from(starts), start: run.start };
            if moved.attributes > MAX_TEMPLATE_ATTRIBUTES {
                return Some(moved.start);
            }
            let slot = &mut next[state.index()];
            if slot.is_none_or(|kept| kept.attributes < moved.attributes) {
                *slot = Some(moved);
            }
        }
        // `<x` and `</x` may start a tag, whose name begins with this letter.
        if byte.is_ascii_alphabetic() {
            let start = match (i.checked_sub(1).map(|p| bytes[p]), i.checked_sub(2).map(|p| bytes[p])) {
                (Some(b'<'), _) => Some(i - 1),
                (Some(b'/'), Some(b'<')) => Some(i - 2),
                _ => None,
            };
            if let Some(start) = start {
                let slot = &mut next[State::TagName.index()];
                if slot.is_none() {
                    *slot = Some(Run { attributes: 0, start });
                }
            }
        }
        runs = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(n: usize) -> String {
        (0..n).map(|i| format!(" a{i}=\"x>\"")).collect()
    }

    #[test]
    fn counts_the_attributes_of_every_possible_tag() {
        let ok = format!("<p{}>text", attributes(MAX_TEMPLATE_ATTRIBUTES));
        assert_eq!(too_many(&ok), None);
        let over = format!("<b>x</b>\n<p{}>", attributes(MAX_TEMPLATE_ATTRIBUTES + 1));
        assert_eq!(too_many(&over), Some(9));
        // Inside what looks like a quoted value, or after a script, a tag may still start.
        let hidden = format!("<i title='<script>'></i><p{}>", attributes(MAX_TEMPLATE_ATTRIBUTES + 1));
        assert_eq!(too_many(&hidden), Some(hidden.find("<p").unwrap_or(0)));
        let end_tag = format!("</p {}>", "x ".repeat(MAX_TEMPLATE_ATTRIBUTES + 1));
        assert_eq!(too_many(&end_tag), Some(0));
    }

    #[test]
    fn many_attributes_over_many_tags_are_fine() {
        let many = format!("<p{}>", attributes(100)).repeat(50);
        assert_eq!(too_many(&many), None);
    }
}

//! A bound on how deep oxc's parser can recurse, known before it runs. The parser has no depth
//! limit of its own, and whether a bracket is code or sits in a string, a comment, a regex, a
//! template or JSX text is only known once the parse has decided it, so a scan that tries to
//! tell them apart can be fooled. This one does not try: it counts, anywhere in the text, every
//! token that can take the parser one level deeper — each ASCII punctuator except `)`, `]`,
//! `}`, `,`, `;` and quotes, each keyword (`typeof`, `new`, `await`, `do`, `in`, ...) and each
//! backslash (an escaped keyword). The parser's recursion is then at most that count times the
//! most stack one such token costs (see `crate::limits`), whatever the input.
//!
//! Real components use about one such token per eight bytes, so the budget
//! ([`MAX_NESTING_TOKENS`]) passes components of a few hundred kilobytes.

use oxc_parser::Kind;

use crate::limits::{MAX_NESTING_DEPTH, MAX_NESTING_TOKENS};

/// Why a component is refused before parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OverBudget {
    /// Brackets nest deeper than [`MAX_NESTING_DEPTH`] (counted naively); the offset of the
    /// bracket that crossed the bound.
    Deep(usize),
    /// More than [`MAX_NESTING_TOKENS`] nesting tokens; the offset of the first one over.
    Complex(usize),
}

/// Checks the text against the budget; `Ok` means the parser may run on it.
pub(crate) fn check(code: &str) -> Result<(), OverBudget> {
    match over_budget(code) {
        None => Ok(()),
        Some(at) => Err(deep_brackets(code).map_or(OverBudget::Complex(at), OverBudget::Deep)),
    }
}

/// Whether `byte` is an ASCII punctuator that can open a level somewhere in TSX.
fn is_nesting_punctuator(byte: u8) -> bool {
    byte.is_ascii_punctuation()
        && !matches!(byte, b')' | b']' | b'}' | b',' | b';' | b'\'' | b'"' | b'$' | b'_')
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'$')
}

/// The offset of the first nesting token over [`MAX_NESTING_TOKENS`], if the text has that many.
fn over_budget(code: &str) -> Option<usize> {
    nesting_tokens(code).nth(MAX_NESTING_TOKENS)
}

/// The offsets of the nesting tokens of a text, in order.
fn nesting_tokens(code: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = code.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let start = i;
            let counts = if is_word_byte(bytes[i]) {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                // Every keyword oxc knows, contextual ones included.
                code.get(start..i).is_some_and(|word| Kind::match_keyword(word) != Kind::Ident)
            } else {
                i += 1;
                is_nesting_punctuator(bytes[start])
            };
            if counts {
                return Some(start);
            }
        }
        None
    })
}

/// The offset of the bracket that first nests deeper than [`MAX_NESTING_DEPTH`], counting
/// `(`, `[` and `{` against their closers anywhere in the text. Only chooses the message for a
/// text that is refused anyway; safety never rests on it.
fn deep_brackets(code: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, byte) in code.bytes().enumerate() {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING_DEPTH {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_punctuators_keywords_and_escapes_but_not_closers_or_names() {
        // `typeof` `.` `(` `?` `[` `:` `\` `in`; not `a`, `b`, `)`, `]`, `,`, `;`, quotes, `u0074ypeof`.
        let code = "typeof a.b(c) ? [d] : \\u0074ypeof x in y, z; 'w'";
        let offsets: Vec<usize> = nesting_tokens(code).collect();
        assert_eq!(offsets.len(), 8, "{offsets:?}");
        assert_eq!(offsets[0], 0);
    }

    #[test]
    fn a_text_over_the_budget_is_refused_where_it_crosses_it() {
        let flat = "a.".repeat(MAX_NESTING_TOKENS + 10);
        assert_eq!(check(&flat), Err(OverBudget::Complex(2 * MAX_NESTING_TOKENS + 1)));
        let deep = "(".repeat(MAX_NESTING_TOKENS + 1);
        assert_eq!(check(&deep), Err(OverBudget::Deep(MAX_NESTING_DEPTH)));
        assert_eq!(check(&"(".repeat(MAX_NESTING_TOKENS)), Ok(()));
    }
}

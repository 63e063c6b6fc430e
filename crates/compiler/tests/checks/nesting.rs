//! Nesting bounds, construct by construct: ordinary depths compile, depths past the bound get
//! one `too-deep` issue where the construct is, and depths up to the code size limit are
//! refused before oxc parses them, never with a crash.

use promptdeck_compiler::{MAX_CODE_BYTES, MAX_NESTING_DEPTH, MAX_NESTING_TOKENS, rules};
use promptdeck_core::ValidationIssue;

use crate::constructs::{CONSTRUCTS, Construct, LINE, component};
use crate::helpers::{issues, react};

fn issues_of(construct: &Construct, depth: usize) -> (Vec<ValidationIssue>, String, u32) {
    let (code, column) = component(construct, depth);
    (issues(&react(&code)), code, column)
}

#[test]
fn every_construct_compiles_at_an_ordinary_depth() {
    for construct in CONSTRUCTS {
        let (found, code, _) = issues_of(construct, 40);
        assert!(found.is_empty(), "{}: {found:#?}\n{code}", construct.name);
    }
}

#[test]
fn every_construct_past_the_bound_is_too_deep_where_it_nests() {
    for construct in CONSTRUCTS {
        let depth = 2 * MAX_NESTING_DEPTH;
        let (found, code, column) = issues_of(construct, depth);
        let [issue] = found.as_slice() else {
            panic!("{}: expected one issue, got {found:#?}", construct.name)
        };
        assert_eq!(issue.rule, rules::TOO_DEEP, "{}: {issue:#?}", construct.name);
        assert_eq!(issue.line, LINE, "{}: {issue:#?}", construct.name);
        let line = code.lines().nth(LINE as usize - 1).unwrap_or_default();
        let end = line.chars().count() as u32;
        assert!(
            (column..=end).contains(&issue.column),
            "{}: column {} outside the construct ({column}..{end})",
            construct.name,
            issue.column
        );
        assert!(issue.message.contains(&MAX_NESTING_DEPTH.to_string()), "{}", issue.message);
    }
}

#[test]
fn every_construct_as_deep_as_the_code_limit_allows_is_refused_without_a_crash() {
    for construct in CONSTRUCTS {
        let unit = construct.open.len() + construct.close.len();
        let depth = (MAX_CODE_BYTES - 200) / unit;
        let (found, code, _) = issues_of(construct, depth);
        assert!(code.len() <= MAX_CODE_BYTES, "{}", construct.name);
        let [issue] = found.as_slice() else {
            panic!("{}: expected one issue, got {found:#?}", construct.name)
        };
        assert!(
            issue.rule == rules::TOO_DEEP || issue.rule == rules::TOO_LARGE,
            "{}: {issue:#?}",
            construct.name
        );
        assert_eq!(issue.line, LINE, "{}: {issue:#?}", construct.name);
    }
}

#[test]
fn parentheses_report_the_exact_place_the_bound_is_crossed() {
    // Line 3 is `  const x = ((…`: the export is level 1, the declaration level 2, the k-th
    // parenthesis level k + 2. Level MAX + 1 is the (MAX - 1)-th parenthesis, at column
    // 13 + MAX - 2.
    let parentheses = &CONSTRUCTS[0];
    let (found, _, column) = issues_of(parentheses, 1_400);
    assert_eq!(column, 13);
    let expected = u32::try_from(13 + MAX_NESTING_DEPTH - 2).unwrap_or(0);
    assert_eq!((found.len(), found[0].line, found[0].column), (1, LINE, expected), "{found:#?}");
}

/// Tokens that can open a nesting level, counted as `react/budget.rs` counts them.
fn nesting_tokens(code: &str) -> usize {
    let bytes = code.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let (mut i, mut count) = (0, 0);
    while i < bytes.len() {
        let start = i;
        if word(bytes[i]) {
            while i < bytes.len() && word(bytes[i]) {
                i += 1;
            }
            count += usize::from(oxc_parser::Kind::match_keyword(&code[start..i]) != oxc_parser::Kind::Ident);
        } else {
            i += 1;
            let b = bytes[start];
            count += usize::from(b.is_ascii_punctuation() && !b")]},;'\"$_".contains(&b));
        }
    }
    count
}

#[test]
fn the_deepest_nesting_the_token_budget_admits_parses_on_the_compile_stack() {
    // oxc's parser recurses once per level; the compile thread's stack is sized for the
    // budget's worth of the costliest construct. Each construct here is parsed as deep as the
    // budget allows, then refused by the depth bound.
    for construct in CONSTRUCTS {
        let (base, _) = component(construct, 0);
        let (one, _) = component(construct, 1);
        let per_level = (nesting_tokens(&one) - nesting_tokens(&base)).max(1);
        let depth = (MAX_NESTING_TOKENS - nesting_tokens(&base)) / per_level;
        let (found, _, _) = issues_of(construct, depth);
        assert!(
            matches!(found.as_slice(), [issue] if issue.rule == rules::TOO_DEEP),
            "{} at {depth} levels: {found:#?}",
            construct.name
        );
    }
}

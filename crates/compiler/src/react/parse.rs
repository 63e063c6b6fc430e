//! Parsing a component as a TSX module, and the one rewrite done on the text itself: putting
//! `export default ` in front of a bare function (`function (props) {…}` or `(props) => …`) so
//! that it parses, and becomes the module's component. Positions are mapped back to the text
//! the author wrote.

use oxc_allocator::Allocator;
use oxc_ast::ast::Program;
use oxc_parser::{Parser, ParserReturn};
use oxc_span::{LabeledSpan, SourceType};
use promptdeck_core::ValidationIssue;

use super::shape::{self, Shape};
use crate::issue::{LineIndex, rules};

const EXPORT_DEFAULT: &str = "export default ";

/// Text inserted into the author's code before parsing.
#[derive(Debug, Clone, Copy)]
struct Edit {
    at: usize,
    len: usize,
}

/// Maps offsets in the parsed text to line and column in the author's text.
pub(crate) struct Locator<'t> {
    index: LineIndex<'t>,
    edit: Option<Edit>,
}

impl Locator<'_> {
    /// An issue at an offset of the parsed text.
    pub(crate) fn issue(&self, offset: u32, rule: &str, message: impl Into<String>) -> ValidationIssue {
        let offset = offset as usize;
        let original = match self.edit {
            Some(Edit { at, len }) if offset >= at + len => offset - len,
            Some(Edit { at, .. }) if offset >= at => at,
            _ => offset,
        };
        self.index.issue_at(original, rule, message)
    }
}

/// A parsed component.
pub(crate) struct Parsed<'a, 't> {
    /// The module.
    pub(crate) program: Program<'a>,
    /// How its component becomes the default export, or why none could be chosen.
    pub(crate) shape: Result<Shape, ValidationIssue>,
    /// Positions for issues.
    pub(crate) locator: Locator<'t>,
}

fn parse<'a>(allocator: &'a Allocator, text: &'a str) -> ParserReturn<'a> {
    Parser::new(allocator, text, SourceType::tsx()).parse()
}

fn parsed_cleanly(ret: &ParserReturn<'_>) -> bool {
    ret.diagnostics.is_empty() && !ret.panicked
}

fn with_export_default<'a>(allocator: &'a Allocator, code: &str, at: usize) -> &'a str {
    let mut text = String::with_capacity(code.len() + EXPORT_DEFAULT.len());
    text.push_str(&code[..at]);
    text.push_str(EXPORT_DEFAULT);
    text.push_str(&code[at..]);
    allocator.alloc_str(&text)
}

/// Parses `code`; syntax errors come back as issues pointing at the author's text.
pub(crate) fn parse_component<'a, 't>(
    allocator: &'a Allocator,
    code: &'t str,
) -> Result<Parsed<'a, 't>, Vec<ValidationIssue>> {
    let text: &'a str = allocator.alloc_str(code);
    let ret = parse(allocator, text);
    if !parsed_cleanly(&ret) {
        // `function (props) { … }` alone is not a statement; as a default export it is.
        if let Some(at) = anonymous_function_start(code) {
            let retry = parse(allocator, with_export_default(allocator, code, at));
            if parsed_cleanly(&retry) {
                let locator = Locator {
                    index: LineIndex::new(code),
                    edit: Some(Edit { at, len: EXPORT_DEFAULT.len() }),
                };
                within_depth(&retry.program, &locator)?;
                return Ok(Parsed { program: retry.program, shape: Ok(Shape::HasDefault), locator });
            }
        }
        let locator = Locator { index: LineIndex::new(code), edit: None };
        let issues = ret
            .diagnostics
            .iter()
            .map(|d| {
                let offset = label_offset(&d.labels);
                let message = match &d.help {
                    Some(help) => format!("{} ({help})", d.message),
                    None => d.message.to_string(),
                };
                locator.issue(offset, rules::SYNTAX, message)
            })
            .collect::<Vec<_>>();
        if issues.is_empty() {
            return Err(vec![locator.issue(0, rules::SYNTAX, "the code could not be parsed")]);
        }
        return Err(issues);
    }
    let locator = Locator { index: LineIndex::new(code), edit: None };
    within_depth(&ret.program, &locator)?;
    let shape = shape::find(&ret.program, &locator);
    if let Ok(Shape::WrapExpression(at)) = shape {
        let at = at as usize;
        let retry = parse(allocator, with_export_default(allocator, code, at));
        if parsed_cleanly(&retry) {
            let locator =
                Locator { index: LineIndex::new(code), edit: Some(Edit { at, len: EXPORT_DEFAULT.len() }) };
            within_depth(&retry.program, &locator)?;
            return Ok(Parsed { program: retry.program, shape: Ok(Shape::HasDefault), locator });
        }
        let issue = locator.issue(
            at as u32,
            rules::NO_COMPONENT,
            "this function could not be made the default export",
        );
        return Ok(Parsed { program: ret.program, shape: Err(issue), locator });
    }
    Ok(Parsed { program: ret.program, shape, locator })
}

/// Refuses a syntax tree nested deeper than the bound, before anything else walks it.
fn within_depth(program: &Program<'_>, locator: &Locator<'_>) -> Result<(), Vec<ValidationIssue>> {
    match super::depth::too_deep(program) {
        Some(at) => Err(vec![locator.issue(at, rules::TOO_DEEP, super::too_deep_message())]),
        None => Ok(()),
    }
}

/// Where a diagnostic points: its primary label, else its last (oxc lists "declared here"
/// before "redeclared here").
pub(crate) fn label_offset(labels: &[LabeledSpan]) -> u32 {
    labels.iter().find(|l| l.primary()).or(labels.last()).map_or(0, LabeledSpan::offset)
}

/// The offset of the first line that starts with an anonymous `function (` or `async function (`.
fn anonymous_function_start(code: &str) -> Option<usize> {
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = trimmed.strip_prefix("async").map_or(trimmed, |r| r.trim_start());
        if let Some(after) = rest.strip_prefix("function") {
            let after = after.trim_start().trim_start_matches('*').trim_start();
            if after.starts_with('(') {
                return Some(offset + indent);
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_anonymous_function_after_imports() {
        let code = "import { useState } from 'react';\n  function (props) { return null; }";
        assert_eq!(anonymous_function_start(code), Some(36));
        assert_eq!(anonymous_function_start("function named() {}"), None);
        assert_eq!(anonymous_function_start("async function* () {}"), Some(0));
    }
}

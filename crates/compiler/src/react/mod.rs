//! `react` custom UIs: TSX/JSX checked and compiled once on the server with oxc into one ES
//! module for the sandbox runtime (see [`modules`] for its interface).

mod budget;
mod depth;
mod emit;
mod lint;
pub(crate) mod modules;
mod parse;
mod shape;

use oxc_allocator::Allocator;
use oxc_semantic::SemanticBuilder;
use promptdeck_core::ValidationIssue;

use crate::issue::{LineIndex, rules};
use crate::limits::{MAX_NESTING_DEPTH, MAX_NESTING_TOKENS};

/// Checks a component and compiles it; every problem found comes back as an issue.
pub(crate) fn compile(code: &str) -> Result<String, Vec<ValidationIssue>> {
    budget::check(code).map_err(|over| vec![over_budget_issue(code, over)])?;
    let allocator = Allocator::default();
    let parsed = parse::parse_component(&allocator, code)?;
    let program = parsed.program;
    let locator = parsed.locator;

    let mut issues = lint::check_imports(&program, &locator);
    let semantic = SemanticBuilder::new()
        .with_check_syntax_error(true)
        .with_build_nodes(true)
        // The TypeScript transform needs enum member values to lower `enum`s.
        .with_enum_eval(true)
        .build(&program);
    for d in semantic.diagnostics.iter() {
        let offset = parse::label_offset(&d.labels);
        issues.push(locator.issue(offset, rules::SYNTAX, d.message.to_string()));
    }
    let findings = lint::lint(&semantic.semantic, &locator);
    issues.extend(findings.issues);
    let shape = match parsed.shape {
        Ok(shape) => shape,
        Err(issue) => {
            issues.push(issue);
            shape::Shape::HasDefault
        }
    };
    if !issues.is_empty() {
        issues.sort_by_key(|i| (i.line, i.column));
        return Err(issues);
    }
    let scoping = semantic.semantic.into_scoping();
    emit::emit(&allocator, program, scoping, &shape, &findings.free_values, &locator)
}

fn over_budget_issue(code: &str, over: budget::OverBudget) -> ValidationIssue {
    let index = LineIndex::new(code);
    match over {
        budget::OverBudget::Deep(at) => index.issue_at(at, rules::TOO_DEEP, too_deep_message()),
        budget::OverBudget::Complex(at) => index.issue_at(
            at,
            rules::TOO_LARGE,
            format!(
                "the code has more than {MAX_NESTING_TOKENS} brackets, operators and keywords; \
                 split the component into smaller ones"
            ),
        ),
    }
}

/// The message of every `too-deep` issue of a React component.
pub(crate) fn too_deep_message() -> String {
    format!(
        "the code nests more than {MAX_NESTING_DEPTH} levels deep here; \
         move the inner part into a variable or a component of its own"
    )
}

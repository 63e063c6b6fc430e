//! `react` custom UIs: TSX/JSX checked and compiled once on the server with oxc into one ES
//! module for the sandbox runtime (see [`modules`] for its interface).

mod emit;
mod lint;
pub(crate) mod modules;
mod parse;
mod shape;

use oxc_allocator::Allocator;
use oxc_semantic::SemanticBuilder;
use promptdeck_core::ValidationIssue;

use crate::issue::rules;

/// Checks a component and compiles it; every problem found comes back as an issue.
pub(crate) fn compile(code: &str) -> Result<String, Vec<ValidationIssue>> {
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

//! Which declaration is the component: the default export; else the only exported value; else
//! a bare function expression; else the only top-level function or class (or, among several,
//! the only one with a capitalised name); else the only top-level `const` holding a function.

use oxc_ast::ast::{
    BindingPattern, Declaration, ExportDefaultDeclarationKind, Expression, Program, Statement,
};
use oxc_span::GetSpan;
use promptdeck_core::ValidationIssue;

use super::parse::Locator;
use crate::issue::rules;

/// How the module's component becomes its default export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The module already has a default export.
    HasDefault,
    /// Append `export default NAME;`.
    ExportName(String),
    /// A bare function expression statement starts at this offset; prefix `export default `.
    WrapExpression(u32),
}

struct Candidate {
    name: String,
    offset: u32,
}

fn is_function(expr: &Expression<'_>) -> bool {
    matches!(
        expr.get_inner_expression(),
        Expression::ArrowFunctionExpression(_)
            | Expression::FunctionExpression(_)
            | Expression::ClassExpression(_)
    )
}

/// Finds the component of a parsed module.
pub(crate) fn find(program: &Program<'_>, locator: &Locator<'_>) -> Result<Shape, ValidationIssue> {
    let mut exported = Vec::new();
    let mut functions = Vec::new();
    let mut consts = Vec::new();
    let mut expressions = Vec::new();
    for stmt in &program.body {
        match stmt {
            Statement::ExportDefaultDeclaration(d)
                if !matches!(d.declaration, ExportDefaultDeclarationKind::TSInterfaceDeclaration(_)) =>
            {
                return Ok(Shape::HasDefault);
            }
            Statement::ExportDeclaration(d) => match &d.declaration {
                Declaration::FunctionDeclaration(f) if !f.declare => {
                    if let Some(id) = &f.id {
                        exported.push(Candidate { name: id.name.to_string(), offset: id.span.start });
                    }
                }
                Declaration::ClassDeclaration(c) if !c.declare => {
                    if let Some(id) = &c.id {
                        exported.push(Candidate { name: id.name.to_string(), offset: id.span.start });
                    }
                }
                Declaration::VariableDeclaration(v) if !v.declare => {
                    for declarator in &v.declarations {
                        for id in declarator.id.get_binding_identifiers() {
                            exported.push(Candidate { name: id.name.to_string(), offset: id.span.start });
                        }
                    }
                }
                _ => {}
            },
            Statement::ExportNamedDeclaration(d) if !d.export_kind.is_type() => {
                for spec in d.specifiers.iter().filter(|s| !s.export_kind.is_type()) {
                    if spec.exported.name() == "default" {
                        return Ok(Shape::HasDefault);
                    }
                    exported.push(Candidate { name: spec.local.name().to_string(), offset: spec.span.start });
                }
            }
            Statement::FunctionDeclaration(f) if !f.declare => {
                if let Some(id) = &f.id {
                    functions.push(Candidate { name: id.name.to_string(), offset: id.span.start });
                }
            }
            Statement::ClassDeclaration(c) if !c.declare => {
                if let Some(id) = &c.id {
                    functions.push(Candidate { name: id.name.to_string(), offset: id.span.start });
                }
            }
            Statement::VariableDeclaration(v) if !v.declare => {
                for declarator in &v.declarations {
                    if let (BindingPattern::BindingIdentifier(id), Some(init)) =
                        (&declarator.id, &declarator.init)
                        && is_function(init)
                    {
                        consts.push(Candidate { name: id.name.to_string(), offset: id.span.start });
                    }
                }
            }
            Statement::ExpressionStatement(e) if is_function(&e.expression) => {
                expressions.push(e.span().start);
            }
            _ => {}
        }
    }
    if !exported.is_empty() {
        return pick(exported, false, locator, "exported values");
    }
    match expressions.as_slice() {
        [one] => return Ok(Shape::WrapExpression(*one)),
        [_, second, ..] => {
            return Err(locator.issue(
                *second,
                rules::AMBIGUOUS_COMPONENT,
                "several bare functions: keep one, or mark the component with `export default`",
            ));
        }
        [] => {}
    }
    if !functions.is_empty() {
        return pick(functions, true, locator, "top-level functions");
    }
    if !consts.is_empty() {
        return pick(consts, true, locator, "top-level function constants");
    }
    Err(locator.issue(
        0,
        rules::NO_COMPONENT,
        "no component found: export it with `export default`, or write it as the module's only function",
    ))
}

fn pick(
    mut candidates: Vec<Candidate>,
    prefer_capitalised: bool,
    locator: &Locator<'_>,
    what: &str,
) -> Result<Shape, ValidationIssue> {
    if candidates.len() > 1 && prefer_capitalised {
        let capitalised: Vec<usize> = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name.starts_with(|ch: char| ch.is_uppercase()))
            .map(|(i, _)| i)
            .collect();
        if let [only] = capitalised.as_slice() {
            return Ok(Shape::ExportName(candidates.swap_remove(*only).name));
        }
    }
    match candidates.as_slice() {
        [only] => Ok(Shape::ExportName(only.name.clone())),
        _ => {
            let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
            let offset = candidates.get(1).map_or(0, |c| c.offset);
            Err(locator.issue(
                offset,
                rules::AMBIGUOUS_COMPONENT,
                format!(
                    "several {what} could be the component ({}) and none is the default export: \
                     add `export default` to the component",
                    names.join(", ")
                ),
            ))
        }
    }
}

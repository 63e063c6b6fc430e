//! Turning a checked component into the sandbox runtime's module: strip TypeScript, transform
//! JSX with the automatic runtime (`react/jsx-runtime`), replace every import with a registry
//! look-up, bind the seed's implicit names that the code uses, and make sure the component is
//! the default export.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{ImportDeclarationSpecifier, Program, Statement};
use oxc_codegen::{Codegen, CodegenOptions, CommentOptions};
use oxc_semantic::Scoping;
use oxc_transformer::{JsxOptions, JsxRuntime, TransformOptions, Transformer};
use promptdeck_core::ValidationIssue;

use super::modules::{self, Binding, ImportInfo};
use super::parse::Locator;
use super::shape::Shape;
use crate::issue::rules;

/// Emits the module for a component that passed the checks.
pub(crate) fn emit<'a>(
    allocator: &'a Allocator,
    mut program: Program<'a>,
    scoping: Scoping,
    shape: &Shape,
    free_values: &[String],
    locator: &Locator<'_>,
) -> Result<String, Vec<ValidationIssue>> {
    let options = TransformOptions {
        jsx: JsxOptions {
            runtime: JsxRuntime::Automatic,
            import_source: Some("react".to_owned()),
            ..JsxOptions::enable()
        },
        ..TransformOptions::default()
    };
    let ret = Transformer::new(allocator, Path::new("component.tsx"), &options)
        .build_with_scoping(scoping, &mut program);
    if !ret.diagnostics.is_empty() {
        return Err(ret
            .diagnostics
            .iter()
            .map(|d| {
                let offset = super::parse::label_offset(&d.labels);
                locator.issue(offset, rules::SYNTAX, d.message.to_string())
            })
            .collect());
    }

    let mut imports = Vec::new();
    let mut issues = Vec::new();
    program.body.retain(|stmt| {
        let Statement::ImportDeclaration(decl) = stmt else {
            return true;
        };
        let source = decl.source.value.to_string();
        if !modules::is_allowed(&source) {
            // Only a JSX pragma comment can get here: the author's own imports were checked.
            issues.push(locator.issue(
                decl.source.span.start,
                rules::DISALLOWED_IMPORT,
                format!("module `{source}` is not available to custom UIs"),
            ));
        }
        let bindings = decl
            .specifiers
            .iter()
            .flatten()
            .filter_map(|spec| match spec {
                ImportDeclarationSpecifier::ImportSpecifier(s) if s.import_kind.is_type() => None,
                ImportDeclarationSpecifier::ImportSpecifier(s) => Some(Binding::Named {
                    imported: s.imported.name().to_string(),
                    local: s.local.name.to_string(),
                }),
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    Some(Binding::Default(s.local.name.to_string()))
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    Some(Binding::Namespace(s.local.name.to_string()))
                }
            })
            .collect();
        imports.push(ImportInfo { source, bindings });
        false
    });
    if !issues.is_empty() {
        return Err(issues);
    }
    for name in free_values {
        if let Some((source, binding)) = modules::implicit(name) {
            imports.push(ImportInfo { source: source.to_owned(), bindings: vec![binding] });
        }
    }
    // Directives such as 'use client' mean nothing in the sandbox, and a module is strict anyway.
    program.directives.clear();

    let body = Codegen::new()
        .with_options(CodegenOptions { comments: CommentOptions::disabled(), ..CodegenOptions::default() })
        .build(&program)
        .code;
    let prefix = modules::hidden_prefix(program.source_text);
    let mut out = modules::prelude(&imports, &prefix);
    out.push_str(&body);
    if let Shape::ExportName(name) = shape {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("export default ");
        out.push_str(name);
        out.push_str(";\n");
    }
    Ok(out)
}

//! The seed specification's own component examples, vendored verbatim in `tests/fixtures/seed`,
//! validate and compile; its runner, which imports `@babel/standalone`, is rejected.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;

use promptdeck_compiler::{Compiler, UiSource, check, rules};
use promptdeck_core::{ComponentType, ValidationReport};

/// A seed example, vendored verbatim in `tests/fixtures/seed` (see its README for where each
/// comes from).
fn seed_example(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seed").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn react(code: &str) -> UiSource<'_> {
    UiSource {
        component_type: ComponentType::React,
        code,
        props_schema: None,
        default_props: None,
        prompt_variables: None,
    }
}

fn assert_valid(report: &ValidationReport, what: &str) {
    assert!(report.validated, "{what} should validate, got {:#?}", report.validation_errors);
    assert!(report.validation_errors.is_empty());
}

fn assert_compiles_to_a_module(code: &str, what: &str) -> String {
    let compiled = Compiler::new(8).compile(&react(code)).unwrap_or_else(|e| panic!("{what}: {e}"));
    let js = &compiled.code;
    assert!(!js.contains("import "), "{what}: output still imports:\n{js}");
    assert!(js.contains("export default"), "{what}: no default export:\n{js}");
    assert!(js.contains("globalThis.__promptdeck__.require("), "{what}:\n{js}");
    // The output is valid JavaScript: it parses again as a plain module.
    let allocator = oxc_allocator::Allocator::default();
    let ret = oxc_parser::Parser::new(&allocator, js, oxc_span::SourceType::mjs()).parse();
    assert!(ret.diagnostics.is_empty(), "{what}: output does not parse: {:?}\n{js}", ret.diagnostics);
    js.clone()
}

#[test]
fn pattern_1_simple_auto_run_modal_validates_and_compiles() {
    let code = seed_example("pattern-1-auto-run-modal.tsx");
    assert_valid(&check(&react(&code)), "Pattern 1");
    let js = assert_compiles_to_a_module(&code, "Pattern 1");
    assert!(js.contains("export default MyCustomUIComponent"), "{js}");
    assert!(js.contains("\"@/features/prompts/hooks/usePromptRunnerModal\""), "{js}");
    assert!(js.contains("\"react/jsx-runtime\""), "JSX without a React import still works:\n{js}");
}

#[test]
fn pattern_2_custom_ui_with_full_control_validates_and_compiles() {
    let code = seed_example("pattern-2-full-control.tsx");
    assert!(code.starts_with("'use client';"), "taken verbatim, directive included");
    assert_valid(&check(&react(&code)), "Pattern 2");
    let js = assert_compiles_to_a_module(&code, "Pattern 2");
    assert!(js.contains("export default CustomPromptUI"), "{js}");
    assert!(js.contains("\"uuid\""), "{js}");
    assert!(!js.contains("PromptMessage"), "undeclared TypeScript types are stripped:\n{js}");
}

#[test]
fn the_streaming_selector_example_validates_and_compiles_without_its_imports() {
    // `MyComponent` uses `useState` and `EnhancedChatMarkdown` without importing them, as the
    // seed's runner passed them in; the compiled module binds them from the registry.
    let code = seed_example("streaming-selector.tsx");
    assert_valid(&check(&react(&code)), "MyComponent");
    let js = assert_compiles_to_a_module(&code, "MyComponent");
    assert!(js.contains("export default MyComponent"), "{js}");
    assert!(js.contains("useState"), "{js}");
    assert!(js.contains("\"@/components/mardown-display/chat-markdown/EnhancedChatMarkdown\""), "{js}");
}

#[test]
fn the_ai_runs_hook_example_validates_and_compiles() {
    let code = seed_example("ai-runs-hook.tsx");
    assert_valid(&check(&react(&code)), "PromptRunner");
    let js = assert_compiles_to_a_module(&code, "PromptRunner");
    assert!(js.contains("export default PromptRunner"), "{js}");
}

#[test]
fn the_seeds_babel_runner_is_rejected_for_importing_babel() {
    let code = seed_example("dynamic-custom-ui-runner.tsx");
    let report = check(&react(&code));
    assert!(!report.validated);
    let babel_line = code.lines().position(|l| l.contains("@babel/standalone")).unwrap() + 1;
    let issue = report
        .validation_errors
        .iter()
        .find(|i| i.rule == rules::DISALLOWED_IMPORT)
        .unwrap_or_else(|| panic!("no disallowed-import in {:#?}", report.validation_errors));
    assert_eq!(issue.line as usize, babel_line);
    assert_eq!(issue.column, 27, "points at the module id");
    assert!(issue.message.contains("@babel/standalone"), "{}", issue.message);
    assert!(
        report.validation_errors.iter().any(|i| i.rule == rules::NO_EVAL),
        "its `new Function` is flagged too: {:#?}",
        report.validation_errors
    );
    assert!(Compiler::new(1).compile(&react(&code)).is_err());
}

#[test]
fn the_seeds_server_page_is_rejected_for_its_server_imports() {
    let code = seed_example("custom-ui-page.tsx");
    let report = check(&react(&code));
    let modules: Vec<&str> = report
        .validation_errors
        .iter()
        .filter(|i| i.rule == rules::DISALLOWED_IMPORT)
        .map(|i| i.message.as_str())
        .collect();
    assert_eq!(modules.len(), 2, "{:#?}", report.validation_errors);
    assert!(modules[0].contains("@/utils/supabase/server"));
}

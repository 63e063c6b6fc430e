//! Shorthands shared by the test modules.

use promptdeck_compiler::{UiSource, check};
use promptdeck_core::{ComponentType, ValidationIssue};

pub fn react(code: &str) -> UiSource<'_> {
    UiSource {
        component_type: ComponentType::React,
        code,
        props_schema: None,
        default_props: None,
        prompt_variables: None,
    }
}

pub fn issues(src: &UiSource<'_>) -> Vec<ValidationIssue> {
    let report = check(src);
    assert_eq!(report.validated, report.validation_errors.is_empty());
    report.validation_errors
}

/// Asserts that the issues are exactly one, with this rule, line and column.
#[track_caller]
pub fn assert_single(issues: &[ValidationIssue], rule: &str, line: u32, column: u32) {
    assert_eq!(issues.len(), 1, "expected one `{rule}` issue, got {issues:#?}");
    let issue = &issues[0];
    assert_eq!((issue.rule.as_str(), issue.line, issue.column), (rule, line, column), "{issue:#?}");
    assert!(!issue.message.is_empty());
}

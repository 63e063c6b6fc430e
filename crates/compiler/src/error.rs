//! The crate's one error type: what `Compiler::compile` answers when a custom UI cannot be
//! turned into something safe to serve.

use promptdeck_core::ValidationReport;

/// Why a custom UI could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// The checks found problems; the report lists each with its line, column and rule.
    #[error("custom UI is invalid: {}", summary(.0))]
    Invalid(ValidationReport),
}

impl CompileError {
    /// The validation report behind the error, for answering the caller with every issue.
    pub fn report(&self) -> &ValidationReport {
        match self {
            CompileError::Invalid(report) => report,
        }
    }

    /// Consumes the error and returns its report.
    pub fn into_report(self) -> ValidationReport {
        match self {
            CompileError::Invalid(report) => report,
        }
    }
}

fn summary(report: &ValidationReport) -> String {
    match report.validation_errors.first() {
        Some(first) => {
            let more = report.validation_errors.len() - 1;
            let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
            format!("{}:{} {}: {}{tail}", first.line, first.column, first.rule, first.message)
        }
        None => "no details".to_owned(),
    }
}

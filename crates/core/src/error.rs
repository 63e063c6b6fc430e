//! Errors raised by domain rules, independent of any transport.

/// A domain rule was broken by a value a caller supplied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CoreError {
    /// A string is not one of an enum's wire values.
    #[error("{field}: unknown value `{value}`, expected one of: {expected}")]
    UnknownVariant {
        /// The field (or enum) the value was meant for.
        field: &'static str,
        /// What was given.
        value: String,
        /// The accepted wire values, comma separated.
        expected: String,
    },
    /// A value is outside the range its field allows.
    #[error("{field}: {message}")]
    Invalid {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

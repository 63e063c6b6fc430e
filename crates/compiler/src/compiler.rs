//! The entry points: `check` a custom UI, and `Compiler`, which compiles one once and keeps the
//! result in a bounded cache keyed by a SHA-256 of everything the result depends on.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use promptdeck_core::{ComponentType, ValidationIssue, ValidationReport};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cache::Lru;
use crate::error::CompileError;
use crate::issue::{issue, rules};
use crate::limits::{MAX_CACHE_BYTES, MAX_CODE_BYTES, MAX_REPORTED_ISSUES};
use crate::{react, schema, stack, template};

/// Everything a custom UI's checks and compilation depend on.
#[derive(Debug, Clone, Copy)]
pub struct UiSource<'a> {
    /// What `code` is.
    pub component_type: ComponentType,
    /// TSX/JSX, an HTML fragment, or (for `json-schema` without `props_schema`) the schema as JSON.
    pub code: &'a str,
    /// The JSON Schema of the UI's props; for `json-schema` UIs, of the variables form.
    pub props_schema: Option<&'a Value>,
    /// Default prop values, which must validate against `props_schema`.
    pub default_props: Option<&'a Value>,
    /// The prompt's variable names, when known; templates and schemas may bind only these
    /// (and `response`). `None` skips that check.
    pub prompt_variables: Option<&'a [String]>,
}

/// A compiled custom UI, ready to serve to the sandbox runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compiled {
    /// What was compiled.
    pub kind: ComponentType,
    /// The JavaScript module (`react`), the sanitised HTML (`template`) or the normalised
    /// schema JSON (`json-schema`).
    pub code: String,
    /// Hex SHA-256 of `code`, usable as an ETag.
    pub hash: String,
    /// What the checks found: always valid for `react` and `json-schema`; for `template`, the
    /// content the sanitiser removed and unknown variables (the HTML is safe regardless).
    pub report: ValidationReport,
}

/// Checks a custom UI without keeping anything; never panics, and runs on a thread with the
/// stack the bounds need (see [`crate::spawn_compile_thread`]). A `react` UI that passes these
/// checks compiles.
pub fn check(src: &UiSource<'_>) -> ValidationReport {
    match stack::run(|| build(src)) {
        Ok(Ok(compiled)) => compiled.report,
        Ok(Err(error)) => error.into_report(),
        Err(error) => not_run(&error).into_report(),
    }
}

/// Compiles custom UIs, each distinct input once: results (failures included) are kept in a
/// bounded, thread-safe cache. Share one per process.
pub struct Compiler {
    cache: Lru<Result<Arc<Compiled>, CompileError>>,
}

impl std::fmt::Debug for Compiler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiler").field("cached", &self.cache.len()).finish()
    }
}

impl Compiler {
    /// A compiler whose cache holds at most `capacity` results (0 disables caching), of at
    /// most [`MAX_CACHE_BYTES`] together.
    pub fn new(capacity: usize) -> Self {
        Self { cache: Lru::weighed(capacity, MAX_CACHE_BYTES, weigh) }
    }

    /// Compiles `src`, or answers from the cache. `Err` means there is nothing safe to serve;
    /// its report lists every issue.
    pub fn compile(&self, src: &UiSource<'_>) -> Result<Arc<Compiled>, CompileError> {
        let key = cache_key(src);
        if let Some(outcome) = self.cache.get(&key) {
            return (*outcome).clone();
        }
        // A compilation that could not run is not cached: it may run next time.
        let outcome = stack::run(|| build(src)).map_err(|e| not_run(&e))?.map(Arc::new);
        self.cache.insert(key, Arc::new(outcome.clone()));
        outcome
    }

    /// Checks `src` through the cache, like [`check`].
    pub fn check(&self, src: &UiSource<'_>) -> ValidationReport {
        match self.compile(src) {
            Ok(compiled) => compiled.report.clone(),
            Err(error) => error.into_report(),
        }
    }
}

/// About how many bytes a cached outcome holds.
fn weigh(outcome: &Result<Arc<Compiled>, CompileError>) -> usize {
    let report = match outcome {
        Ok(compiled) => &compiled.report,
        Err(error) => error.report(),
    };
    let code = outcome.as_ref().map_or(0, |c| c.code.len() + c.hash.len());
    code + report.validation_errors.iter().map(|i| 64 + i.message.len() + i.rule.len()).sum::<usize>()
}

fn cache_key(src: &UiSource<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(src.component_type.as_str().as_bytes());
    part(src.code.as_bytes());
    part(src.props_schema.map(Value::to_string).unwrap_or_default().as_bytes());
    part(src.default_props.map(Value::to_string).unwrap_or_default().as_bytes());
    match src.prompt_variables {
        Some(vars) => {
            part(b"vars");
            for v in vars {
                part(v.as_bytes());
            }
        }
        None => part(b"no-vars"),
    }
    h.finalize().into()
}

/// The report of `issues`, in order of position, at most [`MAX_REPORTED_ISSUES`] of them (the
/// last one kept says how many more there were).
fn report(mut issues: Vec<ValidationIssue>) -> ValidationReport {
    issues.sort_by_key(|i| (i.line, i.column));
    if issues.len() > MAX_REPORTED_ISSUES {
        let more = issues.len() - MAX_REPORTED_ISSUES;
        issues.truncate(MAX_REPORTED_ISSUES);
        if let Some(last) = issues.last_mut() {
            last.message.push_str(&format!(" (and {more} more issues not shown)"));
        }
    }
    ValidationReport { validated: issues.is_empty(), validation_errors: issues }
}

fn finish(kind: ComponentType, code: String, issues: Vec<ValidationIssue>) -> Compiled {
    let hash = Sha256::digest(code.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Compiled { kind, code, hash, report: report(issues) }
}

/// The error when the compiler's thread could not run.
fn not_run(error: &std::io::Error) -> CompileError {
    CompileError::Invalid(report(vec![issue(
        1,
        1,
        rules::INTERNAL,
        format!("the compiler could not run: {error}"),
    )]))
}

/// Compiles without the cache; an internal panic becomes an `internal` issue.
fn build(src: &UiSource<'_>) -> Result<Compiled, CompileError> {
    if src.code.len() > MAX_CODE_BYTES {
        return Err(CompileError::Invalid(report(vec![issue(
            1,
            1,
            rules::TOO_LARGE,
            format!("the code is {} bytes; at most {MAX_CODE_BYTES} are accepted", src.code.len()),
        )])));
    }
    catch_unwind(AssertUnwindSafe(|| build_unchecked(src))).unwrap_or_else(|_| {
        Err(CompileError::Invalid(report(vec![issue(
            1,
            1,
            rules::INTERNAL,
            "the compiler failed on this input; please report it",
        )])))
    })
}

fn build_unchecked(src: &UiSource<'_>) -> Result<Compiled, CompileError> {
    let props_issues = schema::check_props(src.props_schema, src.default_props);
    match src.component_type {
        ComponentType::React => match react::compile(src.code) {
            Ok(code) if props_issues.is_empty() => Ok(finish(ComponentType::React, code, Vec::new())),
            Ok(_) => Err(CompileError::Invalid(report(props_issues))),
            Err(mut issues) => {
                issues.extend(props_issues);
                Err(CompileError::Invalid(report(issues)))
            }
        },
        ComponentType::Template => match template::sanitise(src.code, src.prompt_variables) {
            Ok(sanitised) => {
                let mut issues = sanitised.issues;
                issues.extend(props_issues);
                Ok(finish(ComponentType::Template, sanitised.html, issues))
            }
            Err(issue) => {
                let mut issues = vec![issue];
                issues.extend(props_issues);
                Err(CompileError::Invalid(report(issues)))
            }
        },
        ComponentType::JsonSchema => json_schema(src, props_issues),
    }
}

fn json_schema(src: &UiSource<'_>, mut issues: Vec<ValidationIssue>) -> Result<Compiled, CompileError> {
    let parsed;
    let schema = match src.props_schema {
        Some(schema) => schema,
        None if src.code.trim().is_empty() => {
            return Err(CompileError::Invalid(report(vec![issue(
                1,
                1,
                rules::INVALID_SCHEMA,
                "a json-schema UI needs a schema: give props_schema, or the schema as the code",
            )])));
        }
        None => match serde_json::from_str::<Value>(src.code) {
            Ok(value) => {
                parsed = value;
                issues.extend(schema::cached_validator(&parsed).err().unwrap_or_default());
                &parsed
            }
            Err(e) => {
                issues.push(issue(
                    u32::try_from(e.line()).unwrap_or(1).max(1),
                    u32::try_from(e.column()).unwrap_or(1).max(1),
                    rules::SYNTAX,
                    format!("the schema is not valid JSON: {e}"),
                ));
                return Err(CompileError::Invalid(report(issues)));
            }
        },
    };
    if let Some(variables) = src.prompt_variables {
        for name in schema::property_names(schema) {
            if name != template::RESPONSE && !variables.iter().any(|v| v.trim() == name) {
                issues.push(issue(
                    1,
                    1,
                    rules::UNKNOWN_VARIABLE,
                    format!("schema property `{name}` names no variable of the prompt"),
                ));
            }
        }
    }
    if !issues.is_empty() {
        return Err(CompileError::Invalid(report(issues)));
    }
    let code = serde_json::to_string(schema).unwrap_or_default();
    Ok(finish(ComponentType::JsonSchema, code, Vec::new()))
}

//! `json-schema` custom UIs and props: `props_schema` must be a valid JSON Schema for an
//! object, `default_props` must validate against it, and submitted variables are validated
//! against it. Validators are compiled once per distinct schema, never fetch remote `$ref`s,
//! and match `pattern`s in linear time (so backreferences and lookaround are refused).

use std::sync::{Arc, LazyLock};

use jsonschema::{PatternOptions, Retrieve, Uri, Validator};
use promptdeck_core::ValidationIssue;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cache::Lru;
use crate::issue::{issue, rules};
use crate::limits::MAX_CACHE_BYTES;

/// Most issues reported for one set of values.
const MAX_VALUE_ISSUES: usize = 50;

/// Most memory one compiled `pattern` (and its matching cache) may take.
const MAX_PATTERN_BYTES: usize = 1024 * 1024;

/// Refuses every external `$ref`, whichever features of jsonschema other crates enable.
struct NoRemoteRefs;

impl Retrieve for NoRemoteRefs {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("external references are not fetched: {}", uri.as_str()).into())
    }
}

/// A compiled props or variables schema, ready to validate many sets of values.
pub struct SchemaValidator {
    validator: Validator,
    /// About how much memory it holds, for the cache's byte bound.
    weight: usize,
}

impl std::fmt::Debug for SchemaValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaValidator").finish_non_exhaustive()
    }
}

impl SchemaValidator {
    /// Checks that `schema` is a valid JSON Schema describing an object (`"type": "object"`)
    /// and compiles it; the issues use rule `invalid-schema`.
    pub fn new(schema: &Value) -> Result<Self, Vec<ValidationIssue>> {
        let invalid = |message: String| vec![issue(1, 1, rules::INVALID_SCHEMA, message)];
        if !schema.is_object() {
            return Err(invalid("the schema must be a JSON object".to_owned()));
        }
        if let Err(e) = jsonschema::meta::validate(schema) {
            return Err(invalid(format!("not a valid JSON Schema: {}", describe(&e))));
        }
        if schema.get("type").and_then(Value::as_str) != Some("object") {
            return Err(invalid("the schema must describe an object: add \"type\": \"object\"".to_owned()));
        }
        jsonschema::options()
            .with_retriever(NoRemoteRefs)
            // The linear-time engine: a backtracking one lets one `pattern` and a body of
            // strings stall a thread for seconds.
            .with_pattern_options(
                PatternOptions::regex().size_limit(MAX_PATTERN_BYTES).dfa_size_limit(MAX_PATTERN_BYTES),
            )
            .build(schema)
            // A compiled schema takes several times its text.
            .map(|validator| Self { validator, weight: 8 * schema.to_string().len() })
            .map_err(|e| invalid(format!("the schema cannot be used: {}", describe(&e))))
    }

    /// Validates `values`; each failure is an issue with the given rule, naming the path.
    fn validate_with_rule(&self, values: &Value, rule: &str) -> Result<(), Vec<ValidationIssue>> {
        let issues: Vec<ValidationIssue> = self
            .validator
            .iter_errors(values)
            .take(MAX_VALUE_ISSUES)
            .map(|e| issue(1, 1, rule, describe(&e)))
            .collect();
        if issues.is_empty() { Ok(()) } else { Err(issues) }
    }

    /// Validates submitted values; the issues use rule `invalid-values`.
    pub fn validate(&self, values: &Value) -> Result<(), Vec<ValidationIssue>> {
        self.validate_with_rule(values, rules::INVALID_VALUES)
    }
}

fn describe(e: &jsonschema::ValidationError<'_>) -> String {
    let path = e.instance_path().as_str();
    if path.is_empty() { e.to_string() } else { format!("{path}: {e}") }
}

static VALIDATORS: LazyLock<Lru<SchemaValidator>> =
    LazyLock::new(|| Lru::weighed(256, MAX_CACHE_BYTES, |v| v.weight));

/// The validator for `schema`, compiled once per distinct schema in this process.
pub(crate) fn cached_validator(schema: &Value) -> Result<Arc<SchemaValidator>, Vec<ValidationIssue>> {
    let key: [u8; 32] = Sha256::digest(schema.to_string().as_bytes()).into();
    if let Some(v) = VALIDATORS.get(&key) {
        return Ok(v);
    }
    let validator = Arc::new(SchemaValidator::new(schema)?);
    VALIDATORS.insert(key, Arc::clone(&validator));
    Ok(validator)
}

/// Validates submitted variable values against a UI's schema, as the server does before it
/// runs a prompt. The schema's validator is compiled once and reused for later calls; no
/// remote `$ref` is ever fetched.
pub fn validate_values(schema: &Value, values: &Value) -> Result<(), Vec<ValidationIssue>> {
    cached_validator(schema)?.validate(values)
}

/// Checks `props_schema` and, against it, `default_props`.
pub(crate) fn check_props(schema: Option<&Value>, defaults: Option<&Value>) -> Vec<ValidationIssue> {
    match (schema, defaults) {
        (Some(schema), defaults) => match cached_validator(schema) {
            Ok(validator) => defaults
                .and_then(|d| validator.validate_with_rule(d, rules::INVALID_DEFAULT_PROPS).err())
                .unwrap_or_default(),
            Err(issues) => issues,
        },
        (None, Some(defaults)) if !defaults.is_object() && !defaults.is_null() => {
            vec![issue(1, 1, rules::INVALID_DEFAULT_PROPS, "default props must be a JSON object")]
        }
        (None, _) => Vec::new(),
    }
}

/// The property names a schema declares, for checking them against the prompt's variables.
pub(crate) fn property_names(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

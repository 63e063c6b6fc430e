//! JSON-Schema UIs, props and submitted values.

use promptdeck_compiler::{Compiler, SchemaValidator, UiSource, check, rules, validate_values};
use promptdeck_core::ComponentType;
use serde_json::{Value, json};

fn form_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "topic": {"type": "string", "minLength": 1},
            "style": {"enum": ["short", "long"]},
            "count": {"type": "integer", "minimum": 1, "maximum": 5}
        },
        "required": ["topic"]
    })
}

fn source<'a>(
    schema: Option<&'a Value>,
    defaults: Option<&'a Value>,
    vars: Option<&'a [String]>,
) -> UiSource<'a> {
    UiSource {
        component_type: ComponentType::JsonSchema,
        code: "",
        props_schema: schema,
        default_props: defaults,
        prompt_variables: vars,
    }
}

#[test]
fn a_valid_schema_with_valid_defaults_compiles_to_normalised_json() {
    let schema = form_schema();
    let defaults = json!({"topic": "dragons", "count": 2});
    let vars: Vec<String> = ["topic", "style", "count"].iter().map(|s| s.to_string()).collect();
    let compiled = Compiler::new(4).compile(&source(Some(&schema), Some(&defaults), Some(&vars))).unwrap();
    assert!(compiled.report.validated);
    let back: Value = serde_json::from_str(&compiled.code).unwrap();
    assert_eq!(back, schema);
    assert_eq!(compiled.hash.len(), 64);
}

#[test]
fn the_schema_may_be_given_as_the_code() {
    let code = form_schema().to_string();
    let src = UiSource { code: &code, ..source(None, None, None) };
    assert!(check(&src).validated);
    let src = UiSource { code: "{\n  \"type\": \"object\",\n  oops\n}", ..source(None, None, None) };
    let report = check(&src);
    assert_eq!(report.validation_errors.len(), 1, "{report:#?}");
    let issue = &report.validation_errors[0];
    assert_eq!((issue.rule.as_str(), issue.line, issue.column), (rules::SYNTAX, 3, 3));
}

#[test]
fn an_invalid_schema_is_reported() {
    for bad in [
        json!({"type": "object", "properties": {"a": {"type": "strng"}}}),
        json!({"type": "string"}),
        json!(true),
        json!({"properties": {}}),
    ] {
        let report = check(&source(Some(&bad), None, None));
        assert!(!report.validated, "{bad}");
        assert_eq!(report.validation_errors[0].rule, rules::INVALID_SCHEMA, "{bad}: {report:#?}");
        assert_eq!((report.validation_errors[0].line, report.validation_errors[0].column), (1, 1));
    }
}

#[test]
fn defaults_that_do_not_fit_the_schema_are_reported_with_their_path() {
    let schema = form_schema();
    let defaults = json!({"topic": "", "count": 9});
    let report = check(&source(Some(&schema), Some(&defaults), None));
    let rules_found: Vec<&str> = report.validation_errors.iter().map(|i| i.rule.as_str()).collect();
    assert_eq!(rules_found, vec![rules::INVALID_DEFAULT_PROPS; 2], "{report:#?}");
    assert!(report.validation_errors.iter().any(|i| i.message.starts_with("/count")), "{report:#?}");
}

#[test]
fn react_props_schemas_are_checked_too() {
    let schema = json!({"type": "object", "properties": {"n": {"type": "number"}}});
    let defaults = json!({"n": "not a number"});
    let src = UiSource {
        component_type: ComponentType::React,
        code: "export default () => <p />;",
        ..source(Some(&schema), Some(&defaults), None)
    };
    let report = check(&src);
    assert_eq!(report.validation_errors.len(), 1, "{report:#?}");
    assert_eq!(report.validation_errors[0].rule, rules::INVALID_DEFAULT_PROPS);
}

#[test]
fn schema_properties_must_be_prompt_variables() {
    let schema = form_schema();
    let vars = vec!["topic".to_string(), "style".to_string()];
    let report = check(&source(Some(&schema), None, Some(&vars)));
    assert_eq!(report.validation_errors.len(), 1, "{report:#?}");
    assert_eq!(report.validation_errors[0].rule, rules::UNKNOWN_VARIABLE);
    assert!(report.validation_errors[0].message.contains("count"));
}

#[test]
fn submitted_values_are_validated() {
    let schema = form_schema();
    assert!(validate_values(&schema, &json!({"topic": "x", "style": "short"})).is_ok());
    let errors = validate_values(&schema, &json!({"style": "medium", "count": 0})).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors.iter().all(|e| e.rule == rules::INVALID_VALUES));
    let validator = SchemaValidator::new(&schema).unwrap();
    assert!(validator.validate(&json!({"topic": "ok"})).is_ok());
    assert!(validator.validate(&json!("not an object")).is_err());
}

#[test]
fn remote_refs_are_never_fetched() {
    let schema = json!({"type": "object", "properties": {"a": {"$ref": "https://example.com/schema.json"}}});
    let err = SchemaValidator::new(&schema).unwrap_err();
    assert_eq!(err[0].rule, rules::INVALID_SCHEMA);
    assert!(validate_values(&schema, &json!({"a": 1})).is_err());
}

#[test]
fn local_refs_work() {
    let schema = json!({
        "type": "object",
        "$defs": {"name": {"type": "string", "maxLength": 3}},
        "properties": {"a": {"$ref": "#/$defs/name"}}
    });
    assert!(validate_values(&schema, &json!({"a": "abc"})).is_ok());
    assert!(validate_values(&schema, &json!({"a": "abcd"})).is_err());
}

/// A schema (and matching values) nested `depth` objects deep, as deep as request JSON may be.
fn nested(depth: usize) -> (Value, Value) {
    let (mut schema, mut values) = (json!({"type": "string"}), json!("x"));
    for _ in 0..depth {
        schema = json!({"type": "object", "properties": {"a": schema}});
        values = json!({ "a": values });
    }
    (schema, values)
}

/// Runs `work` on a thread with tokio's 2 MiB stack, where the server validates submitted values.
fn on_a_runtime_sized_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 * 1024 * 1024).spawn(work).unwrap().join().unwrap()
}

#[test]
fn schemas_and_values_as_deep_as_json_bodies_allow_are_checked_without_a_crash() {
    // serde_json (and so every request body) stops at 128 levels.
    let (schema, values) = nested(126);
    assert!(check(&source(Some(&schema), Some(&values), None)).validated);
    assert!(on_a_runtime_sized_stack(move || validate_values(&schema, &values).is_ok()));

    let recursive = json!({"type": "object", "properties": {"a": {"$ref": "#"}}});
    let (_, deep) = nested(126);
    let report = check(&source(Some(&recursive), Some(&deep), None));
    assert_eq!(report.validation_errors.len(), 1, "{report:#?}");
    assert_eq!(report.validation_errors[0].rule, rules::INVALID_DEFAULT_PROPS);
    assert!(on_a_runtime_sized_stack(move || validate_values(&recursive, &deep).is_err()));
}

#[test]
fn reference_cycles_neither_loop_nor_crash() {
    let values = json!({"a": {"a": 1}});
    for schema in [
        json!({"type": "object", "$ref": "#"}),
        json!({"type": "object", "$defs": {"x": {"$ref": "#/$defs/x"}}, "properties": {"a": {"$ref": "#/$defs/x"}}}),
        json!({"type": "object", "$defs": {"x": {"$ref": "#/$defs/y"}, "y": {"$ref": "#/$defs/x"}},
               "properties": {"a": {"$ref": "#/$defs/x"}}}),
    ] {
        let report = check(&source(Some(&schema), Some(&values), None));
        assert!(report.validation_errors.iter().all(|i| i.rule != rules::INTERNAL), "{report:#?}");
        let values = values.clone();
        let _ = on_a_runtime_sized_stack(move || validate_values(&schema, &values));
    }
}

#[test]
fn patterns_run_in_linear_time_so_backreferences_are_refused() {
    // A backtracking engine takes exponential time on `^(a+)+\1$` and a long run of `a`s.
    let backreference =
        json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "^(a+)+\\1$"}}});
    let report = check(&source(Some(&backreference), None, None));
    assert_eq!(report.validation_errors.len(), 1, "{report:#?}");
    assert_eq!(report.validation_errors[0].rule, rules::INVALID_SCHEMA);
    assert!(report.validation_errors[0].message.contains("pattern"), "{report:#?}");

    let nested_quantifiers =
        json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "^(a+)+$"}}});
    let long = json!({"a": format!("{}b", "a".repeat(100_000))});
    let report = check(&source(Some(&nested_quantifiers), Some(&long), None));
    assert_eq!(report.validation_errors.len(), 1, "{report:#?}");
    assert_eq!(report.validation_errors[0].rule, rules::INVALID_DEFAULT_PROPS);
}

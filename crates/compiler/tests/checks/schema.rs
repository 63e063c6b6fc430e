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

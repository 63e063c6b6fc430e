//! Property tests: `check` and `compile` never panic, whatever the input, and never report an
//! internal failure. Runs 64 cases per property by default; set PROPTEST_CASES for more.

use promptdeck_compiler::{Compiler, UiSource, check, rules};
use promptdeck_core::ComponentType;
use proptest::prelude::*;

const VALID: &str = r#"'use client';
import { useState } from 'react';
import { v4 as uuidv4 } from 'uuid';
interface Props { title: string; items: string[] }
export default function App({ title, items }: Props) {
  const [n, setN] = useState<number>(0);
  const id = uuidv4();
  return (
    <section id={id} style={{ top: 0 }}>
      <h1>{title} {n}</h1>
      <ul>{items.map((it, i) => <li key={i} onClick={() => setN(i)}>{it}</li>)}</ul>
      <>{`template ${n}`}</>
    </section>
  );
}
"#;

const TEMPLATE: &str = r#"<form><input name="topic" value="{{topic}}"><a href="https://x.example">x</a><p>{{response}}</p></form>"#;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn assert_no_internal_failure(kind: ComponentType, code: &str) {
    let vars = vec!["topic".to_string()];
    let src = UiSource {
        component_type: kind,
        code,
        props_schema: None,
        default_props: None,
        prompt_variables: Some(&vars),
    };
    let report = check(&src);
    assert!(report.validation_errors.iter().all(|i| i.rule != rules::INTERNAL), "{code:?}: {report:#?}");
    assert!(report.validation_errors.iter().all(|i| i.line >= 1 && i.column >= 1));
    let compiled = Compiler::new(0).compile(&src);
    if let Err(e) = compiled {
        assert!(e.report().validation_errors.iter().all(|i| i.rule != rules::INTERNAL), "{code:?}: {e}");
    }
}

/// Mutates a valid text: deletes, duplicates or inserts a fragment at some positions.
fn mutate(base: &'static str) -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "<",
        ">",
        "{",
        "}",
        "(",
        ")",
        "</",
        "/>",
        "'",
        "\"",
        "`",
        "${",
        "=>",
        ";",
        "\n",
        "import(",
        "fetch",
        "window.",
        "top",
        "eval(",
        "export default ",
        "function ",
        "<script>",
        "{{",
        "}}",
        "\u{2028}",
        "é",
        "\\",
        "&#",
    ]);
    prop::collection::vec((0..base.len(), 0usize..3, fragments), 1..6).prop_map(move |edits| {
        let mut text = base.to_owned();
        for (pos, op, fragment) in edits {
            let mut pos = pos.min(text.len());
            while !text.is_char_boundary(pos) {
                pos -= 1;
            }
            match op {
                0 => {
                    let mut end = (pos + fragment.len()).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(pos..end, "");
                }
                1 => {
                    let mut end = (pos + 12).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    let copy = text[pos..end].to_owned();
                    text.insert_str(pos, &copy);
                }
                _ => text.insert_str(pos, fragment),
            }
        }
        text
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics_as_any_kind(code in ".{0,400}") {
        for kind in ComponentType::ALL {
            assert_no_internal_failure(*kind, &code);
        }
    }

    #[test]
    fn mutated_components_never_panic(code in mutate(VALID)) {
        assert_no_internal_failure(ComponentType::React, &code);
    }

    #[test]
    fn mutated_templates_never_panic(code in mutate(TEMPLATE)) {
        assert_no_internal_failure(ComponentType::Template, &code);
    }
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "object",
            "string",
            "integer",
            "#/$defs/x",
            "https://x.example/s.json",
            "^(a+)+$"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let keys = prop::sample::select(vec![
            "type",
            "properties",
            "required",
            "enum",
            "$ref",
            "$defs",
            "items",
            "minimum",
            "pattern",
            "format",
            "x",
            "$schema",
            "default",
            "allOf",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys, inner), 0..5).prop_map(|kv| serde_json::Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_schemas_and_values_never_panic(schema in json(), values in json()) {
        let src = UiSource {
            component_type: ComponentType::JsonSchema,
            code: "",
            props_schema: Some(&schema),
            default_props: Some(&values),
            prompt_variables: None,
        };
        let report = check(&src);
        prop_assert!(report.validation_errors.iter().all(|i| i.rule != rules::INTERNAL));
        let _ = promptdeck_compiler::validate_values(&schema, &values);
    }
}

#[test]
fn the_unmutated_bases_are_valid() {
    assert_no_internal_failure(ComponentType::React, VALID);
    let src = UiSource {
        component_type: ComponentType::React,
        code: VALID,
        props_schema: None,
        default_props: None,
        prompt_variables: None,
    };
    assert!(check(&src).validated, "{:#?}", check(&src));
}

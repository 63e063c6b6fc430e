//! Property tests: `check` and `compile` never panic, whatever the input, and never report an
//! internal failure; nesting of any construct, alone or mixed, at any depth up to the code size
//! limit, compiles or gets one `too-deep` (or, past the token budget, `too-large`) issue. Runs
//! 64 cases per property by default (16 for the large inputs); set PROPTEST_CASES for more.

use promptdeck_compiler::{
    Compiler, MAX_CODE_BYTES, MAX_NESTING_DEPTH, MAX_TEMPLATE_DEPTH, UiSource, check, rules,
};
use promptdeck_core::{ComponentType, ValidationIssue};
use proptest::prelude::*;

use crate::constructs::{CONSTRUCTS, EXPRESSION_UNITS, component, mixed_component};
use crate::helpers::{issues, react};

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

fn config_with(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default_cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn config() -> ProptestConfig {
    config_with(64)
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

/// What nesting `levels` units deep may give: nothing at shallow depths, one `too-deep` issue
/// past the bound (each unit is at least one level), either in between.
fn assert_nesting_outcome(levels: usize, found: &[ValidationIssue], code: &str) {
    let too_deep = matches!(found, [issue] if issue.rule == rules::TOO_DEEP && issue.line == 3);
    if levels <= 16 {
        assert!(found.is_empty(), "{levels} levels: {found:#?}\n{code}");
    } else if levels > MAX_NESTING_DEPTH {
        assert!(too_deep, "{levels} levels: {found:#?}");
    } else {
        assert!(found.is_empty() || too_deep, "{levels} levels: {found:#?}\n{code}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_construct_at_any_depth_compiles_or_is_too_deep(
        which in 0..CONSTRUCTS.len(),
        depth in 0..3 * MAX_NESTING_DEPTH,
    ) {
        let (code, _) = component(&CONSTRUCTS[which], depth);
        assert_nesting_outcome(depth, &issues(&react(&code)), &code);
    }

    #[test]
    fn mixed_constructs_nest_like_any_one(units in prop::collection::vec(0..EXPRESSION_UNITS.len(), 0..3 * MAX_NESTING_DEPTH)) {
        let code = mixed_component(&units);
        assert_nesting_outcome(units.len(), &issues(&react(&code)), &code);
    }
}

proptest! {
    #![proptest_config(config_with(16))]

    #[test]
    fn nesting_as_deep_as_the_code_limit_allows_is_refused(
        which in 0..CONSTRUCTS.len(),
        percent in 1usize..=100,
        mixed in prop::collection::vec(0..EXPRESSION_UNITS.len(), 1..64),
    ) {
        let construct = &CONSTRUCTS[which];
        let depth = (MAX_CODE_BYTES - 200) / (construct.open.len() + construct.close.len()) * percent / 100;
        let (code, _) = component(construct, depth.max(MAX_NESTING_DEPTH + 1));
        // Each mixed unit is one level at least.
        let widest = EXPRESSION_UNITS.iter().map(|(open, close)| open.len() + close.len()).max().unwrap_or(1);
        let levels = depth.max(MAX_NESTING_DEPTH + 1).min((MAX_CODE_BYTES - 200) / widest);
        let units: Vec<usize> = mixed.iter().copied().cycle().take(levels).collect();
        for code in [code, mixed_component(&units)] {
            prop_assert!(code.len() <= MAX_CODE_BYTES);
            let found = issues(&react(&code));
            prop_assert!(
                matches!(found.as_slice(), [issue] if issue.rule == rules::TOO_DEEP || issue.rule == rules::TOO_LARGE),
                "{}: {found:#?}", construct.name
            );
        }
    }

    #[test]
    fn templates_nested_at_any_depth_sanitise_or_are_refused(
        elements in prop::collection::vec((0..TEMPLATE_UNITS.len(), any::<bool>()), 0..4 * MAX_TEMPLATE_DEPTH),
        repeat in 1usize..=64,
    ) {
        let mut html = String::new();
        for &(unit, _) in &elements {
            html.push_str(TEMPLATE_UNITS[unit].0);
            html.push('x');
        }
        for &(unit, closed) in elements.iter().rev() {
            if closed {
                html.push_str(TEMPLATE_UNITS[unit].1);
            }
        }
        let html = html.repeat(repeat.min(MAX_CODE_BYTES / html.len().max(1)).max(1));
        let src = UiSource {
            component_type: ComponentType::Template,
            code: &html,
            props_schema: None,
            default_props: None,
            prompt_variables: None,
        };
        let report = check(&src);
        let refused = matches!(
            report.validation_errors.as_slice(),
            [issue] if issue.rule == rules::TOO_DEEP || issue.rule == rules::TOO_LARGE
        );
        let sanitised = report.validation_errors.iter().all(|i| i.rule == rules::UNSAFE_HTML);
        prop_assert!(refused || sanitised, "{:#?}", report.validation_errors);
        if elements.len() > 2 * MAX_TEMPLATE_DEPTH && elements.iter().all(|(u, _)| *u < 4) {
            prop_assert!(refused, "{} levels of block elements: {:#?}", elements.len(), report.validation_errors);
        }
    }
}

/// Elements to nest in templates: `(open, close)`. The first four always nest one level each.
const TEMPLATE_UNITS: &[(&str, &str)] = &[
    ("<div>", "</div>"),
    ("<section>", "</section>"),
    ("<span>", "</span>"),
    ("<em>", "</em>"),
    ("<b>", "</b>"),
    ("<i class=x>", "</i>"),
    ("<a href=\"#\">", "</a>"),
    ("<p>", "</p>"),
    ("<ul><li>", "</li></ul>"),
    ("<table><tr><td>", "</td></tr></table>"),
    ("<label>", "</label>"),
    ("<form>", "</form>"),
    ("<select><option>", "</option></select>"),
    ("<table><b>", "</b></table>"),
];

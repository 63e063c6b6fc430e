//! The accepted shapes of a React module, and the clear errors for the rest.

use promptdeck_compiler::{Compiler, rules};

use crate::helpers::{assert_single, issues, react};

fn compile(code: &str) -> String {
    match Compiler::new(0).compile(&react(code)) {
        Ok(c) => c.code.clone(),
        Err(e) => panic!("{e}\n{:#?}", e.report()),
    }
}

#[test]
fn a_module_with_a_default_export_keeps_it() {
    let js = compile("export default function App() { return <p>hi</p>; }");
    assert!(js.contains("export default function App()"), "{js}");
    assert_eq!(js.matches("export default").count(), 1, "{js}");
}

#[test]
fn the_only_exported_component_becomes_the_default() {
    let js = compile(
        "export const Card = ({ title }: { title: string }) => <h1>{title}</h1>;\nexport type X = number;\n",
    );
    assert!(js.trim_end().ends_with("export default Card;"), "{js}");
}

#[test]
fn the_only_top_level_function_becomes_the_default() {
    let js = compile("function Widget() { return <div />; }\n");
    assert!(js.trim_end().ends_with("export default Widget;"), "{js}");
}

#[test]
fn among_several_functions_the_only_capitalised_one_is_the_component() {
    let js = compile(
        "function helper(n: number) { return n * 2; }\nfunction Widget() { return <div>{helper(2)}</div>; }\n",
    );
    assert!(js.trim_end().ends_with("export default Widget;"), "{js}");
}

#[test]
fn a_bare_arrow_function_becomes_the_default() {
    let js = compile(
        "import { useState } from 'react';\n(props: { n: number }) => {\n  const [n] = useState(props.n);\n  return <b>{n}</b>;\n}\n",
    );
    assert!(js.contains("export default (props) =>"), "{js}");
}

#[test]
fn a_bare_anonymous_function_becomes_the_default() {
    let js = compile("function (props) {\n  return <i>{props.x}</i>;\n}\n");
    assert!(js.contains("export default function(props)"), "{js}");
}

#[test]
fn positions_after_an_inserted_default_export_still_match_the_authors_text() {
    let code = "function (props) {\n  fetch('/x');\n  return <i />;\n}\n";
    assert_single(&issues(&react(code)), rules::NO_NETWORK, 2, 3);
    let code = "(props) => { eval('1'); return <i />; }";
    assert_single(&issues(&react(code)), rules::NO_EVAL, 1, 14);
}

#[test]
fn several_exported_components_without_a_default_are_ambiguous() {
    let code = "export function A() { return <p />; }\nexport function B() { return <p />; }\n";
    let found = issues(&react(code));
    assert_single(&found, rules::AMBIGUOUS_COMPONENT, 2, 17);
    assert!(found[0].message.contains("A, B"), "{}", found[0].message);
}

#[test]
fn several_capitalised_functions_are_ambiguous() {
    let code = "function One() { return <p />; }\nfunction Two() { return <p />; }\n";
    assert_single(&issues(&react(code)), rules::AMBIGUOUS_COMPONENT, 2, 10);
}

#[test]
fn a_module_without_any_function_has_no_component() {
    assert_single(&issues(&react("const x = 1;\n")), rules::NO_COMPONENT, 1, 1);
    assert_single(&issues(&react("")), rules::NO_COMPONENT, 1, 1);
}

#[test]
fn use_client_and_typescript_only_constructs_are_fine() {
    let code = r#"'use client';
import type { ReactNode } from 'react';
interface Props { children?: ReactNode; items: PromptMessage[] }
enum Mode { A = 'a', B = 'b' }
export default function App({ items }: Props): JSX.Element {
  const mode: Mode = Mode.A;
  const first = items[0] as PromptMessage | undefined;
  return <ul data-mode={mode}>{items.map((m, i) => <li key={i}>{m.content}</li>)}{first?.role}</ul>;
}
"#;
    let js = compile(code);
    assert!(!js.contains("interface") && !js.contains("PromptMessage") && !js.contains("use client"), "{js}");
}

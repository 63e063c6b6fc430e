//! The compiled module is valid JavaScript with the runtime's interface: it parses as a
//! module, has no import declaration, has a default export, passes `node --check`, and runs
//! against a stand-in registry.

use std::path::PathBuf;
use std::process::Command;

use oxc_allocator::Allocator;
use oxc_ast::ast::Statement;
use oxc_parser::Parser;
use oxc_span::SourceType;
use promptdeck_compiler::Compiler;

use crate::helpers::react;

const HELLO: &str = r#"import { useState } from 'react';
import { v4 as uuidv4 } from 'uuid';

interface Props { name: string }

export default function Hello({ name }: Props) {
  const [count] = useState<number>(2);
  return (
    <div className="hello">
      <b>{name}</b>
      {count}
      {uuidv4()}
      <>{React ? 'react-bound' : 'missing'}</>
    </div>
  );
}
"#;

fn fixtures() -> Vec<(&'static str, String)> {
    let bench = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/component.tsx"),
    )
    .expect("the benchmark fixture is committed");
    vec![
        ("hello", HELLO.to_owned()),
        ("arrow", "(props: { x: string }) => <p>{props.x}</p>".to_owned()),
        ("anonymous", "function (props) { return <p>{props.x}</p>; }".to_owned()),
        ("exported", "export function Only() { return <p />; }".to_owned()),
        ("namespace", "import * as R from 'react';\nexport default () => { const [a] = R.useState(1); return <p>{a}</p>; };".to_owned()),
        ("bench", bench),
    ]
}

fn compile(code: &str) -> String {
    match Compiler::new(0).compile(&react(code)) {
        Ok(c) => c.code.clone(),
        Err(e) => panic!("{e}\n{:#?}", e.report()),
    }
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("promptdeck-compiler-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn node(args: &[&str]) -> std::process::Output {
    Command::new("node")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("these tests need Node.js (`node`) on PATH: {e}"))
}

#[test]
fn the_output_parses_as_a_module_without_imports_and_with_a_default_export() {
    for (name, code) in fixtures() {
        let js = compile(&code);
        let allocator = Allocator::default();
        let ret = Parser::new(&allocator, &js, SourceType::mjs()).parse();
        assert!(ret.diagnostics.is_empty(), "{name}: {:?}\n{js}", ret.diagnostics);
        let body = &ret.program.body;
        assert!(
            !body.iter().any(|s| matches!(s, Statement::ImportDeclaration(_))),
            "{name}: imports remain\n{js}"
        );
        let defaults = body.iter().filter(|s| matches!(s, Statement::ExportDefaultDeclaration(_))).count();
        assert_eq!(defaults, 1, "{name}: one default export\n{js}");
        assert!(!js.contains("import("), "{name}\n{js}");
    }
}

#[test]
fn node_accepts_the_output_as_an_es_module() {
    for (name, code) in fixtures() {
        let path = temp_file(&format!("{name}.mjs"), &compile(&code));
        let out = node(&["--check", path.to_str().unwrap()]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn the_output_runs_against_the_runtime_registry() {
    let module = temp_file("hello-run.mjs", &compile(HELLO));
    let runner = temp_file(
        "runner.mjs",
        r#"
const jsx = (type, props) => ({ type: typeof type === 'function' ? type.name : String(type), props });
const react = { useState: (v) => [v, () => {}], Fragment: 'Fragment' };
const modules = {
  react,
  'react/jsx-runtime': { jsx, jsxs: jsx, Fragment: 'Fragment' },
  uuid: { v4: () => 'uuid-1' },
};
globalThis.__promptdeck__ = {
  require(id) {
    if (!(id in modules)) throw new Error('unexpected module ' + id);
    return modules[id];
  },
};
const mod = await import(new URL('file://' + process.argv[2]));
console.log(JSON.stringify(mod.default({ name: 'Ada' })));
"#,
    );
    let out = node(&[runner.to_str().unwrap(), module.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for expected in ["\"type\":\"div\"", "\"className\":\"hello\"", "Ada", "uuid-1", "2", "react-bound"] {
        assert!(stdout.contains(expected), "missing {expected} in {stdout}");
    }
}

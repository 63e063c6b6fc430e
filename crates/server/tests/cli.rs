//! The `promptdeck` command line: `ui check`, `ui compile`, `run` and `user promote`, run as a
//! user would run them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_promptdeck"))
}

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("promptdeck-cli-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(cmd: &mut Command) -> (Output, String) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    (out, stdout)
}

fn check(path: &Path, kind: Option<&str>) -> (i32, Value) {
    let mut cmd = bin();
    cmd.arg("ui").arg("check").arg(path);
    if let Some(kind) = kind {
        cmd.args(["--type", kind]);
    }
    let (out, stdout) = run(&mut cmd);
    (out.status.code().unwrap(), serde_json::from_str(stdout.trim()).unwrap())
}

#[test]
fn ui_check_accepts_a_good_component_with_exit_zero() {
    let dir = TempDir::new();
    let file = dir.file("ok.tsx", "export default function App() { return <div>Hi</div>; }\n");
    let (code, report) = check(&file, None);
    assert_eq!(code, 0);
    assert_eq!(report["validated"], true);
    assert_eq!(report["validation_errors"], serde_json::json!([]));
}

#[test]
fn ui_check_reports_line_column_and_rule_and_exits_non_zero() {
    let dir = TempDir::new();
    let file = dir
        .file("bad.tsx", "export default function App() {\n  fetch('/api/prompts');\n  return <div/>;\n}\n");
    let (code, report) = check(&file, None);
    assert_ne!(code, 0);
    assert_eq!(report["validated"], false);
    let issue = &report["validation_errors"][0];
    assert_eq!(issue["line"], 2);
    assert_eq!(issue["column"], 3);
    assert_eq!(issue["rule"], "no-network");
    assert!(!issue["message"].as_str().unwrap().is_empty());
}

#[test]
fn ui_check_points_a_syntax_error_at_its_line() {
    let dir = TempDir::new();
    let file = dir
        .file("broken.tsx", "export default function App() {\n  const x = ;\n  return <div>{x}</div>;\n}\n");
    let (code, report) = check(&file, Some("react"));
    assert_ne!(code, 0);
    let issue = &report["validation_errors"][0];
    assert_eq!(issue["rule"], "syntax");
    assert_eq!(issue["line"], 2, "{report}");
}

#[test]
fn ui_check_takes_the_type_from_the_flag() {
    let dir = TempDir::new();
    let file =
        dir.file("form.txt", "<form><input name=\"topic\"><button>Go</button></form><output></output>");
    let (code, report) = check(&file, Some("template"));
    assert_eq!(code, 0, "{report}");
    let file = dir.file("schema.txt", r#"{"type":"object","properties":{"topic":{"type":"string"}}}"#);
    let (code, report) = check(&file, Some("json-schema"));
    assert_eq!(code, 0, "{report}");
}

#[test]
fn ui_check_refuses_an_unknown_type() {
    let dir = TempDir::new();
    let file = dir.file("ok.tsx", "export default () => <div/>;\n");
    let out = bin().args(["ui", "check"]).arg(&file).args(["--type", "vue"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("component_type"));
}

#[test]
fn ui_compile_prints_one_json_line_per_file() {
    let dir = TempDir::new();
    let a = dir.file("a.tsx", "import { useState } from 'react';\nexport default function A() { const [n] = useState(1); return <b>{n}</b>; }\n");
    let b = dir.file("b.tsx", "export default () => <i>b</i>;\n");
    let bad = dir.file("c.tsx", "import x from 'left-pad';\nexport default () => <i>{x}</i>;\n");
    let (out, stdout) = run(bin().args(["ui", "compile"]).arg(&a).arg(&b).arg(&bad));
    assert!(!out.status.success(), "one file is invalid, so the exit code says so");
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["ok"], true);
    let code = lines[0]["code"].as_str().unwrap();
    assert!(code.contains("export default") && !code.contains("import "), "{code}");
    assert_eq!(lines[1]["ok"], true);
    assert_eq!(lines[2]["ok"], false);
    assert_eq!(lines[2]["validation_errors"][0]["rule"], "disallowed-import");
}

#[test]
fn ui_check_and_compile_report_deep_nesting_as_too_deep_instead_of_overflowing() {
    // 20,000 nested arrays overflowed the 8 MiB main thread the command ran the compiler on.
    let dir = TempDir::new();
    let deep = format!(
        "export default function App() {{\n  const x = {}1{};\n  return null;\n}}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let file = dir.file("deep.tsx", &deep);
    let (code, report) = check(&file, None);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["validation_errors"][0]["rule"], "too-deep", "{report}");
    assert_eq!(report["validation_errors"][0]["line"], 2, "{report}");

    let (out, stdout) = run(bin().args(["ui", "compile"]).arg(&file));
    assert_eq!(out.status.code(), Some(1));
    let line: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(line["validation_errors"][0]["rule"], "too-deep", "{line}");
}

#[test]
fn run_streams_the_resolved_prompt_through_the_echo_model() {
    let dir = TempDir::new();
    let prompt = dir.file(
        "prompt.json",
        r#"{"name":"story","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"a story about {{topic}} in {{style}} style"}],
            "variableDefaults":[{"name":"style","defaultValue":"fantasy"}],"settings":{"model_id":"echo"}}"#,
    );
    let (out, stdout) = run(bin().args(["run", "--prompt"]).arg(&prompt).args(["--var", "topic=dragons"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.trim_end(), "a story about dragons in fantasy style");
    let (out, stdout) = run(bin().args(["run", "--prompt"]).arg(&prompt).args(["--input", "and then?"]));
    assert!(out.status.success());
    assert_eq!(stdout.trim_end(), "and then?");
}

#[test]
fn run_with_an_unknown_model_fails_clearly() {
    let dir = TempDir::new();
    let prompt = dir.file(
        "p.json",
        r#"{"name":"p","messages":[{"role":"user","content":"hi"}],"settings":{"model_id":"nope"}}"#,
    );
    let out = bin().args(["run", "--prompt"]).arg(&prompt).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

#[test]
fn user_promote_reports_an_unknown_email() {
    let dir = TempDir::new();
    let db = format!("sqlite://{}/db.sqlite", dir.0.display());
    let out = bin().args(["user", "promote", "nobody@example.com", "--database", &db]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody@example.com"));
}

//! The CPU time of the worst inputs found for each bound (each within the 512 KiB code limit):
//! nesting refused before parsing, nesting parsed as deep as the token budget allows, valid
//! code at the bounds, the quadratic shapes of HTML, and JSON Schemas as deep as request
//! bodies go. Each runs uncached on a compiler thread, again and again until it has used a
//! third of a second of CPU: the figure is that thread's CPU time (`/proc/thread-self/stat`,
//! whose clock ticks are coarse, hence the repetition) per run.
//!
//! `cargo bench -p promptdeck-compiler --bench hostile`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use promptdeck_compiler::{
    Compiler, MAX_CODE_BYTES, MAX_NESTING_DEPTH, MAX_NESTING_TOKENS, UiSource, spawn_compile_thread,
};
use promptdeck_core::ComponentType;
use serde_json::{Value, json};

struct Input {
    name: &'static str,
    kind: ComponentType,
    code: String,
    schema: Option<Value>,
    values: Option<Value>,
}

fn react(name: &'static str, code: String) -> Input {
    Input { name, kind: ComponentType::React, code, schema: None, values: None }
}

fn template(name: &'static str, code: String) -> Input {
    Input { name, kind: ComponentType::Template, code, schema: None, values: None }
}

fn component(line: &str) -> String {
    format!("export default function App() {{\n  let a: any = 1, f: any;\n{line}\n  return <div />;\n}}\n")
}

fn nest(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

/// As many of `unit` (of `tokens` nesting tokens each) as the token budget allows.
fn budget(tokens: usize) -> usize {
    (MAX_NESTING_TOKENS - 64) / tokens
}

fn inputs() -> Vec<Input> {
    let fixture = include_str!("fixtures/component.tsx").to_owned();
    let wide: String = (0..budget(100 + 2))
        .map(|i| format!("  const v{i} = {};\n", nest("(", "a", ")", 100)))
        .collect::<String>();
    let nested_schema = {
        let mut schema = json!({"type": "string", "pattern": "^(a+)+$"});
        let mut values = json!("a".repeat(1000));
        for _ in 0..126 {
            schema = json!({"type": "object", "properties": {"a": schema}});
            values = json!({ "a": values });
        }
        (schema, values)
    };
    let rows: String =
        (0..4_000).map(|i| format!("<tr><td><b>{i}</b></td><td><a href='#r{i}'>row</a></td></tr>")).collect();
    vec![
        react("react: the 360-line benchmark component", fixture),
        react(
            "react: 1,400 nested parentheses (the issue's 2.8 KB)",
            component(&format!("  const x = {};", nest("(", "1", ")", 1_400))),
        ),
        react(
            "react: parentheses to the token budget, parsed",
            component(&format!("  const x = {};", nest("(", "1", ")", budget(1)))),
        ),
        react(
            "react: tuple types to the token budget, parsed",
            component(&format!("  type T = {};", nest("[", "A", "]", budget(1)))),
        ),
        react(
            "react: classes to the token budget, parsed",
            component(&format!("  const x = {};", nest("class { m() { return ", "1", " } }", budget(5)))),
        ),
        react("react: 512 KiB of `(`, refused before parsing", "(".repeat(MAX_CODE_BYTES)),
        react(
            "react: 512 KiB member chain `a.b.b…`",
            format!("x = a{}", ".b".repeat(MAX_CODE_BYTES / 2 - 8)),
        ),
        react("react: 512 KiB of `!`", format!("x = {}a", "!".repeat(MAX_CODE_BYTES - 8))),
        react("react: valid, at the token budget (statements 100 deep)", component(&wide)),
        react("react: valid, mixed nesting as deep as the bound allows", deepest_valid_mix()),
        react(
            "react: 500 KB of `fetch;` (85,000 lint issues)",
            component(&"  fetch;\n".repeat(MAX_CODE_BYTES / 9 - 20)),
        ),
        template("template: 100,000 nested <div> (500 KB)", "<div>".repeat(100_000)),
        template("template: <b><i> nested 40,000 times", "<b><i>".repeat(40_000)),
        template(
            "template: 200 formatting elements re-opened per paragraph",
            format!(
                "<p>{}{}",
                (0..200).map(|i| format!("<b id=b{i}>")).collect::<String>(),
                "</p><p>x".repeat(60_000)
            ),
        ),
        template(
            "template: one tag with 50,000 attributes",
            format!("<p {}>", (0..50_000).map(|i| format!("a{i} ")).collect::<String>()),
        ),
        template(
            "template: 36,000 foster-parented <span>s",
            format!("<table>{}", "<span>x</span>".repeat(36_000)),
        ),
        template("template: 30,000 misnested links", "<a><div>x</a>".repeat(30_000)),
        template(
            "template: formatting elements left open by 5,000 blocks",
            (0..5_000).map(|i| format!("<div><b class=b{i}><i class=i{i}></div>")).collect(),
        ),
        template("template: 120,000 <br> tags", "<br>".repeat(120_000)),
        template("template: 20,000 nested tables", "<table><tr><td>".repeat(20_000)),
        template("template: valid, 4,000 table rows (48,000 tags)", format!("<table>{rows}</table>")),
        Input {
            name: "json-schema: 127 levels deep, 1,000-char pattern match at the bottom",
            kind: ComponentType::JsonSchema,
            code: String::new(),
            schema: Some(nested_schema.0),
            values: Some(nested_schema.1),
        },
        Input {
            name: "json-schema: `^(a+)+$` on 500 KB of `a`s then `b`",
            kind: ComponentType::JsonSchema,
            code: String::new(),
            schema: Some(
                json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "^(a+)+$"}}}),
            ),
            values: Some(json!({"a": format!("{}b", "a".repeat(500_000))})),
        },
    ]
}

/// CPU time of this thread so far (user and system clock ticks of 10 ms).
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // The fields after the command name (which may hold spaces) are the 3rd onwards; utime and
    // stime are the 14th and 15th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 =
        after_name.split_whitespace().skip(11).take(2).filter_map(|t| t.parse::<u64>().ok()).sum();
    Duration::from_millis(ticks * 10)
}

fn source(input: &Input) -> UiSource<'_> {
    UiSource {
        component_type: input.kind,
        code: &input.code,
        props_schema: input.schema.as_ref(),
        default_props: input.values.as_ref(),
        prompt_variables: None,
    }
}

/// Compiles `input` uncached until a third of a second of CPU is spent (at least 3 times, at
/// most 2,000): CPU time per run, and the outcome.
fn measure(input: &Input) -> (Duration, String) {
    let compiler = Compiler::new(0);
    let src = source(input);
    let mut outcome = String::new();
    let (start, mut runs) = (thread_cpu(), 0u32);
    while runs < 3 || (runs < 2_000 && thread_cpu() - start < Duration::from_millis(330)) {
        let result = std::hint::black_box(compiler.compile(&src));
        runs += 1;
        outcome = match result {
            Ok(compiled) if compiled.report.validated => "compiled".to_owned(),
            Ok(compiled) => format!("compiled, {} issues", compiled.report.validation_errors.len()),
            Err(error) => {
                let first = &error.report().validation_errors[0];
                format!("{} at {}:{}", first.rule, first.line, first.column)
            }
        };
    }
    ((thread_cpu() - start) / runs, outcome)
}

/// The deepest mix of expression units that still compiles (found by bisection).
fn deepest_valid_mix() -> String {
    let units = [("(", ")"), ("[", "]"), ("{ a: ", " }"), ("<i>{", "}</i>"), ("f(", ")"), ("(b => (", "))")];
    let code = |levels: usize| {
        let open: String = (0..levels).map(|i| units[i % units.len()].0).collect();
        let close: String = (0..levels).rev().map(|i| units[i % units.len()].1).collect();
        component(&format!("  const x = {open}a{close};"))
    };
    let compiles = |levels: usize| {
        let input = react("", code(levels));
        Compiler::new(0).compile(&source(&input)).is_ok()
    };
    let (mut good, mut bad) = (1, MAX_NESTING_DEPTH);
    while bad - good > 1 {
        let mid = (good + bad) / 2;
        if compiles(mid) { good = mid } else { bad = mid }
    }
    code(good)
}

fn main() {
    let inputs = inputs();
    let rows = spawn_compile_thread(move || {
        inputs
            .iter()
            .map(|input| {
                let bytes = input.code.len()
                    + input.schema.as_ref().map_or(0, |s| s.to_string().len())
                    + input.values.as_ref().map_or(0, |v| v.to_string().len());
                assert!(bytes <= MAX_CODE_BYTES, "{} is over the code limit", input.name);
                let (cpu, outcome) = measure(input);
                (input.name, bytes, cpu, outcome)
            })
            .collect::<Vec<_>>()
    })
    .expect("a compiler thread")
    .join()
    .expect("the benchmark ran");
    println!("{:<64} {:>8} {:>10}  outcome", "input", "bytes", "CPU/run");
    for (name, bytes, cpu, outcome) in rows {
        println!("{name:<64} {bytes:>8} {:>7.2} ms  {outcome}", cpu.as_secs_f64() * 1e3);
    }
}

//! Measures how much stack oxc spends per level of each nesting construct, to size the
//! compiler's threads (`src/limits.rs`). For each construct it finds, by bisection, the deepest
//! nesting that parses (and, with `PHASES`, also goes through semantic analysis, the
//! transformer and the code generator) on a thread with `STACK_KB` of stack; each attempt runs
//! in a child process, since overflowing a stack aborts the process. It prints the stack per
//! level and per nesting token (the unit `MAX_NESTING_TOKENS` counts).
//!
//! `cargo run --release -p promptdeck-compiler --example stack_probe [CONSTRUCT...]`, where a
//! construct is a name below, or `expr:A|B|…`, `type:A|B|…` or `stmt:A|B|…` for units A, B, …
//! nested in turn (unclosed) in an expression, a type or a statement. Without arguments, every
//! named construct. `STACK_KB` (default 2048), `PHASES` (default `parse,codegen`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};

use oxc_allocator::Allocator;
use oxc_codegen::Codegen;
use oxc_parser::{Kind, Parser};
use oxc_semantic::SemanticBuilder;
use oxc_span::SourceType;
use oxc_transformer::{JsxOptions, JsxRuntime, TransformOptions, Transformer};

/// `(name, prefix, open, inner, close)`: `prefix + open × n + inner + close × n`.
const CONSTRUCTS: &[(&str, &str, &str, &str, &str)] = &[
    ("paren", "x = ", "(", "1", ")"),
    ("array", "x = ", "[", "1", "]"),
    ("object", "x = ", "{a:", "1", "}"),
    ("jsx", "x = ", "<a>", "", "</a>"),
    ("jsx-expression", "x = <a>", "{<a>", "1", "</a>}"),
    ("jsx-attribute", "x = ", "<a b={", "1", "}/>"),
    ("not", "x = ", "!", "a", ""),
    ("typeof", "x = ", "typeof ", "a", ""),
    ("await", "async function f(){ x = ", "await ", "a", ""),
    ("new", "x = ", "new ", "A", ""),
    ("arrow", "x = ", "a=>", "1", ""),
    ("ternary", "x = ", "a?", "1", ":1"),
    ("assignment", "x = ", "a=", "1", ""),
    ("call", "x = ", "f(", "1", ")"),
    ("call-chain", "x = f", "", "", "()"),
    ("member-chain", "x = a", "", "", ".b"),
    ("binary-chain", "x = a", "", "", "+a"),
    ("exponent", "x = ", "a**", "a", ""),
    ("template", "x = ", "`${", "1", "}`"),
    ("class", "x = ", "class{m(){return ", "1", "}}"),
    ("function", "", "function f(){", "", "}"),
    ("spread", "x = ", "[...", "a", "]"),
    ("block", "", "{", "", "}"),
    ("if", "", "if(a)", ";", ""),
    ("else-if", "if(a){}", "else if(a){}", "", ""),
    ("while", "", "while(a)", ";", ""),
    ("array-pattern", "let ", "[", "a", "]"),
    ("object-pattern", "let ", "{a:", "b", "}"),
    ("assignment-pattern", "", "[", "a", "]"),
    ("type-arguments", "type T = ", "A<", "1", ">"),
    ("union", "type T = ", "(A|", "1", ")"),
    ("conditional-type", "type T = ", "A extends B ? C : ", "1", ""),
    ("tuple", "type T = ", "[", "1", "]"),
    ("function-type", "type T = ", "()=>", "1", ""),
    ("array-type", "type T = A", "", "", "[]"),
    ("object-type", "type T = ", "{a:", "1", "}"),
    ("keyof", "type T = ", "keyof ", "A", ""),
    ("qualified-name", "type T = A", "", "", ".B"),
    ("template-type", "type T = ", "`${", "1", "}`"),
    ("namespace", "", "namespace A{", "", "}"),
    ("regex-groups", "x = /", "(", "a", ")"),
];

fn source(construct: &str, n: usize) -> String {
    for (context, prefix) in [("expr:", "x = "), ("type:", "type T = "), ("stmt:", "")] {
        if let Some(units) = construct.strip_prefix(context) {
            let units: Vec<&str> = units.split('|').collect();
            return prefix.to_owned() + &(0..n).map(|i| units[i % units.len()]).collect::<String>();
        }
    }
    let (_, prefix, open, inner, close) = CONSTRUCTS
        .iter()
        .find(|c| c.0 == construct)
        .unwrap_or_else(|| panic!("unknown construct {construct}"));
    let tail = if construct == "regex-groups" { "/;" } else { ";" };
    format!("{prefix}{}{inner}{}{tail}", open.repeat(n), close.repeat(n))
}

/// Tokens that can open a nesting level, counted as `src/react/budget.rs` does.
fn nesting_tokens(code: &str) -> usize {
    let bytes = code.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let (mut i, mut count) = (0, 0);
    while i < bytes.len() {
        let start = i;
        if word(bytes[i]) {
            while i < bytes.len() && word(bytes[i]) {
                i += 1;
            }
            count += usize::from(Kind::match_keyword(&code[start..i]) != Kind::Ident);
        } else {
            i += 1;
            count +=
                usize::from(bytes[start].is_ascii_punctuation() && !b")]},;'\"$_".contains(&bytes[start]));
        }
    }
    count
}

/// Runs the phases up to `last` on `code`.
fn compile(code: &str, last: &str) {
    let allocator = Allocator::default();
    let mut program = Parser::new(&allocator, code, SourceType::tsx()).parse().program;
    if last == "parse" {
        return;
    }
    let semantic = SemanticBuilder::new()
        .with_check_syntax_error(true)
        .with_build_nodes(true)
        .with_enum_eval(true)
        .build(&program);
    if last == "semantic" {
        return;
    }
    let options = TransformOptions {
        jsx: JsxOptions {
            runtime: JsxRuntime::Automatic,
            import_source: Some("react".into()),
            ..JsxOptions::enable()
        },
        ..TransformOptions::default()
    };
    let scoping = semantic.semantic.into_scoping();
    let _ =
        Transformer::new(&allocator, Path::new("c.tsx"), &options).build_with_scoping(scoping, &mut program);
    if last == "transform" {
        return;
    }
    let _ = Codegen::new().build(&program).code;
}

/// Whether `construct` nested `n` deep gets through `phase` on a stack of `stack_kb`.
fn fits(construct: &str, n: usize, phase: &str, stack_kb: usize) -> bool {
    let exe = std::env::current_exe().expect("the probe's own path");
    Command::new(exe)
        .args(["--child", construct, &n.to_string(), phase, &stack_kb.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The deepest nesting that fits, by doubling then bisection (to within 1/64).
fn deepest(construct: &str, phase: &str, stack_kb: usize) -> Option<usize> {
    let (mut fits_at, mut fails_at) = (0, 64);
    while fits(construct, fails_at, phase, stack_kb) {
        fits_at = fails_at;
        fails_at *= 2;
        if fails_at > 1 << 22 {
            return None; // never overflows: not recursive
        }
    }
    while fails_at - fits_at > (fits_at / 64).max(1) {
        let mid = (fits_at + fails_at) / 2;
        if fits(construct, mid, phase, stack_kb) { fits_at = mid } else { fails_at = mid }
    }
    Some(fits_at)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, construct, n, phase, stack_kb] = args.as_slice()
        && flag == "--child"
    {
        let code = source(construct, n.parse().expect("a depth"));
        let phase = phase.clone();
        let stack = stack_kb.parse::<usize>().expect("a stack size") * 1024;
        let worker = std::thread::Builder::new().stack_size(stack).spawn(move || compile(&code, &phase));
        worker.expect("a thread").join().expect("no panic");
        return;
    }
    let stack_kb: usize = std::env::var("STACK_KB").ok().and_then(|s| s.parse().ok()).unwrap_or(2048);
    let phases = std::env::var("PHASES").unwrap_or_else(|_| "parse,codegen".to_owned());
    let constructs: Vec<String> =
        if args.is_empty() { CONSTRUCTS.iter().map(|c| c.0.to_owned()).collect() } else { args };
    for construct in &constructs {
        let mut line = format!("{construct:24}");
        for phase in phases.split(',') {
            match deepest(construct, phase, stack_kb) {
                None => line += &format!(" {phase}: no recursion"),
                Some(levels) => {
                    let text = source(construct, levels);
                    let tokens = nesting_tokens(&text).max(1);
                    let stack = stack_kb * 1024;
                    line += &format!(
                        " {phase}: {levels} levels, {} B/level, {} B/token",
                        stack / levels.max(1),
                        stack / tokens
                    );
                }
            }
        }
        println!("{line}");
    }
}

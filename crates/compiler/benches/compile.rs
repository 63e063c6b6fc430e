//! Compiling a realistic ~300-line TSX component, uncached (the cache is disabled), to set
//! against `@babel/standalone` on the same file (`benches/babel/bench.mjs`).

#![allow(missing_docs)] // criterion's macros generate undocumented items

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use promptdeck_compiler::{Compiler, UiSource};
use promptdeck_core::ComponentType;

const FIXTURE: &str = include_str!("fixtures/component.tsx");

fn compile(c: &mut Criterion) {
    let compiler = Compiler::new(0);
    let src = UiSource {
        component_type: ComponentType::React,
        code: FIXTURE,
        props_schema: None,
        default_props: None,
        prompt_variables: None,
    };
    assert!(compiler.compile(&src).is_ok(), "the fixture must compile");
    c.bench_function("compile_react_300_lines_uncached", |b| {
        b.iter(|| compiler.compile(black_box(&src)).map(|c| c.code.len()))
    });
}

criterion_group!(benches, compile);
criterion_main!(benches);

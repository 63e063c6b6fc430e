//! Prints the compiled module for a TSX file: `cargo run -p promptdeck-compiler --example compile_file FILE`.

use promptdeck_compiler::{Compiler, UiSource};
use promptdeck_core::ComponentType;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: compile_file FILE.tsx");
        std::process::exit(2);
    };
    let code = match std::fs::read_to_string(&path) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let src = UiSource {
        component_type: ComponentType::React,
        code: &code,
        props_schema: None,
        default_props: None,
        prompt_variables: None,
    };
    match Compiler::new(1).compile(&src) {
        Ok(compiled) => print!("{}", compiled.code),
        Err(e) => {
            for i in &e.report().validation_errors {
                eprintln!("{path}:{}:{} {} {}", i.line, i.column, i.rule, i.message);
            }
            std::process::exit(1);
        }
    }
}

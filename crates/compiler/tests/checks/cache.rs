//! The compile cache: an unchanged UI is compiled once; any change in what the result
//! depends on compiles again.

use std::sync::Arc;

use promptdeck_compiler::{Compiler, UiSource};
use promptdeck_core::ComponentType;

use crate::helpers::react;

#[test]
fn an_unchanged_ui_is_served_from_the_cache() {
    let compiler = Compiler::new(16);
    let code = "export default () => <p>cached</p>;";
    let a = compiler.compile(&react(code)).unwrap();
    let b = compiler.compile(&react(code)).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let c = compiler.compile(&react("export default () => <p>changed</p>;")).unwrap();
    assert!(!Arc::ptr_eq(&a, &c));
    assert_ne!(a.hash, c.hash);
}

#[test]
fn the_kind_and_the_prompts_variables_are_part_of_the_key() {
    let compiler = Compiler::new(16);
    let html = "<p>{{x}}</p>";
    let none = UiSource {
        component_type: ComponentType::Template,
        code: html,
        props_schema: None,
        default_props: None,
        prompt_variables: None,
    };
    let vars = vec!["y".to_string()];
    let with = UiSource { prompt_variables: Some(&vars), ..none };
    assert!(compiler.compile(&none).unwrap().report.validated);
    assert!(!compiler.compile(&with).unwrap().report.validated);
}

#[test]
fn failures_are_cached_too_and_the_cache_stays_bounded() {
    let compiler = Compiler::new(2);
    let bad = react("import x from 'nope'; export default () => <p>{x}</p>;");
    let first = compiler.compile(&bad).unwrap_err();
    assert_eq!(compiler.compile(&bad).unwrap_err(), first);
    for i in 0..10 {
        let code = format!("export default () => <p>{i}</p>;");
        compiler.compile(&react(&code)).unwrap();
    }
    assert!(format!("{compiler:?}").contains("cached: 2"), "{compiler:?}");
}

#[test]
fn the_compiler_can_be_shared_between_threads() {
    let compiler = Arc::new(Compiler::new(8));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let compiler = Arc::clone(&compiler);
            std::thread::spawn(move || {
                let code = format!("export default () => <p>{}</p>;", i % 2);
                compiler.compile(&react(&code)).unwrap().hash.clone()
            })
        })
        .collect();
    let hashes: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(hashes[0], hashes[2]);
    assert_ne!(hashes[0], hashes[1]);
}

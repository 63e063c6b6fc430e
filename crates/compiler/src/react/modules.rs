//! The module ids a component may import, the seed's implicit names (which its runner passed
//! to every component), and the prelude that turns imports into registry look-ups.
//!
//! The emitted module has no `import` statement. Every import becomes a read from the registry
//! the sandbox runtime installs, `globalThis.__promptdeck__.require(id)`, which returns the
//! module object: named imports are its properties, a namespace import is the object itself,
//! and a default import is its `default` property, or the object when it has none.

use std::fmt::Write as _;

/// The module ids the sandbox runtime provides.
pub const ALLOWED_MODULES: &[&str] = &[
    "react",
    "react/jsx-runtime",
    "promptdeck",
    "uuid",
    "@/lib/redux/hooks",
    "@/lib/redux/socket-io/thunks/submitTaskThunk",
    "@/lib/redux/socket-io/selectors/socket-response-selectors",
    "@/features/ai-runs/hooks/useAiRun",
    "@/components/mardown-display/chat-markdown/EnhancedChatMarkdown",
    "@/features/prompts/hooks/usePromptRunnerModal",
    "@/features/prompts/components/modal/PromptRunnerModal",
];

/// The expression the emitted module uses to reach the runtime's module registry.
pub const REGISTRY: &str = "globalThis.__promptdeck__.require";

/// Whether a component may import `id`.
pub(crate) fn is_allowed(id: &str) -> bool {
    ALLOWED_MODULES.contains(&id)
}

/// One binding an import (or an implicit seed name) creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Binding {
    /// `import { imported as local }`.
    Named { imported: String, local: String },
    /// `import local from`.
    Default(String),
    /// `import * as local from`.
    Namespace(String),
}

/// One import declaration after the TypeScript and JSX transforms.
#[derive(Debug, Clone)]
pub(crate) struct ImportInfo {
    /// The module id.
    pub(crate) source: String,
    /// What it binds; empty for `import "id"`.
    pub(crate) bindings: Vec<Binding>,
}

const SELECTORS: &str = "@/lib/redux/socket-io/selectors/socket-response-selectors";
const REACT_NAMES: &[&str] = &[
    "useState",
    "useEffect",
    "useMemo",
    "useCallback",
    "useRef",
    "useReducer",
    "useContext",
    "useLayoutEffect",
    "useId",
    "useTransition",
    "useDeferredValue",
    "Fragment",
    "createContext",
    "memo",
    "forwardRef",
];

/// The binding a free (undeclared, unimported) name stands for, as the seed's runner passed
/// it to every component: `React`, React's hooks, the Redux hooks and thunk, `useAiRun`,
/// `EnhancedChatMarkdown`, uuid's `v4` (also as `uuidv4`), the response selectors (also as
/// `selectors`) and the prompt-runner modal. `None` for any other name.
pub(crate) fn implicit(name: &str) -> Option<(&'static str, Binding)> {
    let named = |module: &'static str, imported: &str| {
        Some((module, Binding::Named { imported: imported.to_owned(), local: name.to_owned() }))
    };
    match name {
        "React" => Some(("react", Binding::Default(name.to_owned()))),
        n if REACT_NAMES.contains(&n) => named("react", n),
        "useAppDispatch" | "useAppSelector" => named("@/lib/redux/hooks", name),
        "createAndSubmitTask" => named("@/lib/redux/socket-io/thunks/submitTaskThunk", name),
        "useAiRun" => named("@/features/ai-runs/hooks/useAiRun", name),
        "EnhancedChatMarkdown" => Some((
            "@/components/mardown-display/chat-markdown/EnhancedChatMarkdown",
            Binding::Default(name.to_owned()),
        )),
        "v4" | "uuidv4" => named("uuid", "v4"),
        "selectors" => Some((SELECTORS, Binding::Namespace(name.to_owned()))),
        "selectPrimaryResponseTextByTaskId" | "selectPrimaryResponseEndedByTaskId" => named(SELECTORS, name),
        "usePromptRunnerModal" => named("@/features/prompts/hooks/usePromptRunnerModal", name),
        "PromptRunnerModal" => named("@/features/prompts/components/modal/PromptRunnerModal", name),
        _ => None,
    }
}

/// A prefix for the prelude's module variables that the source never uses.
pub(crate) fn hidden_prefix(source: &str) -> String {
    (0u32..)
        .map(|n| if n == 0 { "__pd_m".to_owned() } else { format!("__pd{n}_m") })
        .find(|p| !source.contains(p.as_str()))
        .unwrap_or_else(|| "__pd_m".to_owned())
}

/// The statements that replace the imports: one registry look-up per module, then its bindings.
pub(crate) fn prelude(imports: &[ImportInfo], prefix: &str) -> String {
    let mut modules: Vec<(&str, Vec<&Binding>)> = Vec::new();
    for import in imports {
        let slot = match modules.iter().position(|(m, _)| *m == import.source) {
            Some(i) => i,
            None => {
                modules.push((&import.source, Vec::new()));
                modules.len() - 1
            }
        };
        modules[slot].1.extend(import.bindings.iter());
    }
    let mut out = String::new();
    for (i, (module, bindings)) in modules.iter().enumerate() {
        let var = format!("{prefix}{i}");
        let _ = writeln!(out, "const {var} = {REGISTRY}({});", js_string(module));
        let named: Vec<String> = bindings
            .iter()
            .filter_map(|b| match b {
                Binding::Named { imported, local } if imported == local && is_identifier(imported) => {
                    Some(local.clone())
                }
                Binding::Named { imported, local } => Some(format!("{}: {local}", js_string(imported))),
                _ => None,
            })
            .collect();
        if !named.is_empty() {
            let _ = writeln!(out, "const {{ {} }} = {var};", named.join(", "));
        }
        for binding in bindings {
            match binding {
                Binding::Default(local) => {
                    let _ = writeln!(out, "const {local} = {var}.default ?? {var};");
                }
                Binding::Namespace(local) => {
                    let _ = writeln!(out, "const {local} = {var};");
                }
                Binding::Named { .. } => {}
            }
        }
    }
    out
}

/// A JavaScript string literal for `s` (JSON strings are valid JavaScript strings).
fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prelude_groups_bindings_by_module() {
        let imports = vec![
            ImportInfo {
                source: "react".into(),
                bindings: vec![
                    Binding::Named { imported: "useState".into(), local: "useState".into() },
                    Binding::Default("React".into()),
                ],
            },
            ImportInfo {
                source: "uuid".into(),
                bindings: vec![Binding::Named { imported: "v4".into(), local: "uuidv4".into() }],
            },
            ImportInfo { source: "react".into(), bindings: vec![Binding::Namespace("R".into())] },
        ];
        let out = prelude(&imports, "__pd_m");
        assert_eq!(
            out,
            "const __pd_m0 = globalThis.__promptdeck__.require(\"react\");\n\
             const { useState } = __pd_m0;\n\
             const React = __pd_m0.default ?? __pd_m0;\n\
             const R = __pd_m0;\n\
             const __pd_m1 = globalThis.__promptdeck__.require(\"uuid\");\n\
             const { \"v4\": uuidv4 } = __pd_m1;\n"
        );
    }

    #[test]
    fn the_hidden_prefix_avoids_names_in_the_source() {
        assert_eq!(hidden_prefix("const x = 1"), "__pd_m");
        assert_eq!(hidden_prefix("const __pd_m0 = 1"), "__pd1_m");
    }
}

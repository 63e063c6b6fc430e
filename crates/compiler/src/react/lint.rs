//! The security checks on a component, done on oxc's semantic model so that only free globals
//! count: a local named `fetch`, a prop named `top` or `obj.fetch` are not violations. They give
//! authors early, precise feedback; the sandbox is the real barrier.

use oxc_ast::AstKind;
use oxc_ast::ast::{
    Argument, BinaryOperator, Expression, JSXAttributeItem, JSXAttributeName, JSXElementName,
    JSXOpeningElement, Program, Statement, TSModuleReference,
};
use oxc_semantic::Semantic;
use oxc_span::GetSpan;
use promptdeck_core::ValidationIssue;

use super::modules;
use super::parse::Locator;
use crate::issue::rules;

const NETWORK: &[&str] = &["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "importScripts"];
const FRAME: &[&str] = &["parent", "top", "opener", "frameElement"];
const GLOBAL_OBJECTS: &[&str] = &["window", "self", "globalThis", "frames"];
/// Prefixes of the WebRTC interfaces (`RTCPeerConnection`, `RTCDataChannel`, `RTCIceCandidate`, …
/// and the old vendor-prefixed names).
const WEBRTC_PREFIXES: &[&str] = &["RTC", "webkitRTC", "mozRTC"];
/// `location` methods that load another document in the frame.
const LOCATION_LOADS: &[&str] = &["assign", "replace", "reload"];

/// What the semantic pass found.
pub(crate) struct Findings {
    /// Rule violations.
    pub(crate) issues: Vec<ValidationIssue>,
    /// Free names used as values, for the seed's implicit bindings.
    pub(crate) free_values: Vec<String>,
}

/// Checks every free global reference and every `import()`.
pub(crate) fn lint(semantic: &Semantic<'_>, locator: &Locator<'_>) -> Findings {
    let scoping = semantic.scoping();
    let nodes = semantic.nodes();
    let mut issues = Vec::new();
    let mut free_values = Vec::new();
    for (name, references) in scoping.root_unresolved_references().iter() {
        let name = name.as_str();
        let mut is_value = false;
        for &reference_id in references.iter() {
            let reference = scoping.get_reference(reference_id);
            if !reference.is_value() {
                continue;
            }
            is_value = true;
            let node_id = reference.node_id();
            let start = nodes.kind(node_id).span().start;
            // Walk up `window.document.cookie`-style chains, through parentheses and TS casts.
            let mut path = vec![name.to_owned()];
            let mut current = node_id;
            loop {
                let current_span = nodes.kind(current).span();
                let parent = nodes.parent_id(current);
                if parent == current {
                    break;
                }
                match nodes.kind(parent) {
                    AstKind::StaticMemberExpression(m) if m.object.span() == current_span => {
                        path.push(m.property.name.to_string());
                    }
                    AstKind::ComputedMemberExpression(m) if m.object.span() == current_span => {
                        match m.expression.get_inner_expression() {
                            Expression::StringLiteral(s) => path.push(s.value.to_string()),
                            _ => break,
                        }
                    }
                    AstKind::ParenthesizedExpression(_)
                    | AstKind::TSAsExpression(_)
                    | AstKind::TSSatisfiesExpression(_)
                    | AstKind::TSNonNullExpression(_)
                    | AstKind::TSTypeAssertion(_) => {}
                    _ => break,
                }
                current = parent;
            }
            let mut path: &[String] = &path;
            loop {
                if path.len() > 1 && GLOBAL_OBJECTS.contains(&path[0].as_str()) {
                    path = &path[1..];
                } else if path.len() > 2 && path[0] == "document" && path[1] == "defaultView" {
                    path = &path[2..];
                } else {
                    break;
                }
            }
            let head = path[0].as_str();
            let second = path.get(1).map(String::as_str);
            let parent = nodes.parent_kind(current);
            let callee_span = nodes.kind(current).span();
            let called = match parent {
                AstKind::CallExpression(c) => c.callee.span() == callee_span,
                AstKind::NewExpression(n) => n.callee.span() == callee_span,
                _ => false,
            };
            let dotted = path.join(".");
            let assigned = matches!(parent, AstKind::AssignmentExpression(a) if a.left.span() == callee_span);
            if WEBRTC_PREFIXES.iter().any(|p| head.starts_with(p)) {
                issues.push(locator.issue(
                    start,
                    rules::NO_WEBRTC,
                    format!("`{dotted}` is WebRTC, which sends packets past the sandbox's network rules; custom UIs may not use it"),
                ));
            } else if let Some(what) = navigation(path, called, assigned) {
                issues.push(locator.issue(
                    start,
                    rules::NO_NAVIGATION,
                    format!("{what} would leave the custom UI's frame, which stops the UI; open links with the SDK's `openLink`"),
                ));
            } else if NETWORK.contains(&head) || (head == "navigator" && second == Some("sendBeacon")) {
                let shown = if head == "navigator" { "navigator.sendBeacon" } else { head };
                issues.push(locator.issue(
                    start,
                    rules::NO_NETWORK,
                    format!("`{shown}` reaches the network, which the sandbox blocks; run the prompt through the promptdeck SDK instead"),
                ));
            } else if head == "eval" || (head == "Function" && path.len() == 1 && called) {
                issues.push(locator.issue(
                    start,
                    rules::NO_EVAL,
                    format!("`{dotted}` runs code built from strings, which custom UIs may not do"),
                ));
            } else if matches!(head, "setTimeout" | "setInterval")
                && path.len() == 1
                && let AstKind::CallExpression(call) = parent
                && called
                && call.arguments.first().is_some_and(is_stringish)
            {
                issues.push(locator.issue(
                    start,
                    rules::NO_EVAL,
                    format!("`{head}` with a string runs code built from strings; pass a function instead"),
                ));
            } else if FRAME.contains(&head)
                || (head == "document" && matches!(second, Some("cookie" | "domain")))
            {
                issues.push(locator.issue(
                    start,
                    rules::NO_FRAME_ESCAPE,
                    format!("`{dotted}` reaches outside the custom UI's sandbox; use the promptdeck SDK to talk to the page"),
                ));
            }
        }
        if is_value && modules::implicit(name).is_some() {
            free_values.push(name.to_owned());
        }
    }
    for node in nodes.iter() {
        match node.kind() {
            AstKind::ImportExpression(e) => issues.push(locator.issue(
                e.span.start,
                rules::NO_DYNAMIC_IMPORT,
                "`import()` loads code at run time; import one of the allowed modules statically instead",
            )),
            AstKind::JSXOpeningElement(e) if is_meta_http_equiv(e) => issues.push(locator.issue(
                e.span.start,
                rules::NO_NAVIGATION,
                "`<meta http-equiv>` can reload or navigate the frame, which stops the UI; the runtime does not render it",
            )),
            _ => {}
        }
    }
    issues.sort_by_key(|i| (i.line, i.column));
    free_values.sort();
    Findings { issues, free_values }
}

/// What a use of `path` (a free global's dotted path, global objects removed) does to the frame's
/// document, when it navigates: `location` and `document.location` assigned (or their `href`,
/// `pathname`, …), `location.assign/replace/reload` called, `open` (a new window) used.
fn navigation(path: &[String], called: bool, assigned: bool) -> Option<String> {
    let path = match path {
        [document, rest @ ..] if document == "document" && rest.first().is_some_and(|r| r == "location") => {
            rest
        }
        _ => path,
    };
    let dotted = path.join(".");
    match path {
        [head] if head == "open" => Some(format!("`{dotted}` opens a window, which")),
        [head] | [head, _] if head == "location" && assigned => Some(format!("assigning `{dotted}`")),
        [head, method] if head == "location" && called && LOCATION_LOADS.contains(&method.as_str()) => {
            Some(format!("`{dotted}()`"))
        }
        _ => None,
    }
}

/// True for a JSX `<meta>` with an `http-equiv` (or `httpEquiv`) attribute.
fn is_meta_http_equiv(e: &JSXOpeningElement<'_>) -> bool {
    matches!(&e.name, JSXElementName::Identifier(id) if id.name == "meta")
        && e.attributes.iter().any(|a| {
            matches!(a, JSXAttributeItem::Attribute(attr)
                if matches!(&attr.name, JSXAttributeName::Identifier(id) if id.name.eq_ignore_ascii_case("httpEquiv") || id.name.eq_ignore_ascii_case("http-equiv")))
        })
}

fn is_stringish(arg: &Argument<'_>) -> bool {
    fn expr(e: &Expression<'_>) -> bool {
        match e.get_inner_expression() {
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => true,
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                expr(&b.left) || expr(&b.right)
            }
            _ => false,
        }
    }
    arg.as_expression().is_some_and(expr)
}

/// Every import (and re-export) of a module the runtime does not provide.
pub(crate) fn check_imports(program: &Program<'_>, locator: &Locator<'_>) -> Vec<ValidationIssue> {
    let mut issues = Vec::new();
    let allowed_list = || modules::ALLOWED_MODULES.join(", ");
    for stmt in &program.body {
        match stmt {
            Statement::ImportDeclaration(d) if !d.import_kind.is_type() => {
                let id = d.source.value.as_str();
                if !modules::is_allowed(id) {
                    issues.push(locator.issue(
                        d.source.span.start,
                        rules::DISALLOWED_IMPORT,
                        format!("module `{id}` is not available to custom UIs; allowed: {}", allowed_list()),
                    ));
                }
            }
            Statement::ExportFromDeclaration(d) if !d.export_kind.is_type() => {
                issues.push(locator.issue(
                    d.source.span.start,
                    rules::DISALLOWED_IMPORT,
                    format!(
                        "re-exporting from `{}` is not supported; import what you need instead",
                        d.source.value
                    ),
                ));
            }
            Statement::ExportAllDeclaration(d) if !d.export_kind.is_type() => {
                issues.push(locator.issue(
                    d.source.span.start,
                    rules::DISALLOWED_IMPORT,
                    format!(
                        "re-exporting from `{}` is not supported; import what you need instead",
                        d.source.value
                    ),
                ));
            }
            Statement::TSImportEqualsDeclaration(d) if !d.import_kind.is_type() => {
                if let TSModuleReference::ExternalModuleReference(r) = &d.module_reference {
                    issues.push(locator.issue(
                        r.expression.span.start,
                        rules::DISALLOWED_IMPORT,
                        format!(
                            "`import … = require(\"{}\")` is not supported; use `import`",
                            r.expression.value
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    issues
}

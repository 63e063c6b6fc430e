//! The security headers over HTTP: every answer of the app origin is `nosniff`, sends no
//! referrer and refuses to be framed; API answers carry a policy under which nothing runs; the
//! app page carries its own policy with a fresh style nonce; the sandbox origin keeps its own.

use reqwest::Method;

use crate::helpers::{Backend, Reply, spawn_app, sqlite_only};

sqlite_only!(
    api_answers_are_nosniff_unframable_and_run_nothing,
    the_app_page_carries_its_policy_with_a_fresh_style_nonce,
    the_sandbox_document_keeps_its_own_policy,
);

#[track_caller]
fn assert_common_headers(reply: &Reply, what: &str) {
    assert_eq!(
        reply.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}: {:?}",
        reply.headers
    );
    assert_eq!(reply.header("referrer-policy").as_deref(), Some("no-referrer"), "{what}");
    assert_eq!(reply.header("x-frame-options").as_deref(), Some("DENY"), "{what}");
    let csp = reply.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: CSP {csp:?}");
}

async fn api_answers_are_nosniff_unframable_and_run_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let answers = [
        ("health", app.health_check().await),
        ("a list", app.list_prompts(&user, "").await),
        ("an error", app.request(Method::GET, "/api/prompts", None, None).await),
        ("an unknown route", app.request(Method::GET, "/api/nothing-here", None, None).await),
        ("the OpenAPI document", app.openapi(&user).await),
        ("a missing asset", app.request(Method::GET, "/assets/missing.js", None, None).await),
        (
            "Socket.IO polling",
            app.request(Method::GET, "/socket.io/?EIO=4&transport=polling", None, None).await,
        ),
    ];

    for (what, reply) in &answers {
        assert_common_headers(reply, what);
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(csp.starts_with("default-src 'none'"), "{what}: CSP {csp:?}");
        assert!(!csp.contains("script-src"), "{what}: nothing may run in an API answer: {csp:?}");
    }
}

async fn the_app_page_carries_its_policy_with_a_fresh_style_nonce(backend: Backend) {
    let app = spawn_app(backend).await;

    let first = app.request(Method::GET, "/prompts/new", None, None).await;
    let second = app.request(Method::GET, "/", None, None).await;

    for reply in [&first, &second] {
        assert_common_headers(reply, "the app page");
        if reply.status.as_u16() == 503 {
            // Built without the front end (PROMPTDECK_SKIP_WEB_BUILD): the browser suite covers the page.
            assert!(reply.body.contains("not built"), "{}", reply.body);
            return;
        }
        assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
        assert_eq!(reply.header("cross-origin-opener-policy").as_deref(), Some("same-origin"));
    }
    let nonce_of = |reply: &Reply| {
        let csp = reply.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'none'",
            "script-src 'self';",
            "img-src 'self' data:;",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{directive} missing from {csp:?}");
        }
        let sandbox_host = app.sandbox.trim_start_matches("http://");
        assert!(
            csp.contains(&format!("frame-src http://{sandbox_host};")),
            "frames only from the sandbox: {csp:?}"
        );
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp:?}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("no style nonce in {csp:?}"))
            .to_owned();
        assert!(
            reply.body.contains(&format!("<meta name=\"promptdeck-csp-nonce\" content=\"{nonce}\"")),
            "the page names the nonce of its header"
        );
        nonce
    };
    assert_ne!(nonce_of(&first), nonce_of(&second), "each page answer has its own nonce");
}

async fn the_sandbox_document_keeps_its_own_policy(backend: Backend) {
    let app = spawn_app(backend).await;

    let reply = app.get_sandbox("/").await;

    let csp = reply.header("content-security-policy").unwrap_or_default();
    assert!(csp.starts_with("default-src 'none'; script-src http://"), "CSP {csp:?}");
    assert!(csp.contains("connect-src 'none'") && csp.contains("form-action 'none'"), "CSP {csp:?}");
    assert!(csp.contains(&format!("frame-ancestors {}", app.address)), "only the app may frame it: {csp:?}");
    assert_eq!(reply.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(reply.header("referrer-policy").as_deref(), Some("no-referrer"));
}

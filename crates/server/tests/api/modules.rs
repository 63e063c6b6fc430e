//! Compiled modules on the sandbox origin (`/m/{hash}.js`): servable by hash to the frame, which
//! has no token, for as long as a UI compiles to them, whatever other users fetch, on any server
//! of the deployment, with the sandbox's headers; a hash nobody compiled is a 404.

use serde_json::json;

use crate::helpers::{
    Backend, Options, Reply, TestApp, TestUser, both_backends, spawn_app, spawn_app_beside, spawn_app_with,
    str_of,
};

both_backends!(
    a_module_stays_servable_after_another_user_fetches_520_distinct_modules,
    a_hash_nobody_compiled_is_not_found,
    modules_are_compiled_again_from_the_database_when_the_cache_keeps_none,
    a_module_compiled_through_one_server_is_served_by_another_on_the_same_database,
    every_official_template_compiles_to_a_module_any_server_serves,
);

/// Creates a react UI with `code` for `user` and fetches its compiled module; returns the UI id
/// and the module's hash and code.
async fn compiled_ui(app: &TestApp, user: &TestUser, code: &str) -> (String, String, String) {
    let prompt = app.new_prompt(user).await;
    let body = json!({"prompt_id": prompt["id"], "name": "Module", "component_code": code});
    let ui = app.create_custom_ui(user, &body).await.expect(201);
    let id = str_of(&ui["id"]).to_owned();
    let (hash, module) = fetch_compiled(app, user, &id).await;
    (id, hash, module)
}

/// `GET /api/custom-uis/{id}/compiled`: the hash from its ETag and the module.
async fn fetch_compiled(app: &TestApp, user: &TestUser, id: &str) -> (String, String) {
    let reply = app.get_compiled(user, id, None).await;
    assert_eq!(reply.status.as_u16(), 200, "body {:?}", reply.body);
    let hash = reply.header("etag").expect("an ETag").trim_matches('"').to_owned();
    assert_eq!(hash.len(), 64, "the ETag is the module's SHA-256: {hash}");
    (hash, reply.body)
}

async fn module(app: &TestApp, hash: &str) -> Reply {
    app.get_sandbox(&format!("/m/{hash}.js")).await
}

/// Asserts `reply` serves `code` as a script under the sandbox's policy.
#[track_caller]
fn assert_serves(reply: &Reply, code: &str) {
    assert_eq!(reply.status.as_u16(), 200, "body {:?}", reply.body);
    assert_eq!(reply.body, code);
    assert!(
        reply.header("content-type").is_some_and(|t| t.starts_with("text/javascript")),
        "{:?}",
        reply.headers
    );
    let csp = reply.header("content-security-policy").unwrap_or_default();
    assert!(csp.starts_with("default-src 'none';") && csp.contains("connect-src 'none'"), "CSP {csp:?}");
    assert_eq!(reply.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(reply.header("referrer-policy").as_deref(), Some("no-referrer"));
}

async fn a_module_stays_servable_after_another_user_fetches_520_distinct_modules(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let mallory = app.new_user().await;
    let (_, hash, code) =
        compiled_ui(&app, &alice, "export default function App() { return <div>Alice's UI</div>; }").await;
    assert_serves(&module(&app, &hash).await, &code);

    // Mallory compiles 520 distinct modules through one UI of hers.
    let (mallory_ui, _, _) =
        compiled_ui(&app, &mallory, "export default function App() { return <p>0</p>; }").await;
    let mut last = String::new();
    for i in 1..=520 {
        let code = format!("export default function App() {{ return <p>{i}</p>; }}");
        app.update_custom_ui(&mallory, &mallory_ui, &json!({"component_code": code})).await.expect(200);
        let (hash, _) = fetch_compiled(&app, &mallory, &mallory_ui).await;
        assert_ne!(hash, last, "every version is a distinct module");
        last = hash;
    }

    assert_serves(&module(&app, &hash).await, &code);
}

async fn a_hash_nobody_compiled_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let (_, hash, _) =
        compiled_ui(&app, &user, "export default function App() { return <b>known</b>; }").await;

    let unknown = "0123456789abcdef".repeat(4);
    for path in [
        format!("/m/{unknown}.js"),
        format!("/m/{}.js", &hash[..63]),
        format!("/m/{hash}"),
        format!("/m/{}.js", "zz".repeat(32)),
        format!("/m/..%2F{hash}.js"),
    ] {
        let reply = app.get_sandbox(&path).await;
        assert_eq!(reply.status.as_u16(), 404, "{path}: {:?}", reply.body);
        assert_eq!(reply.header("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert!(reply.header("content-security-policy").is_some(), "{path}");
        assert_eq!(
            reply.header("cache-control").as_deref(),
            Some("no-store"),
            "{path}: a miss is never cached"
        );
    }
    // Uppercase hex names the same module.
    assert_eq!(module(&app, &hash.to_uppercase()).await.status.as_u16(), 200);
}

async fn modules_are_compiled_again_from_the_database_when_the_cache_keeps_none(backend: Backend) {
    let app = spawn_app_with(backend, Options { module_cache_bytes: Some(0), ..Options::default() }).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let (id, hash, code) =
        compiled_ui(&app, &alice, "export default function App() { return <i>v1</i>; }").await;

    assert_serves(&module(&app, &hash).await, &code);
    assert_serves(&module(&app, &hash).await, &code);

    // Bob's UI with the same code shares the module; it survives Alice deleting hers.
    let (bob_ui, bob_hash, _) =
        compiled_ui(&app, &bob, "export default function App() { return <i>v1</i>; }").await;
    assert_eq!(bob_hash, hash);
    app.delete_custom_ui(&alice, &id).await.expect(204);
    assert_serves(&module(&app, &hash).await, &code);

    // Once no UI compiles to a module, it is gone; the new code's module is served.
    app.update_custom_ui(
        &bob,
        &bob_ui,
        &json!({"component_code": "export default function App() { return <i>v2</i>; }"}),
    )
    .await
    .expect(200);
    let (new_hash, new_code) = fetch_compiled(&app, &bob, &bob_ui).await;
    assert_serves(&module(&app, &new_hash).await, &new_code);
    assert_eq!(module(&app, &hash).await.status.as_u16(), 404);
    app.delete_custom_ui(&bob, &bob_ui).await.expect(204);
    assert_eq!(module(&app, &new_hash).await.status.as_u16(), 404);
}

async fn a_module_compiled_through_one_server_is_served_by_another_on_the_same_database(backend: Backend) {
    let first = spawn_app(backend).await;
    let user = first.new_user().await;
    let (_, hash, code) =
        compiled_ui(&first, &user, "export default function App() { return <em>anywhere</em>; }").await;

    let second = spawn_app_beside(&first, Options::default()).await;

    assert_serves(&module(&second, &hash).await, &code);
}

async fn every_official_template_compiles_to_a_module_any_server_serves(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let list = app.list_templates(&user, "?limit=200").await.expect(200);
    let templates = crate::helpers::items(&list).clone();
    assert!(templates.len() >= 6);
    // A second server on the same database has compiled nothing yet: it serves them all anyway.
    let other = spawn_app_beside(&app, Options::default()).await;
    for template in &templates {
        let id = str_of(&template["id"]);
        let path = format!("/api/templates/{id}/compiled");
        let reply = app.get_compiled_at(&user, &path, None).await;
        assert_eq!(reply.status.as_u16(), 200, "{path}: {:?}", reply.body);
        let hash = reply.header("etag").expect("an ETag").trim_matches('"').to_owned();
        assert_eq!(hash.len(), 64);
        assert_serves(&module(&app, &hash).await, &reply.body);
        assert_serves(&module(&other, &hash).await, &reply.body);
        // Unchanged: 304.
        let again = app.get_compiled_at(&user, &path, Some(&format!("\"{hash}\""))).await;
        assert_eq!(again.status.as_u16(), 304);
    }
    let forged = format!("/api/templates/{}/compiled", uuid::Uuid::new_v4());
    app.request(reqwest::Method::GET, &forged, Some(&user.token), None).await.expect_error(404, "not_found");
    app.request(reqwest::Method::GET, &forged, None, None).await.expect_error(401, "unauthorized");
}

//! A NUL character (which PostgreSQL cannot store in `text` or `jsonb`) anywhere in a request —
//! a JSON string or key at any depth, a query parameter, a text path segment — is answered 422
//! `invalid_text` naming where it was, on both databases, and nothing is stored.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, TestUser, both_backends, prompt_body, spawn_app, str_of};

both_backends!(
    nul_anywhere_in_a_prompt_is_invalid_text,
    nul_anywhere_in_a_custom_ui_is_invalid_text,
    nul_in_ui_state_and_rating_feedback_is_invalid_text,
    nul_anywhere_in_a_run_or_its_messages_is_invalid_text,
    nul_in_a_query_string_is_invalid_text,
    nul_in_a_task_id_path_is_invalid_text,
    text_that_only_looks_like_an_escaped_nul_is_stored_as_given,
);

/// Sends the request and asserts a 422 `invalid_text` whose message names `path`.
async fn assert_invalid_text(
    app: &TestApp,
    user: &TestUser,
    method: Method,
    url: &str,
    body: Option<Value>,
    path: &str,
) {
    let reply = app.request(method.clone(), url, Some(&user.token), body.as_ref()).await;
    let message = reply.expect_error(422, "invalid_text");
    assert!(message.contains(path), "{method} {url}: the message should name `{path}`: {message}");
}

/// `prompt_body` with the field at a JSON pointer set (added when absent).
fn prompt_with(pointer: &str, value: Value) -> Value {
    let mut body = prompt_body("Poem");
    let (parent, key) = pointer.rsplit_once('/').unwrap_or_else(|| panic!("not a JSON pointer: {pointer}"));
    let parent = body.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent} in the prompt body"));
    parent[key] = value;
    body
}

async fn nul_anywhere_in_a_prompt_is_invalid_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let cases = [
        (prompt_with("/name", json!("Po\u{0}em")), "name"),
        (prompt_with("/description", json!("\u{0}")), "description"),
        (prompt_with("/messages/1/content", json!("Write \u{0} about {{topic}}")), "messages[1].content"),
        (
            prompt_with("/messages/0/metadata", json!({"files": [{"name": "a\u{0}"}]})),
            "messages[0].metadata.files[0].name",
        ),
        (
            prompt_with("/variableDefaults/0/defaultValue", json!("sea\u{0}")),
            "variableDefaults[0].defaultValue",
        ),
        (prompt_with("/settings/echo_repeat", json!({"k\u{0}": 1})), "settings.echo_repeat.k\\u0000"),
    ];
    for (body, path) in cases {
        assert_invalid_text(&app, &user, Method::POST, "/api/prompts", Some(body), path).await;
    }
    assert_eq!(app.list_prompts(&user, "").await.expect(200)["total"], 0, "nothing was stored");

    let prompt = app.new_prompt(&user).await;
    let url = format!("/api/prompts/{}", str_of(&prompt["id"]));
    assert_invalid_text(&app, &user, Method::PATCH, &url, Some(json!({"name": "x\u{0}"})), "name").await;
    assert_eq!(app.get_prompt(&user, str_of(&prompt["id"])).await.expect(200)["name"], "Poem");
}

async fn nul_anywhere_in_a_custom_ui_is_invalid_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let base = json!({"prompt_id": prompt["id"], "name": "UI", "component_code": "export default function App() { return <div/>; }"});
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    let cases = [
        (with("name", json!("U\u{0}I")), "name"),
        (
            with("component_code", json!("export default function App() { return <div>\u{0}</div>; }")),
            "component_code",
        ),
        (with("description", json!("d\u{0}")), "description"),
        (
            with("props_schema", json!({"type": "object", "properties": {"a\u{0}": {"type": "string"}}})),
            "props_schema.properties.a\\u0000",
        ),
        (with("default_props", json!({"topic": "x\u{0}"})), "default_props.topic"),
        (with("layout_config", json!({"layout": ["a", "\u{0}"]})), "layout_config.layout[1]"),
        (with("styling_config", json!({"theme": {"accent": "\u{0}"}})), "styling_config.theme.accent"),
    ];
    for (body, path) in cases {
        assert_invalid_text(&app, &user, Method::POST, "/api/custom-uis", Some(body), path).await;
    }
    assert_eq!(app.list_custom_uis(&user, "").await.expect(200)["total"], 0, "nothing was stored");

    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let id = str_of(&ui["id"]);
    let url = format!("/api/custom-uis/{id}");
    assert_invalid_text(
        &app,
        &user,
        Method::PATCH,
        &url,
        Some(json!({"component_code": "\u{0}"})),
        "component_code",
    )
    .await;
    let versions = format!("/api/custom-uis/{id}/versions");
    assert_invalid_text(&app, &user, Method::POST, &versions, Some(json!({"name": "v\u{0}2"})), "name").await;
    let validate = json!({"component_code": "x\u{0}", "component_type": "react"});
    assert_invalid_text(
        &app,
        &user,
        Method::POST,
        "/api/custom-uis/validate",
        Some(validate),
        "component_code",
    )
    .await;
    assert_eq!(app.get_custom_ui(&user, id).await.expect(200)["component_code"], ui["component_code"]);
    assert_eq!(app.list_versions(&user, id).await.expect(200)["total"], 1);
}

async fn nul_in_ui_state_and_rating_feedback_is_invalid_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    let state = format!("/api/custom-uis/{id}/state");
    let nested = json!({"state": {"drafts": [{"text": "ok"}, {"text": "no\u{0}"}]}});
    assert_invalid_text(&app, &bob, Method::PUT, &state, Some(nested), "state.drafts[1].text").await;
    assert_invalid_text(
        &app,
        &bob,
        Method::PUT,
        &state,
        Some(json!({"state": {"\u{0}": 1}})),
        "state.\\u0000",
    )
    .await;
    let rating = format!("/api/custom-uis/{id}/rating");
    let feedback = json!({"rating": 4, "feedback": "nice\u{0}"});
    assert_invalid_text(&app, &bob, Method::PUT, &rating, Some(feedback), "feedback").await;

    assert_eq!(
        app.request(Method::GET, &state, Some(&bob.token), None).await.expect(200),
        json!({"state": {}})
    );
    assert_eq!(app.get_custom_ui(&alice, id).await.expect(200)["rating_count"], 0);
}

async fn nul_anywhere_in_a_run_or_its_messages_is_invalid_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let cases = [
        (json!({"name": "r\u{0}"}), "name"),
        (json!({"source_id": "\u{0}"}), "source_id"),
        (json!({"settings": {"model_id": "echo\u{0}"}}), "settings.model_id"),
        (json!({"variable_values": {"topic": "\u{0}"}}), "variable_values.topic"),
        (json!({"metadata": {"deep": [[{"x": "\u{0}"}]]}}), "metadata.deep[0][0].x"),
    ];
    for (body, path) in cases {
        assert_invalid_text(&app, &user, Method::POST, "/api/runs", Some(body), path).await;
    }
    assert_eq!(app.list_runs(&user, "").await.expect(200)["total"], 0, "nothing was stored");

    let run = app.new_run(&user).await;
    let id = str_of(&run["id"]);
    let run_url = format!("/api/runs/{id}");
    assert_invalid_text(&app, &user, Method::PATCH, &run_url, Some(json!({"name": "\u{0}"})), "name").await;
    let messages = format!("/api/runs/{id}/messages");
    let cases = [
        (json!({"role": "user", "content": "hi\u{0}"}), "content"),
        (json!({"role": "user", "content": "hi", "taskId": "t\u{0}"}), "taskId"),
        (json!({"role": "assistant", "content": "hi", "metadata": {"model": "\u{0}"}}), "metadata.model"),
    ];
    for (body, path) in cases {
        assert_invalid_text(&app, &user, Method::POST, &messages, Some(body), path).await;
    }
    let tasks = format!("/api/runs/{id}/tasks");
    assert_invalid_text(&app, &user, Method::POST, &tasks, Some(json!({"task_id": "t\u{0}"})), "task_id")
        .await;
    let request_data = json!({"request_data": {"messages": [{"content": "\u{0}"}]}});
    assert_invalid_text(
        &app,
        &user,
        Method::POST,
        &tasks,
        Some(request_data),
        "request_data.messages[0].content",
    )
    .await;

    let stored = app.get_run(&user, id).await.expect(200);
    assert_eq!(stored["name"], run["name"]);
    assert_eq!(stored["message_count"], 0);
    assert_eq!(stored["task_count"], 0);
}

async fn nul_in_a_query_string_is_invalid_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let cases = [
        ("/api/custom-uis?scope=public&q=%00", "q"),
        ("/api/custom-uis?q=abc%00def", "q"),
        ("/api/runs?q=%00", "q"),
        ("/api/runs?source_id=x%00", "source_id"),
        ("/api/templates?category=%00", "category"),
        ("/api/templates?tag=a%00", "tag"),
        ("/api/templates?difficulty=%00", "difficulty"),
        ("/api/prompts?limit=5&%00=1", "\\u0000"),
    ];
    for (url, path) in cases {
        assert_invalid_text(&app, &user, Method::GET, url, None, path).await;
    }
    app.list_custom_uis(&user, "?q=%2500").await.expect(200);
}

async fn nul_in_a_task_id_path_is_invalid_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    assert_invalid_text(&app, &user, Method::GET, "/api/tasks/%00", None, "task_id").await;
    assert_invalid_text(&app, &user, Method::GET, "/api/tasks/abc%00def", None, "task_id").await;
    app.get_task(&user, "no-such-task").await.expect_error(404, "not_found");
}

async fn text_that_only_looks_like_an_escaped_nul_is_stored_as_given(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    // A backslash followed by `u0000`: JSON `"a \\u0000 b"`, no NUL in it.
    let name = "a \\u0000 b";

    let created = app.create_prompt(&user, &prompt_with("/name", json!(name))).await.expect(201);

    assert_eq!(created["name"], name);
    assert_eq!(app.get_prompt(&user, str_of(&created["id"])).await.expect(200)["name"], name);
}

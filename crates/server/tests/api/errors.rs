//! Bad input gets the error shape `{"error":{"code","message"}}` with the right status: invalid
//! JSON, oversized bodies, missing and invalid tokens. (Validation errors are asserted beside the
//! endpoints they belong to.)

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, Options, prompt_body, spawn_app, spawn_app_with, sqlite_only};

sqlite_only!(
    malformed_json_is_an_invalid_json_error,
    truncated_json_is_an_invalid_json_error,
    a_body_that_is_not_declared_json_is_an_invalid_json_error,
    malformed_json_on_signup_is_an_invalid_json_error,
    errors_are_sent_as_json,
    a_body_over_the_configured_limit_is_payload_too_large,
    a_body_over_the_default_limit_of_1_mib_is_payload_too_large,
    every_protected_endpoint_refuses_a_missing_token,
    every_protected_endpoint_refuses_a_garbage_token,
);

async fn malformed_json_is_an_invalid_json_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let reply = app
        .request_raw(Method::POST, "/api/prompts", Some(&user.token), "application/json", "{not json")
        .await;

    reply.expect_error(400, "invalid_json");
}

async fn truncated_json_is_an_invalid_json_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let reply = app
        .request_raw(
            Method::POST,
            "/api/custom-uis",
            Some(&user.token),
            "application/json",
            "{\"name\": \"x\"",
        )
        .await;

    reply.expect_error(400, "invalid_json");
}

async fn a_body_that_is_not_declared_json_is_an_invalid_json_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let body = prompt_body("Plain text").to_string();

    let reply = app.request_raw(Method::POST, "/api/prompts", Some(&user.token), "text/plain", body).await;

    reply.expect_error(400, "invalid_json");
    assert_eq!(app.list_prompts(&user, "").await.expect(200)["total"], 0);
}

async fn malformed_json_on_signup_is_an_invalid_json_error(backend: Backend) {
    let app = spawn_app(backend).await;

    let reply =
        app.request_raw(Method::POST, "/api/auth/signup", None, "application/json", "{\"email\":").await;

    reply.expect_error(400, "invalid_json");
}

async fn errors_are_sent_as_json(backend: Backend) {
    let app = spawn_app(backend).await;

    let reply = app.request(Method::GET, "/api/prompts", None, None).await;

    reply.expect_error(401, "unauthorized");
    let content_type = reply.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("application/json"), "content type {content_type:?}");
}

async fn a_body_over_the_configured_limit_is_payload_too_large(backend: Backend) {
    let app = spawn_app_with(backend, Options { max_body_bytes: Some(2048), ..Options::default() }).await;
    let user = app.new_user().await;
    let mut big = prompt_body("Big");
    big["messages"][1]["content"] = json!("x".repeat(4096));

    app.create_prompt(&user, &big).await.expect_error(413, "payload_too_large");

    // A body under the limit still works, and nothing of the big one was stored.
    app.create_prompt(&user, &prompt_body("Small")).await.expect(201);
    assert_eq!(app.list_prompts(&user, "").await.expect(200)["total"], 1);
}

async fn a_body_over_the_default_limit_of_1_mib_is_payload_too_large(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let mut over = prompt_body("Over a MiB");
    over["messages"][1]["content"] = json!("x".repeat(1024 * 1024 + 1024));
    let mut under = prompt_body("Under a MiB");
    under["messages"][1]["content"] = json!("x".repeat(900 * 1024));

    app.create_prompt(&user, &over).await.expect_error(413, "payload_too_large");

    let reply = app.create_prompt(&user, &under).await;
    assert_ne!(reply.status.as_u16(), 413, "900 KiB is under the default limit: {:?}", reply.body);
}

/// Every endpoint that needs a signed-in user, with a body where it takes one.
fn protected_endpoints() -> Vec<(Method, String, Option<serde_json::Value>)> {
    let id = uuid::Uuid::new_v4();
    let mut endpoints = vec![
        (Method::GET, "/api/auth/me".to_owned(), None),
        (Method::GET, "/api/prompts".to_owned(), None),
        (Method::POST, "/api/prompts".to_owned(), Some(prompt_body("x"))),
        (Method::GET, format!("/api/prompts/{id}"), None),
        (Method::PATCH, format!("/api/prompts/{id}"), Some(json!({"name": "x"}))),
        (Method::DELETE, format!("/api/prompts/{id}"), None),
        (Method::GET, "/api/custom-uis".to_owned(), None),
        (Method::GET, "/api/custom-uis?scope=public".to_owned(), None),
        (Method::GET, format!("/api/custom-uis/{id}"), None),
        (Method::PATCH, format!("/api/custom-uis/{id}"), Some(json!({"name": "x"}))),
        (Method::DELETE, format!("/api/custom-uis/{id}"), None),
        (Method::POST, format!("/api/custom-uis/{id}/publish"), None),
        (Method::GET, format!("/api/custom-uis/{id}/versions"), None),
        (Method::POST, format!("/api/custom-uis/{id}/versions"), None),
        (Method::PUT, format!("/api/custom-uis/{id}/rating"), Some(json!({"rating": 5}))),
        (Method::GET, format!("/api/custom-uis/{id}/compiled"), None),
        (
            Method::POST,
            "/api/custom-uis/validate".to_owned(),
            Some(json!({"component_code": "x", "component_type": "react"})),
        ),
        (Method::GET, "/api/usage".to_owned(), None),
        (Method::GET, "/api/templates".to_owned(), None),
        (Method::GET, format!("/api/templates/{id}"), None),
        (Method::GET, "/api/runs".to_owned(), None),
        (Method::POST, "/api/runs".to_owned(), Some(json!({}))),
        (Method::GET, format!("/api/runs/{id}"), None),
        (Method::PATCH, format!("/api/runs/{id}"), Some(json!({"name": "x"}))),
        (Method::POST, format!("/api/runs/{id}/messages"), Some(json!({"role": "user", "content": "x"}))),
        (Method::POST, format!("/api/runs/{id}/tasks"), Some(json!({}))),
        (Method::GET, "/api/tasks/some-task".to_owned(), None),
    ];
    endpoints.push((
        Method::POST,
        "/api/custom-uis".to_owned(),
        Some(json!({"prompt_id": id, "name": "x", "component_code": "x"})),
    ));
    endpoints
}

async fn every_protected_endpoint_refuses_a_missing_token(backend: Backend) {
    let app = spawn_app(backend).await;

    for (method, path, body) in protected_endpoints() {
        let reply = app.request(method.clone(), &path, None, body.as_ref()).await;
        assert_eq!(reply.status.as_u16(), 401, "{method} {path} without a token: {:?}", reply.body);
        reply.expect_error(401, "unauthorized");
    }
}

async fn every_protected_endpoint_refuses_a_garbage_token(backend: Backend) {
    let app = spawn_app(backend).await;
    app.new_user().await;

    for (method, path, body) in protected_endpoints() {
        let reply = app.request(method.clone(), &path, Some("not-a-real-token"), body.as_ref()).await;
        assert_eq!(reply.status.as_u16(), 401, "{method} {path} with a garbage token: {:?}", reply.body);
        reply.expect_error(401, "unauthorized");
    }
}

//! Health, the model catalogue and the OpenAPI document.

use crate::helpers::{Backend, items, spawn_app, sqlite_only};

sqlite_only!(health_check_answers_200, the_models_include_echo, the_openapi_document_lists_the_api_paths);

async fn health_check_answers_200(backend: Backend) {
    let app = spawn_app(backend).await;

    let reply = app.health_check().await;

    assert_eq!(reply.status.as_u16(), 200, "body {:?}", reply.body);
}

async fn the_models_include_echo(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let models = app.list_models(&user).await.expect(200);

    assert!(items(&models).iter().any(|m| m["id"] == "echo"), "no echo model in {models}");
}

async fn the_openapi_document_lists_the_api_paths(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let document = app.openapi(&user).await.expect(200);

    assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with('3')), "openapi version: {document}");
    let paths = document["paths"].as_object().expect("paths is an object");
    for path in ["/api/prompts", "/api/prompts/{id}", "/api/custom-uis", "/api/custom-uis/{id}", "/api/runs"]
    {
        assert!(paths.contains_key(path), "{path} missing from {:?}", paths.keys().collect::<Vec<_>>());
    }
}

//! Each user's private state for a custom UI (`GET/PUT /api/custom-uis/{id}/state`).

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, both_backends, spawn_app};

async fn ui_state_round_trips_and_is_private_to_each_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.new_user().await;
    let viewer = app.new_user().await;
    let ui = app.new_public_custom_ui(&owner).await;
    let path = format!("/api/custom-uis/{}/state", ui["id"].as_str().unwrap());

    let empty = app.request(Method::GET, &path, Some(&owner.token), None).await.expect(200);
    assert_eq!(empty, json!({ "state": {} }));

    let saved = json!({ "state": { "variable": "topic", "count": 3 } });
    app.request(Method::PUT, &path, Some(&owner.token), Some(&saved)).await.expect(200);
    assert_eq!(app.request(Method::GET, &path, Some(&owner.token), None).await.expect(200), saved);

    // Another user of the public UI has a state of their own.
    assert_eq!(
        app.request(Method::GET, &path, Some(&viewer.token), None).await.expect(200),
        json!({ "state": {} })
    );
    let theirs = json!({ "state": { "variable": "style" } });
    app.request(Method::PUT, &path, Some(&viewer.token), Some(&theirs)).await.expect(200);
    assert_eq!(app.request(Method::GET, &path, Some(&owner.token), None).await.expect(200), saved);
    assert_eq!(app.request(Method::GET, &path, Some(&viewer.token), None).await.expect(200), theirs);
}

async fn ui_state_of_a_hidden_ui_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.new_user().await;
    let other = app.new_user().await;
    let prompt = app.new_prompt(&owner).await;
    let ui = app.new_custom_ui(&owner, prompt["id"].as_str().unwrap()).await;
    let path = format!("/api/custom-uis/{}/state", ui["id"].as_str().unwrap());
    app.request(Method::GET, &path, Some(&other.token), None).await.expect_error(404, "not_found");
    app.request(Method::PUT, &path, Some(&other.token), Some(&json!({ "state": {} })))
        .await
        .expect_error(404, "not_found");
}

async fn ui_state_over_its_quota_or_not_an_object_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.new_user().await;
    let prompt = app.new_prompt(&owner).await;
    let ui = app.new_custom_ui(&owner, prompt["id"].as_str().unwrap()).await;
    let path = format!("/api/custom-uis/{}/state", ui["id"].as_str().unwrap());
    let big = json!({ "state": { "blob": "x".repeat(70 * 1024) } });
    app.request(Method::PUT, &path, Some(&owner.token), Some(&big))
        .await
        .expect_error(422, "validation_failed");
    app.request(Method::PUT, &path, Some(&owner.token), Some(&json!({ "state": [1, 2] })))
        .await
        .expect_error(422, "validation_failed");
    assert_eq!(
        app.request(Method::GET, &path, Some(&owner.token), None).await.expect(200),
        json!({ "state": {} })
    );
}

both_backends!(
    ui_state_round_trips_and_is_private_to_each_user,
    ui_state_of_a_hidden_ui_is_not_found,
    ui_state_over_its_quota_or_not_an_object_is_refused,
);

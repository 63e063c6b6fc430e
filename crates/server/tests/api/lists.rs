//! Every list answers `{"items","total","limit","offset"}` and pages with `?limit=&offset=`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{Backend, ids, prompt_body, spawn_app, sqlite_only};

sqlite_only!(
    lists_page_with_limit_and_offset,
    lists_default_to_a_limit_of_50_from_offset_0,
    a_limit_over_200_is_clamped_to_200,
    every_list_endpoint_answers_the_same_shape,
);

#[track_caller]
fn assert_page(list: &Value, total: i64, limit: i64, offset: i64, len: usize) {
    assert_eq!(list["total"], total, "total in {list}");
    assert_eq!(list["limit"], limit, "limit in {list}");
    assert_eq!(list["offset"], offset, "offset in {list}");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(len), "items in {list}");
}

async fn lists_page_with_limit_and_offset(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    for name in ["One", "Two", "Three"] {
        app.create_prompt(&user, &prompt_body(name)).await.expect(201);
    }

    let first = app.list_prompts(&user, "?limit=2").await.expect(200);
    let second = app.list_prompts(&user, "?limit=2&offset=2").await.expect(200);
    let beyond = app.list_prompts(&user, "?limit=2&offset=5").await.expect(200);

    assert_page(&first, 3, 2, 0, 2);
    assert_page(&second, 3, 2, 2, 1);
    assert_page(&beyond, 3, 2, 5, 0);
    let all: BTreeSet<String> = ids(&first).into_iter().chain(ids(&second)).collect();
    assert_eq!(all.len(), 3, "the two pages must not overlap");
}

async fn lists_default_to_a_limit_of_50_from_offset_0(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    app.new_prompt(&user).await;

    let list = app.list_prompts(&user, "").await.expect(200);

    assert_page(&list, 1, 50, 0, 1);
}

async fn a_limit_over_200_is_clamped_to_200(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    app.new_prompt(&user).await;

    let list = app.list_prompts(&user, "?limit=1000").await.expect(200);

    assert_page(&list, 1, 200, 0, 1);
}

async fn every_list_endpoint_answers_the_same_shape(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let ui = app.new_public_custom_ui(&user).await;
    let run = app.run_prompt(&user, json!({"prompt_id": ui["prompt_id"], "custom_ui_id": ui["id"]})).await;
    assert!(run.ack["error"].is_null(), "{run:?}");

    let lists = [
        ("prompts", app.list_prompts(&user, "?limit=1").await.expect(200)),
        ("custom uis", app.list_custom_uis(&user, "?limit=1").await.expect(200)),
        ("public custom uis", app.list_custom_uis(&user, "?scope=public&limit=1").await.expect(200)),
        ("runs", app.list_runs(&user, "?limit=1").await.expect(200)),
        ("usage", app.list_usage(&user, "?limit=1").await.expect(200)),
    ];

    for (what, list) in &lists {
        assert_eq!(list["total"], 1, "{what}: {list}");
        assert_eq!(list["limit"], 1, "{what}: {list}");
        assert_eq!(list["offset"], 0, "{what}: {list}");
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{what}: {list}");
    }
    let templates = app.list_templates(&user, "?limit=2").await.expect(200);
    assert_eq!(templates["limit"], 2, "{templates}");
    assert_eq!(templates["items"].as_array().map(Vec::len), Some(2), "{templates}");
    assert!(templates["total"].as_i64().is_some_and(|n| n >= 6), "{templates}");
}

//! Usage rows come only from real runs: the server records one when a task tagged with a custom
//! UI runs, which bumps the UI's `use_count` and `last_used_at`. No client can post one, so no
//! one can inflate another user's `use_count`; each user lists only their own rows.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, TestUser, items, spawn_app, sqlite_only, str_of};

sqlite_only!(
    running_a_public_ui_records_one_usage_row_for_the_runner,
    clients_cannot_post_usage_rows_to_inflate_use_count,
    a_ui_you_cannot_see_records_no_usage_when_run,
    the_usage_list_holds_only_my_rows,
);

/// Runs `ui` (with its prompt) as `user` through `run_prompt` and returns the ack.
async fn run_ui(app: &TestApp, user: &TestUser, ui: &Value, topic: &str) -> Value {
    let outcome = app
        .run_prompt(
            user,
            json!({"prompt_id": ui["prompt_id"], "custom_ui_id": ui["id"], "variables": {"topic": topic}}),
        )
        .await;
    assert!(outcome.ack["error"].is_null(), "the run was refused: {:?}", outcome.ack);
    assert_eq!(outcome.events.last(), Some(&json!({"end": true})), "{outcome:?}");
    assert!(outcome.text().contains(topic), "the echo model answers with the topic: {outcome:?}");
    outcome.ack
}

async fn running_a_public_ui_records_one_usage_row_for_the_runner(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;

    let ack = run_ui(&app, &bob, &ui, "the sky").await;

    let fetched = app.get_custom_ui(&alice, str_of(&ui["id"])).await.expect(200);
    assert_eq!(fetched["use_count"], 1, "{fetched}");
    assert!(fetched["last_used_at"].is_string(), "last_used_at not set: {fetched}");
    let list = app.list_usage(&bob, "").await.expect(200);
    assert_eq!(list["total"], 1, "{list}");
    let row = &items(&list)[0];
    assert_eq!(row["custom_ui_id"], ui["id"]);
    assert_eq!(row["user_id"], bob.id.as_str());
    assert_eq!(row["run_id"], ack["run_id"]);
    assert_eq!(row["success"], true);
    assert_eq!(row["variables_used"], json!({"topic": "the sky"}));
    assert!(row["execution_time_ms"].as_i64().is_some_and(|ms| ms >= 0), "{row}");
    assert_eq!(app.list_usage(&alice, "").await.expect(200)["total"], 0, "the row is the runner's");
}

async fn clients_cannot_post_usage_rows_to_inflate_use_count(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let path = format!("/api/custom-uis/{}/usage", str_of(&ui["id"]));

    for _ in 0..20 {
        let body = json!({"execution_time_ms": 10, "success": true});
        app.request(Method::POST, &path, Some(&bob.token), Some(&body)).await.expect_error(404, "not_found");
    }
    app.request(Method::POST, &path, Some(&alice.token), Some(&json!({})))
        .await
        .expect_error(404, "not_found");

    let fetched = app.get_custom_ui(&alice, str_of(&ui["id"])).await.expect(200);
    assert_eq!(fetched["use_count"], 0, "{fetched}");
    assert_eq!(fetched["last_used_at"], Value::Null);
    assert_eq!(app.list_usage(&bob, "").await.expect(200)["total"], 0);
    let openapi = app.openapi(&bob).await.expect(200);
    assert!(openapi["paths"]["/api/custom-uis/{id}/usage"].is_null(), "the route is not documented any more");
}

async fn a_ui_you_cannot_see_records_no_usage_when_run(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;

    let outcome = app
        .run_prompt(&bob, json!({"prompt_id": prompt["id"], "custom_ui_id": draft["id"], "variables": {}}))
        .await;

    assert_eq!(outcome.ack["error"]["code"], "not_found", "{:?}", outcome.ack);
    let fetched = app.get_custom_ui(&alice, str_of(&draft["id"])).await.expect(200);
    assert_eq!(fetched["use_count"], 0);
    assert_eq!(fetched["last_used_at"], Value::Null);
    assert_eq!(app.list_usage(&bob, "").await.expect(200)["total"], 0);
}

async fn the_usage_list_holds_only_my_rows(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    run_ui(&app, &alice, &ui, "one").await;
    run_ui(&app, &bob, &ui, "two").await;
    run_ui(&app, &bob, &ui, "three").await;

    let alices = app.list_usage(&alice, "").await.expect(200);
    let bobs = app.list_usage(&bob, "").await.expect(200);

    assert_eq!(alices["total"], 1, "{alices}");
    assert_eq!(bobs["total"], 2, "{bobs}");
    for (user, list) in [(&alice, &alices), (&bob, &bobs)] {
        for row in items(list) {
            assert_eq!(row["user_id"], user.id.as_str(), "{row}");
            assert_eq!(row["custom_ui_id"], ui["id"], "{row}");
        }
    }
    assert_eq!(app.get_custom_ui(&bob, str_of(&ui["id"])).await.expect(200)["use_count"], 3);
}

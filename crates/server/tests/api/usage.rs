//! Usage rows: recording one bumps the UI's `use_count` and `last_used_at`; each user lists only
//! their own.

use serde_json::{Value, json};

use crate::helpers::{Backend, both_backends, items, spawn_app, str_of};

both_backends!(
    recording_usage_returns_the_row_and_bumps_use_count,
    usage_defaults_to_success,
    any_user_can_record_usage_on_a_public_active_ui,
    recording_usage_on_a_ui_you_cannot_see_is_not_found,
    the_usage_list_holds_only_my_rows,
);

async fn recording_usage_returns_the_row_and_bumps_use_count(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let run = app.new_run(&user).await;
    let body = json!({
        "run_id": run["id"],
        "execution_time_ms": 1200,
        "variables_used": {"topic": "the sky"},
        "success": false,
        "error_message": "model unavailable"
    });

    let usage = app.record_usage(&user, str_of(&ui["id"]), &body).await.expect(201);

    assert!(usage["id"].is_string(), "{usage}");
    assert_eq!(usage["custom_ui_id"], ui["id"]);
    assert_eq!(usage["user_id"], user.id.as_str());
    for field in ["run_id", "execution_time_ms", "variables_used", "success", "error_message"] {
        assert_eq!(usage[field], body[field], "{field} in {usage}");
    }
    assert!(usage["created_at"].is_string(), "{usage}");
    let fetched = app.get_custom_ui(&user, str_of(&ui["id"])).await.expect(200);
    assert_eq!(fetched["use_count"], 1);
    assert!(fetched["last_used_at"].is_string(), "last_used_at not set: {fetched}");
}

async fn usage_defaults_to_success(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;

    let usage = app.record_usage(&user, str_of(&ui["id"]), &json!({})).await.expect(201);

    assert_eq!(usage["success"], true);
    assert_eq!(usage["run_id"], Value::Null);
}

async fn any_user_can_record_usage_on_a_public_active_ui(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let carol = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    app.record_usage(&bob, id, &json!({"execution_time_ms": 10})).await.expect(201);
    app.record_usage(&carol, id, &json!({})).await.expect(201);
    app.record_usage(&alice, id, &json!({})).await.expect(201);

    let fetched = app.get_custom_ui(&alice, id).await.expect(200);
    assert_eq!(fetched["use_count"], 3);
    assert!(fetched["last_used_at"].is_string(), "{fetched}");
}

async fn recording_usage_on_a_ui_you_cannot_see_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;

    app.record_usage(&bob, str_of(&draft["id"]), &json!({})).await.expect_error(404, "not_found");

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
    let id = str_of(&ui["id"]);
    app.record_usage(&alice, id, &json!({})).await.expect(201);
    app.record_usage(&bob, id, &json!({})).await.expect(201);
    app.record_usage(&bob, id, &json!({})).await.expect(201);

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
}

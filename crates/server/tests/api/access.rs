//! The access rules with two users, Alice and Bob: own things, other users' things, public active
//! UIs and public drafts. What Bob may not see is `404`; what he sees but may not change is `403`.

use serde_json::json;

use crate::helpers::{Backend, both_backends, ids, spawn_app, str_of};

both_backends!(
    another_users_draft_ui_is_not_found,
    another_users_public_active_ui_is_visible_but_read_only,
    a_draft_marked_public_stays_hidden_from_other_users,
    a_published_ui_set_back_to_draft_is_hidden_again,
    an_archived_public_ui_is_hidden_from_other_users,
    my_list_never_includes_other_users_uis,
    another_user_can_fetch_the_compiled_code_of_a_public_ui_but_not_of_a_draft,
    templates_are_readable_by_every_signed_in_user,
    runs_and_tasks_are_visible_only_to_their_owner,
    usage_rows_are_visible_only_to_their_owner,
    each_user_has_one_rating_per_ui,
);

async fn another_users_draft_ui_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;
    let id = str_of(&draft["id"]);

    app.get_custom_ui(&bob, id).await.expect_error(404, "not_found");
    app.update_custom_ui(&bob, id, &json!({"name": "Mine"})).await.expect_error(404, "not_found");
    app.delete_custom_ui(&bob, id).await.expect_error(404, "not_found");

    let still_there = app.get_custom_ui(&alice, id).await.expect(200);
    assert_eq!(still_there["name"], draft["name"]);
}

async fn another_users_public_active_ui_is_visible_but_read_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    let seen = app.get_custom_ui(&bob, id).await.expect(200);
    assert_eq!(seen["name"], ui["name"]);
    app.update_custom_ui(&bob, id, &json!({"name": "Mine"})).await.expect_error(403, "forbidden");
    app.delete_custom_ui(&bob, id).await.expect_error(403, "forbidden");

    let unchanged = app.get_custom_ui(&alice, id).await.expect(200);
    assert_eq!(unchanged["name"], ui["name"]);
    assert_eq!(unchanged["status"], "active");
}

async fn a_draft_marked_public_stays_hidden_from_other_users(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;
    let id = str_of(&draft["id"]);

    let patched = app.update_custom_ui(&alice, id, &json!({"is_public": true})).await.expect(200);

    assert_eq!(patched["status"], "draft", "{patched}");
    app.get_custom_ui(&bob, id).await.expect_error(404, "not_found");
    assert_eq!(app.list_custom_uis(&bob, "?scope=public").await.expect(200)["total"], 0);
}

async fn a_published_ui_set_back_to_draft_is_hidden_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);
    app.get_custom_ui(&bob, id).await.expect(200);

    app.update_custom_ui(&alice, id, &json!({"status": "draft"})).await.expect(200);

    app.get_custom_ui(&bob, id).await.expect_error(404, "not_found");
    app.update_custom_ui(&bob, id, &json!({"name": "Mine"})).await.expect_error(404, "not_found");
    app.rate_custom_ui(&bob, id, &json!({"rating": 3})).await.expect_error(404, "not_found");
    let run = app.run_prompt(&bob, json!({"prompt_id": ui["prompt_id"], "custom_ui_id": id})).await;
    assert_eq!(run.ack["error"]["code"], "not_found", "{run:?}");
    assert_eq!(app.list_custom_uis(&bob, "?scope=public").await.expect(200)["total"], 0);
    app.get_custom_ui(&alice, id).await.expect(200);
}

async fn an_archived_public_ui_is_hidden_from_other_users(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    app.update_custom_ui(&alice, id, &json!({"status": "archived"})).await.expect(200);

    app.get_custom_ui(&bob, id).await.expect_error(404, "not_found");
    assert_eq!(app.list_custom_uis(&bob, "?scope=public").await.expect(200)["total"], 0);
}

async fn my_list_never_includes_other_users_uis(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    app.new_public_custom_ui(&alice).await;
    let bobs = app.new_public_custom_ui(&bob).await;

    let list = app.list_custom_uis(&bob, "?scope=mine").await.expect(200);

    assert_eq!(ids(&list), vec![str_of(&bobs["id"]).to_owned()]);
}

async fn another_user_can_fetch_the_compiled_code_of_a_public_ui_but_not_of_a_draft(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let public = app.new_public_custom_ui(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&public["prompt_id"])).await;

    let compiled = app.get_compiled(&bob, str_of(&public["id"]), None).await;
    assert_eq!(compiled.status.as_u16(), 200, "body {:?}", compiled.body);

    app.get_compiled(&bob, str_of(&draft["id"]), None).await.expect_error(404, "not_found");
}

async fn templates_are_readable_by_every_signed_in_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;

    let alices = app.list_templates(&alice, "").await.expect(200);
    let bobs = app.list_templates(&bob, "").await.expect(200);

    assert_eq!(ids(&alices), ids(&bobs));
    let first = str_of(&alices["items"][0]["id"]);
    assert_eq!(app.get_template(&bob, first).await.expect(200)["id"], first);
}

async fn runs_and_tasks_are_visible_only_to_their_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let run = app.new_run(&alice).await;
    let run_id = str_of(&run["id"]);
    let task = app.create_task(&alice, run_id, &json!({"task_id": "alices-task"})).await.expect(201);

    app.get_run(&bob, run_id).await.expect_error(404, "not_found");
    app.update_run(&bob, run_id, &json!({"name": "Mine"})).await.expect_error(404, "not_found");
    app.add_run_message(&bob, run_id, &json!({"role": "user", "content": "hi"}))
        .await
        .expect_error(404, "not_found");
    app.create_task(&bob, run_id, &json!({})).await.expect_error(404, "not_found");
    app.get_task(&bob, str_of(&task["task_id"])).await.expect_error(404, "not_found");
    assert_eq!(app.list_runs(&bob, "").await.expect(200)["total"], 0);

    let alices = app.get_run(&alice, run_id).await.expect(200);
    assert_eq!(alices["message_count"], 0);
    assert_eq!(alices["task_count"], 1);
    assert_eq!(alices["name"], run["name"]);
}

async fn usage_rows_are_visible_only_to_their_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let run = app.run_prompt(&alice, json!({"prompt_id": ui["prompt_id"], "custom_ui_id": ui["id"]})).await;
    assert!(run.ack["error"].is_null(), "{run:?}");
    assert_eq!(app.list_usage(&alice, "").await.expect(200)["total"], 1);

    let bobs = app.list_usage(&bob, "").await.expect(200);

    assert_eq!(bobs["total"], 0, "{bobs}");
}

async fn each_user_has_one_rating_per_ui(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    for rating in [1, 5, 3] {
        app.rate_custom_ui(&bob, id, &json!({"rating": rating})).await.expect(200);
    }

    let fetched = app.get_custom_ui(&bob, id).await.expect(200);
    assert_eq!(fetched["rating_count"], 1);
    assert_eq!(fetched["rating_avg"].as_f64(), Some(3.0));
}

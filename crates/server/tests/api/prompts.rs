//! Prompts in the seed's camelCase `PromptsData` shape: create, read, change, delete, and only
//! ever the caller's own.

use serde_json::json;
use uuid::Uuid;

use crate::helpers::{Backend, ids, prompt_body, spawn_app, sqlite_only, str_of};

sqlite_only!(
    creating_a_prompt_returns_201_and_the_prompt_in_camel_case,
    unknown_settings_are_kept,
    a_prompt_without_model_id_fails_validation_naming_model_id,
    a_prompt_without_settings_fails_validation,
    a_prompt_with_a_bad_role_fails_validation,
    a_prompt_with_an_empty_name_fails_validation,
    getting_my_prompt_returns_it,
    listing_prompts_returns_only_mine,
    patching_a_prompt_changes_only_the_given_fields,
    patching_a_prompt_without_model_id_fails_validation,
    deleting_a_prompt_returns_204_and_then_it_is_gone,
    deleting_a_prompt_deletes_its_custom_uis,
    another_users_prompt_is_not_found_on_get_patch_and_delete,
    a_prompt_that_does_not_exist_is_not_found,
    prompts_require_a_token,
);

async fn creating_a_prompt_returns_201_and_the_prompt_in_camel_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let mut body = prompt_body("Haiku");
    body["messages"][0]["metadata"] = json!({"files": [], "note": "kept"});
    body["variableDefaults"][0]["customComponent"] = json!({"type": "select", "options": ["sea", "sky"]});
    body["tools"] = json!({"search": {"enabled": true}});

    let prompt = app.create_prompt(&user, &body).await.expect(201);

    Uuid::parse_str(str_of(&prompt["id"])).expect("id is a UUID");
    assert_eq!(prompt["userId"], user.id.as_str());
    assert_eq!(prompt["name"], "Haiku");
    assert_eq!(prompt["description"], "Writes a short poem");
    assert_eq!(prompt["messages"], body["messages"]);
    assert_eq!(prompt["variableDefaults"], body["variableDefaults"]);
    assert_eq!(prompt["settings"]["model_id"], "echo");
    assert_eq!(prompt["settings"]["temperature"], 0.5);
    assert_eq!(prompt["tools"], body["tools"]);
    assert!(prompt["createdAt"].is_string(), "createdAt missing: {prompt}");
    assert!(prompt["updatedAt"].is_string(), "updatedAt missing: {prompt}");
    assert!(prompt.get("user_id").is_none(), "prompts are camelCase: {prompt}");
}

async fn unknown_settings_are_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let mut body = prompt_body("Echo twice");
    body["settings"]["custom_flag"] = json!({"nested": [1, 2]});

    let created = app.create_prompt(&user, &body).await.expect(201);
    let fetched = app.get_prompt(&user, str_of(&created["id"])).await.expect(200);

    for prompt in [&created, &fetched] {
        assert_eq!(prompt["settings"]["echo_repeat"], 2, "{prompt}");
        assert_eq!(prompt["settings"]["custom_flag"], json!({"nested": [1, 2]}), "{prompt}");
    }
}

async fn a_prompt_without_model_id_fails_validation_naming_model_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let mut body = prompt_body("No model");
    body["settings"] = json!({"temperature": 1});

    let message = app.create_prompt(&user, &body).await.expect_error(422, "validation_failed");

    assert!(message.contains("model_id"), "the message should name `model_id`: {message}");
    assert_eq!(app.list_prompts(&user, "").await.expect(200)["total"], 0, "nothing may be stored");
}

async fn a_prompt_without_settings_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let mut body = prompt_body("No settings");
    body.as_object_mut().unwrap().remove("settings");

    let message = app.create_prompt(&user, &body).await.expect_error(422, "validation_failed");

    assert!(message.contains("settings"), "the message should name `settings`: {message}");
}

async fn a_prompt_with_a_bad_role_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let mut body = prompt_body("Bad role");
    body["messages"][1]["role"] = json!("robot");

    let message = app.create_prompt(&user, &body).await.expect_error(422, "validation_failed");

    assert!(message.contains("role"), "the message should name `role`: {message}");
}

async fn a_prompt_with_an_empty_name_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let message = app.create_prompt(&user, &prompt_body("   ")).await.expect_error(422, "validation_failed");

    assert!(message.contains("name"), "the message should name `name`: {message}");
}

async fn getting_my_prompt_returns_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let created = app.new_prompt(&user).await;

    let mut fetched = app.get_prompt(&user, str_of(&created["id"])).await.expect(200);

    // The same prompt; timestamps may differ in precision once stored.
    let mut created = created;
    for prompt in [&mut fetched, &mut created] {
        let fields = prompt.as_object_mut().unwrap();
        assert!(fields.remove("createdAt").is_some_and(|t| t.is_string()), "createdAt missing");
        fields.remove("updatedAt");
    }
    assert_eq!(fetched, created);
}

async fn listing_prompts_returns_only_mine(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let first = app.create_prompt(&alice, &prompt_body("First")).await.expect(201);
    let second = app.create_prompt(&alice, &prompt_body("Second")).await.expect(201);
    let bobs = app.new_prompt(&bob).await;

    let list = app.list_prompts(&alice, "").await.expect(200);

    assert_eq!(list["total"], 2, "{list}");
    let mut listed = ids(&list);
    listed.sort();
    let mut expected = vec![str_of(&first["id"]).to_owned(), str_of(&second["id"]).to_owned()];
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(ids(&app.list_prompts(&bob, "").await.expect(200)), vec![str_of(&bobs["id"]).to_owned()]);
}

async fn patching_a_prompt_changes_only_the_given_fields(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let created = app.new_prompt(&user).await;
    let id = str_of(&created["id"]);

    let patched = app.update_prompt(&user, id, &json!({"name": "Renamed"})).await.expect(200);

    assert_eq!(patched["name"], "Renamed");
    assert_eq!(patched["messages"], created["messages"]);
    assert_eq!(patched["settings"], created["settings"]);
    assert_eq!(patched["variableDefaults"], created["variableDefaults"]);
    assert_eq!(app.get_prompt(&user, id).await.expect(200)["name"], "Renamed");

    let new_settings = json!({"model_id": "echo", "echo_repeat": 3});
    let patched = app.update_prompt(&user, id, &json!({"settings": new_settings})).await.expect(200);
    assert_eq!(patched["settings"]["echo_repeat"], 3);
    assert_eq!(patched["name"], "Renamed");
}

async fn patching_a_prompt_without_model_id_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let created = app.new_prompt(&user).await;

    let message = app
        .update_prompt(&user, str_of(&created["id"]), &json!({"settings": {"temperature": 0.1}}))
        .await
        .expect_error(422, "validation_failed");

    assert!(message.contains("model_id"), "the message should name `model_id`: {message}");
}

async fn deleting_a_prompt_returns_204_and_then_it_is_gone(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let created = app.new_prompt(&user).await;
    let id = str_of(&created["id"]);

    let reply = app.delete_prompt(&user, id).await;

    assert_eq!(reply.status.as_u16(), 204, "body {:?}", reply.body);
    app.get_prompt(&user, id).await.expect_error(404, "not_found");
    app.delete_prompt(&user, id).await.expect_error(404, "not_found");
    assert_eq!(app.list_prompts(&user, "").await.expect(200)["total"], 0);
}

async fn deleting_a_prompt_deletes_its_custom_uis(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;

    let reply = app.delete_prompt(&user, str_of(&prompt["id"])).await;

    assert_eq!(reply.status.as_u16(), 204, "body {:?}", reply.body);
    app.get_custom_ui(&user, str_of(&ui["id"])).await.expect_error(404, "not_found");
    assert_eq!(app.list_custom_uis(&user, "").await.expect(200)["total"], 0);
}

async fn another_users_prompt_is_not_found_on_get_patch_and_delete(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let id = str_of(&prompt["id"]);

    app.get_prompt(&bob, id).await.expect_error(404, "not_found");
    app.update_prompt(&bob, id, &json!({"name": "Stolen"})).await.expect_error(404, "not_found");
    app.delete_prompt(&bob, id).await.expect_error(404, "not_found");

    let still_there = app.get_prompt(&alice, id).await.expect(200);
    assert_eq!(still_there["name"], prompt["name"]);
}

async fn a_prompt_that_does_not_exist_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    app.get_prompt(&user, &Uuid::new_v4().to_string()).await.expect_error(404, "not_found");
}

async fn prompts_require_a_token(backend: Backend) {
    let app = spawn_app(backend).await;

    app.request(reqwest::Method::GET, "/api/prompts", None, None).await.expect_error(401, "unauthorized");
    app.request(reqwest::Method::POST, "/api/prompts", None, Some(&prompt_body("x")))
        .await
        .expect_error(401, "unauthorized");
}

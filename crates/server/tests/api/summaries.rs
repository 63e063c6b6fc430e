//! List items are summaries: custom UI lists (mine, public, versions) carry no code, schemas or
//! configs, run lists no messages, settings or metadata; each item's own endpoint has it all.
//! So a list stays small however large its items are. Descriptions are capped to keep it so,
//! and another user's prompt shows only what running it needs.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, TestUser, items, prompt_body, spawn_app, sqlite_only, str_of};

sqlite_only!(
    custom_ui_lists_stay_small_with_large_items,
    run_lists_stay_small_with_large_runs,
    descriptions_are_capped_at_2000_characters,
    another_users_prompt_shows_only_role_and_content_of_its_messages,
);

/// Fields only a custom UI's own endpoint answers.
const UI_DETAIL_FIELDS: [&str; 6] = [
    "component_code",
    "props_schema",
    "default_props",
    "layout_config",
    "styling_config",
    "validation_errors",
];

/// A valid component of about `kib` KiB (a long comment after a small component).
fn large_component(kib: usize) -> String {
    format!("export default function App() {{ return <div>Big</div>; }}\n// {}\n", "x".repeat(kib * 1024))
}

/// Creates and publishes a UI with large code and configs for `user`.
async fn large_public_ui(app: &TestApp, user: &TestUser, prompt_id: &str, name: &str) -> Value {
    let body = json!({
        "prompt_id": prompt_id,
        "name": name,
        "description": "d".repeat(2000),
        "component_code": large_component(400),
        "layout_config": {"notes": "l".repeat(100 * 1024)},
        "styling_config": {"notes": "s".repeat(100 * 1024)},
    });
    let ui = app.create_custom_ui(user, &body).await.expect(201);
    app.publish_custom_ui(user, str_of(&ui["id"])).await.expect(200)
}

#[track_caller]
fn assert_small_summary_list(
    what: &str,
    reply: &crate::helpers::Reply,
    max_bytes: usize,
    detail_fields: &[&str],
) {
    assert!(reply.body.len() <= max_bytes, "{what}: {} bytes, more than {max_bytes}", reply.body.len());
    let list = reply.expect(200);
    assert!(!items(&list).is_empty(), "{what}: {list}");
    for item in items(&list) {
        for field in detail_fields {
            assert!(item.get(*field).is_none(), "{what}: a list item carries `{field}`");
        }
    }
}

async fn custom_ui_lists_stay_small_with_large_items(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let prompt_id = str_of(&prompt["id"]);
    let mut uis = Vec::new();
    for i in 0..5 {
        uis.push(large_public_ui(&app, &alice, prompt_id, &format!("Large {i}")).await);
    }
    let first = str_of(&uis[0]["id"]);
    app.create_version(&alice, first, Some(&json!({"name": "Large 0 v2"}))).await.expect(201);

    // Each item holds over 600 KB; five summaries hold a few KB.
    let public = app.list_custom_uis(&bob, "?scope=public&limit=20").await;
    assert_small_summary_list("public", &public, 24 * 1024, &UI_DETAIL_FIELDS);
    let mine = app.list_custom_uis(&alice, &format!("?prompt_id={prompt_id}")).await;
    assert_small_summary_list("mine", &mine, 24 * 1024, &UI_DETAIL_FIELDS);
    let versions = app.list_versions(&alice, first).await;
    assert_small_summary_list("versions", &versions, 12 * 1024, &UI_DETAIL_FIELDS);

    let item = &items(&public.json())[0].clone();
    for field in
        ["id", "name", "description", "component_type", "use_count", "rating_count", "is_featured", "status"]
    {
        assert!(item.get(field).is_some(), "a summary keeps `{field}`: {item}");
    }
    let full = app.get_custom_ui(&bob, str_of(&item["id"])).await.expect(200);
    assert_eq!(full["component_code"], uis[0]["component_code"], "the item's own endpoint has the code");
    assert_eq!(full["layout_config"], uis[0]["layout_config"]);
}

async fn run_lists_stay_small_with_large_runs(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let body = json!({"name": "Large", "settings": {"model_id": "echo", "notes": "n".repeat(300 * 1024)},
        "metadata": {"notes": "m".repeat(300 * 1024)}});
    let run = app.create_run(&user, &body).await.expect(201);
    let id = str_of(&run["id"]);
    for _ in 0..3 {
        let message = json!({"role": "user", "content": "c".repeat(200 * 1024)});
        app.add_run_message(&user, id, &message).await.expect(201);
    }

    let list = app.list_runs(&user, "?limit=5").await;

    assert_small_summary_list(
        "runs",
        &list,
        4 * 1024,
        &["messages", "settings", "metadata", "variable_values", "broker_values", "attachments"],
    );
    let item = &items(&list.json())[0].clone();
    assert_eq!(item["id"], run["id"]);
    assert_eq!(item["message_count"], 3);
    assert_eq!(item["model_id"], "echo", "the model of the run, for the runs page: {item}");
    let full = app.get_run(&user, id).await.expect(200);
    assert_eq!(full["messages"].as_array().map(Vec::len), Some(3), "the run's own endpoint has its messages");
    assert_eq!(full["metadata"], body["metadata"]);
}

async fn descriptions_are_capped_at_2000_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let too_long = "é".repeat(2001);
    let longest = "é".repeat(2000);

    let mut ui = json!({"prompt_id": prompt["id"], "name": "UI", "component_code": large_component(0)});
    ui["description"] = json!(too_long);
    let message = app.create_custom_ui(&user, &ui).await.expect_error(422, "validation_failed");
    assert!(message.contains("description"), "{message}");
    ui["description"] = json!(longest);
    let created = app.create_custom_ui(&user, &ui).await.expect(201);
    let id = str_of(&created["id"]);
    let message = app
        .update_custom_ui(&user, id, &json!({"description": too_long}))
        .await
        .expect_error(422, "validation_failed");
    assert!(message.contains("description"), "{message}");
    app.create_version(&user, id, Some(&json!({"description": too_long})))
        .await
        .expect_error(422, "validation_failed");

    let mut body = prompt_body("Long");
    body["description"] = json!(too_long);
    let message = app.create_prompt(&user, &body).await.expect_error(422, "validation_failed");
    assert!(message.contains("description"), "{message}");
    let message = app
        .update_prompt(&user, str_of(&prompt["id"]), &json!({"description": too_long}))
        .await
        .expect_error(422, "validation_failed");
    assert!(message.contains("description"), "{message}");
}

async fn another_users_prompt_shows_only_role_and_content_of_its_messages(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let mut body = prompt_body("Private bits");
    body["messages"][0]["metadata"] =
        json!({"notes": "internal only", "files": [{"url": "https://private.example"}]});
    let prompt = app.create_prompt(&alice, &body).await.expect(201);
    let ui = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;
    let ui = app.publish_custom_ui(&alice, str_of(&ui["id"])).await.expect(200);

    let seen = app.get_custom_ui(&bob, str_of(&ui["id"])).await.expect(200);

    assert_eq!(
        seen["prompt"]["messages"],
        json!([
            {"role": "system", "content": "You are a poet."},
            {"role": "user", "content": "Write about {{topic}}"}
        ]),
        "another user sees role and content only"
    );
    assert!(!seen["prompt"].to_string().contains("internal only"), "{}", seen["prompt"]);
    assert_eq!(
        seen["prompt"]["variableDefaults"], body["variableDefaults"],
        "variables are needed to run it"
    );
    let own = app.get_custom_ui(&alice, str_of(&ui["id"])).await.expect(200);
    assert_eq!(
        own["prompt"]["messages"][0]["metadata"], body["messages"][0]["metadata"],
        "the owner sees all"
    );
}

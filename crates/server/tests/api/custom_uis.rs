//! Custom UIs in the seed's snake_case `PromptCustomUI` shape: create with the seed's defaults,
//! read with their prompt, change, delete, list with filters, validate and compile.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Backend, FETCHING_COMPONENT, UNKNOWN_IMPORT_COMPONENT, VALID_COMPONENT, custom_ui_body, ids, items,
    prompt_body, spawn_app, sqlite_only, str_of,
};

sqlite_only!(
    creating_a_custom_ui_applies_the_seed_defaults,
    creating_a_custom_ui_keeps_the_given_options,
    a_bad_execution_mode_fails_validation_naming_the_field,
    a_bad_component_type_fails_validation_naming_the_field,
    a_custom_ui_without_component_code_fails_validation,
    a_custom_ui_for_another_users_prompt_is_not_found,
    a_custom_ui_for_a_prompt_that_does_not_exist_is_not_found,
    getting_my_custom_ui_includes_the_whole_prompt,
    another_user_sees_only_the_public_view_of_the_prompt,
    patching_a_custom_ui_changes_the_given_fields,
    patching_a_custom_ui_with_a_bad_execution_mode_fails_validation,
    deleting_a_custom_ui_returns_204_and_then_it_is_gone,
    listing_defaults_to_my_custom_uis,
    listing_filters_by_prompt_id,
    listing_filters_by_status,
    listing_searches_with_q,
    the_public_scope_lists_every_users_public_active_uis,
    public_uis_sort_by_use_count,
    public_uis_sort_by_rating,
    public_uis_sort_by_recent,
    an_unknown_scope_or_sort_fails_validation,
    validating_a_good_component_passes,
    validating_a_component_that_fetches_fails_with_located_errors,
    validating_a_component_with_an_unknown_import_fails,
    validating_with_a_bad_component_type_fails_validation,
    the_compiled_code_is_javascript_with_an_etag,
    the_compiled_code_answers_304_when_the_etag_matches,
);

async fn creating_a_custom_ui_applies_the_seed_defaults(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;

    let ui = app
        .create_custom_ui(&user, &custom_ui_body(str_of(&prompt["id"]), "Hello UI", VALID_COMPONENT))
        .await
        .expect(201);

    Uuid::parse_str(str_of(&ui["id"])).expect("id is a UUID");
    assert_eq!(ui["user_id"], user.id.as_str());
    assert_eq!(ui["prompt_id"], prompt["id"]);
    assert_eq!(ui["name"], "Hello UI");
    assert_eq!(ui["component_code"], VALID_COMPONENT);
    assert_eq!(ui["component_type"], "react");
    assert_eq!(ui["execution_mode"], "manual");
    assert_eq!(ui["auto_submit"], false);
    assert_eq!(ui["show_variables"], true);
    assert_eq!(ui["status"], "draft");
    assert_eq!(ui["is_public"], false);
    assert_eq!(ui["is_featured"], false);
    assert_eq!(ui["version"], 1);
    assert_eq!(ui["use_count"], 0);
    assert_eq!(ui["parent_version_id"], Value::Null);
    assert_eq!(ui["published_at"], Value::Null);
    assert_eq!(ui["last_used_at"], Value::Null);
    assert_eq!(ui["rating_avg"], Value::Null);
    assert_eq!(ui["rating_count"], 0);
    assert!(ui["validated"].is_boolean(), "{ui}");
    assert!(ui["created_at"].is_string(), "{ui}");
    assert!(ui["updated_at"].is_string(), "{ui}");
}

async fn creating_a_custom_ui_keeps_the_given_options(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let body = json!({
        "prompt_id": prompt["id"],
        "name": "Topic form",
        "description": "Asks for a topic",
        "component_code": "{\"type\":\"object\"}",
        "component_type": "json-schema",
        "execution_mode": "manual-with-visible-variables",
        "auto_submit": true,
        "show_variables": false,
        "layout_config": {"fullscreen": true},
        "styling_config": {"theme": "dark"},
        "props_schema": {"type": "object", "properties": {"topic": {"type": "string"}}},
        "default_props": {"topic": "the sea"}
    });

    let ui = app.create_custom_ui(&user, &body).await.expect(201);

    for field in [
        "description",
        "component_type",
        "execution_mode",
        "auto_submit",
        "show_variables",
        "layout_config",
        "styling_config",
        "props_schema",
        "default_props",
    ] {
        assert_eq!(ui[field], body[field], "{field} in {ui}");
    }
}

async fn a_bad_execution_mode_fails_validation_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let mut body = custom_ui_body(str_of(&prompt["id"]), "Bad mode", VALID_COMPONENT);
    body["execution_mode"] = json!("sometimes");

    let message = app.create_custom_ui(&user, &body).await.expect_error(422, "validation_failed");

    assert!(message.contains("execution_mode"), "the message should name `execution_mode`: {message}");
}

async fn a_bad_component_type_fails_validation_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let mut body = custom_ui_body(str_of(&prompt["id"]), "Bad type", VALID_COMPONENT);
    body["component_type"] = json!("vue");

    let message = app.create_custom_ui(&user, &body).await.expect_error(422, "validation_failed");

    assert!(message.contains("component_type"), "the message should name `component_type`: {message}");
}

async fn a_custom_ui_without_component_code_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;

    let message = app
        .create_custom_ui(&user, &json!({"prompt_id": prompt["id"], "name": "No code"}))
        .await
        .expect_error(422, "validation_failed");

    assert!(message.contains("component_code"), "the message should name `component_code`: {message}");
}

async fn a_custom_ui_for_another_users_prompt_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let alices_prompt = app.new_prompt(&alice).await;

    app.create_custom_ui(&bob, &custom_ui_body(str_of(&alices_prompt["id"]), "Mine now", VALID_COMPONENT))
        .await
        .expect_error(404, "not_found");

    assert_eq!(app.list_custom_uis(&bob, "").await.expect(200)["total"], 0);
}

async fn a_custom_ui_for_a_prompt_that_does_not_exist_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    app.create_custom_ui(&user, &custom_ui_body(&Uuid::new_v4().to_string(), "Orphan", VALID_COMPONENT))
        .await
        .expect_error(404, "not_found");
}

/// A prompt whose settings hold a secret-looking extra key, with a published UI on it.
async fn secret_prompt_with_public_ui(
    app: &crate::helpers::TestApp,
    owner: &crate::helpers::TestUser,
) -> Value {
    let mut body = prompt_body("Secret settings");
    body["settings"]["provider_api_key"] = json!("sk-x");
    let prompt = app.create_prompt(owner, &body).await.expect(201);
    let ui = app.new_custom_ui(owner, str_of(&prompt["id"])).await;
    app.publish_custom_ui(owner, str_of(&ui["id"])).await.expect(200)
}

async fn getting_my_custom_ui_includes_the_whole_prompt(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.new_user().await;
    let ui = secret_prompt_with_public_ui(&app, &owner).await;

    let fetched = app.get_custom_ui(&owner, str_of(&ui["id"])).await.expect(200);

    assert_eq!(fetched["id"], ui["id"]);
    assert_eq!(fetched["component_code"], VALID_COMPONENT);
    let prompt = &fetched["prompt"];
    assert_eq!(prompt["id"], ui["prompt_id"]);
    assert_eq!(prompt["name"], "Secret settings");
    assert_eq!(prompt["settings"]["model_id"], "echo");
    assert_eq!(prompt["settings"]["echo_repeat"], 2);
    assert_eq!(prompt["settings"]["provider_api_key"], "sk-x", "the owner sees every setting: {prompt}");
}

async fn another_user_sees_only_the_public_view_of_the_prompt(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = app.new_user().await;
    let viewer = app.new_user().await;
    let ui = secret_prompt_with_public_ui(&app, &owner).await;

    let reply = app.get_custom_ui(&viewer, str_of(&ui["id"])).await;
    let fetched = reply.expect(200);

    assert_eq!(fetched["id"], ui["id"]);
    let prompt = &fetched["prompt"];
    assert_eq!(prompt["id"], ui["prompt_id"]);
    assert_eq!(prompt["name"], "Secret settings");
    assert_eq!(prompt["description"], "Writes a short poem");
    assert_eq!(prompt["messages"].as_array().map(Vec::len), Some(2), "{prompt}");
    assert_eq!(prompt["variableDefaults"][0]["name"], "topic", "{prompt}");
    assert_eq!(prompt["settings"]["model_id"], "echo", "{prompt}");
    assert!(prompt["settings"].get("provider_api_key").is_none(), "a private setting leaked: {prompt}");
    assert!(!reply.body.contains("sk-x"), "the secret appears in the answer: {}", reply.body);
}

async fn patching_a_custom_ui_changes_the_given_fields(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let id = str_of(&ui["id"]);

    let patched = app
        .update_custom_ui(
            &user,
            id,
            &json!({"name": "Renamed", "execution_mode": "auto-run-one-shot", "layout_config": {"sidebar": false}}),
        )
        .await
        .expect(200);

    assert_eq!(patched["name"], "Renamed");
    assert_eq!(patched["execution_mode"], "auto-run-one-shot");
    assert_eq!(patched["layout_config"], json!({"sidebar": false}));
    assert_eq!(patched["component_code"], ui["component_code"]);
    assert_eq!(patched["version"], 1);
    let fetched = app.get_custom_ui(&user, id).await.expect(200);
    assert_eq!(fetched["name"], "Renamed");
    assert_eq!(fetched["execution_mode"], "auto-run-one-shot");
}

async fn patching_a_custom_ui_with_a_bad_execution_mode_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;

    let message = app
        .update_custom_ui(&user, str_of(&ui["id"]), &json!({"execution_mode": "whenever"}))
        .await
        .expect_error(422, "validation_failed");

    assert!(message.contains("execution_mode"), "the message should name `execution_mode`: {message}");
}

async fn deleting_a_custom_ui_returns_204_and_then_it_is_gone(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let id = str_of(&ui["id"]);

    let reply = app.delete_custom_ui(&user, id).await;

    assert_eq!(reply.status.as_u16(), 204, "body {:?}", reply.body);
    app.get_custom_ui(&user, id).await.expect_error(404, "not_found");
    assert_eq!(app.list_custom_uis(&user, "").await.expect(200)["total"], 0);
    app.get_prompt(&user, str_of(&prompt["id"])).await.expect(200);
}

async fn listing_defaults_to_my_custom_uis(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let first = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;
    let second = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;
    app.new_public_custom_ui(&bob).await;

    let default = app.list_custom_uis(&alice, "").await.expect(200);
    let mine = app.list_custom_uis(&alice, "?scope=mine").await.expect(200);

    for list in [&default, &mine] {
        assert_eq!(list["total"], 2, "{list}");
        let mut listed = ids(list);
        listed.sort();
        let mut expected = vec![str_of(&first["id"]).to_owned(), str_of(&second["id"]).to_owned()];
        expected.sort();
        assert_eq!(listed, expected);
    }
}

async fn listing_filters_by_prompt_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let poem = app.new_prompt(&user).await;
    let other = app.new_prompt(&user).await;
    let on_poem = app.new_custom_ui(&user, str_of(&poem["id"])).await;
    app.new_custom_ui(&user, str_of(&other["id"])).await;

    let list = app.list_custom_uis(&user, &format!("?prompt_id={}", str_of(&poem["id"]))).await.expect(200);

    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(ids(&list), vec![str_of(&on_poem["id"]).to_owned()]);
}

async fn listing_filters_by_status(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let draft = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let active = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    app.publish_custom_ui(&user, str_of(&active["id"])).await.expect(200);

    let drafts = app.list_custom_uis(&user, "?status=draft").await.expect(200);
    let actives = app.list_custom_uis(&user, "?status=active").await.expect(200);

    assert_eq!(ids(&drafts), vec![str_of(&draft["id"]).to_owned()]);
    assert_eq!(ids(&actives), vec![str_of(&active["id"]).to_owned()]);
}

async fn listing_searches_with_q(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let prompt_id = str_of(&prompt["id"]);
    let invoice = app
        .create_custom_ui(&user, &custom_ui_body(prompt_id, "Invoice parser", VALID_COMPONENT))
        .await
        .expect(201);
    app.create_custom_ui(&user, &custom_ui_body(prompt_id, "Haiku writer", VALID_COMPONENT))
        .await
        .expect(201);

    let list = app.list_custom_uis(&user, "?q=Invoice").await.expect(200);

    assert_eq!(ids(&list), vec![str_of(&invoice["id"]).to_owned()]);
    assert_eq!(app.list_custom_uis(&user, "?q=nothing-like-this").await.expect(200)["total"], 0);
}

async fn the_public_scope_lists_every_users_public_active_uis(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let alices_public = app.new_public_custom_ui(&alice).await;
    let alices_draft = app.new_custom_ui(&alice, str_of(&alices_public["prompt_id"])).await;
    let bobs_public = app.new_public_custom_ui(&bob).await;

    for viewer in [&alice, &bob] {
        let list = app.list_custom_uis(viewer, "?scope=public").await.expect(200);
        let listed = ids(&list);
        assert_eq!(list["total"], 2, "{list}");
        assert!(listed.contains(&str_of(&alices_public["id"]).to_owned()), "{list}");
        assert!(listed.contains(&str_of(&bobs_public["id"]).to_owned()), "{list}");
        assert!(!listed.contains(&str_of(&alices_draft["id"]).to_owned()), "a draft is listed: {list}");
        for item in items(&list) {
            assert_eq!(item["is_public"], true, "{item}");
            assert_eq!(item["status"], "active", "{item}");
        }
    }
}

async fn public_uis_sort_by_use_count(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let used = app.new_public_custom_ui(&alice).await;
    let unused = app.new_public_custom_ui(&alice).await;
    for _ in 0..2 {
        let run =
            app.run_prompt(&bob, json!({"prompt_id": used["prompt_id"], "custom_ui_id": used["id"]})).await;
        assert!(run.ack["error"].is_null(), "{run:?}");
    }

    let list = app.list_custom_uis(&bob, "?scope=public&sort=use_count").await.expect(200);

    assert_eq!(ids(&list), vec![str_of(&used["id"]).to_owned(), str_of(&unused["id"]).to_owned()]);
    assert_eq!(items(&list)[0]["use_count"], 2);
}

async fn public_uis_sort_by_rating(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let loved = app.new_public_custom_ui(&alice).await;
    let disliked = app.new_public_custom_ui(&alice).await;
    app.rate_custom_ui(&bob, str_of(&disliked["id"]), &json!({"rating": 1})).await.expect(200);
    app.rate_custom_ui(&bob, str_of(&loved["id"]), &json!({"rating": 5})).await.expect(200);

    let list = app.list_custom_uis(&bob, "?scope=public&sort=rating").await.expect(200);

    assert_eq!(ids(&list), vec![str_of(&loved["id"]).to_owned(), str_of(&disliked["id"]).to_owned()]);
    assert_eq!(items(&list)[0]["rating_avg"], 5.0);
    assert_eq!(items(&list)[0]["rating_count"], 1);
}

async fn public_uis_sort_by_recent(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let older = app.new_public_custom_ui(&alice).await;
    // Far enough apart for any timestamp precision.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let newer = app.new_public_custom_ui(&alice).await;

    let list = app.list_custom_uis(&alice, "?scope=public&sort=recent").await.expect(200);

    assert_eq!(ids(&list), vec![str_of(&newer["id"]).to_owned(), str_of(&older["id"]).to_owned()]);
}

async fn an_unknown_scope_or_sort_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let scope = app.list_custom_uis(&user, "?scope=everyone").await.expect_error(422, "validation_failed");
    let sort = app.list_custom_uis(&user, "?sort=random").await.expect_error(422, "validation_failed");

    assert!(scope.contains("scope"), "the message should name `scope`: {scope}");
    assert!(sort.contains("sort"), "the message should name `sort`: {sort}");
}

async fn validating_a_good_component_passes(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let report = app.validate_react(&user, VALID_COMPONENT).await.expect(200);

    assert_eq!(report["validated"], true, "{report}");
    assert_eq!(report["validation_errors"], json!([]), "{report}");
}

async fn validating_a_component_that_fetches_fails_with_located_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let report = app.validate_react(&user, FETCHING_COMPONENT).await.expect(200);

    assert_eq!(report["validated"], false, "{report}");
    let errors = report["validation_errors"].as_array().expect("validation_errors is an array");
    assert!(!errors.is_empty(), "{report}");
    let error = &errors[0];
    assert_eq!(error["line"], 2, "`fetch` is on line 2: {report}");
    assert!(error["column"].as_u64().is_some_and(|c| c >= 1), "{report}");
    assert!(!str_of(&error["rule"]).is_empty(), "{report}");
    assert!(!str_of(&error["message"]).is_empty(), "{report}");
}

async fn validating_a_component_with_an_unknown_import_fails(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let report = app.validate_react(&user, UNKNOWN_IMPORT_COMPONENT).await.expect(200);

    assert_eq!(report["validated"], false, "{report}");
    let errors = report["validation_errors"].as_array().expect("validation_errors is an array");
    assert!(errors.iter().any(|e| e["line"] == 1), "the import is on line 1: {report}");
}

async fn validating_with_a_bad_component_type_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let message = app
        .validate_component(&user, &json!({"component_code": VALID_COMPONENT, "component_type": "vue"}))
        .await
        .expect_error(422, "validation_failed");

    assert!(message.contains("component_type"), "the message should name `component_type`: {message}");
}

async fn the_compiled_code_is_javascript_with_an_etag(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;

    let reply = app.get_compiled(&user, str_of(&ui["id"]), None).await;

    assert_eq!(reply.status.as_u16(), 200, "body {:?}", reply.body);
    assert!(reply.header("etag").is_some_and(|e| !e.is_empty()), "no ETag: {:?}", reply.headers);
    let content_type = reply.header("content-type").unwrap_or_default();
    assert!(content_type.contains("javascript"), "content type {content_type:?}");
    assert!(reply.body.contains("Hello"), "the compiled code keeps the text: {}", reply.body);
    assert!(!reply.body.contains("<div>"), "JSX must be compiled away: {}", reply.body);
}

async fn the_compiled_code_answers_304_when_the_etag_matches(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let id = str_of(&ui["id"]);
    let first = app.get_compiled(&user, id, None).await;
    let etag = first.header("etag").expect("an ETag header");

    let second = app.get_compiled(&user, id, Some(&etag)).await;

    assert_eq!(second.status.as_u16(), 304, "body {:?}", second.body);
    assert!(second.body.is_empty(), "a 304 has no body");
    // Changed code means a new ETag and a full answer.
    let new_code = "export default function App() { return <p>Changed</p>; }";
    app.update_custom_ui(&user, id, &json!({"component_code": new_code})).await.expect(200);
    let third = app.get_compiled(&user, id, Some(&etag)).await;
    assert_eq!(third.status.as_u16(), 200, "body {:?}", third.body);
    assert_ne!(third.header("etag"), Some(etag));
    assert!(third.body.contains("Changed"), "{}", third.body);
}

async fn patching_a_field_to_null_clears_it_and_absent_fields_stay(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let id = str_of(&ui["id"]);
    let schema = json!({"type": "object", "properties": {"title": {"type": "string"}}});
    let set = app
        .update_custom_ui(
            &user,
            id,
            &json!({"props_schema": schema, "styling_config": {"accent": "#336"}, "description": "d"}),
        )
        .await
        .expect(200);
    assert_eq!(set["props_schema"], schema);

    let cleared = app
        .update_custom_ui(&user, id, &json!({"props_schema": null, "description": null}))
        .await
        .expect(200);
    assert_eq!(cleared["props_schema"], Value::Null);
    assert_eq!(cleared["description"], Value::Null);
    assert_eq!(cleared["styling_config"], json!({"accent": "#336"}), "an absent field is left as it was");
}

sqlite_only!(patching_a_field_to_null_clears_it_and_absent_fields_stay);

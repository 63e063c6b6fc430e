//! Publishing a custom UI (only code that passes the checks) and featuring it (admins only).

use serde_json::{Value, json};

use crate::helpers::{
    Backend, FETCHING_COMPONENT, UNKNOWN_IMPORT_COMPONENT, custom_ui_body, ids, spawn_app, sqlite_only,
    str_of,
};

sqlite_only!(
    publishing_a_valid_ui_makes_it_public_and_active,
    publishing_a_ui_that_fetches_fails_validation_and_keeps_it_a_draft,
    publishing_a_ui_that_imports_an_unknown_package_fails_validation,
    another_user_cannot_publish_my_draft,
    another_user_cannot_publish_my_public_ui,
    the_admin_can_feature_any_ui,
    a_non_admin_cannot_feature_even_their_own_ui,
    the_featured_scope_lists_featured_public_active_uis,
);

async fn publishing_a_valid_ui_makes_it_public_and_active(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;

    let published = app.publish_custom_ui(&user, str_of(&ui["id"])).await.expect(200);

    assert_eq!(published["id"], ui["id"]);
    assert_eq!(published["is_public"], true);
    assert_eq!(published["status"], "active");
    assert_eq!(published["validated"], true);
    assert!(published["published_at"].is_string(), "published_at not set: {published}");
    let fetched = app.get_custom_ui(&user, str_of(&ui["id"])).await.expect(200);
    assert_eq!(fetched["status"], "active");
    assert_eq!(fetched["is_public"], true);
}

async fn rejected_on_publish(code: &str, backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui =
        app.create_custom_ui(&user, &custom_ui_body(str_of(&prompt["id"]), "Bad", code)).await.expect(201);

    app.publish_custom_ui(&user, str_of(&ui["id"])).await.expect_error(422, "validation_failed");

    let fetched = app.get_custom_ui(&user, str_of(&ui["id"])).await.expect(200);
    assert_eq!(fetched["status"], "draft", "{fetched}");
    assert_eq!(fetched["is_public"], false, "{fetched}");
    assert_eq!(fetched["published_at"], Value::Null, "{fetched}");
    let public = app.list_custom_uis(&user, "?scope=public").await.expect(200);
    assert_eq!(public["total"], 0, "{public}");
}

async fn publishing_a_ui_that_fetches_fails_validation_and_keeps_it_a_draft(backend: Backend) {
    rejected_on_publish(FETCHING_COMPONENT, backend).await;
}

async fn publishing_a_ui_that_imports_an_unknown_package_fails_validation(backend: Backend) {
    rejected_on_publish(UNKNOWN_IMPORT_COMPONENT, backend).await;
}

async fn another_user_cannot_publish_my_draft(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let ui = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;

    app.publish_custom_ui(&bob, str_of(&ui["id"])).await.expect_error(404, "not_found");

    assert_eq!(app.get_custom_ui(&alice, str_of(&ui["id"])).await.expect(200)["status"], "draft");
}

async fn another_user_cannot_publish_my_public_ui(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;

    app.publish_custom_ui(&bob, str_of(&ui["id"])).await.expect_error(403, "forbidden");
}

async fn the_admin_can_feature_any_ui(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.new_user().await;
    let bob = app.new_user().await;
    let bobs_ui = app.new_public_custom_ui(&bob).await;

    let featured =
        app.update_custom_ui(&admin, str_of(&bobs_ui["id"]), &json!({"is_featured": true})).await.expect(200);

    assert_eq!(featured["is_featured"], true);
    assert_eq!(featured["user_id"], bob.id.as_str(), "featuring does not change the owner");
    assert_eq!(app.get_custom_ui(&bob, str_of(&bobs_ui["id"])).await.expect(200)["is_featured"], true);
}

async fn a_non_admin_cannot_feature_even_their_own_ui(backend: Backend) {
    let app = spawn_app(backend).await;
    let _admin = app.new_user().await;
    let bob = app.new_user().await;
    let bobs_ui = app.new_public_custom_ui(&bob).await;

    app.update_custom_ui(&bob, str_of(&bobs_ui["id"]), &json!({"is_featured": true}))
        .await
        .expect_error(403, "forbidden");

    assert_eq!(app.get_custom_ui(&bob, str_of(&bobs_ui["id"])).await.expect(200)["is_featured"], false);
}

async fn the_featured_scope_lists_featured_public_active_uis(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.new_user().await;
    let bob = app.new_user().await;
    let featured = app.new_public_custom_ui(&bob).await;
    app.new_public_custom_ui(&bob).await;
    app.update_custom_ui(&admin, str_of(&featured["id"]), &json!({"is_featured": true})).await.expect(200);

    let list = app.list_custom_uis(&bob, "?scope=featured").await.expect(200);

    assert_eq!(ids(&list), vec![str_of(&featured["id"]).to_owned()]);
    assert_eq!(list["total"], 1);
    // Back to draft, it is no longer listed, featured or not.
    app.update_custom_ui(&bob, str_of(&featured["id"]), &json!({"status": "draft"})).await.expect(200);
    assert_eq!(app.list_custom_uis(&admin, "?scope=featured").await.expect(200)["total"], 0);
}

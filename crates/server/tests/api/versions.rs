//! Versions of a custom UI: each new version copies its parent, takes the next number and starts
//! as a draft; the whole chain is listed in order.

use serde_json::json;

use crate::helpers::{Backend, both_backends, items, spawn_app, str_of};

both_backends!(
    a_new_version_copies_the_ui_with_the_next_number_as_a_draft,
    a_new_version_can_change_fields_in_the_same_request,
    versions_of_a_published_ui_leave_the_published_one_alone,
    listing_versions_returns_the_whole_chain_in_order,
    another_users_draft_has_no_versions_to_see_or_make,
);

async fn a_new_version_copies_the_ui_with_the_next_number_as_a_draft(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;

    let version = app.create_version(&user, str_of(&ui["id"]), None).await.expect(201);

    assert_ne!(version["id"], ui["id"]);
    assert_eq!(version["version"], 2);
    assert_eq!(version["parent_version_id"], ui["id"]);
    assert_eq!(version["status"], "draft");
    assert_eq!(version["is_public"], false);
    assert_eq!(version["use_count"], 0);
    assert_eq!(version["prompt_id"], ui["prompt_id"]);
    assert_eq!(version["user_id"], ui["user_id"]);
    assert_eq!(version["name"], ui["name"]);
    assert_eq!(version["component_code"], ui["component_code"]);
    assert_eq!(version["execution_mode"], ui["execution_mode"]);
    app.get_custom_ui(&user, str_of(&version["id"])).await.expect(200);
}

async fn a_new_version_can_change_fields_in_the_same_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let ui = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let new_code = "export default function App() { return <div>Version two</div>; }";

    let version = app
        .create_version(
            &user,
            str_of(&ui["id"]),
            Some(&json!({"component_code": new_code, "name": "Hello UI v2", "execution_mode": "auto-run"})),
        )
        .await
        .expect(201);

    assert_eq!(version["version"], 2);
    assert_eq!(version["component_code"], new_code);
    assert_eq!(version["name"], "Hello UI v2");
    assert_eq!(version["execution_mode"], "auto-run");
    let parent = app.get_custom_ui(&user, str_of(&ui["id"])).await.expect(200);
    assert_eq!(parent["component_code"], ui["component_code"], "the parent is unchanged");
    assert_eq!(parent["name"], ui["name"]);
}

async fn versions_of_a_published_ui_leave_the_published_one_alone(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let published = app.new_public_custom_ui(&alice).await;

    let version = app.create_version(&alice, str_of(&published["id"]), None).await.expect(201);

    assert_eq!(version["status"], "draft");
    assert_eq!(version["is_public"], false);
    let original = app.get_custom_ui(&bob, str_of(&published["id"])).await.expect(200);
    assert_eq!(original["status"], "active");
    app.get_custom_ui(&bob, str_of(&version["id"])).await.expect_error(404, "not_found");
}

async fn listing_versions_returns_the_whole_chain_in_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let prompt = app.new_prompt(&user).await;
    let v1 = app.new_custom_ui(&user, str_of(&prompt["id"])).await;
    let v2 = app.create_version(&user, str_of(&v1["id"]), None).await.expect(201);
    let v3 = app.create_version(&user, str_of(&v2["id"]), None).await.expect(201);
    assert_eq!(v3["version"], 3);
    assert_eq!(v3["parent_version_id"], v2["id"]);

    for from in [&v1, &v2, &v3] {
        let list = app.list_versions(&user, str_of(&from["id"])).await.expect(200);
        let chain: Vec<_> = items(&list).iter().map(|v| (v["id"].clone(), v["version"].clone())).collect();
        assert_eq!(
            chain,
            vec![(v1["id"].clone(), json!(1)), (v2["id"].clone(), json!(2)), (v3["id"].clone(), json!(3))],
            "listed from version {}",
            from["version"]
        );
    }
}

async fn another_users_draft_has_no_versions_to_see_or_make(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let ui = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;

    app.list_versions(&bob, str_of(&ui["id"])).await.expect_error(404, "not_found");
    app.create_version(&bob, str_of(&ui["id"]), None).await.expect_error(404, "not_found");

    let list = app.list_versions(&alice, str_of(&ui["id"])).await.expect(200);
    assert_eq!(items(&list).len(), 1, "{list}");
}

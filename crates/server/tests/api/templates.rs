//! The template library: official starting points readable by every signed-in user.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Backend, both_backends, ids, items, spawn_app, str_of};

both_backends!(
    there_are_at_least_six_official_templates_across_the_four_categories,
    every_template_has_code_tags_and_a_difficulty,
    every_template_passes_validation,
    templates_filter_by_category,
    templates_filter_by_tag,
    templates_filter_by_difficulty,
    a_template_is_fetched_by_id,
    a_template_that_does_not_exist_is_not_found,
    templates_require_a_token,
);

async fn all_templates(app: &crate::helpers::TestApp, user: &crate::helpers::TestUser) -> Vec<Value> {
    let list = app.list_templates(user, "?limit=200").await.expect(200);
    items(&list).clone()
}

async fn there_are_at_least_six_official_templates_across_the_four_categories(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let templates = all_templates(&app, &user).await;

    assert!(templates.len() >= 6, "only {} templates", templates.len());
    let categories: BTreeSet<&str> = templates.iter().map(|t| str_of(&t["category"])).collect();
    for category in ["form", "chat", "dashboard", "visualization"] {
        assert!(categories.contains(category), "no `{category}` template among {categories:?}");
    }
    let official = templates.iter().filter(|t| t["is_official"] == true).count();
    assert!(official >= 6, "only {official} official templates");
}

async fn every_template_has_code_tags_and_a_difficulty(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    for template in all_templates(&app, &user).await {
        let name = str_of(&template["name"]);
        Uuid::parse_str(str_of(&template["id"])).expect("id is a UUID");
        assert!(!name.is_empty(), "{template}");
        assert!(!str_of(&template["component_code"]).trim().is_empty(), "{name} has no code");
        let tags = template["tags"].as_array().unwrap_or_else(|| panic!("{name}: tags is not an array"));
        assert!(!tags.is_empty(), "{name} has no tags");
        assert!(tags.iter().all(|t| t.as_str().is_some_and(|t| !t.is_empty())), "{name}: {tags:?}");
        let difficulty = str_of(&template["difficulty"]);
        assert!(["beginner", "intermediate", "advanced"].contains(&difficulty), "{name}: {difficulty}");
        assert_eq!(template["is_official"], true, "{name}");
    }
}

async fn every_template_passes_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    for template in all_templates(&app, &user).await {
        let report = app
            .validate_component(
                &user,
                &json!({"component_code": template["component_code"], "component_type": "react"}),
            )
            .await
            .expect(200);
        assert_eq!(report["validated"], true, "template {} does not validate: {report}", template["name"]);
    }
}

async fn templates_filter_by_category(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let all = all_templates(&app, &user).await;

    for category in ["form", "chat", "dashboard", "visualization"] {
        let list = app.list_templates(&user, &format!("?category={category}")).await.expect(200);
        let expected = all.iter().filter(|t| t["category"] == category).count();
        assert!(expected > 0);
        assert_eq!(items(&list).len(), expected, "{category}: {list}");
        assert!(items(&list).iter().all(|t| t["category"] == category), "{list}");
    }
}

async fn templates_filter_by_tag(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let all = all_templates(&app, &user).await;
    let tag = str_of(&all[0]["tags"][0]).to_owned();

    let list = app.list_templates(&user, &format!("?tag={tag}")).await.expect(200);

    let listed = ids(&list);
    assert!(listed.contains(&str_of(&all[0]["id"]).to_owned()), "{list}");
    let expected =
        all.iter().filter(|t| t["tags"].as_array().is_some_and(|tags| tags.contains(&json!(tag)))).count();
    assert_eq!(listed.len(), expected, "{list}");
}

async fn templates_filter_by_difficulty(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let all = all_templates(&app, &user).await;

    for difficulty in ["beginner", "intermediate", "advanced"] {
        let list = app.list_templates(&user, &format!("?difficulty={difficulty}")).await.expect(200);
        let expected = all.iter().filter(|t| t["difficulty"] == difficulty).count();
        assert_eq!(items(&list).len(), expected, "{difficulty}: {list}");
        assert!(items(&list).iter().all(|t| t["difficulty"] == difficulty), "{list}");
    }
}

async fn a_template_is_fetched_by_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let all = all_templates(&app, &user).await;

    let template = app.get_template(&user, str_of(&all[0]["id"])).await.expect(200);

    assert_eq!(template["id"], all[0]["id"]);
    assert_eq!(template["name"], all[0]["name"]);
    assert_eq!(template["component_code"], all[0]["component_code"]);
}

async fn a_template_that_does_not_exist_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    app.get_template(&user, &Uuid::new_v4().to_string()).await.expect_error(404, "not_found");
}

async fn templates_require_a_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;
    let all = all_templates(&app, &user).await;

    app.request(reqwest::Method::GET, "/api/templates", None, None).await.expect_error(401, "unauthorized");
    let path = format!("/api/templates/{}", str_of(&all[0]["id"]));
    app.request(reqwest::Method::GET, &path, None, None).await.expect_error(401, "unauthorized");
}

//! Navigation quarantine: a viewer's browser reports a UI whose frame loaded a second document;
//! the UI leaves the gallery and is hidden from everyone but its owner, who reads why, until the
//! owner publishes a new version. Reports are once per viewer and UI, and capped per account.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, Options, Reply, TestApp, TestUser, both_backends, spawn_app, spawn_app_with, str_of,
};

both_backends!(
    a_reported_public_ui_leaves_the_gallery_and_is_hidden_from_others,
    the_owner_reads_why_and_a_new_version_brings_the_ui_back,
    a_repeated_report_by_the_same_viewer_changes_nothing,
    reports_need_a_signed_in_viewer_who_can_see_the_ui,
    reports_per_account_are_capped_per_hour,
);

impl TestApp {
    /// `POST /api/custom-uis/{id}/navigation-reports`.
    async fn report_navigation(&self, user: &TestUser, id: &str) -> Reply {
        self.report_navigation_with(user, id, &json!({"detail": "second load"})).await
    }

    /// `POST /api/custom-uis/{id}/navigation-reports` with `body`.
    async fn report_navigation_with(&self, user: &TestUser, id: &str, body: &Value) -> Reply {
        let path = format!("/api/custom-uis/{id}/navigation-reports");
        self.request(Method::POST, &path, Some(&user.token), Some(body)).await
    }

    /// `GET /api/custom-uis/{id}/navigation-reports`.
    async fn quarantine(&self, user: &TestUser, id: &str) -> Reply {
        let path = format!("/api/custom-uis/{id}/navigation-reports");
        self.request(Method::GET, &path, Some(&user.token), None).await
    }
}

fn ids_in(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .map(|a| a.iter().map(|i| str_of(&i["id"]).to_owned()).collect())
        .unwrap_or_default()
}

async fn a_reported_public_ui_leaves_the_gallery_and_is_hidden_from_others(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let carol = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let other = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);
    assert!(ids_in(&app.list_custom_uis(&carol, "?scope=public").await.expect(200)).contains(&id.to_owned()));

    let outcome = app.report_navigation(&bob, id).await.expect(200);
    assert_eq!(outcome["quarantined"], true, "{outcome}");
    assert_eq!(outcome["reports"], 1, "{outcome}");

    let public = ids_in(&app.list_custom_uis(&carol, "?scope=public").await.expect(200));
    assert!(!public.contains(&id.to_owned()), "{public:?}");
    assert!(public.contains(&str_of(&other["id"]).to_owned()), "an unreported UI stays listed: {public:?}");
    app.get_custom_ui(&carol, id).await.expect_error(404, "not_found");
    app.get_compiled(&carol, id, None).await.expect_error(404, "not_found");
    // Its owner still has it.
    assert_eq!(app.get_custom_ui(&alice, id).await.expect(200)["id"], ui["id"]);
    assert!(ids_in(&app.list_custom_uis(&alice, "?scope=mine").await.expect(200)).contains(&id.to_owned()));
}

async fn the_owner_reads_why_and_a_new_version_brings_the_ui_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);
    let before = app.quarantine(&alice, id).await.expect(200);
    assert_eq!(before["quarantined"], false, "{before}");

    app.report_navigation(&bob, id).await.expect(200);

    let why = app.quarantine(&alice, id).await.expect(200);
    assert_eq!(why["quarantined"], true, "{why}");
    assert_eq!(why["reason"], "second load", "{why}");
    assert!(why["quarantined_at"].is_string(), "{why}");
    app.quarantine(&bob, id).await.expect_error(404, "not_found");
    // Publishing the reported version again does not bring it back.
    app.publish_custom_ui(&alice, id).await.expect_error(409, "conflict");

    let version = app.create_version(&alice, id, None).await.expect(201);
    let published = app.publish_custom_ui(&alice, str_of(&version["id"])).await.expect(200);
    assert_eq!(published["is_public"], true);
    let public = ids_in(&app.list_custom_uis(&bob, "?scope=public").await.expect(200));
    assert_eq!(public, vec![str_of(&version["id"]).to_owned()]);
    assert_eq!(app.quarantine(&alice, str_of(&version["id"])).await.expect(200)["quarantined"], false);
}

async fn a_repeated_report_by_the_same_viewer_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);

    let first = app.report_navigation(&bob, id).await.expect(200);
    // The UI is hidden from Bob now, yet his repeat answers the same.
    let again = app.report_navigation(&bob, id).await.expect(200);
    assert_eq!(first, again);
    assert_eq!(app.quarantine(&alice, id).await.expect(200)["reports"], 1);
    // The owner's own report is a second viewer's.
    assert_eq!(app.report_navigation(&alice, id).await.expect(200)["reports"], 2);
}

async fn reports_need_a_signed_in_viewer_who_can_see_the_ui(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;
    let id = str_of(&draft["id"]);

    app.report_navigation(&bob, id).await.expect_error(404, "not_found");
    let anonymous = app
        .client
        .post(format!("{}/api/custom-uis/{id}/navigation-reports", app.address))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    app.report_navigation_with(&bob, id, &json!({"detail": 5})).await.expect_error(422, "validation_failed");
    assert_eq!(app.quarantine(&alice, id).await.expect(200)["quarantined"], false);
}

async fn reports_per_account_are_capped_per_hour(backend: Backend) {
    let app = spawn_app_with(backend, Options::with_args(&["--navigation-reports-per-hour", "2"])).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let mut uis = Vec::new();
    for _ in 0..3 {
        uis.push(str_of(&app.new_public_custom_ui(&alice).await["id"]).to_owned());
    }
    app.report_navigation(&bob, &uis[0]).await.expect(200);
    app.report_navigation(&bob, &uis[1]).await.expect(200);
    let refused = app.report_navigation(&bob, &uis[2]).await;
    refused.expect_error(429, "rate_limited");
    assert!(
        refused.header("retry-after").is_some_and(|s| s.parse::<u64>().is_ok_and(|n| n > 0 && n <= 3600))
    );
    // A repeat of an earlier report is still answered.
    assert_eq!(app.report_navigation(&bob, &uis[0]).await.expect(200)["quarantined"], true);
    assert_eq!(app.quarantine(&alice, &uis[2]).await.expect(200)["quarantined"], false);
}

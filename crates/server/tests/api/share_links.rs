//! Share links: the owner of a published UI makes links pinned to its version or following the
//! latest published one; anyone signed in opens them; the owner lists and revokes them; a revoked
//! link, an archived or deleted UI answer 410 with a sentence saying which. Forged, malformed and
//! other owners' slugs get 404s.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, Reply, TestApp, TestUser, both_backends, spawn_app, str_of};

both_backends!(
    a_pinned_link_keeps_its_version_and_a_following_link_moves_to_the_next_published_one,
    only_the_owner_of_a_published_ui_makes_lists_and_revokes_links,
    a_revoked_link_and_an_archived_or_deleted_ui_answer_gone_with_the_reason,
    forged_and_malformed_slugs_are_not_found,
    links_per_ui_are_capped,
);

impl TestApp {
    /// `POST /api/custom-uis/{id}/share-links`.
    async fn create_share_link(&self, user: &TestUser, id: &str, body: &Value) -> Reply {
        let path = format!("/api/custom-uis/{id}/share-links");
        self.request(Method::POST, &path, Some(&user.token), Some(body)).await
    }

    /// `GET /api/custom-uis/{id}/share-links`.
    async fn list_share_links(&self, user: &TestUser, id: &str) -> Reply {
        self.request(Method::GET, &format!("/api/custom-uis/{id}/share-links"), Some(&user.token), None).await
    }

    /// `GET /api/share-links/{slug}`.
    async fn open_share_link(&self, user: &TestUser, slug: &str) -> Reply {
        self.request(Method::GET, &format!("/api/share-links/{slug}"), Some(&user.token), None).await
    }

    /// `DELETE /api/share-links/{slug}`.
    async fn revoke_share_link(&self, user: &TestUser, slug: &str) -> Reply {
        self.request(Method::DELETE, &format!("/api/share-links/{slug}"), Some(&user.token), None).await
    }
}

async fn a_pinned_link_keeps_its_version_and_a_following_link_moves_to_the_next_published_one(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let v1 = app.new_public_custom_ui(&alice).await;
    let v1_id = str_of(&v1["id"]);
    let pinned = app.create_share_link(&alice, v1_id, &json!({"pinned": true})).await.expect(201);
    let following = app.create_share_link(&alice, v1_id, &json!({})).await.expect(201);
    let pinned_slug = str_of(&pinned["slug"]);
    let following_slug = str_of(&following["slug"]);
    assert_eq!(pinned["pinned"], true);
    assert_eq!(following["pinned"], false);
    assert_eq!(pinned["url"], format!("/s/{pinned_slug}"));
    assert_eq!(pinned_slug.len(), 32);
    assert_ne!(pinned_slug, following_slug);

    for slug in [pinned_slug, following_slug] {
        let opened = app.open_share_link(&bob, slug).await.expect(200);
        assert_eq!(opened["custom_ui_id"], v1["id"]);
        assert_eq!(opened["version"], 1);
    }

    // Version 2 as a draft changes nothing for either link.
    let v2 = app.create_version(&alice, v1_id, Some(&json!({"name": "Hello UI v2"}))).await.expect(201);
    assert_eq!(app.open_share_link(&bob, following_slug).await.expect(200)["version"], 1);

    // Published, it is what the following link opens; the pinned one stays on version 1.
    app.publish_custom_ui(&alice, str_of(&v2["id"])).await.expect(200);
    let opened = app.open_share_link(&bob, following_slug).await.expect(200);
    assert_eq!(opened["custom_ui_id"], v2["id"]);
    assert_eq!(opened["version"], 2);
    assert_eq!(opened["name"], "Hello UI v2");
    let opened = app.open_share_link(&bob, pinned_slug).await.expect(200);
    assert_eq!(opened["custom_ui_id"], v1["id"]);
    assert_eq!(opened["version"], 1);
    // The viewer can open what the link names.
    app.get_custom_ui(&bob, str_of(&opened["custom_ui_id"])).await.expect(200);

    // Version 2 archived: the following link falls back to version 1, still published.
    app.update_custom_ui(&alice, str_of(&v2["id"]), &json!({"status": "archived"})).await.expect(200);
    assert_eq!(app.open_share_link(&bob, following_slug).await.expect(200)["version"], 1);
}

async fn only_the_owner_of_a_published_ui_makes_lists_and_revokes_links(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let prompt = app.new_prompt(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;
    let message =
        app.create_share_link(&alice, str_of(&draft["id"]), &json!({})).await.expect_error(409, "conflict");
    assert!(message.contains("publish it first"), "{message}");

    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);
    app.create_share_link(&bob, id, &json!({})).await.expect_error(403, "forbidden");
    app.list_share_links(&bob, id).await.expect_error(403, "forbidden");
    app.create_share_link(&bob, str_of(&draft["id"]), &json!({})).await.expect_error(404, "not_found");
    app.create_share_link(&alice, id, &json!({"pinned": "yes"})).await.expect_error(422, "validation_failed");
    app.create_share_link(&alice, id, &json!({"pinned": true, "extra": 1}))
        .await
        .expect_error(422, "validation_failed");

    let first = app.create_share_link(&alice, id, &json!({"pinned": true})).await.expect(201);
    let second = app.create_share_link(&alice, id, &json!({})).await.expect(201);
    let listed = app.list_share_links(&alice, id).await.expect(200);
    assert_eq!(listed["total"], 2);
    let slugs: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|l| str_of(&l["slug"])).collect();
    assert!(slugs.contains(&str_of(&first["slug"])) && slugs.contains(&str_of(&second["slug"])));

    app.revoke_share_link(&bob, str_of(&first["slug"])).await.expect_error(404, "not_found");
    app.open_share_link(&bob, str_of(&first["slug"])).await.expect(200);
    let revoked = app.revoke_share_link(&alice, str_of(&first["slug"])).await.expect(200);
    assert!(revoked["revoked_at"].is_string());
    let again = app.revoke_share_link(&alice, str_of(&first["slug"])).await.expect(200);
    assert_eq!(again["revoked_at"], revoked["revoked_at"], "a second revoke keeps the first time");
    let listed = app.list_share_links(&alice, id).await.expect(200);
    assert_eq!(listed["total"], 2, "revoked links stay listed");
    app.open_share_link(&bob, str_of(&second["slug"])).await.expect(200);
    // Without a session nothing opens.
    app.request(Method::GET, &format!("/api/share-links/{}", str_of(&second["slug"])), None, None)
        .await
        .expect_error(401, "unauthorized");
}

async fn a_revoked_link_and_an_archived_or_deleted_ui_answer_gone_with_the_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;

    let ui = app.new_public_custom_ui(&alice).await;
    let link = app.create_share_link(&alice, str_of(&ui["id"]), &json!({})).await.expect(201);
    let slug = str_of(&link["slug"]);
    app.revoke_share_link(&alice, slug).await.expect(200);
    let message = app.open_share_link(&bob, slug).await.expect_error(410, "gone");
    assert!(message.contains("revoked"), "{message}");
    let message = app.open_share_link(&alice, slug).await.expect_error(410, "gone");
    assert!(message.contains("revoked"), "the owner sees the same: {message}");

    let archived = app.new_public_custom_ui(&alice).await;
    let pinned =
        app.create_share_link(&alice, str_of(&archived["id"]), &json!({"pinned": true})).await.expect(201);
    let following = app.create_share_link(&alice, str_of(&archived["id"]), &json!({})).await.expect(201);
    app.update_custom_ui(&alice, str_of(&archived["id"]), &json!({"status": "archived"})).await.expect(200);
    for link in [&pinned, &following] {
        let message = app.open_share_link(&bob, str_of(&link["slug"])).await.expect_error(410, "gone");
        assert!(message.contains("archived"), "{message}");
    }

    let unpublished = app.new_public_custom_ui(&alice).await;
    let link =
        app.create_share_link(&alice, str_of(&unpublished["id"]), &json!({"pinned": true})).await.expect(201);
    app.update_custom_ui(&alice, str_of(&unpublished["id"]), &json!({"is_public": false})).await.expect(200);
    let message = app.open_share_link(&bob, str_of(&link["slug"])).await.expect_error(410, "gone");
    assert!(message.contains("no longer published"), "{message}");

    let deleted = app.new_public_custom_ui(&alice).await;
    let link = app.create_share_link(&alice, str_of(&deleted["id"]), &json!({})).await.expect(201);
    app.delete_custom_ui(&alice, str_of(&deleted["id"])).await.expect(204);
    let message = app.open_share_link(&bob, str_of(&link["slug"])).await.expect_error(410, "gone");
    assert!(message.contains("deleted"), "{message}");
}

async fn forged_and_malformed_slugs_are_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let bob = app.new_user().await;
    let long = "a".repeat(10_000);
    for slug in [
        "0123456789abcdef0123456789abcdef",
        "not-a-slug",
        "0123456789ABCDEF0123456789ABCDEF",
        long.as_str(),
        "%00",
    ] {
        app.open_share_link(&bob, slug).await.expect_error(404, "not_found");
        app.revoke_share_link(&bob, slug).await.expect_error(404, "not_found");
    }
}

async fn links_per_ui_are_capped(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let id = str_of(&ui["id"]);
    for _ in 0..promptdeck_core::MAX_SHARE_LINKS_PER_UI {
        app.create_share_link(&alice, id, &json!({})).await.expect(201);
    }
    let message = app.create_share_link(&alice, id, &json!({})).await.expect_error(409, "conflict");
    assert!(message.contains("at most 50"), "{message}");
}

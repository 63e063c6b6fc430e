//! Embeds: the owner of a published UI makes embeds for exact origins (wildcards and paths
//! refused), lists, re-keys and revokes them; a stranger's browser gets a viewer session —
//! anonymous, or verified by the embedding site's HMAC — whose token runs that embed's UI and
//! nothing else; the owner pays, within the embed's caps; the embed page and its sandbox frame
//! may be framed by the allowed origins only; a revoked embed or an archived UI answers 410.
//! Runs through an embed show in the owner's stats by embed.

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{Backend, Reply, TestApp, TestUser, both_backends, spawn_app, spawn_priced, str_of};
use crate::socket::TaskOutcome;

both_backends!(
    only_the_owner_makes_lists_rekeys_and_revokes_embeds,
    origins_and_caps_that_make_no_sense_are_refused,
    an_anonymous_viewer_runs_the_embeds_ui_and_nothing_else,
    verified_viewers_need_the_sites_hmac_and_keep_one_account,
    a_revoked_embed_and_an_archived_ui_answer_gone,
    a_pinned_embed_keeps_its_version_and_a_following_one_moves_on,
    an_embeds_runs_are_paid_by_its_owner_within_its_caps,
    the_embed_page_and_its_sandbox_frame_are_framable_by_its_origins_only,
    anonymous_sessions_are_rate_limited_per_address,
    a_viewers_writes_are_paced,
);

const ORIGIN_A: &str = "http://127.0.0.1:8123";
const ORIGIN_B: &str = "https://b.example";

impl TestApp {
    async fn create_embed(&self, user: &TestUser, ui: &str, body: &Value) -> Reply {
        self.request(Method::POST, &format!("/api/custom-uis/{ui}/embeds"), Some(&user.token), Some(body))
            .await
    }

    async fn list_embeds(&self, user: &TestUser, ui: &str) -> Reply {
        self.request(Method::GET, &format!("/api/custom-uis/{ui}/embeds"), Some(&user.token), None).await
    }

    async fn rotate_embed_secret(&self, user: &TestUser, id: &str) -> Reply {
        self.request(Method::POST, &format!("/api/embeds/{id}/secret"), Some(&user.token), None).await
    }

    async fn revoke_embed(&self, user: &TestUser, id: &str) -> Reply {
        self.request(Method::DELETE, &format!("/api/embeds/{id}"), Some(&user.token), None).await
    }

    /// `POST /api/embeds/{id}/sessions` with no account.
    async fn embed_session(&self, id: &str, body: &Value) -> Reply {
        self.request(Method::POST, &format!("/api/embeds/{id}/sessions"), None, Some(body)).await
    }

    /// A viewer of the embed `id` (anonymous, or verified with `body`).
    async fn embed_viewer(&self, id: &str, body: &Value) -> (TestUser, Value) {
        let session = self.embed_session(id, body).await.expect(201);
        let viewer =
            TestUser { token: str_of(&session["token"]).to_owned(), id: String::new(), email: String::new() };
        (viewer, session)
    }

    /// An anonymous embed of `ui` for [`ORIGIN_A`].
    async fn anonymous_embed(&self, owner: &TestUser, ui: &str) -> Value {
        let body = json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 100});
        self.create_embed(owner, ui, &body).await.expect(201)
    }
}

fn sign(secret: &str, user_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(user_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn assert_ran(outcome: &TaskOutcome) {
    assert!(outcome.ack.get("error").is_none(), "the task was refused: {:?}", outcome.ack);
    assert_eq!(outcome.events.last(), Some(&json!({"end": true})), "{outcome:?}");
}

fn refusal(outcome: &TaskOutcome) -> &Value {
    assert_eq!(outcome.ack["response_listener_events"], json!([]), "the task was not refused: {outcome:?}");
    &outcome.ack["error"]
}

async fn only_the_owner_makes_lists_rekeys_and_revokes_embeds(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let ui_id = str_of(&ui["id"]);

    let body = json!({"allowed_origins": ["https://Shop.Example:443", ORIGIN_A, "https://shop.example"],
        "viewer": "verified", "daily_runs": 50, "max_runs_per_viewer_per_day": 5});
    let created = app.create_embed(&alice, ui_id, &body).await.expect(201);
    let id = str_of(&created["id"]);
    let secret = str_of(&created["secret"]);
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(created["url"], format!("/embed/{id}"));
    // Origins are kept in their normal form, once each.
    assert_eq!(created["allowed_origins"], json!(["https://shop.example", ORIGIN_A]));
    assert_eq!(created["viewer"], "verified");
    assert_eq!(created["daily_runs"], 50);
    assert_eq!(created["max_runs_per_viewer_per_day"], 5);
    assert_eq!(created["pinned"], false);
    assert_eq!(created["version"], Value::Null);
    assert_eq!(created["custom_ui_id"], ui["id"]);

    // The list never shows a secret.
    let list = app.list_embeds(&alice, ui_id).await.expect(200);
    assert_eq!(list["total"], 1);
    let listed = &list["items"][0];
    assert_eq!(listed["id"], created["id"]);
    assert!(listed.get("secret").is_none(), "{listed}");

    // A viewer of the public UI, or anyone with a forged id, can do none of it.
    app.create_embed(&bob, ui_id, &body).await.expect_error(403, "forbidden");
    app.list_embeds(&bob, ui_id).await.expect_error(403, "forbidden");
    app.rotate_embed_secret(&bob, id).await.expect_error(404, "not_found");
    app.revoke_embed(&bob, id).await.expect_error(404, "not_found");
    let forged = uuid::Uuid::new_v4().to_string();
    app.rotate_embed_secret(&alice, &forged).await.expect_error(404, "not_found");
    app.revoke_embed(&alice, "not-a-uuid").await.expect_error(404, "not_found");
    app.create_embed(&alice, &forged, &body).await.expect_error(404, "not_found");

    // Re-keying gives a new secret once; the old one stops vouching for viewers.
    let rotated = app.rotate_embed_secret(&alice, id).await.expect(200);
    let new_secret = str_of(&rotated["secret"]);
    assert_ne!(new_secret, secret);
    assert!(rotated["secret_rotated_at"].is_string());
    let old = json!({"user_id": "u1", "user_hash": sign(secret, "u1")});
    app.embed_session(id, &old).await.expect_error(403, "forbidden");
    app.embed_session(id, &json!({"user_id": "u1", "user_hash": sign(new_secret, "u1")})).await.expect(201);

    // Revoking twice keeps the first time.
    let revoked = app.revoke_embed(&alice, id).await.expect(200);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(app.revoke_embed(&alice, id).await.expect(200)["revoked_at"], revoked["revoked_at"]);

    // Only a published version can be embedded.
    let prompt = app.new_prompt(&alice).await;
    let draft = app.new_custom_ui(&alice, str_of(&prompt["id"])).await;
    app.create_embed(&alice, str_of(&draft["id"]), &body).await.expect_error(409, "conflict");
}

async fn origins_and_caps_that_make_no_sense_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let ui_id = str_of(&ui["id"]);
    let many: Vec<String> = (0..21).map(|i| format!("https://s{i}.example")).collect();
    for (body, says) in [
        (json!({"allowed_origins": ["*"], "viewer": "anonymous", "daily_runs": 1}), "wildcards"),
        (
            json!({"allowed_origins": ["https://*.example.com"], "viewer": "anonymous", "daily_runs": 1}),
            "wildcards",
        ),
        (
            json!({"allowed_origins": ["https://shop.example/app"], "viewer": "anonymous", "daily_runs": 1}),
            "path",
        ),
        (
            json!({"allowed_origins": ["https://shop.example/"], "viewer": "anonymous", "daily_runs": 1}),
            "path",
        ),
        (
            json!({"allowed_origins": ["shop.example"], "viewer": "anonymous", "daily_runs": 1}),
            "not an origin",
        ),
        (
            json!({"allowed_origins": ["javascript://x"], "viewer": "anonymous", "daily_runs": 1}),
            "http and https",
        ),
        (
            json!({"allowed_origins": ["https://a.example; script-src *"], "viewer": "anonymous", "daily_runs": 1}),
            "allowed_origins",
        ),
        (json!({"allowed_origins": [], "viewer": "anonymous", "daily_runs": 1}), "allowed_origins"),
        (json!({"allowed_origins": many, "viewer": "anonymous", "daily_runs": 1}), "allowed_origins"),
        (json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 0}), "daily_runs"),
        (
            json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 1_000_001}),
            "daily_runs",
        ),
        (
            json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 1, "max_runs_per_viewer_per_day": 0}),
            "max_runs_per_viewer_per_day",
        ),
        (
            json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 1, "version": 7}),
            "version",
        ),
        (
            json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 1, "max_cost_per_day": -1}),
            "max_cost_per_day",
        ),
        (
            json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 1, "max_cost_per_day": 1e300}),
            "max_cost_per_day",
        ),
    ] {
        let message = app.create_embed(&alice, ui_id, &body).await.expect_error(422, "validation_failed");
        assert!(message.contains(says), "{body}: {message:?} should say {says:?}");
    }
    for body in [
        json!({"allowed_origins": [ORIGIN_A], "viewer": "everyone", "daily_runs": 1}),
        json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": -1}),
        json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 1, "bogus": 1}),
        json!({"allowed_origins": "https://a.example", "viewer": "anonymous", "daily_runs": 1}),
    ] {
        let reply = app.create_embed(&alice, ui_id, &body).await;
        assert_eq!(reply.status.as_u16(), 422, "{body}: {reply:?}");
    }
    assert_eq!(app.list_embeds(&alice, ui_id).await.expect(200)["total"], 0);
}

async fn an_anonymous_viewer_runs_the_embeds_ui_and_nothing_else(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let ui_id = str_of(&ui["id"]);
    let other_ui = app.new_public_custom_ui(&alice).await;
    let embed = app.anonymous_embed(&alice, ui_id).await;
    let embed_id = str_of(&embed["id"]);

    let (viewer, session) = app.embed_viewer(embed_id, &json!({})).await;
    assert_eq!(session["custom_ui_id"], ui["id"]);
    assert_eq!(session["version"], 1);
    assert_eq!(session["viewer"], "anonymous");
    assert!(session["expires_at"].is_string());

    // What the runner needs for that UI is open to the viewer's token…
    let got = app.get_custom_ui(&viewer, ui_id).await.expect(200);
    assert_eq!(got["id"], ui["id"]);
    assert_eq!(app.get_compiled(&viewer, ui_id, None).await.status.as_u16(), 200);
    let state_path = format!("/api/custom-uis/{ui_id}/state");
    app.request(Method::PUT, &state_path, Some(&viewer.token), Some(&json!({"state": {"n": 1}})))
        .await
        .expect(200);
    assert_eq!(
        app.request(Method::GET, &state_path, Some(&viewer.token), None).await.expect(200)["state"]["n"],
        1
    );

    // …and nothing else: other UIs, prompts, runs' history, the account, sharing, the gallery.
    let other_id = str_of(&other_ui["id"]);
    for (method, path) in [
        (Method::GET, format!("/api/custom-uis/{other_id}")),
        (Method::GET, format!("/api/custom-uis/{other_id}/compiled")),
        (Method::GET, "/api/custom-uis?scope=public".to_owned()),
        (Method::GET, "/api/prompts".to_owned()),
        (Method::GET, format!("/api/prompts/{}", str_of(&ui["prompt_id"]))),
        (Method::GET, "/api/runs".to_owned()),
        (Method::GET, "/api/auth/me".to_owned()),
        (Method::GET, "/api/auth/sessions".to_owned()),
        (Method::GET, "/api/account/budget".to_owned()),
        (Method::GET, "/api/account/stats".to_owned()),
        (Method::PATCH, format!("/api/custom-uis/{ui_id}")),
        (Method::DELETE, format!("/api/custom-uis/{ui_id}")),
        (Method::POST, format!("/api/custom-uis/{ui_id}/share-links")),
        (Method::POST, format!("/api/custom-uis/{ui_id}/embeds")),
        (Method::GET, format!("/api/custom-uis/{ui_id}/embeds")),
        (Method::PUT, format!("/api/custom-uis/{ui_id}/rating")),
        (Method::GET, format!("/api/custom-uis/{ui_id}/versions")),
        (Method::GET, "/api/usage".to_owned()),
        (Method::GET, "/api/account/provider-keys".to_owned()),
    ] {
        let reply = app.request(method.clone(), &path, Some(&viewer.token), Some(&json!({}))).await;
        assert_eq!(reply.status, 403, "{method} {path} answered {} to an embed viewer", reply.status);
    }

    // It runs the embed's UI over Socket.IO; nothing else.
    let prompt_id = str_of(&ui["prompt_id"]);
    let ran = app.run_prompt(&viewer, json!({"prompt_id": prompt_id, "custom_ui_id": ui_id})).await;
    assert_ran(&ran);
    let other = app
        .run_prompt(&viewer, json!({"prompt_id": str_of(&other_ui["prompt_id"]), "custom_ui_id": other_id}))
        .await;
    assert_eq!(refusal(&other)["code"], "not_found");
    let bare = app.run_prompt(&viewer, json!({"prompt_id": prompt_id})).await;
    assert_eq!(refusal(&bare)["code"], "not_found");
    let mut socket = app.socket(&viewer).await;
    let chat = socket
        .run(
            "chat_service",
            json!({"taskName": "direct_chat", "taskData": {"messages": [{"role": "user", "content": "hi"}]}}),
        )
        .await;
    assert_eq!(refusal(&chat)["code"], "not_found");

    // Another anonymous viewer is someone else: the first one's task is not theirs to follow.
    let (stranger, _) = app.embed_viewer(embed_id, &json!({})).await;
    let task_id = str_of(&ran.ack["task_id"]);
    let mut theirs = app.socket(&stranger).await;
    let resumed = theirs
        .run("task_service", json!({"taskName": "resume", "taskData": {"task_id": task_id, "from": 0}}))
        .await;
    assert_eq!(refusal(&resumed)["code"], "not_found", "{resumed:?}");
    assert_eq!(
        app.request(Method::GET, &state_path, Some(&stranger.token), None).await.expect(200)["state"],
        json!({})
    );

    // The owner sees the run in the UI's figures, by embed.
    let stats =
        app.request(Method::GET, &format!("/api/custom-uis/{ui_id}/stats"), Some(&alice.token), None).await;
    let stats = stats.expect(200);
    assert_eq!(stats["totals"]["tasks"], 1);
    let by_embed = stats["by_embed"].as_array().unwrap();
    assert_eq!(by_embed.len(), 1, "{by_embed:?}");
    assert_eq!(by_embed[0]["key"], embed["id"]);
    assert_eq!(by_embed[0]["tasks"], 1);
    assert_eq!(by_embed[0]["label"], format!("Embed on {ORIGIN_A}"));
}

async fn verified_viewers_need_the_sites_hmac_and_keep_one_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let ui_id = str_of(&ui["id"]);
    let body = json!({"allowed_origins": [ORIGIN_B], "viewer": "verified", "daily_runs": 100});
    let embed = app.create_embed(&alice, ui_id, &body).await.expect(201);
    let (id, secret) = (str_of(&embed["id"]), str_of(&embed["secret"]));

    for (body, status) in [
        (json!({}), 403),
        (json!({"user_id": "alice"}), 403),
        (json!({"user_id": "alice", "user_hash": sign(secret, "bob")}), 403),
        (json!({"user_id": "alice", "user_hash": "not hex"}), 403),
        (json!({"user_id": "alice", "user_hash": sign("another secret", "alice")}), 403),
        (json!({"user_id": "", "user_hash": sign(secret, "")}), 422),
        (json!({"user_id": "x".repeat(129), "user_hash": sign(secret, &"x".repeat(129))}), 422),
        (json!({"user_id": "a\u{7}b", "user_hash": sign(secret, "a\u{7}b")}), 422),
        (json!({"user_id": "alice", "user_hash": sign(secret, "alice"), "extra": 1}), 422),
    ] {
        let reply = app.embed_session(id, &body).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {reply:?}");
    }

    // The same site user is the same viewer on every visit: their state is still there.
    let good = json!({"user_id": "alice", "user_hash": sign(secret, "alice")});
    let (first, session) = app.embed_viewer(id, &good).await;
    assert_eq!(session["viewer"], "verified");
    let state_path = format!("/api/custom-uis/{ui_id}/state");
    app.request(Method::PUT, &state_path, Some(&first.token), Some(&json!({"state": {"seen": true}})))
        .await
        .expect(200);
    let (again, _) = app.embed_viewer(id, &good).await;
    assert_ne!(again.token, first.token);
    assert_eq!(
        app.request(Method::GET, &state_path, Some(&again.token), None).await.expect(200)["state"]["seen"],
        true
    );
    // Another site user is another viewer.
    let (carol, _) =
        app.embed_viewer(id, &json!({"user_id": "carol", "user_hash": sign(secret, "carol")})).await;
    assert_eq!(
        app.request(Method::GET, &state_path, Some(&carol.token), None).await.expect(200)["state"],
        json!({})
    );

    // A viewer of one embed is nobody to another embed of the same UI.
    let other = app.anonymous_embed(&alice, ui_id).await;
    let (_, other_session) = app.embed_viewer(str_of(&other["id"]), &json!({})).await;
    assert_ne!(other_session["token"], session["token"]);
    // An unknown embed is not found, whatever the body.
    app.embed_session(&uuid::Uuid::new_v4().to_string(), &good).await.expect_error(404, "not_found");
    app.embed_session("not-a-uuid", &good).await.expect_error(404, "not_found");
}

async fn a_revoked_embed_and_an_archived_ui_answer_gone(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let ui_id = str_of(&ui["id"]);
    let embed = app.anonymous_embed(&alice, ui_id).await;
    let id = str_of(&embed["id"]);
    let (viewer, _) = app.embed_viewer(id, &json!({})).await;
    app.get_custom_ui(&viewer, ui_id).await.expect(200);

    // Revoked: no new session, and open ones end.
    app.revoke_embed(&alice, id).await.expect(200);
    let message = app.embed_session(id, &json!({})).await.expect_error(410, "gone");
    assert!(message.contains("revoked"), "{message}");
    app.get_custom_ui(&viewer, ui_id).await.expect_error(401, "unauthorized");

    // An archived UI turns its embeds into a notice saying so; a deleted one too.
    let embed = app.anonymous_embed(&alice, ui_id).await;
    let id = str_of(&embed["id"]);
    let (viewer, _) = app.embed_viewer(id, &json!({})).await;
    app.update_custom_ui(&alice, ui_id, &json!({"status": "archived"})).await.expect(200);
    let message = app.embed_session(id, &json!({})).await.expect_error(410, "gone");
    assert!(message.contains("archived"), "{message}");
    // An open session runs nothing more.
    let outcome =
        app.run_prompt(&viewer, json!({"prompt_id": str_of(&ui["prompt_id"]), "custom_ui_id": ui_id})).await;
    assert_eq!(refusal(&outcome)["code"], "not_found");
    app.get_custom_ui(&viewer, ui_id).await.expect_error(410, "gone");

    let other = app.new_public_custom_ui(&alice).await;
    let embed = app.anonymous_embed(&alice, str_of(&other["id"])).await;
    app.delete_custom_ui(&alice, str_of(&other["id"])).await.expect(204);
    let message = app.embed_session(str_of(&embed["id"]), &json!({})).await.expect_error(410, "gone");
    assert!(message.contains("deleted"), "{message}");
}

async fn a_pinned_embed_keeps_its_version_and_a_following_one_moves_on(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let v1 = app.new_public_custom_ui(&alice).await;
    let v1_id = str_of(&v1["id"]);
    let body = json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 10, "version": 1});
    let pinned = app.create_embed(&alice, v1_id, &body).await.expect(201);
    assert_eq!(pinned["pinned"], true);
    assert_eq!(pinned["version"], 1);
    let following = app.anonymous_embed(&alice, v1_id).await;

    let v2 = app.create_version(&alice, v1_id, Some(&json!({"name": "Hello UI v2"}))).await.expect(201);
    let v2_id = str_of(&v2["id"]);
    // A draft is not embeddable by number, nor shown.
    let draft = json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 10, "version": 2});
    app.create_embed(&alice, v1_id, &draft).await.expect_error(409, "conflict");
    assert_eq!(app.embed_session(str_of(&following["id"]), &json!({})).await.expect(201)["version"], 1);

    app.publish_custom_ui(&alice, v2_id).await.expect(200);
    let (viewer, session) = app.embed_viewer(str_of(&following["id"]), &json!({})).await;
    assert_eq!(session["version"], 2);
    assert_eq!(session["custom_ui_id"], v2["id"]);
    // The following embed's viewer loads v2, and v1 no longer.
    app.get_custom_ui(&viewer, v2_id).await.expect(200);
    app.get_custom_ui(&viewer, v1_id).await.expect_error(403, "forbidden");
    let (pinned_viewer, session) = app.embed_viewer(str_of(&pinned["id"]), &json!({})).await;
    assert_eq!(session["version"], 1);
    assert_eq!(session["custom_ui_id"], v1["id"]);
    app.get_custom_ui(&pinned_viewer, v1_id).await.expect(200);
    app.get_custom_ui(&pinned_viewer, v2_id).await.expect_error(403, "forbidden");
    // A pin on v2 by number.
    let body = json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 10, "version": 2});
    let on_v2 = app.create_embed(&alice, v1_id, &body).await.expect(201);
    assert_eq!(on_v2["custom_ui_id"], v2["id"]);
    assert_eq!(on_v2["version"], 2);
}

async fn an_embeds_runs_are_paid_by_its_owner_within_its_caps(backend: Backend) {
    let (app, _models) = spawn_priced(backend, &[]).await;
    let alice = app.new_user().await;
    let body = json!({"name": "Priced", "messages": [{"role": "user", "content": "one two three"}],
        "settings": {"model_id": "priced-echo"}});
    let prompt = str_of(&app.create_prompt(&alice, &body).await.expect(201)["id"]).to_owned();
    let ui = app.new_custom_ui(&alice, &prompt).await;
    let ui = app.publish_custom_ui(&alice, str_of(&ui["id"])).await.expect(200);
    let ui_id = str_of(&ui["id"]);
    let body = json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 3,
        "max_runs_per_viewer_per_day": 2});
    let embed = app.create_embed(&alice, ui_id, &body).await.expect(201);
    let id = str_of(&embed["id"]);
    let run = json!({"prompt_id": prompt, "custom_ui_id": ui_id});

    let spent = || async {
        let budget =
            app.request(Method::GET, "/api/account/budget", Some(&alice.token), None).await.expect(200);
        budget["spent_today"].as_f64().unwrap()
    };
    assert_eq!(spent().await, 0.0);
    let (first, _) = app.embed_viewer(id, &json!({})).await;
    assert_ran(&app.run_prompt(&first, run.clone()).await);
    // The owner paid (the UI's own payer setting is "viewer": an embed's viewers have no budget).
    let after_one = spent().await;
    assert!(after_one > 0.0, "the owner was not charged");
    assert_ran(&app.run_prompt(&first, run.clone()).await);
    let third = app.run_prompt(&first, run.clone()).await;
    let error = refusal(&third);
    assert_eq!(error["code"], "quota_exceeded");
    assert!(str_of(&error["message"]).contains("2 runs per viewer a day"), "{error}");
    assert!(error["resets_at"].is_string());

    let (second, _) = app.embed_viewer(id, &json!({})).await;
    assert_ran(&app.run_prompt(&second, run.clone()).await);
    let over = app.run_prompt(&second, run.clone()).await;
    let error = refusal(&over);
    assert_eq!(error["code"], "quota_exceeded");
    assert!(str_of(&error["message"]).contains("3 runs a day"), "{error}");
    assert!(spent().await > after_one);

    // A cap on the embed's cost per day: one run spends it, the next start is refused.
    let body = json!({"allowed_origins": [ORIGIN_A], "viewer": "anonymous", "daily_runs": 100,
        "max_cost_per_day": 0.5});
    let capped = app.create_embed(&alice, ui_id, &body).await.expect(201);
    assert_eq!(capped["max_cost_per_day"], 0.5);
    let (third, _) = app.embed_viewer(str_of(&capped["id"]), &json!({})).await;
    assert_ran(&app.run_prompt(&third, run.clone()).await);
    let over = app.run_prompt(&third, run.clone()).await;
    let error = refusal(&over);
    assert_eq!(error["code"], "quota_exceeded");
    assert!(str_of(&error["message"]).contains("this embed's runs may cost $0.5 a day"), "{error}");
}

async fn the_embed_page_and_its_sandbox_frame_are_framable_by_its_origins_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let body = json!({"allowed_origins": [ORIGIN_A, ORIGIN_B], "viewer": "anonymous", "daily_runs": 10});
    let embed = app.create_embed(&alice, str_of(&ui["id"]), &body).await.expect(201);
    let id = str_of(&embed["id"]);

    let ancestors = |reply: &Reply| {
        let csp = reply.header("content-security-policy").expect("a policy");
        csp.split(';').map(str::trim).find_map(|d| d.strip_prefix("frame-ancestors ")).map(str::to_owned)
    };
    let page = app.request(Method::GET, &format!("/embed/{id}"), None, None).await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(ancestors(&page).as_deref(), Some(format!("{ORIGIN_A} {ORIGIN_B}").as_str()));
    // The app's other pages are framed by nobody.
    let home = app.request(Method::GET, "/gallery", None, None).await;
    assert_eq!(ancestors(&home).as_deref(), Some("'none'"));
    for unknown in [uuid::Uuid::new_v4().to_string(), "not-a-uuid".to_owned()] {
        let page = app.request(Method::GET, &format!("/embed/{unknown}"), None, None).await;
        assert_eq!(ancestors(&page).as_deref(), Some("'none'"), "/embed/{unknown}");
    }

    // The sandbox frame inside the embed page lets the same sites be its ancestors too.
    let frame = app.get_sandbox(&format!("/frame?embed={id}")).await;
    let frame_ancestors = ancestors(&frame).unwrap();
    assert!(frame_ancestors.ends_with(&format!(" {ORIGIN_A} {ORIGIN_B}")), "{frame_ancestors}");
    let plain = ancestors(&app.get_sandbox("/frame").await).unwrap();
    assert!(!plain.contains(ORIGIN_A), "{plain}");
    assert_eq!(
        ancestors(&app.get_sandbox(&format!("/frame?embed={}", uuid::Uuid::new_v4())).await).unwrap(),
        plain
    );

    // Revoked: the page still lets the sites frame it (to show its notice); the sandbox not.
    app.revoke_embed(&alice, id).await.expect(200);
    let page = app.request(Method::GET, &format!("/embed/{id}"), None, None).await;
    assert_eq!(ancestors(&page).as_deref(), Some(format!("{ORIGIN_A} {ORIGIN_B}").as_str()));
    assert_eq!(ancestors(&app.get_sandbox(&format!("/frame?embed={id}")).await).unwrap(), plain);
}

async fn anonymous_sessions_are_rate_limited_per_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let embed = app.anonymous_embed(&alice, str_of(&ui["id"])).await;
    let id = str_of(&embed["id"]);
    for _ in 0..promptdeck_server::auth::EMBED_SESSIONS_PER_MINUTE {
        app.embed_session(id, &json!({})).await.expect(201);
    }
    let reply = app.embed_session(id, &json!({})).await;
    reply.expect_error(429, "rate_limited");
    let retry: u64 = reply.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Forged ids count too: a scan of ids costs the same budget.
    app.embed_session(&uuid::Uuid::new_v4().to_string(), &json!({})).await.expect_error(429, "rate_limited");
}

async fn a_viewers_writes_are_paced(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let ui_id = str_of(&ui["id"]);
    let embed = app.anonymous_embed(&alice, ui_id).await;
    let (viewer, _) = app.embed_viewer(str_of(&embed["id"]), &json!({})).await;
    let state_path = format!("/api/custom-uis/{ui_id}/state");
    let body = json!({"state": {"n": 1}});
    let write = || app.request(Method::PUT, &state_path, Some(&viewer.token), Some(&body));
    // 120 at once, then one every half second: a loop meets the limit well before 400 writes.
    let started = std::time::Instant::now();
    let mut passed = 0u32;
    let refused = loop {
        let reply = write().await;
        if reply.status.as_u16() != 200 || passed == 400 {
            break reply;
        }
        passed += 1;
    };
    refused.expect_error(429, "rate_limited");
    assert!(refused.header("retry-after").is_some());
    let allowed = 120 + (started.elapsed().as_secs_f64() * 2.0).ceil() as u32;
    assert!((120..=allowed).contains(&passed), "{passed} writes passed, at most {allowed} may");
    // Reads go on; the owner's own writes are not the viewer's.
    app.request(Method::GET, &state_path, Some(&viewer.token), None).await.expect(200);
    app.request(Method::PUT, &state_path, Some(&alice.token), Some(&json!({"state": {}}))).await.expect(200);
}

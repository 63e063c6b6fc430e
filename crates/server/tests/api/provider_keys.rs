//! Users' own provider keys: stored encrypted (the database holds no trace of the key), never
//! answered by any endpoint (only a hint), and sent upstream for that user's runs instead of the
//! operator's key — checked against a local OpenAI-compatible server that records the key each
//! request carried. Bad input, unknown providers and a server without an encryption key get
//! clear errors.

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::helpers::{Backend, ModelsDir, Options, Reply, TestApp, TestUser, both_backends, spawn_app_with};

both_backends!(
    a_users_key_is_stored_encrypted_never_answered_and_used_for_their_runs_only,
    a_ui_whose_owner_pays_sends_the_owners_key_for_every_viewer,
    keys_are_refused_for_unknown_providers_bad_input_and_a_server_without_an_encryption_key,
);

const KEK: &str = "3c6e0b8a9c15224a8228b9a98ca1531d3c6e0b8a9c15224a8228b9a98ca1531d";
const OPERATOR_KEY: &str = "sk-operator-key";
const ALICE_KEY: &str = "sk-alice-own-key-7d41";

/// A local OpenAI-compatible server answering "hello" in the real SSE wire format, recording the
/// `Authorization` header of every request.
struct Upstream {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Upstream {
    async fn start() -> Upstream {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let app = axum::Router::new().route(
            "/v1/chat/completions",
            axum::routing::post(move |headers: HeaderMap| {
                let record = record.clone();
                async move {
                    let auth =
                        headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    record.lock().unwrap().push(auth);
                    let chunk = |choices: Value, usage: Value| {
                        let c = json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
                            "model": "upstream", "choices": choices, "usage": usage});
                        format!("data: {c}\n\n")
                    };
                    let body = [
                        chunk(
                            json!([{"index": 0, "delta": {"role": "assistant", "content": ""}}]),
                            Value::Null,
                        ),
                        chunk(json!([{"index": 0, "delta": {"content": "hello"}}]), Value::Null),
                        chunk(json!([{"index": 0, "delta": {}, "finish_reason": "stop"}]), Value::Null),
                        chunk(
                            json!([]),
                            json!({"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}),
                        ),
                        "data: [DONE]\n\n".to_owned(),
                    ]
                    .concat();
                    ([("content-type", "text/event-stream")], body)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Upstream { base, seen }
    }

    fn last_key(&self) -> String {
        self.seen.lock().unwrap().last().cloned().unwrap_or_default()
    }
}

/// A server whose catalogue has `fake-model` on the provider `fake` (the upstream above, with the
/// operator's key), and an encryption key when `kek` is set.
async fn spawn(backend: Backend, upstream: &Upstream, kek: bool) -> (TestApp, ModelsDir) {
    let toml = format!(
        "[providers.fake]\nkind = \"openai\"\nbase_url = \"{}/v1\"\napi_key = \"{OPERATOR_KEY}\"\n\n\
         [[models]]\nid = \"fake-model\"\nprovider = \"fake\"\n",
        upstream.base
    );
    let dir = ModelsDir::write(&toml);
    let mut options = Options::with_args(&["--models", dir.path()]);
    options.key_encryption_key = kek.then(|| KEK.to_owned());
    (spawn_app_with(backend, options).await, dir)
}

impl TestApp {
    async fn put_provider_key(&self, user: &TestUser, provider: &str, body: &Value) -> Reply {
        let path = format!("/api/account/provider-keys/{provider}");
        self.request(Method::PUT, &path, Some(&user.token), Some(body)).await
    }

    async fn list_provider_keys(&self, user: &TestUser) -> Reply {
        self.request(Method::GET, "/api/account/provider-keys", Some(&user.token), None).await
    }

    async fn delete_provider_key(&self, user: &TestUser, provider: &str) -> Reply {
        let path = format!("/api/account/provider-keys/{provider}");
        self.request(Method::DELETE, &path, Some(&user.token), None).await
    }

    /// Runs a prompt on `fake-model` as `user`; the answer must be the upstream's.
    async fn run_on_fake_model(&self, user: &TestUser) {
        let prompt = self
            .create_prompt(
                user,
                &json!({"name": "Keyed", "messages": [{"role": "user", "content": "hi"}], "settings": {"model_id": "fake-model"}}),
            )
            .await
            .expect(201);
        let outcome = self.run_prompt(user, json!({"prompt_id": prompt["id"]})).await;
        assert_eq!(outcome.text(), "hello", "{outcome:?}");
    }

    /// Every byte the database holds about provider keys, as text (the SQLite file and its WAL,
    /// or the PostgreSQL table's rows).
    async fn stored_key_rows(&self) -> String {
        if let Some(path) = self.database_url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            let mut bytes = std::fs::read(path).unwrap_or_default();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let mut conn = sqlx::PgConnection::connect(&self.database_url).await.expect("open PostgreSQL");
            let rows =
                sqlx::query(AssertSqlSafe("SELECT row_to_json(k)::text AS j FROM user_provider_keys k"))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            rows.iter().map(|r| r.get::<String, _>("j")).collect::<Vec<_>>().join("\n")
        }
    }
}

async fn a_users_key_is_stored_encrypted_never_answered_and_used_for_their_runs_only(backend: Backend) {
    let upstream = Upstream::start().await;
    let (app, _dir) = spawn(backend, &upstream, true).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;

    let stored = app.put_provider_key(&alice, "fake", &json!({"api_key": ALICE_KEY})).await;
    let info = stored.expect(200);
    assert_eq!(info, json!({"provider": "fake", "hint": "…7d41", "updated_at": info["updated_at"]}));

    // Never answered again, by any endpoint the owner reads.
    let listed = app.list_provider_keys(&alice).await.expect(200);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["hint"], "…7d41");
    for path in ["/api/account/provider-keys", "/api/auth/me", "/api/models", "/api/auth/sessions"] {
        let body = app.request(Method::GET, path, Some(&alice.token), None).await.json().to_string();
        assert!(!body.contains(ALICE_KEY) && !body.contains("sk-alice"), "{path} shows the key: {body}");
    }
    assert_eq!(app.list_provider_keys(&bob).await.expect(200)["total"], 0, "bob sees none of alice's keys");

    // Encrypted at rest: the database holds the row (its hint) but not the key.
    let rows = app.stored_key_rows().await;
    assert!(rows.contains("7d41"), "the row is there");
    assert!(!rows.contains(ALICE_KEY) && !rows.contains("sk-alice-own"), "the key is stored in clear");

    // Alice's runs carry her key; Bob's the operator's.
    app.run_on_fake_model(&alice).await;
    assert_eq!(upstream.last_key(), format!("Bearer {ALICE_KEY}"));
    app.run_on_fake_model(&bob).await;
    assert_eq!(upstream.last_key(), format!("Bearer {OPERATOR_KEY}"));

    // Replaced, then forgotten: the operator's key again.
    app.put_provider_key(&alice, "fake", &json!({"api_key": "sk-alice-second-9999"})).await.expect(200);
    app.run_on_fake_model(&alice).await;
    assert_eq!(upstream.last_key(), "Bearer sk-alice-second-9999");
    app.delete_provider_key(&alice, "fake").await.expect(204);
    app.delete_provider_key(&alice, "fake").await.expect_error(404, "not_found");
    app.run_on_fake_model(&alice).await;
    assert_eq!(upstream.last_key(), format!("Bearer {OPERATOR_KEY}"));
    assert_eq!(app.list_provider_keys(&alice).await.expect(200)["total"], 0);
}

async fn a_ui_whose_owner_pays_sends_the_owners_key_for_every_viewer(backend: Backend) {
    let upstream = Upstream::start().await;
    let (app, _dir) = spawn(backend, &upstream, true).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    app.put_provider_key(&alice, "fake", &json!({"api_key": ALICE_KEY})).await.expect(200);
    let bobs_key = "sk-bob-own-key-1234";
    app.put_provider_key(&bob, "fake", &json!({"api_key": bobs_key})).await.expect(200);
    let body = json!({"name": "Keyed", "messages": [{"role": "user", "content": "hi"}], "settings": {"model_id": "fake-model"}});
    let prompt = app.create_prompt(&alice, &body).await.expect(201);
    let prompt_id = prompt["id"].as_str().unwrap();
    let ui = app.new_custom_ui(&alice, prompt_id).await;
    let ui_id = ui["id"].as_str().unwrap();
    app.publish_custom_ui(&alice, ui_id).await.expect(200);
    let run = |user: &TestUser| {
        let data = json!({"prompt_id": prompt_id, "custom_ui_id": ui_id});
        let user = user.clone();
        let app = &app;
        async move { app.run_prompt(&user, data).await }
    };

    // Viewers pay (the default): Bob's run of Alice's UI carries Bob's key.
    assert_eq!(run(&bob).await.text(), "hello");
    assert_eq!(upstream.last_key(), format!("Bearer {bobs_key}"));
    // The owner pays: the same run carries Alice's key, and Bob's key is not used.
    let path = format!("/api/custom-uis/{ui_id}/budget");
    app.request(Method::PUT, &path, Some(&alice.token), Some(&json!({"payer": "owner"}))).await.expect(200);
    assert_eq!(run(&bob).await.text(), "hello");
    assert_eq!(upstream.last_key(), format!("Bearer {ALICE_KEY}"));
    // An owner without a key of their own: the operator's, never the viewer's.
    app.delete_provider_key(&alice, "fake").await.expect(204);
    assert_eq!(run(&bob).await.text(), "hello");
    assert_eq!(upstream.last_key(), format!("Bearer {OPERATOR_KEY}"));
}

async fn keys_are_refused_for_unknown_providers_bad_input_and_a_server_without_an_encryption_key(
    backend: Backend,
) {
    let upstream = Upstream::start().await;
    let (app, _dir) = spawn(backend, &upstream, true).await;
    let alice = app.new_user().await;
    let key = json!({"api_key": ALICE_KEY});
    app.put_provider_key(&alice, "echo", &key).await.expect_error(404, "not_found");
    app.put_provider_key(&alice, "nope", &key).await.expect_error(404, "not_found");
    for bad in [
        json!({"api_key": "short"}),
        json!({"api_key": "sk has spaces in it"}),
        json!({"api_key": "sk-\u{7}bell-1234"}),
        json!({"api_key": "x".repeat(513)}),
        json!({"api_key": ALICE_KEY, "extra": 1}),
        json!({"key": ALICE_KEY}),
        json!({"api_key": 5}),
    ] {
        let message = app.put_provider_key(&alice, "fake", &bad).await.expect_error(422, "validation_failed");
        assert!(!message.contains(ALICE_KEY), "an error never echoes the key: {message}");
    }
    app.delete_provider_key(&alice, "fake").await.expect_error(404, "not_found");
    app.request(Method::GET, "/api/account/provider-keys", None, None)
        .await
        .expect_error(401, "unauthorized");

    let (plain, _dir2) = spawn(backend, &upstream, false).await;
    let bob = plain.new_user().await;
    let message = plain.put_provider_key(&bob, "fake", &key).await.expect_error(409, "conflict");
    assert!(message.contains("PROMPTDECK_KEY_ENCRYPTION_KEY"), "{message}");
    plain.run_on_fake_model(&bob).await;
    assert_eq!(upstream.last_key(), format!("Bearer {OPERATOR_KEY}"));
}

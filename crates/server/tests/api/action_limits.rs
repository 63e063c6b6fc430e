//! Requests that are cheap one by one but cost a lookup or a write each have a rate per user:
//! opening share links (120 a minute), changing provider keys (20 a minute) and budgets (60 a
//! minute), reading usage reports (60 a minute). Past it: 429 `rate_limited` with
//! `Retry-After`; other users are not affected.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Backend, Options, TestApp, TestUser, spawn_app, spawn_app_with, sqlite_only, str_of};

sqlite_only!(
    opening_share_links_is_rate_limited_per_user,
    provider_key_and_budget_changes_are_rate_limited_per_user,
    usage_reports_are_rate_limited_per_user,
);

/// Sends `request` until it is refused and checks how many went through: the burst of
/// `per_minute`, plus the ones the rate gave back while they were sent.
async fn until_refused(
    app: &TestApp,
    user: &TestUser,
    method: Method,
    path: &str,
    body: Option<&serde_json::Value>,
    per_minute: u32,
) {
    let started = std::time::Instant::now();
    for n in 0..10_000u32 {
        let reply = app.request(method.clone(), path, Some(&user.token), body).await;
        if reply.status == 429 {
            let message = reply.expect_error(429, "rate_limited");
            assert!(message.contains("try again in"), "{message}");
            let wait: u64 = reply.header("retry-after").unwrap().parse().unwrap();
            assert!((1..=60).contains(&wait), "Retry-After {wait}");
            let replenished = (started.elapsed().as_secs_f64() * f64::from(per_minute) / 60.0).ceil() as u32;
            assert!(
                (per_minute..=per_minute + replenished).contains(&n),
                "{n} went through; expected {per_minute} plus at most {replenished}"
            );
            return;
        }
        assert!(reply.status.is_success(), "{path} answered {}: {}", reply.status, reply.body);
    }
    panic!("{path} was never refused");
}

async fn opening_share_links_is_rate_limited_per_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let carol = app.new_user().await;
    let ui = app.new_public_custom_ui(&alice).await;
    let link = app
        .request(
            Method::POST,
            &format!("/api/custom-uis/{}/share-links", str_of(&ui["id"])),
            Some(&alice.token),
            Some(&json!({})),
        )
        .await
        .expect(201);
    let path = format!("/api/share-links/{}", str_of(&link["slug"]));
    until_refused(&app, &bob, Method::GET, &path, None, 120).await;
    // Forged slugs count too, so they cannot be tried without bound.
    app.request(Method::GET, &format!("/api/share-links/{}", "0".repeat(32)), Some(&bob.token), None)
        .await
        .expect_error(429, "rate_limited");
    // Another viewer opens it.
    app.request(Method::GET, &path, Some(&carol.token), None).await.expect(200);
}

async fn provider_key_and_budget_changes_are_rate_limited_per_user(backend: Backend) {
    let models = crate::helpers::ModelsDir::write(
        "[providers.fake]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\napi_key = \"sk-operator\"\n",
    );
    let mut options = Options::with_args(&["--models", models.path()]);
    options.key_encryption_key =
        Some("3c6e0b8a9c15224a8228b9a98ca1531d3c6e0b8a9c15224a8228b9a98ca1531d".into());
    let app = spawn_app_with(backend, options).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let key = json!({"api_key": "sk-alice-key-1234"});
    let path = "/api/account/provider-keys/fake";
    until_refused(&app, &alice, Method::PUT, path, Some(&key), 20).await;
    app.request(Method::DELETE, path, Some(&alice.token), None).await.expect_error(429, "rate_limited");
    app.request(Method::PUT, path, Some(&bob.token), Some(&key)).await.expect(200);

    let ui = app.new_public_custom_ui(&alice).await;
    let budget = format!("/api/custom-uis/{}/budget", str_of(&ui["id"]));
    until_refused(&app, &alice, Method::PUT, &budget, Some(&json!({"payer": "owner"})), 60).await;
    // Reading is not limited.
    app.request(Method::GET, &budget, Some(&alice.token), None).await.expect(200);
}

async fn usage_reports_are_rate_limited_per_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    until_refused(&app, &alice, Method::GET, "/api/account/stats?days=1", None, 60).await;
    // JSON and CSV count together.
    app.request(Method::GET, "/api/account/stats.csv", Some(&alice.token), None)
        .await
        .expect_error(429, "rate_limited");
    app.request(Method::GET, "/api/account/stats", Some(&bob.token), None).await.expect(200);
}

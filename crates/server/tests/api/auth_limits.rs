//! Sign-up and login limits: per-address and per-account rate limits (429 `rate_limited` with
//! `Retry-After`), the bounded password-hashing pool, and password strength.

use futures::future::join_all;
use reqwest::StatusCode;

use crate::helpers::{Backend, Options, PASSWORD, Reply, TestApp, spawn_app, spawn_app_with, unique_email};

/// Asserts a 429 `rate_limited` answer with a `Retry-After` of whole seconds in `1..=max`.
#[track_caller]
fn assert_rate_limited(reply: &Reply, max_retry_after: u64) -> String {
    let message = reply.expect_error(429, "rate_limited");
    let retry_after = reply.header("retry-after").unwrap_or_else(|| panic!("no Retry-After on {reply:?}"));
    let secs: u64 =
        retry_after.parse().unwrap_or_else(|_| panic!("Retry-After is not seconds: {retry_after}"));
    assert!((1..=max_retry_after).contains(&secs), "Retry-After {secs} not in 1..={max_retry_after}");
    message
}

#[tokio::test]
async fn with_the_default_limits_an_address_gets_a_burst_of_ten_attempts_then_429() {
    let app = spawn_app_with(Backend::Sqlite, Options::with_auth_limits(&[])).await;

    // Malformed emails: refused after the address is counted, without hashing, so the burst
    // is spent at once.
    let replies = join_all((0..15).map(|_| app.login("not-an-email", "not the password"))).await;

    let refused = replies.iter().filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS).collect::<Vec<_>>();
    let served = replies.iter().filter(|r| r.status == StatusCode::UNAUTHORIZED).count();
    assert!(served >= 10, "the burst is ten attempts, {served} were served: {replies:?}");
    assert!(!refused.is_empty(), "15 attempts at once were all served");
    assert_eq!(served + refused.len(), 15, "{replies:?}");
    // 20 a minute: the next attempt is at most 3 s away.
    let message = assert_rate_limited(refused[0], 3);
    assert!(message.contains("address"), "the message says what is limited: {message}");
}

#[tokio::test]
async fn sign_ups_and_logins_share_the_per_address_allowance() {
    let app = spawn_app_with(
        Backend::Sqlite,
        Options::with_auth_limits(&["--auth-ip-burst", "3", "--auth-ip-per-minute", "1"]),
    )
    .await;

    app.signup(&unique_email(), PASSWORD).await.expect(201);
    app.signup(&unique_email(), PASSWORD).await.expect(201);
    app.login(&unique_email(), PASSWORD).await.expect_error(401, "unauthorized");

    assert_rate_limited(&app.signup(&unique_email(), PASSWORD).await, 60);
    assert_rate_limited(&app.login(&unique_email(), PASSWORD).await, 60);
}

#[tokio::test]
async fn failed_logins_past_the_account_limit_are_refused_even_with_the_right_password() {
    let app = spawn_app_with(Backend::Sqlite, Options::with_args(&["--auth-account-attempts", "3"])).await;
    let victim = app.new_user().await;
    let bystander = app.new_user().await;

    for _ in 0..3 {
        app.login(&victim.email, "a wrong guess here").await.expect_error(401, "unauthorized");
    }
    let reply = app.login(&victim.email, PASSWORD).await;

    // 3 per 15 minutes: one more in 5 minutes.
    let message = assert_rate_limited(&reply, 300);
    assert!(message.contains("account"), "the message says what is limited: {message}");
    // Other accounts, and the victim's live sessions, are untouched.
    app.login(&bystander.email, PASSWORD).await.expect(200);
    app.me(&victim.token).await.expect(200);
    // The email is normalised before it is counted.
    assert_rate_limited(&app.login(&format!("  {}", victim.email.to_uppercase()), PASSWORD).await, 300);
}

#[tokio::test]
async fn successful_logins_do_not_count_against_the_account() {
    let app = spawn_app_with(Backend::Sqlite, Options::with_args(&["--auth-account-attempts", "2"])).await;
    let user = app.new_user().await;

    for _ in 0..6 {
        app.login(&user.email, PASSWORD).await.expect(200);
    }
    app.login(&user.email, "a wrong guess here").await.expect_error(401, "unauthorized");
    app.login(&user.email, PASSWORD).await.expect(200);
}

#[tokio::test]
async fn sign_up_attempts_for_one_email_are_rate_limited() {
    let app = spawn_app_with(Backend::Sqlite, Options::with_args(&["--auth-account-attempts", "2"])).await;
    let email = unique_email();

    app.signup(&email, PASSWORD).await.expect(201);
    app.signup(&email, PASSWORD).await.expect_error(409, "conflict");

    assert_rate_limited(&app.signup(&email, PASSWORD).await, 900);
    app.signup(&unique_email(), PASSWORD).await.expect(201);
}

#[tokio::test]
async fn forwarded_for_from_a_trusted_proxy_names_the_client_and_is_ignored_otherwise() {
    let limits = ["--auth-ip-burst", "2", "--auth-ip-per-minute", "1"];
    let proxied = spawn_app_with(
        Backend::Sqlite,
        Options::with_auth_limits(&[&limits[..], &["--trusted-proxy", "127.0.0.1"]].concat()),
    )
    .await;
    let direct = spawn_app_with(Backend::Sqlite, Options::with_auth_limits(&limits)).await;

    let email = unique_email();
    for app in [&proxied, &direct] {
        app.login_forwarded_for(&email, PASSWORD, "198.51.100.1").await.expect_error(401, "unauthorized");
        app.login_forwarded_for(&email, PASSWORD, "198.51.100.1").await.expect_error(401, "unauthorized");
        assert_rate_limited(&app.login_forwarded_for(&email, PASSWORD, "198.51.100.1").await, 60);
    }
    // Behind the trusted proxy, another client has its own allowance; a forged left-most entry
    // does not help the limited one.
    proxied.login_forwarded_for(&email, PASSWORD, "198.51.100.2").await.expect_error(401, "unauthorized");
    assert_rate_limited(
        &proxied.login_forwarded_for(&email, PASSWORD, "203.0.113.9, 198.51.100.1").await,
        60,
    );
    // Without it, the header is the client's word and changes nothing.
    assert_rate_limited(&direct.login_forwarded_for(&email, PASSWORD, "198.51.100.2").await, 60);
}

#[tokio::test]
async fn a_login_flood_past_the_hashing_pool_is_answered_429_and_the_server_keeps_serving() {
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            standard_hashing: true,
            ..Options::with_args(&["--auth-hash-concurrency", "1", "--auth-hash-wait-ms", "1"])
        },
    )
    .await;
    let user = app.new_user().await;

    let flood = (0..100).map(|i| {
        let app = &app;
        let email = if i % 2 == 0 { unique_email() } else { user.email.clone() };
        async move { app.login(&email, "a wrong guess here").await }
    });
    let replies = join_all(flood).await;

    let limited = replies.iter().filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS).count();
    assert!(limited > 0, "no login was refused while the one hashing thread was busy");
    for reply in &replies {
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            let message = assert_rate_limited(reply, 1);
            assert!(message.contains("busy"), "{message}");
        } else {
            reply.expect_error(401, "unauthorized");
        }
    }
    app.me(&user.token).await.expect(200);
    login_until_served(&app, &user.email).await;
}

/// Logs in, retrying while the hashing pool answers 429 (it just was flooded).
async fn login_until_served(app: &TestApp, email: &str) {
    for _ in 0..100 {
        let reply = app.login(email, PASSWORD).await;
        if reply.status != StatusCode::TOO_MANY_REQUESTS {
            reply.expect(200);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the login was never served after the flood");
}

#[tokio::test]
async fn weak_passwords_are_refused_with_zxcvbns_advice() {
    let app = spawn_app(Backend::Sqlite).await;
    let email = unique_email();

    for weak in ["12345678", "password", "        ", email.as_str(), "Password123!"] {
        let message = app.signup(&email, weak).await.expect_error(422, "validation_failed");
        assert!(message.starts_with("password: too easy to guess"), "{weak:?}: {message}");
    }
    let message = app.signup(&email, "password").await.expect_error(422, "validation_failed");
    assert!(message.contains("common password"), "zxcvbn's warning is passed on: {message}");
    // Nothing was created: the same email still signs up with a strong password.
    app.signup(&email, PASSWORD).await.expect(201);
}

#[tokio::test]
async fn the_strength_rule_follows_its_flag() {
    let app = spawn_app_with(Backend::Sqlite, Options::with_args(&["--password-min-score", "0"])).await;

    app.signup(&unique_email(), "password").await.expect(201);
}

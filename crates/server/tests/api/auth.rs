//! Sign-up, login, `me`, bearer tokens and the optional HS256 JWTs.

use serde_json::json;
use uuid::Uuid;

use crate::helpers::{
    Backend, Options, PASSWORD, jwt, spawn_app, spawn_app_with, sqlite_only, str_of, unique_email,
};

sqlite_only!(
    signup_returns_201_with_a_token_and_the_user,
    signup_with_a_taken_email_is_a_conflict,
    signup_with_a_password_under_8_characters_fails_validation,
    signup_without_a_password_fails_validation,
    login_with_the_right_password_returns_a_working_token,
    login_with_a_wrong_password_is_unauthorized,
    login_with_an_unknown_email_is_unauthorized,
    me_returns_the_signed_in_user,
    the_first_user_is_admin_and_later_users_are_not,
    me_without_a_token_is_unauthorized,
    me_with_a_garbage_token_is_unauthorized,
    an_authorization_header_that_is_not_bearer_is_unauthorized,
    a_jwt_signed_with_the_configured_secret_is_accepted_as_its_user,
    a_jwt_signed_with_another_secret_is_unauthorized,
    an_expired_jwt_is_unauthorized,
    a_jwt_for_a_user_that_does_not_exist_is_unauthorized,
    jwts_are_refused_when_no_secret_is_configured,
);

async fn signup_returns_201_with_a_token_and_the_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();

    let body = app.signup(&email, PASSWORD).await.expect(201);

    assert_eq!(body["user"]["email"], email.as_str());
    Uuid::parse_str(str_of(&body["user"]["id"])).expect("user.id is a UUID");
    assert!(!str_of(&body["token"]).is_empty(), "empty token in {body}");
    assert!(body["user"].get("password").is_none(), "the password must never be sent back: {body}");
    assert!(body["user"].get("password_hash").is_none(), "the hash must never be sent back: {body}");
}

async fn signup_with_a_taken_email_is_a_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    app.signup(&email, PASSWORD).await.expect(201);

    app.signup(&email, "another strong passphrase").await.expect_error(409, "conflict");
}

async fn signup_with_a_password_under_8_characters_fails_validation(backend: Backend) {
    // The strength rule off, so only the length rule applies.
    let app = spawn_app_with(backend, Options::with_args(&["--password-min-score", "0"])).await;

    let message = app.signup(&unique_email(), "1234567").await.expect_error(422, "validation_failed");

    assert!(message.contains("password"), "the message should name `password`: {message}");
    // Exactly 8 characters is enough.
    app.signup(&unique_email(), "12345678").await.expect(201);
}

async fn signup_without_a_password_fails_validation(backend: Backend) {
    let app = spawn_app(backend).await;

    let reply = app
        .request(reqwest::Method::POST, "/api/auth/signup", None, Some(&json!({"email": unique_email()})))
        .await;

    let message = reply.expect_error(422, "validation_failed");
    assert!(message.contains("password"), "the message should name `password`: {message}");
}

async fn login_with_the_right_password_returns_a_working_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let body = app.login(&user.email, PASSWORD).await.expect(200);

    assert_eq!(body["user"]["id"], user.id.as_str());
    assert_eq!(body["user"]["email"], user.email.as_str());
    let me = app.me(str_of(&body["token"])).await.expect(200);
    assert_eq!(me["id"], user.id.as_str());
}

async fn login_with_a_wrong_password_is_unauthorized(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    app.login(&user.email, "not the password").await.expect_error(401, "unauthorized");
}

async fn login_with_an_unknown_email_is_unauthorized(backend: Backend) {
    let app = spawn_app(backend).await;

    app.login(&unique_email(), PASSWORD).await.expect_error(401, "unauthorized");
}

async fn me_returns_the_signed_in_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    let me = app.me(&user.token).await.expect(200);

    assert_eq!(me["id"], user.id.as_str());
    assert_eq!(me["email"], user.email.as_str());
    assert!(me["is_admin"].is_boolean(), "is_admin should be a boolean: {me}");
}

async fn the_first_user_is_admin_and_later_users_are_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.new_user().await;
    let second = app.new_user().await;

    assert_eq!(app.me(&first.token).await.expect(200)["is_admin"], true);
    assert_eq!(app.me(&second.token).await.expect(200)["is_admin"], false);
}

async fn me_without_a_token_is_unauthorized(backend: Backend) {
    let app = spawn_app(backend).await;

    app.request(reqwest::Method::GET, "/api/auth/me", None, None).await.expect_error(401, "unauthorized");
}

async fn me_with_a_garbage_token_is_unauthorized(backend: Backend) {
    let app = spawn_app(backend).await;
    app.new_user().await;

    app.me("garbage").await.expect_error(401, "unauthorized");
    app.me("").await.expect_error(401, "unauthorized");
}

async fn an_authorization_header_that_is_not_bearer_is_unauthorized(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    app.get_with_authorization("/api/auth/me", &user.token).await.expect_error(401, "unauthorized");
    app.get_with_authorization("/api/auth/me", "Basic dXNlcjpwYXNz").await.expect_error(401, "unauthorized");
}

const SECRET: &str = "a-test-secret-of-reasonable-length";

async fn a_jwt_signed_with_the_configured_secret_is_accepted_as_its_user(backend: Backend) {
    let app =
        spawn_app_with(backend, Options { jwt_secret: Some(SECRET.into()), ..Options::default() }).await;
    let user = app.new_user().await;

    let me = app.me(&jwt(SECRET, &user.id, 3600)).await.expect(200);

    assert_eq!(me["id"], user.id.as_str());
    assert_eq!(me["email"], user.email.as_str());
}

async fn a_jwt_signed_with_another_secret_is_unauthorized(backend: Backend) {
    let app =
        spawn_app_with(backend, Options { jwt_secret: Some(SECRET.into()), ..Options::default() }).await;
    let user = app.new_user().await;

    app.me(&jwt("some-other-secret-entirely", &user.id, 3600)).await.expect_error(401, "unauthorized");
}

async fn an_expired_jwt_is_unauthorized(backend: Backend) {
    let app =
        spawn_app_with(backend, Options { jwt_secret: Some(SECRET.into()), ..Options::default() }).await;
    let user = app.new_user().await;

    app.me(&jwt(SECRET, &user.id, -3600)).await.expect_error(401, "unauthorized");
}

async fn a_jwt_for_a_user_that_does_not_exist_is_unauthorized(backend: Backend) {
    let app =
        spawn_app_with(backend, Options { jwt_secret: Some(SECRET.into()), ..Options::default() }).await;
    app.new_user().await;

    app.me(&jwt(SECRET, &Uuid::new_v4().to_string(), 3600)).await.expect_error(401, "unauthorized");
}

async fn jwts_are_refused_when_no_secret_is_configured(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.new_user().await;

    app.me(&jwt(SECRET, &user.id, 3600)).await.expect_error(401, "unauthorized");
}

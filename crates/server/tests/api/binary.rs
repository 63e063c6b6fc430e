//! The `promptdeck` binary itself: it prints where it listens, serves the API there with
//! production password hashing on either database, and its flags and environment reach the
//! configuration (every other scenario runs the same application in-process).

use serde_json::json;

use crate::helpers::{
    Backend, Options, PASSWORD, both_backends, jwt, prompt_body, spawn_binary, unique_email,
};

both_backends!(the_binary_serves_the_api_and_the_sandbox_on_the_addresses_it_prints);

async fn the_binary_serves_the_api_and_the_sandbox_on_the_addresses_it_prints(backend: Backend) {
    let app = spawn_binary(backend, Options::default()).await;
    assert_eq!(app.health_check().await.status.as_u16(), 200);

    let email = unique_email();
    let signed_up = app.signup(&email, PASSWORD).await.expect(201);
    let login = app.login(&email, PASSWORD).await.expect(200);
    let me = app.me(login["token"].as_str().unwrap()).await.expect(200);
    assert_eq!(me["id"], signed_up["user"]["id"]);
    app.login(&email, "a wrong password here").await.expect_error(401, "unauthorized");

    let sandbox = app.get_sandbox("/").await;
    assert!(
        sandbox.header("content-security-policy").is_some(),
        "the sandbox origin answers with its policy"
    );
}

#[tokio::test]
async fn the_binarys_flags_and_environment_reach_its_configuration() {
    const SECRET: &str = "a secret for the binary";
    let options =
        Options { max_body_bytes: Some(2048), jwt_secret: Some(SECRET.into()), ..Options::default() };
    let app = spawn_binary(Backend::Sqlite, options).await;
    let user = app.new_user().await;

    let mut big = prompt_body("Big");
    big["messages"][1]["content"] = json!("x".repeat(4096));
    app.create_prompt(&user, &big).await.expect_error(413, "payload_too_large");
    let me = app.me(&jwt(SECRET, &user.id, 3600)).await.expect(200);
    assert_eq!(me["id"], user.id.as_str());
}

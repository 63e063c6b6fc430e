//! `promptdeck user promote EMAIL` makes an account an admin, which may then feature any UI.

use crate::helpers::{Backend, spawn_app, sqlite_only};

async fn promoting_a_user_lets_them_feature_a_ui(backend: Backend) {
    let app = spawn_app(backend).await;
    let _first = app.new_user().await;
    let owner = app.new_user().await;
    let second = app.new_user().await;
    assert_eq!(app.me(&second.token).await.expect(200)["is_admin"], false);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promptdeck"))
        .args(["user", "promote", &second.email, "--database", &app.database_url])
        .output()
        .expect("run promptdeck user promote");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(app.me(&second.token).await.expect(200)["is_admin"], true);

    let ui = app.new_public_custom_ui(&owner).await;
    let id = ui["id"].as_str().unwrap();
    let featured =
        app.update_custom_ui(&second, id, &serde_json::json!({"is_featured": true})).await.expect(200);
    assert_eq!(featured["is_featured"], true);
}

sqlite_only!(promoting_a_user_lets_them_feature_a_ui);

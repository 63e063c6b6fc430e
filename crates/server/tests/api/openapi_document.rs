//! The OpenAPI document is part of the contract: the one the server serves must equal the one
//! committed at `docs/openapi.json`, so an API change shows up in review. Regenerate it with
//! `PROMPTDECK_UPDATE_OPENAPI=1 cargo nextest run -p promptdeck-server --test api openapi`.

use crate::helpers::{Backend, spawn_app};

#[tokio::test]
async fn the_served_openapi_document_matches_the_committed_one() {
    let app = spawn_app(Backend::Sqlite).await;
    let user = app.new_user().await;
    let served = app.openapi(&user).await.expect(200);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let pretty = serde_json::to_string_pretty(&served).unwrap() + "\n";
    if std::env::var_os("PROMPTDECK_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == pretty,
        "docs/openapi.json differs from what the server serves; regenerate it with \
         PROMPTDECK_UPDATE_OPENAPI=1 cargo nextest run -p promptdeck-server --test api openapi"
    );
}

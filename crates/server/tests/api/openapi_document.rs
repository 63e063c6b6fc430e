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

/// The OpenAPI Initiative's schema of OpenAPI 3.1 documents (2022-10-07), Apache-2.0.
const OPENAPI_31_SCHEMA: &str = include_str!("schemas/openapi-3.1.json");

#[tokio::test]
async fn the_served_openapi_document_is_valid_openapi_3_1() {
    let app = spawn_app(Backend::Sqlite).await;
    let user = app.new_user().await;
    let served = app.openapi(&user).await.expect(200);
    let schema: serde_json::Value = serde_json::from_str(OPENAPI_31_SCHEMA).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&served).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "the OpenAPI document breaks the 3.1 schema:\n{}", errors.join("\n"));
}

#[tokio::test]
async fn list_filters_are_query_parameters_and_enums_list_their_wire_strings() {
    let app = spawn_app(Backend::Sqlite).await;
    let user = app.new_user().await;
    let served = app.openapi(&user).await.expect(200);
    let params = &served["paths"]["/api/custom-uis"]["get"]["parameters"];
    let param = |name: &str| {
        params
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name}"))
    };
    for name in ["limit", "offset", "q", "scope", "status", "sort", "prompt_id"] {
        let p = param(name);
        assert_eq!(p["in"], "query", "{name}: {p}");
        assert_ne!(p["required"], true, "{name} is optional: {p}");
    }
    assert_eq!(param("scope")["schema"]["enum"], serde_json::json!(["mine", "public", "featured"]));
    let status = serde_json::to_string(&param("status")["schema"]).unwrap();
    assert!(status.contains("CustomUiStatus") || status.contains("archived"), "{status}");
    let ui = &served["components"]["schemas"]["PromptCustomUi"]["properties"]["validation_errors"];
    assert!(serde_json::to_string(ui).unwrap().contains("\"array\""), "validation_errors is an array: {ui}");
}

//! HTTP routes, one module per resource. Handlers parse, authorise, call one function and
//! answer; the OpenAPI document is assembled from their annotations.

pub mod auth;
pub mod custom_uis;
pub mod meta;
pub mod navigation_reports;
pub mod prompts;
pub mod runs;
pub mod templates;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The OpenAPI document's fixed part.
#[derive(OpenApi)]
#[openapi(
    info(title = "promptdeck", description = "Turn LLM prompts into apps: prompts, custom UIs, runs."),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route with its OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(prompts::router())
        .merge(custom_uis::router())
        .merge(navigation_reports::router())
        .merge(runs::router())
        .merge(templates::router())
        .merge(meta::router())
}

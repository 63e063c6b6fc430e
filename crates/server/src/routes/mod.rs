//! HTTP routes, one module per resource. Handlers parse, authorise, call one function and
//! answer; the OpenAPI document is assembled from their annotations.

pub mod auth;
pub mod budgets;
pub mod custom_uis;
pub mod embeds;
pub mod meta;
pub mod navigation_reports;
pub mod prompts;
pub mod provider_keys;
pub mod runs;
pub mod share_links;
pub mod stats;
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
        .merge(provider_keys::router())
        .merge(custom_uis::router())
        .merge(navigation_reports::router())
        .merge(runs::router())
        .merge(share_links::router())
        .merge(embeds::router())
        .merge(budgets::router())
        .merge(stats::router())
        .merge(templates::router())
        .merge(meta::router())
}

/// Gives every response without a description its status's reason phrase (`OK`, `Not Found`):
/// OpenAPI requires one, and the route annotations leave it out.
pub fn describe_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, response) in &mut operation.responses.responses {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    let reason = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                        .and_then(|s| s.canonical_reason());
                    response.description = reason.unwrap_or("Response").to_owned();
                }
            }
        }
    }
}

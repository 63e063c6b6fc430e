//! The built front end (`web/dist`, embedded in release builds, read from disk in debug
//! builds) and the app origin's fallback: files by path, `index.html` for app routes (with its
//! Content-Security-Policy and style nonce), and the API's JSON 404 under `/api/`.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::error::ApiError;
use crate::state::AppState;

/// The files `npm run build` writes to `web/dist`.
#[derive(RustEmbed)]
#[folder = "../../web/dist/"]
#[allow_missing = true]
pub struct Dist;

/// The placeholder in `index.html` that is replaced by the sandbox origin.
const SANDBOX_ORIGIN_PLACEHOLDER: &str = "__PROMPTDECK_SANDBOX_ORIGIN__";
/// The placeholder in `index.html` that is replaced by the page's style nonce.
const CSP_NONCE_PLACEHOLDER: &str = "__PROMPTDECK_CSP_NONCE__";

/// A file of the build with its content type, or `None`.
pub fn file(path: &str) -> Option<(Vec<u8>, &'static str)> {
    let file = Dist::get(path)?;
    Some((file.data.into_owned(), content_type(path)))
}

/// The content type for a file name.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or_default();
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

/// Cache policy: hashed assets forever, everything else revalidated.
pub fn cache_control(path: &str) -> HeaderValue {
    if path.starts_with("assets/") {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-cache")
    }
}

/// The app origin's fallback: `/api/…` answers the JSON 404; a built file is served as is;
/// any other path gets `index.html` (the host app routes on the client).
pub async fn fallback(State(state): State<AppState>, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path == "api" || path.starts_with("api/") || path.starts_with("socket.io") {
        return ApiError::NotFound("route").into_response();
    }
    if !path.is_empty() && path != "index.html" && path != "sandbox.html" {
        if let Some((body, mime)) = file(path) {
            return (
                [(CONTENT_TYPE, HeaderValue::from_static(mime)), (CACHE_CONTROL, cache_control(path))],
                body,
            )
                .into_response();
        }
        if path.starts_with("assets/") {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        }
    }
    index(&state)
}

/// `GET /embed/{id}`: the app page (which routes `/embed/{id}` to the embed's runner), framable
/// by exactly the origins the embed allows — a revoked embed's too, so that it shows its notice
/// there; an id that names no embed is framable by nobody.
pub async fn embed_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let ancestors = match uuid::Uuid::parse_str(&id) {
        Ok(id) => match state.store.find_embed(id).await {
            Ok(found) => found.map(|r| r.embed.allowed_origins).unwrap_or_default(),
            Err(e) => return ApiError::from(e).into_response(),
        },
        Err(_) => Vec::new(),
    };
    page(&state, &ancestors)
}

/// `index.html` with the sandbox origin and a fresh style nonce filled in, under the page's
/// Content-Security-Policy.
fn index(state: &AppState) -> Response {
    page(state, &[])
}

/// `index.html` under the page's policy, framable by `ancestors`.
fn page(state: &AppState, ancestors: &[String]) -> Response {
    let Some((body, _)) = file("index.html") else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))],
            "The web front end is not built: run `npm ci && npm run build` in web/ (cargo build does this when npm is installed).",
        )
            .into_response();
    };
    let sandbox_origin = state.config.sandbox_origin.as_deref().unwrap_or_default();
    let nonce = super::headers::nonce();
    let html = String::from_utf8_lossy(&body)
        .replace(SANDBOX_ORIGIN_PLACEHOLDER, &html_attr(sandbox_origin))
        .replace(CSP_NONCE_PLACEHOLDER, &nonce);
    (
        state.pages.framed_page_headers(&nonce, ancestors),
        [
            (CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        html,
    )
        .into_response()
}

/// Escapes a value for an HTML attribute.
fn html_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("assets/a.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("x.woff2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn attribute_values_are_escaped() {
        assert_eq!(html_attr("a\"<b>&"), "a&quot;&lt;b&gt;&amp;");
    }
}

//! Compiled React modules addressed by their SHA-256, so the sandbox frame can load them
//! without the session token: when `/api/custom-uis/{id}/compiled` answers a module to an
//! authorised caller, the module is remembered under its hash (the ETag) in a bounded,
//! process-wide map, and the sandbox origin serves it at `/m/{hash}.js`. The map is keyed by
//! content, so sharing it between servers in one process is harmless.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, ETAG};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

/// Modules kept; the oldest is forgotten first.
pub const MAX_MODULES: usize = 512;
/// Largest module remembered (the compiler accepts at most 512 KiB of source).
pub const MAX_MODULE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Default)]
struct Map {
    code: HashMap<String, Arc<str>>,
    order: VecDeque<String>,
}

fn map() -> &'static Mutex<Map> {
    static MAP: OnceLock<Mutex<Map>> = OnceLock::new();
    MAP.get_or_init(Mutex::default)
}

/// Remembers `code` under its SHA-256 hex; returns the hash.
pub fn remember(code: &str) -> String {
    let hash = hex::encode(Sha256::digest(code.as_bytes()));
    if let Ok(mut m) = map().lock()
        && !m.code.contains_key(&hash)
    {
        m.code.insert(hash.clone(), Arc::from(code));
        m.order.push_back(hash.clone());
        while m.order.len() > MAX_MODULES {
            if let Some(old) = m.order.pop_front() {
                m.code.remove(&old);
            }
        }
    }
    hash
}

/// The module with this hash, when remembered.
pub fn get(hash: &str) -> Option<Arc<str>> {
    map().lock().ok().and_then(|m| m.code.get(hash).cloned())
}

/// Middleware on the app router: tees successful JavaScript answers of
/// `GET /api/custom-uis/{id}/compiled` into the map.
pub async fn remember_compiled(request: Request, next: Next) -> Response {
    let is_compiled =
        request.uri().path().starts_with("/api/custom-uis/") && request.uri().path().ends_with("/compiled");
    let response = next.run(request).await;
    if !is_compiled || response.status() != StatusCode::OK {
        return response;
    }
    let is_js = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/javascript"));
    if !is_js || response.headers().get(ETAG).is_none() {
        return response;
    }
    let (parts, body) = response.into_parts();
    match to_bytes(body, MAX_MODULE_BYTES).await {
        Ok(bytes) => {
            if let Ok(code) = std::str::from_utf8(&bytes) {
                remember(code);
            }
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::warn!(error = %e, "compiled module too large to remember");
            Response::from_parts(parts, Body::empty())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_module_is_found_by_its_hash() {
        let hash = remember("export default 1;");
        assert_eq!(hash, hex::encode(Sha256::digest(b"export default 1;")));
        assert_eq!(get(&hash).as_deref(), Some("export default 1;"));
        assert!(get("0000").is_none());
    }
}

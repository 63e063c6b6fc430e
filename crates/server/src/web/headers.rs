//! The security headers of the app origin. The app page (`index.html`, whatever the route)
//! carries a Content-Security-Policy the built front end satisfies: scripts only from the app,
//! styles from the app plus a per-answer nonce (CodeMirror writes its styles into `<style>`
//! elements), no image from another host (an answer steered by prompt injection could carry
//! data out in an image URL), frames only from the sandbox origin, connections only to the app
//! (HTTP and Socket.IO's websocket), and never framed by anyone. Every other answer (API JSON,
//! built files, Socket.IO polling, errors) gets a policy that lets nothing run or load, unless its
//! handler set its own. All answers are `nosniff`, send no referrer and refuse framing.

use axum::Router;
use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use base64::Engine;
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy of every app-origin answer that is not the app page: nothing in it may run,
/// load anything or be framed.
pub const DEFAULT_CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// No URL of the app (they name UIs, runs and share links) leaves it in a `Referer`.
pub const REFERRER: &str = "no-referrer";

/// What the app page's policy is built from, fixed once the listeners are bound.
#[derive(Debug, Clone)]
pub struct PagePolicy {
    /// The only origin frames may come from (custom UIs run there).
    sandbox_origin: String,
    /// `connect-src`: the app itself, and its websocket origins (for browsers where `'self'`
    /// does not cover `ws:`/`wss:`).
    connect_src: String,
}

impl PagePolicy {
    /// The policy for an app reached at `app_origins` whose custom UIs run on `sandbox_origin`.
    pub fn new(sandbox_origin: &str, app_origins: &[String]) -> Self {
        let mut connect_src = String::from("'self'");
        for origin in app_origins {
            let ws = if let Some(rest) = origin.strip_prefix("https://") {
                format!("wss://{rest}")
            } else if let Some(rest) = origin.strip_prefix("http://") {
                format!("ws://{rest}")
            } else {
                continue;
            };
            connect_src.push(' ');
            connect_src.push_str(&ws);
        }
        PagePolicy { sandbox_origin: sandbox_origin.trim_end_matches('/').to_owned(), connect_src }
    }

    /// The Content-Security-Policy of an app page whose `<style>` elements carry `nonce`.
    pub fn csp(&self, nonce: &str) -> String {
        self.csp_framed(nonce, &[])
    }

    /// The policy of an app page that the exact origins `ancestors` may frame (an embed's page);
    /// none may when the list is empty.
    pub fn csp_framed(&self, nonce: &str, ancestors: &[String]) -> String {
        let ancestors = if ancestors.is_empty() { "'none'".to_owned() } else { ancestors.join(" ") };
        format!(
            "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; \
             font-src 'self' data:; connect-src {}; frame-src {}; worker-src 'self'; manifest-src 'self'; \
             form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors {ancestors}",
            self.connect_src, self.sandbox_origin
        )
    }

    /// The headers of an app page with this style nonce (the rest comes from [`layer`]).
    pub fn page_headers(&self, nonce: &str) -> HeaderMap {
        self.framed_page_headers(nonce, &[])
    }

    /// The headers of an app page that `ancestors` may frame. `X-Frame-Options: DENY` still
    /// comes from [`layer`] for browsers without `frame-ancestors`; the others ignore it when the
    /// policy has `frame-ancestors` (CSP Level 2), so the listed origins can frame the page.
    pub fn framed_page_headers(&self, nonce: &str, ancestors: &[String]) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&self.csp_framed(nonce, ancestors)) {
            h.insert(CONTENT_SECURITY_POLICY, v);
        }
        // The app opens links with `noopener`; nothing needs a window reference across origins.
        h.insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
        h
    }
}

/// A fresh nonce for one page answer: 128 random bits, base64.
pub fn nonce() -> String {
    base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 16]>())
}

/// Adds `nosniff`, the referrer policy, `X-Frame-Options: DENY` and [`DEFAULT_CSP`] to every
/// answer of `router` that did not set them itself.
pub fn layer<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(REFERRER_POLICY, HeaderValue::from_static(REFERRER)))
        .layer(SetResponseHeaderLayer::if_not_present(X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_only_the_app_and_the_sandbox() {
        let p = PagePolicy::new(
            "http://127.0.0.1:9/",
            &["http://127.0.0.1:8".to_owned(), "https://app.example".to_owned(), "other".to_owned()],
        );
        let csp = p.csp("abc");
        assert!(csp.starts_with("default-src 'none'; script-src 'self'; style-src 'self' 'nonce-abc';"));
        assert!(csp.contains("connect-src 'self' ws://127.0.0.1:8 wss://app.example;"), "{csp}");
        assert!(csp.contains("frame-src http://127.0.0.1:9;"), "{csp}");
        assert!(csp.contains("img-src 'self' data:;"), "{csp}");
        assert!(csp.ends_with("object-src 'none'; frame-ancestors 'none'"), "{csp}");
    }

    #[test]
    fn nonces_differ_and_fit_a_header() {
        let (a, b) = (nonce(), nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 24);
        assert!(HeaderValue::from_str(&a).is_ok());
    }
}

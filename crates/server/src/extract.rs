//! Extractors that turn bad input into *our* error shape: JSON bodies (400 for broken JSON,
//! 422 naming the field for wrong data, 413 over the limit, 408 when it arrives too slowly),
//! query strings and path ids and texts. Every REST input passes here, so this is the one place
//! that refuses text a database cannot store (a NUL): 422 `invalid_text` naming where, on both
//! databases, before any handler.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use promptdeck_core::text::{check_json, check_text};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::error::ApiError;

/// A JSON body parsed with the field path of any error.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime == "application/json" || mime.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::InvalidJson(
                "expected a JSON body with content-type application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON: syntax errors are `invalid_json`, a NUL in any string or key is
/// `invalid_text` naming where, data errors name the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    check_storable_json(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => {
            de.end().map_err(|e| ApiError::InvalidJson(format!("invalid JSON: {e}")))?;
            Ok(v)
        }
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    Err(ApiError::Validation(if path == "." || path.is_empty() {
                        inner.to_string()
                    } else {
                        format!("{path}: {inner}")
                    }))
                }
                _ => Err(ApiError::InvalidJson(format!("invalid JSON: {inner}"))),
            }
        }
    }
}

/// Refuses a JSON body with a NUL in any string or object key, at any depth. JSON carries a NUL
/// only as the escape `\u0000`, so a body without that sequence passes after one scan; one
/// with it (or with a literal `\\u0000`) is parsed once more and walked to name where.
fn check_storable_json(bytes: &[u8]) -> Result<(), ApiError> {
    if !may_escape_nul(bytes) {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => Ok(check_json(&value)?),
        // Broken JSON: the typed parse reports it.
        Err(_) => Ok(()),
    }
}

/// Whether `bytes` hold the six bytes `\u0000` anywhere.
fn may_escape_nul(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    while let Some(at) = rest.iter().position(|&b| b == b'\\') {
        if rest[at..].starts_with(b"\\u0000") {
            return true;
        }
        rest = &rest[at + 1..];
    }
    false
}

fn body_error(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else if timed_out(&rejection) {
        ApiError::RequestTimeout
    } else {
        ApiError::InvalidJson(format!("could not read the body: {rejection}"))
    }
}

/// Whether reading the body failed because it outlived its deadline (see `serve`).
fn timed_out(rejection: &BytesRejection) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(rejection);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// A query string parsed into `T`; bad values are 422 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded_like(query).map(ApiQuery)
    }
}

fn serde_urlencoded_like<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let uri = format!("/?{query}")
        .parse()
        .map_err(|_| ApiError::Validation("the query string is not valid".into()))?;
    // A NUL can only arrive percent-encoded; only then are the pairs decoded to name it.
    if query.contains("%00") {
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
            .map_err(|e| ApiError::Validation(format!("query: {}", e.body_text())))?;
        for (name, value) in &pairs.0 {
            let shown = format!("query parameter `{}`", name.replace('\0', "\\u0000"));
            check_text(&shown, name)?;
            check_text(&shown, value)?;
        }
    }
    axum::extract::Query::<T>::try_from_uri(&uri)
        .map(|q| q.0)
        .map_err(|e| ApiError::Validation(format!("query: {}", e.body_text())))
}

/// A UUID path segment; anything else is a 404, as nothing can have that id.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("resource"))?;
        Uuid::parse_str(&raw).map(IdPath).map_err(|_| ApiError::NotFound("resource"))
    }
}

/// A text path segment, such as a Socket.IO task id; a NUL in it is `invalid_text` (no
/// database can hold such an id, and PostgreSQL fails on the lookup).
pub struct TextPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for TextPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(params) =
            axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::NotFound("resource"))?;
        let mut params = params.into_iter();
        let (Some((name, value)), None) = (params.next(), params.next()) else {
            return Err(ApiError::Internal("TextPath reads a route with exactly one parameter".into()));
        };
        check_text(&name, &value)?;
        Ok(TextPath(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_escaped_nul_sends_a_body_to_the_slow_check() {
        assert!(!may_escape_nul(br#"{"a": "b\n", "c": "\u0001"}"#));
        assert!(may_escape_nul(br#"{"a": "\u0000"}"#));
        assert!(
            may_escape_nul(br#"{"a": "x\\u0000"}"#),
            "a literal backslash is a false alarm, checked later"
        );
        assert!(!may_escape_nul(br#"\u000"#));
    }

    #[test]
    fn a_nul_anywhere_in_a_body_is_invalid_text() {
        let err = parse_json::<Value>(br#"{"a": [{"b": "x\u0000"}]}"#).unwrap_err();
        assert!(matches!(&err, ApiError::InvalidText(m) if m.starts_with("a[0].b:")), "{err:?}");
        let ok = parse_json::<Value>(br#"{"a": "x\\u0000"}"#).unwrap();
        assert_eq!(ok["a"], "x\\u0000");
    }

    #[test]
    fn a_nul_in_a_query_names_the_parameter() {
        #[derive(Debug, serde::Deserialize)]
        struct Q {
            #[allow(dead_code)]
            q: Option<String>,
        }
        let err = serde_urlencoded_like::<Q>("q=a%00b").unwrap_err();
        assert!(matches!(&err, ApiError::InvalidText(m) if m.starts_with("query parameter `q`")), "{err:?}");
        assert!(serde_urlencoded_like::<Q>("q=a%2500b").is_ok());
    }
}

//! The rules of embeds' viewers. A viewer is an account of its own scoped to one embed (see
//! `promptdeck_store::User::embed_id`): its token is good only for running that embed's UI — the
//! few REST calls the runner makes for it ([`admit_request`]) and Socket.IO tasks through it (see
//! `socket::submit`) — and every other route refuses it. Verified viewers are vouched for by the
//! embedding site with an HMAC of their id ([`verify_viewer`]).

use axum::extract::MatchedPath;
use axum::http::Method;
use axum::http::request::Parts;
use hmac::{Hmac, Mac};
use promptdeck_store::{EmbedRecord, User};
use rand::RngCore;
use sha2::Sha256;
use uuid::Uuid;

use crate::auth::UserAction;
use crate::error::{ApiError, ApiResult};
use crate::published::{self, Target};
use crate::state::AppState;

/// A new embed secret: 32 random bytes, hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Whether `user_hash` is the hex HMAC-SHA256 of `user_id` under `secret` (compared in constant
/// time; either case of hex digits).
pub fn verify_viewer(secret: &str, user_id: &str, user_hash: &str) -> bool {
    let Ok(given) = hex::decode(user_hash.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(user_id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// The UI version the embed opens now for `viewer`, or why it opens nothing (410: revoked, the UI
/// deleted, archived or unpublished).
pub async fn target(state: &AppState, record: &EmbedRecord, viewer: Uuid) -> ApiResult<Target> {
    if record.embed.revoked_at.is_some() {
        return Err(ApiError::Gone("this embed was revoked by its owner".into()));
    }
    published::target(state, record.owner, record.embed.custom_ui_id, record.embed.pinned, viewer, "embed")
        .await
}

/// The embed a viewer belongs to and the UI version it opens now for them.
pub async fn viewer_target(
    state: &AppState,
    embed_id: Uuid,
    viewer: Uuid,
) -> ApiResult<(EmbedRecord, Target)> {
    let record = state.store.find_embed(embed_id).await?.ok_or(ApiError::NotFound("embed"))?;
    let target = target(state, &record, viewer).await?;
    Ok((record, target))
}

/// The routes a viewer's token may call, all for the embed's UI or the viewer's own runs: what
/// the runner needs to load the UI, keep its state and record runs the UI makes.
const VIEWER_ROUTES: &[(Method, &str, bool)] = &[
    (Method::GET, "/api/custom-uis/{id}", true),
    (Method::GET, "/api/custom-uis/{id}/compiled", true),
    (Method::GET, "/api/custom-uis/{id}/state", true),
    (Method::PUT, "/api/custom-uis/{id}/state", true),
    (Method::POST, "/api/custom-uis/{id}/navigation-reports", true),
    (Method::POST, "/api/runs", false),
    (Method::POST, "/api/runs/{id}/messages", false),
    (Method::POST, "/api/runs/{id}/tasks", false),
];

/// Lets a viewer's request through only on [`VIEWER_ROUTES`], with the UI in the path being the
/// one its embed opens now; 403 for any other route, 410 once the embed opens nothing. Writes are
/// paced per viewer ([`UserAction::ViewerWrite`], 429 past it).
pub async fn admit_request(state: &AppState, viewer: &User, embed_id: Uuid, parts: &Parts) -> ApiResult<()> {
    let refused = || ApiError::Forbidden("an embed viewer's session can only run its embed's UI".into());
    let route = parts.extensions.get::<MatchedPath>().map(MatchedPath::as_str).ok_or_else(refused)?;
    let &(_, _, names_ui) =
        VIEWER_ROUTES.iter().find(|(m, r, _)| *m == parts.method && *r == route).ok_or_else(refused)?;
    if parts.method != Method::GET {
        state.auth.admit_action(viewer.id, UserAction::ViewerWrite).await?;
    }
    if !names_ui {
        return Ok(());
    }
    let (_, target) = viewer_target(state, embed_id, viewer.id).await?;
    let named = parts.uri.path().split('/').nth(3).and_then(|s| Uuid::parse_str(s).ok());
    if named == Some(target.id) { Ok(()) } else { Err(refused()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn only_the_hmac_of_that_id_under_that_secret_passes() {
        let secret = new_secret();
        assert_eq!(secret.len(), 64);
        let good = sign(&secret, "alice");
        assert!(verify_viewer(&secret, "alice", &good));
        assert!(verify_viewer(&secret, "alice", &good.to_uppercase()));
        assert!(!verify_viewer(&secret, "bob", &good));
        assert!(!verify_viewer(&new_secret(), "alice", &good));
        assert!(!verify_viewer(&secret, "alice", &good[..62]));
        assert!(!verify_viewer(&secret, "alice", "zz"));
        assert!(!verify_viewer(&secret, "alice", ""));
    }
}

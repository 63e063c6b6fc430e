//! What a share link or an embed opens right now: the version it is pinned to while that stays
//! published, or the latest published version of its chain. Whatever opens nothing says why in a
//! sentence (`410 Gone`), so the page shows a notice, never a blank frame.

use promptdeck_core::{CustomUiStatus, PromptCustomUi};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The UI version to open.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Its id.
    pub id: Uuid,
    /// Its number in the chain.
    pub version: i64,
    /// Its name.
    pub name: String,
}

/// Whether a UI version is published: public and active.
pub fn is_published(ui: &PromptCustomUi) -> bool {
    ui.is_public && ui.status == CustomUiStatus::Active
}

/// Resolves the version `owner`'s UI `base` (a link's or an embed's, `None` once deleted) opens
/// now for `viewer`. `what` names the thing in messages ("link", "embed").
pub async fn target(
    state: &AppState,
    owner: Uuid,
    base: Option<Uuid>,
    pinned: bool,
    viewer: Uuid,
    what: &str,
) -> ApiResult<Target> {
    let deleted = || ApiError::Gone(format!("the custom UI this {what} opened was deleted by its owner"));
    let base_id = base.ok_or_else(deleted)?;
    // The link speaks for its owner: the version chain is read as the owner sees it.
    let base = state.store.find_ui(owner, base_id).await?.ok_or_else(deleted)?;
    let found = if pinned {
        if !is_published(&base) {
            return Err(ApiError::Gone(unpublished(&base, &format!("the version this {what} is pinned to"))));
        }
        Some(Target { id: base.id, version: base.version, name: base.name.clone() })
    } else {
        let mut chain = state.store.ui_versions(&base).await?;
        chain.retain(|v| v.is_public && v.status == CustomUiStatus::Active);
        chain.sort_by_key(|v| std::cmp::Reverse(v.version));
        let mut found = None;
        for v in chain {
            // A quarantined version is hidden from others: the next older one is shown.
            if owner == viewer || state.store.find_ui(viewer, v.id).await?.is_some() {
                found = Some(Target { id: v.id, version: v.version, name: v.name });
                break;
            }
        }
        found
    };
    let Some(target) = found else {
        return Err(ApiError::Gone(unpublished(&base, "this UI")));
    };
    // What the viewer may open is decided by the usual rule (a quarantined version is hidden).
    if state.store.find_ui(viewer, target.id).await?.is_none() {
        return Err(ApiError::Gone("this version is hidden: it was reported for leaving its frame".into()));
    }
    Ok(target)
}

fn unpublished(ui: &PromptCustomUi, what: &str) -> String {
    if ui.status == CustomUiStatus::Archived {
        format!("{what} was archived by its owner")
    } else {
        format!("{what} is no longer published")
    }
}

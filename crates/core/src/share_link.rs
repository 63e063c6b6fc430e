//! Share links: a short link that opens a published custom UI for anyone signed in, either
//! pinned to one version (it keeps showing that version after newer ones are published) or
//! following the version chain (it shows the latest published version).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// Most share links one UI may have (revoked ones included), so a loop cannot fill the table.
pub const MAX_SHARE_LINKS_PER_UI: i64 = 50;

/// A share link as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct ShareLink {
    /// The link's unguessable name (32 hex digits): `/s/{slug}`.
    pub slug: String,
    /// The path that opens it on this server, `/s/{slug}`.
    pub url: String,
    /// The UI version the link was made from; `None` once that version is deleted.
    pub custom_ui_id: Option<Uuid>,
    /// True: always that version. False: the latest published version of its chain.
    pub pinned: bool,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When its owner revoked it; a revoked link opens a notice, never the UI.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ShareLink {
    /// The path of a slug's link.
    pub fn path(slug: &str) -> String {
        format!("/s/{slug}")
    }
}

/// `POST /api/custom-uis/{id}/share-links`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct NewShareLink {
    /// Pin the link to this version (default: follow the latest published version).
    #[serde(default)]
    pub pinned: bool,
}

/// What a share link opens right now (`GET /api/share-links/{slug}`): the UI version to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct SharedUi {
    /// The link's slug.
    pub slug: String,
    /// Whether the link is pinned to one version.
    pub pinned: bool,
    /// The UI version to open (`GET /api/custom-uis/{id}` has it whole).
    pub custom_ui_id: Uuid,
    /// That version's number.
    pub version: i64,
    /// That version's name.
    pub name: String,
}

//! Share links (see `promptdeck_core::ShareLink`): their owners make, list and revoke them as
//! themselves; opening one by its slug is done by the store's own role, since the viewer is not
//! the owner and the slug is the capability.

use chrono::{DateTime, Utc};
use promptdeck_core::{MAX_SHARE_LINKS_PER_UI, ShareLink};
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx, on_pool};
use crate::{Store, StoreError, StoreResult};

type LinkRow = (String, Option<Uuid>, bool, DateTime<Utc>, Option<DateTime<Utc>>);

const LINK_COLUMNS: &str = "slug, custom_ui_id, pinned, created_at, revoked_at";

fn link((slug, custom_ui_id, pinned, created_at, revoked_at): LinkRow) -> ShareLink {
    ShareLink { url: ShareLink::path(&slug), slug, custom_ui_id, pinned, created_at, revoked_at }
}

/// An unguessable slug: 122 random bits as 32 hex digits.
fn new_slug() -> String {
    Uuid::new_v4().simple().to_string()
}

impl Store {
    /// Makes a share link to `owner`'s UI `ui_id` (which the caller checked is theirs and
    /// published); at most [`MAX_SHARE_LINKS_PER_UI`] per UI, revoked ones included.
    pub async fn create_share_link(&self, owner: Uuid, ui_id: Uuid, pinned: bool) -> StoreResult<ShareLink> {
        let sql = format!(
            "INSERT INTO prompt_custom_ui_share_links (slug, custom_ui_id, user_id, pinned, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {LINK_COLUMNS}"
        );
        let row: LinkRow = in_write_tx!(self, owner, |tx| {
            let count: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM prompt_custom_ui_share_links WHERE user_id = $1 AND custom_ui_id = $2",
            )
            .bind(owner)
            .bind(ui_id)
            .fetch_one(&mut *tx)
            .await?;
            if count >= MAX_SHARE_LINKS_PER_UI {
                return Err(StoreError::CapReached(format!(
                    "a UI has at most {MAX_SHARE_LINKS_PER_UI} share links (revoked ones included)"
                )));
            }
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(new_slug())
                .bind(ui_id)
                .bind(owner)
                .bind(pinned)
                .bind(Utc::now())
                .fetch_one(&mut *tx)
                .await?
        });
        Ok(link(row))
    }

    /// `owner`'s share links to the UI `ui_id`, newest first.
    pub async fn share_links(&self, owner: Uuid, ui_id: Uuid) -> StoreResult<Vec<ShareLink>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS} FROM prompt_custom_ui_share_links WHERE user_id = $1 AND custom_ui_id = $2 \
             ORDER BY created_at DESC, slug"
        );
        let rows: Vec<LinkRow> = in_tx!(self, owner, |tx| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(owner)
                .bind(ui_id)
                .fetch_all(&mut *tx)
                .await?
        });
        Ok(rows.into_iter().map(link).collect())
    }

    /// Revokes `owner`'s link `slug` (a second revoke keeps the first time); `None` when
    /// `owner` has no such link.
    pub async fn revoke_share_link(&self, owner: Uuid, slug: &str) -> StoreResult<Option<ShareLink>> {
        let sql = format!(
            "UPDATE prompt_custom_ui_share_links SET revoked_at = COALESCE(revoked_at, $3) \
             WHERE user_id = $1 AND slug = $2 RETURNING {LINK_COLUMNS}"
        );
        let row: Option<LinkRow> = in_write_tx!(self, owner, |tx| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(owner)
                .bind(slug)
                .bind(Utc::now())
                .fetch_optional(&mut *tx)
                .await?
        });
        Ok(row.map(link))
    }

    /// The link named `slug` and its owner, whoever asks (the slug is the capability).
    pub async fn find_share_link(&self, slug: &str) -> StoreResult<Option<(Uuid, ShareLink)>> {
        let sql = format!("SELECT user_id, {LINK_COLUMNS} FROM prompt_custom_ui_share_links WHERE slug = $1");
        type Row = (Uuid, String, Option<Uuid>, bool, DateTime<Utc>, Option<DateTime<Utc>>);
        let row: Option<Row> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(slug).fetch_optional(pool).await?
        });
        Ok(row.map(|(owner, slug, ui, pinned, created, revoked)| {
            (owner, link((slug, ui, pinned, created, revoked)))
        }))
    }
}

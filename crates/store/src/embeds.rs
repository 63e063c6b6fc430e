//! Embeds (see `promptdeck_core::Embed`) and their viewers. Owners make, list, re-key and revoke
//! their embeds as themselves; finding an embed by id and making its viewers is done by the
//! store's own role, since the caller is a stranger's browser and the embed id only names it (the
//! origins that may frame it and, for verified viewers, the HMAC are what guard it).

use chrono::{DateTime, Utc};
use promptdeck_core::{Embed, EmbedViewer, MAX_EMBEDS_PER_UI};
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx, on_pool, on_write_pool};
use crate::{Store, StoreError, StoreResult};

/// What a new embed is made of (checked by the caller: origins normal, caps in range).
#[derive(Debug, Clone)]
pub struct EmbedSpec<'a> {
    /// The UI version it is made from.
    pub custom_ui_id: Uuid,
    /// Always that version, or the latest published one of its chain.
    pub pinned: bool,
    /// Exact origins, normalised.
    pub allowed_origins: &'a [String],
    /// Who its viewers are.
    pub viewer: EmbedViewer,
    /// Runs per UTC day, all viewers together.
    pub daily_runs: u32,
    /// Runs per viewer per UTC day.
    pub max_runs_per_viewer_per_day: Option<u32>,
    /// Cost per UTC day, all viewers together.
    pub max_cost_per_day: Option<f64>,
    /// The HMAC key of verified viewers.
    pub secret: &'a str,
}

/// An embed with what only the server reads: its owner and its secret.
#[derive(Debug, Clone)]
pub struct EmbedRecord {
    /// Who made it (and pays for its runs).
    pub owner: Uuid,
    /// The embed.
    pub embed: Embed,
    /// The HMAC key of verified viewers.
    pub secret: String,
}

#[derive(sqlx::FromRow)]
struct EmbedRow {
    id: Uuid,
    user_id: Uuid,
    custom_ui_id: Option<Uuid>,
    pinned: bool,
    version: Option<i64>,
    allowed_origins: String,
    viewer: String,
    daily_runs: i64,
    max_runs_per_viewer_per_day: Option<i64>,
    max_cost_per_day: Option<f64>,
    secret: String,
    created_at: DateTime<Utc>,
    secret_rotated_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

const EMBED_SELECT: &str = "SELECT e.id, e.user_id, e.custom_ui_id, e.pinned, CAST(u.version AS BIGINT) AS version, e.allowed_origins, e.viewer, \
     e.daily_runs, e.max_runs_per_viewer_per_day, e.max_cost_per_day, e.secret, e.created_at, e.secret_rotated_at, e.revoked_at \
     FROM prompt_custom_ui_embeds e LEFT JOIN prompt_custom_uis u ON u.id = e.custom_ui_id";

fn cap(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

impl EmbedRow {
    fn record(self) -> StoreResult<EmbedRecord> {
        let allowed_origins: Vec<String> = serde_json::from_str(&self.allowed_origins)
            .map_err(|e| StoreError::Corrupt(format!("embed {}: allowed_origins: {e}", self.id)))?;
        let viewer = EmbedViewer::parse(&self.viewer)
            .ok_or_else(|| StoreError::Corrupt(format!("embed {}: viewer `{}`", self.id, self.viewer)))?;
        Ok(EmbedRecord {
            owner: self.user_id,
            secret: self.secret,
            embed: Embed {
                id: self.id,
                url: Embed::path(self.id),
                custom_ui_id: self.custom_ui_id,
                pinned: self.pinned,
                version: if self.pinned { self.version } else { None },
                allowed_origins,
                viewer,
                daily_runs: cap(self.daily_runs),
                max_runs_per_viewer_per_day: self.max_runs_per_viewer_per_day.map(cap),
                max_cost_per_day: self.max_cost_per_day,
                created_at: self.created_at,
                secret_rotated_at: self.secret_rotated_at,
                revoked_at: self.revoked_at,
            },
        })
    }
}

impl Store {
    /// Makes an embed of `owner`'s UI (which the caller checked is theirs and published); at most
    /// [`MAX_EMBEDS_PER_UI`] per UI, revoked ones included.
    pub async fn create_embed(&self, owner: Uuid, spec: EmbedSpec<'_>) -> StoreResult<Embed> {
        let id = Uuid::new_v4();
        let origins = serde_json::to_string(spec.allowed_origins)
            .map_err(|e| StoreError::Corrupt(format!("allowed_origins: {e}")))?;
        in_write_tx!(self, owner, |tx| {
            let count: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM prompt_custom_ui_embeds WHERE user_id = $1 AND custom_ui_id = $2",
            )
            .bind(owner)
            .bind(spec.custom_ui_id)
            .fetch_one(&mut *tx)
            .await?;
            if count >= MAX_EMBEDS_PER_UI {
                return Err(StoreError::CapReached(format!(
                    "a UI has at most {MAX_EMBEDS_PER_UI} embeds (revoked ones included)"
                )));
            }
            sqlx::query(
                "INSERT INTO prompt_custom_ui_embeds (id, custom_ui_id, user_id, pinned, allowed_origins, viewer, \
                 daily_runs, max_runs_per_viewer_per_day, max_cost_per_day, secret, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(spec.custom_ui_id)
            .bind(owner)
            .bind(spec.pinned)
            .bind(&origins)
            .bind(spec.viewer.as_str())
            .bind(i64::from(spec.daily_runs))
            .bind(spec.max_runs_per_viewer_per_day.map(i64::from))
            .bind(spec.max_cost_per_day)
            .bind(spec.secret)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        self.own_embed(owner, id).await?.ok_or(StoreError::NotFound("embed"))
    }

    /// `owner`'s embed `id`, as they see it.
    pub async fn own_embed(&self, owner: Uuid, id: Uuid) -> StoreResult<Option<Embed>> {
        let sql = format!("{EMBED_SELECT} WHERE e.user_id = $1 AND e.id = $2");
        let row: Option<EmbedRow> = in_tx!(self, owner, |tx| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(owner)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        });
        row.map(|r| r.record().map(|r| r.embed)).transpose()
    }

    /// `owner`'s embeds of the UI `ui_id`, newest first.
    pub async fn embeds(&self, owner: Uuid, ui_id: Uuid) -> StoreResult<Vec<Embed>> {
        let sql = format!(
            "{EMBED_SELECT} WHERE e.user_id = $1 AND e.custom_ui_id = $2 ORDER BY e.created_at DESC, e.id"
        );
        let rows: Vec<EmbedRow> = in_tx!(self, owner, |tx| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(owner)
                .bind(ui_id)
                .fetch_all(&mut *tx)
                .await?
        });
        rows.into_iter().map(|r| r.record().map(|r| r.embed)).collect()
    }

    /// Replaces the secret of `owner`'s embed `id`; `None` when they have no such embed.
    pub async fn rotate_embed_secret(
        &self,
        owner: Uuid,
        id: Uuid,
        secret: &str,
    ) -> StoreResult<Option<Embed>> {
        let done = in_write_tx!(self, owner, |tx| {
            sqlx::query(
                "UPDATE prompt_custom_ui_embeds SET secret = $3, secret_rotated_at = $4 WHERE user_id = $1 AND id = $2",
            )
            .bind(owner)
            .bind(id)
            .bind(secret)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        if done == 0 { Ok(None) } else { self.own_embed(owner, id).await }
    }

    /// Revokes `owner`'s embed `id` (a second revoke keeps the first time) and ends its viewers'
    /// sessions, answering their public ids (for disconnecting their sockets); `None` when they
    /// have no such embed.
    pub async fn revoke_embed(&self, owner: Uuid, id: Uuid) -> StoreResult<Option<(Embed, Vec<Uuid>)>> {
        let done = in_write_tx!(self, owner, |tx| {
            sqlx::query(
                "UPDATE prompt_custom_ui_embeds SET revoked_at = COALESCE(revoked_at, $3) WHERE user_id = $1 AND id = $2",
            )
            .bind(owner)
            .bind(id)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        if done == 0 {
            return Ok(None);
        }
        let sessions: Vec<Uuid> = on_write_pool!(self, |pool| {
            sqlx::query_scalar(
                "DELETE FROM access_tokens WHERE user_id IN (SELECT id FROM users WHERE embed_id = $1) RETURNING id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(self.own_embed(owner, id).await?.map(|embed| (embed, sessions)))
    }

    /// The embed `id` with its owner and secret, whoever asks.
    pub async fn find_embed(&self, id: Uuid) -> StoreResult<Option<EmbedRecord>> {
        let sql = format!("{EMBED_SELECT} WHERE e.id = $1");
        let row: Option<EmbedRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await?
        });
        row.map(EmbedRow::record).transpose()
    }

    /// The account of a viewer of the embed `embed_id`: a verified viewer (`name` given) keeps
    /// one account per embed, made on first sight; an anonymous viewer gets a new one. Neither
    /// can sign in: the password hash is not a hash.
    pub async fn embed_viewer(&self, embed_id: Uuid, name: Option<&str>) -> StoreResult<Uuid> {
        let id = Uuid::new_v4();
        let email = format!("viewer-{}@embed.invalid", id.simple());
        let now = Utc::now();
        Ok(on_write_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO users (id, email, password_hash, is_admin, created_at, embed_id, embed_viewer) \
                 VALUES ($1, $2, '!', false, $3, $4, $5) \
                 ON CONFLICT (embed_id, embed_viewer) WHERE embed_viewer IS NOT NULL DO NOTHING",
            )
            .bind(id)
            .bind(&email)
            .bind(now)
            .bind(embed_id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
            let found: Uuid = match name {
                Some(name) => {
                    sqlx::query_scalar("SELECT id FROM users WHERE embed_id = $1 AND embed_viewer = $2")
                        .bind(embed_id)
                        .bind(name)
                        .fetch_one(&mut *tx)
                        .await?
                }
                None => id,
            };
            tx.commit().await?;
            found
        }))
    }

    /// Tasks started through the embed `embed_id` since `since`: all viewers', or `viewer`'s.
    pub async fn runs_through_embed(
        &self,
        embed_id: Uuid,
        viewer: Option<Uuid>,
        since: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let sql = match viewer {
            Some(_) => {
                "SELECT COUNT(*) FROM ai_tasks WHERE embed_id = $1 AND created_at >= $2 AND user_id = $3"
            }
            None => "SELECT COUNT(*) FROM ai_tasks WHERE embed_id = $1 AND created_at >= $2",
        };
        Ok(on_pool!(self, |pool| {
            let mut query = sqlx::query_scalar::<_, i64>(sql).bind(embed_id).bind(since);
            if let Some(viewer) = viewer {
                query = query.bind(viewer);
            }
            query.fetch_one(pool).await?
        }))
    }
}

//! Embeds: a published custom UI framed on another site. The owner names the exact origins that
//! may frame it, who its viewers are (anonymous visitors, or the embedding site's own users,
//! vouched for with an HMAC of their id), how many runs a day it may start, and whether it is
//! pinned to one version. Its viewers are not promptdeck users: the owner pays for every run.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// Most embeds one UI may have (revoked ones included), so a loop cannot fill the table.
pub const MAX_EMBEDS_PER_UI: i64 = 20;
/// Most origins one embed may allow: they all go into one `frame-ancestors` header.
pub const MAX_EMBED_ORIGINS: usize = 20;
/// Longest allowed origin, in bytes.
pub const MAX_ORIGIN_BYTES: usize = 255;
/// Highest `daily_runs` (and per-viewer cap) an embed may set.
pub const MAX_EMBED_DAILY_RUNS: u32 = 1_000_000;
/// Longest `user_id` an embedding site may name a verified viewer with, in bytes.
pub const MAX_VIEWER_ID_BYTES: usize = 128;
/// How long a viewer session lasts: short, since anyone may ask for an anonymous one.
pub const EMBED_SESSION_HOURS: i64 = 2;

/// Who an embed's viewers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum EmbedViewer {
    /// Anyone who opens the embedding page; each browser gets a short-lived viewer session.
    Anonymous,
    /// Users of the embedding site, named by it: `user_id` with `user_hash` =
    /// hex HMAC-SHA256(secret, user_id). A viewer keeps their runs and state across visits.
    Verified,
}

impl EmbedViewer {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EmbedViewer::Anonymous => "anonymous",
            EmbedViewer::Verified => "verified",
        }
    }

    /// Reads a stored value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "anonymous" => Some(EmbedViewer::Anonymous),
            "verified" => Some(EmbedViewer::Verified),
            _ => None,
        }
    }
}

/// An embed as its owner sees it (never its secret, which is shown once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct Embed {
    /// The embed's id: `/embed/{id}`, `data-embed="{id}"`.
    pub id: Uuid,
    /// The path that serves it on this server, `/embed/{id}`.
    pub url: String,
    /// The UI version it was made from (pinned: the version it shows); `None` once deleted.
    pub custom_ui_id: Option<Uuid>,
    /// True: always that version. False: the latest published version of its chain.
    pub pinned: bool,
    /// The pinned version's number; `None` when it follows the chain.
    pub version: Option<i64>,
    /// The exact origins (`scheme://host[:port]`) that may frame it.
    pub allowed_origins: Vec<String>,
    /// Who its viewers are.
    pub viewer: EmbedViewer,
    /// Runs it may start per UTC day, all viewers together.
    pub daily_runs: u32,
    /// Runs one viewer may start per UTC day through it, if capped.
    pub max_runs_per_viewer_per_day: Option<u32>,
    /// What its runs may cost per UTC day, all viewers together (US dollars), if capped.
    pub max_cost_per_day: Option<f64>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When its secret was last replaced.
    pub secret_rotated_at: Option<DateTime<Utc>>,
    /// When its owner revoked it; a revoked embed shows a notice, never the UI.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Embed {
    /// The path of an embed's page.
    pub fn path(id: Uuid) -> String {
        format!("/embed/{id}")
    }
}

/// A new embed, or a rotated secret: the embed and its secret, which is never shown again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct EmbedCreated {
    /// The embed.
    #[serde(flatten)]
    pub embed: Embed,
    /// 32 random bytes, hex: the key of verified viewers' HMAC.
    pub secret: String,
}

/// `POST /api/custom-uis/{id}/embeds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct NewEmbed {
    /// The exact origins that may frame it (1 to [`MAX_EMBED_ORIGINS`]); `*`, paths, queries and
    /// user info are refused.
    pub allowed_origins: Vec<String>,
    /// Who its viewers are.
    pub viewer: EmbedViewer,
    /// Runs it may start per UTC day, all viewers together (1 to [`MAX_EMBED_DAILY_RUNS`]).
    pub daily_runs: u32,
    /// Runs one viewer may start per UTC day through it.
    #[serde(default)]
    #[ts(optional)]
    pub max_runs_per_viewer_per_day: Option<u32>,
    /// What its runs may cost per UTC day, all viewers together (US dollars, 0 to
    /// [`crate::MAX_COST_CAP`]).
    #[serde(default)]
    #[ts(optional)]
    pub max_cost_per_day: Option<f64>,
    /// Pins it to this version number of the UI's chain (published); absent: it follows the
    /// latest published version.
    #[serde(default)]
    #[ts(optional)]
    pub version: Option<i64>,
}

/// `POST /api/embeds/{id}/sessions`: who is viewing. Anonymous embeds take an empty body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct NewEmbedSession {
    /// The embedding site's id for its user (verified embeds).
    #[serde(default)]
    #[ts(optional)]
    pub user_id: Option<String>,
    /// Hex HMAC-SHA256(secret, user_id) (verified embeds).
    #[serde(default)]
    #[ts(optional)]
    pub user_hash: Option<String>,
}

/// A viewer session: the token the embed page runs its UI with, and which UI version it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct EmbedSession {
    /// Bearer token of the viewer (REST and Socket.IO), good only for this embed's UI.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// The UI version to run.
    pub custom_ui_id: Uuid,
    /// That version's number.
    pub version: i64,
    /// That version's name.
    pub name: String,
    /// Who the embed's viewers are.
    pub viewer: EmbedViewer,
}

/// Why an origin is refused, in a sentence; `Ok` with its normal form (lower-case scheme and
/// host, no default port kept implicit) when it is an exact `http`/`https` origin.
pub fn normalise_origin(origin: &str) -> Result<String, String> {
    let raw = origin.trim();
    if raw.is_empty() {
        return Err("an origin is empty".into());
    }
    if raw.len() > MAX_ORIGIN_BYTES {
        return Err(format!("an origin is longer than {MAX_ORIGIN_BYTES} bytes"));
    }
    if raw.contains('*') {
        return Err(format!("`{raw}`: wildcards are not allowed; list each exact origin"));
    }
    let (scheme, rest) =
        raw.split_once("://").ok_or_else(|| format!("`{raw}` is not an origin (scheme://host[:port])"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("`{raw}`: only http and https origins can frame an embed"));
    }
    if rest.contains(['/', '?', '#']) {
        return Err(format!("`{raw}`: an origin has no path, query or fragment (scheme://host[:port])"));
    }
    if rest.contains('@') {
        return Err(format!("`{raw}`: an origin has no user info"));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => {
            if h.is_empty() || (h.starts_with('[') && !h.ends_with(']')) {
                return Err(format!("`{raw}` is not an origin (scheme://host[:port])"));
            }
            let port: u16 =
                p.parse().map_err(|_| format!("`{raw}`: the port must be a number from 1 to 65535"))?;
            if port == 0 {
                return Err(format!("`{raw}`: the port must be a number from 1 to 65535"));
            }
            (h, Some(port))
        }
        _ => (rest, None),
    };
    let valid_host = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        inner.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    };
    if !valid_host {
        return Err(format!("`{raw}`: `{host}` is not a host name"));
    }
    let host = host.to_ascii_lowercase();
    let default_port = if scheme == "https" { 443 } else { 80 };
    Ok(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_origins_are_kept_in_their_normal_form() {
        assert_eq!(normalise_origin("https://Example.com").unwrap(), "https://example.com");
        assert_eq!(normalise_origin("https://example.com:443").unwrap(), "https://example.com");
        assert_eq!(normalise_origin("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(normalise_origin(" http://localhost:3000 ").unwrap(), "http://localhost:3000");
        assert_eq!(normalise_origin("http://[::1]:9000").unwrap(), "http://[::1]:9000");
        assert_eq!(normalise_origin("https://a-b.example.co.uk").unwrap(), "https://a-b.example.co.uk");
    }

    #[test]
    fn wildcards_paths_and_other_schemes_are_refused() {
        for bad in [
            "*",
            "https://*.example.com",
            "https://example.com/",
            "https://example.com/app",
            "https://example.com?x=1",
            "https://example.com#top",
            "example.com",
            "javascript://example.com",
            "file://x",
            "https://user@example.com",
            "https://example.com:0",
            "https://example.com:99999",
            "https://example.com:port",
            "https://",
            "https://exa mple.com",
            "https://exa'mple.com",
            "https://example..com",
            "https://example.com; script-src *",
            "",
        ] {
            assert!(normalise_origin(bad).is_err(), "{bad} was accepted");
        }
        assert!(normalise_origin(&format!("https://{}.com", "a".repeat(300))).is_err());
    }
}

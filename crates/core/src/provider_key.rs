//! A user's own API keys for the model providers: stored encrypted, written through the API and
//! never shown again (only a hint of their last characters), and used for the runs that user
//! pays for instead of the operator's key.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Shortest and longest key accepted, in bytes.
pub const PROVIDER_KEY_BYTES: std::ops::RangeInclusive<usize> = 8..=512;

/// A stored key as its owner sees it: which provider, a hint, when — never the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct ProviderKeyInfo {
    /// The configured provider's name (as in `/api/models`' `provider`).
    pub provider: String,
    /// The key's last four characters, to tell keys apart.
    pub hint: String,
    /// When it was stored.
    pub updated_at: DateTime<Utc>,
}

/// `PUT /api/account/provider-keys/{provider}`: the key to store. Its `Debug` never shows it, and
/// it is not `Serialize`, so no response or log line can carry it by mistake.
#[derive(Clone, PartialEq, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct ProviderKeyInput {
    /// The provider's API key (8 to 512 visible ASCII characters).
    pub api_key: String,
}

impl std::fmt::Debug for ProviderKeyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProviderKeyInput { api_key: <redacted> }")
    }
}

impl ProviderKeyInput {
    /// The key, checked: 8 to 512 visible ASCII characters (what an HTTP header can carry).
    pub fn key(&self) -> Result<&str, &'static str> {
        let key = self.api_key.as_str();
        if !PROVIDER_KEY_BYTES.contains(&key.len()) {
            return Err("api_key: 8 to 512 characters");
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("api_key: visible ASCII characters only (no spaces or control characters)");
        }
        Ok(key)
    }

    /// The hint kept beside the encrypted key: its last four characters.
    pub fn hint(&self) -> String {
        let key = self.api_key.as_str();
        format!("…{}", &key[key.len().saturating_sub(4)..])
    }
}

//! Users' encrypted provider keys (see `promptdeck_core::ProviderKeyInfo`): the store keeps the
//! server's ciphertext and a hint; it never sees a key in clear.

use chrono::{DateTime, Utc};
use promptdeck_core::ProviderKeyInfo;
use uuid::Uuid;

use crate::pool::{in_tx, in_write_tx};
use crate::{Store, StoreResult};

/// A key as stored: the nonce and the ciphertext (with its tag).
pub type SealedKey = (Vec<u8>, Vec<u8>);

impl Store {
    /// Stores (or replaces) `user`'s key for `provider`.
    pub async fn put_provider_key(
        &self,
        user: Uuid,
        provider: &str,
        (nonce, ciphertext): &SealedKey,
        hint: &str,
    ) -> StoreResult<ProviderKeyInfo> {
        let now = Utc::now();
        in_write_tx!(self, user, |tx| {
            sqlx::query(
                "INSERT INTO user_provider_keys (user_id, provider, nonce, ciphertext, hint, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, provider) DO UPDATE SET \
                 nonce = excluded.nonce, ciphertext = excluded.ciphertext, hint = excluded.hint, \
                 updated_at = excluded.updated_at",
            )
            .bind(user)
            .bind(provider)
            .bind(nonce)
            .bind(ciphertext)
            .bind(hint)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        });
        Ok(ProviderKeyInfo { provider: provider.to_owned(), hint: hint.to_owned(), updated_at: now })
    }

    /// `user`'s stored keys (providers and hints), by provider.
    pub async fn provider_keys(&self, user: Uuid) -> StoreResult<Vec<ProviderKeyInfo>> {
        let rows: Vec<(String, String, DateTime<Utc>)> = in_tx!(self, user, |tx| {
            sqlx::query_as(
                "SELECT provider, hint, updated_at FROM user_provider_keys WHERE user_id = $1 ORDER BY provider",
            )
            .bind(user)
            .fetch_all(&mut *tx)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(provider, hint, updated_at)| ProviderKeyInfo { provider, hint, updated_at })
            .collect())
    }

    /// `user`'s sealed key for `provider`, if stored.
    pub async fn provider_key(&self, user: Uuid, provider: &str) -> StoreResult<Option<SealedKey>> {
        Ok(in_tx!(self, user, |tx| {
            sqlx::query_as(
                "SELECT nonce, ciphertext FROM user_provider_keys WHERE user_id = $1 AND provider = $2",
            )
            .bind(user)
            .bind(provider)
            .fetch_optional(&mut *tx)
            .await?
        }))
    }

    /// Forgets `user`'s key for `provider`; false when there was none.
    pub async fn delete_provider_key(&self, user: Uuid, provider: &str) -> StoreResult<bool> {
        let done = in_write_tx!(self, user, |tx| {
            sqlx::query("DELETE FROM user_provider_keys WHERE user_id = $1 AND provider = $2")
                .bind(user)
                .bind(provider)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }
}

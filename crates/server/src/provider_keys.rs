//! Encrypting users' own provider keys at rest: AES-256-GCM (ring) with a key only the server
//! holds (`PROMPTDECK_KEY_ENCRYPTION_KEY`, 64 hex digits), a random nonce per key, and the user
//! id and provider name as associated data, so a ciphertext moved to another row does not
//! decrypt. Without that variable the server stores no keys (the endpoint says so) and every
//! run uses the operator's keys.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use uuid::Uuid;

use promptdeck_store::SealedKey;

/// The server's key-encryption key; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyEncryptionKey([u8; 32]);

impl KeyEncryptionKey {
    /// Parses 64 hex digits (32 bytes), e.g. the output of `openssl rand -hex 32`.
    pub fn from_hex(hex_digits: &str) -> Result<Self, String> {
        let bytes = hex::decode(hex_digits.trim()).map_err(|_| {
            "PROMPTDECK_KEY_ENCRYPTION_KEY: expected 64 hex digits (openssl rand -hex 32)".to_owned()
        })?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "PROMPTDECK_KEY_ENCRYPTION_KEY: expected 64 hex digits (32 bytes)".to_owned())?;
        Ok(KeyEncryptionKey(key))
    }
}

impl std::fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyEncryptionKey(redacted)")
    }
}

/// Seals and opens users' provider keys with the server's key.
pub struct KeyCipher {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for KeyCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyCipher")
    }
}

/// What sealing can fail with (the system's random source, in practice never).
#[derive(Debug, thiserror::Error)]
#[error("could not encrypt the key")]
pub struct SealError;

fn aad(user: Uuid, provider: &str) -> Vec<u8> {
    let mut aad = user.as_bytes().to_vec();
    aad.extend_from_slice(provider.as_bytes());
    aad
}

impl KeyCipher {
    /// A cipher with the server's key.
    pub fn new(kek: &KeyEncryptionKey) -> Self {
        let key = UnboundKey::new(&AES_256_GCM, &kek.0).map(LessSafeKey::new);
        // A 32-byte key is always a valid AES-256 key.
        let key = key.unwrap_or_else(|_| unreachable!("AES-256-GCM takes any 32-byte key"));
        KeyCipher { key, rng: SystemRandom::new() }
    }

    /// Encrypts `user`'s key for `provider`.
    pub fn seal(&self, user: Uuid, provider: &str, plain: &str) -> Result<SealedKey, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| SealError)?;
        let mut data = plain.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(user, provider)),
                &mut data,
            )
            .map_err(|_| SealError)?;
        Ok((nonce.to_vec(), data))
    }

    /// Decrypts `user`'s key for `provider`; `None` if it does not decrypt (another server
    /// key, or a row that is not this user's and provider's).
    pub fn open(&self, user: Uuid, provider: &str, (nonce, ciphertext): &SealedKey) -> Option<String> {
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut data = ciphertext.clone();
        let plain = self.key.open_in_place(nonce, Aad::from(aad(user, provider)), &mut data).ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_for_its_user_and_provider() {
        let cipher = KeyCipher::new(&KeyEncryptionKey::from_hex(&"ab".repeat(32)).unwrap());
        let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let sealed = cipher.seal(alice, "openai", "sk-secret-123").unwrap();
        assert!(!sealed.1.windows(6).any(|w| w == b"secret"), "the ciphertext does not hold the key");
        assert_eq!(cipher.open(alice, "openai", &sealed).as_deref(), Some("sk-secret-123"));
        assert_eq!(cipher.open(bob, "openai", &sealed), None);
        assert_eq!(cipher.open(alice, "anthropic", &sealed), None);
        let other = KeyCipher::new(&KeyEncryptionKey::from_hex(&"cd".repeat(32)).unwrap());
        assert_eq!(other.open(alice, "openai", &sealed), None);
        assert_ne!(
            cipher.seal(alice, "openai", "sk-secret-123").unwrap().0,
            sealed.0,
            "a fresh nonce each time"
        );
    }

    #[test]
    fn the_server_key_must_be_64_hex_digits_and_never_shows() {
        assert!(KeyEncryptionKey::from_hex("abc").is_err());
        assert!(KeyEncryptionKey::from_hex(&"zz".repeat(32)).is_err());
        let key = KeyEncryptionKey::from_hex(&"ab".repeat(32)).unwrap();
        assert!(!format!("{key:?}").contains("ab"));
    }
}

-- Users' own API keys for the model providers, encrypted by the server (AES-256-GCM with a key
-- only the server holds; the user id and provider are the associated data, so a row copied to
-- another user or provider does not decrypt). Only a hint of the key is kept in clear.
CREATE TABLE user_provider_keys (
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  nonce BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  hint TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (user_id, provider)
);

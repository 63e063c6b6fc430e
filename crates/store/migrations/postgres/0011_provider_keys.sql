-- Users' own API keys for the model providers, encrypted by the server (AES-256-GCM with a key
-- only the server holds; the user id and provider are the associated data, so a row copied to
-- another user or provider does not decrypt). Only a hint of the key is kept in clear.
CREATE TABLE user_provider_keys (
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  nonce BYTEA NOT NULL,
  ciphertext BYTEA NOT NULL,
  hint TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (user_id, provider)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON user_provider_keys TO authenticated;
ALTER TABLE user_provider_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users can manage own provider keys" ON user_provider_keys FOR ALL
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

-- Sessions: each access token gets a public id (never the token or its hash) so its owner can
-- list and revoke it, and the time it was last used. SQLite cannot add a NOT NULL column with a
-- per-row default, so the table is rebuilt; existing tokens keep working with a random id.

CREATE TABLE access_tokens_new (
  token_hash TEXT PRIMARY KEY,
  id BLOB NOT NULL UNIQUE,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at TEXT NOT NULL,
  last_used_at TEXT
);
INSERT INTO access_tokens_new (token_hash, id, user_id, created_at, expires_at)
  SELECT token_hash, randomblob(16), user_id, created_at, expires_at FROM access_tokens;
DROP TABLE access_tokens;
ALTER TABLE access_tokens_new RENAME TO access_tokens;
CREATE INDEX idx_access_tokens_user_id ON access_tokens(user_id, created_at);

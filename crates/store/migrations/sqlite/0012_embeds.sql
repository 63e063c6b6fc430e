-- Embeds: a published custom UI framed on other sites (see promptdeck_core::Embed). The row
-- outlives the UI version it was made from (custom_ui_id becomes NULL) and its revocation, so
-- that the embed answers a notice, framed by the same origins, rather than "not found".
-- allowed_origins is a JSON array of exact origins. The secret keys verified viewers' HMACs, so
-- it is kept as it is (it signs nothing the server sends; rotating it replaces it).
CREATE TABLE prompt_custom_ui_embeds (
  id BLOB PRIMARY KEY,
  custom_ui_id BLOB REFERENCES prompt_custom_uis(id) ON DELETE SET NULL,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  pinned INTEGER NOT NULL,
  allowed_origins TEXT NOT NULL,
  viewer TEXT NOT NULL,
  daily_runs INTEGER NOT NULL,
  max_runs_per_viewer_per_day INTEGER,
  max_cost_per_day REAL,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  secret_rotated_at TEXT,
  revoked_at TEXT,
  CONSTRAINT valid_viewer CHECK (viewer IN ('anonymous', 'verified'))
);
CREATE INDEX idx_embeds_ui ON prompt_custom_ui_embeds(custom_ui_id);
CREATE INDEX idx_embeds_user ON prompt_custom_ui_embeds(user_id, created_at);

-- An embed's viewers are accounts of their own that cannot sign in (their password hash is not a
-- hash), scoped to one embed: what each runs is theirs alone, as any user's. A verified viewer is
-- named by the embedding site (embed_viewer), once per embed; an anonymous one has no name.
ALTER TABLE users ADD COLUMN embed_id BLOB REFERENCES prompt_custom_ui_embeds(id) ON DELETE CASCADE;
ALTER TABLE users ADD COLUMN embed_viewer TEXT;
CREATE UNIQUE INDEX idx_users_embed_viewer ON users(embed_id, embed_viewer) WHERE embed_viewer IS NOT NULL;
CREATE INDEX idx_users_embed ON users(embed_id);

-- Through which embed a task ran (no foreign key: the record stays after the embed is gone).
ALTER TABLE ai_tasks ADD COLUMN embed_id BLOB;
CREATE INDEX idx_ai_tasks_embed ON ai_tasks(embed_id, created_at);

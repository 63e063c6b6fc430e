-- Share links: an unguessable slug that opens a published custom UI for anyone signed in, pinned
-- to one version or following its version chain. A link outlives the version it was made from
-- (custom_ui_id becomes NULL) so that it answers "deleted", not "not found"; revoking keeps the
-- row so that the link answers "revoked".
CREATE TABLE prompt_custom_ui_share_links (
  slug TEXT PRIMARY KEY,
  custom_ui_id BLOB REFERENCES prompt_custom_uis(id) ON DELETE SET NULL,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  pinned INTEGER NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  revoked_at TEXT
);
CREATE INDEX idx_share_links_ui ON prompt_custom_ui_share_links(custom_ui_id);
CREATE INDEX idx_share_links_user ON prompt_custom_ui_share_links(user_id, created_at);

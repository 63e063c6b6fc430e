-- Share links: an unguessable slug that opens a published custom UI for anyone signed in, pinned
-- to one version or following its version chain. A link outlives the version it was made from
-- (custom_ui_id becomes NULL) so that it answers "deleted", not "not found"; revoking keeps the
-- row so that the link answers "revoked". Owners manage their own links through the per-request
-- role; opening a link by its slug is done by the server's own role (the viewer is not the owner).
CREATE TABLE prompt_custom_ui_share_links (
  slug TEXT PRIMARY KEY,
  custom_ui_id UUID REFERENCES prompt_custom_uis(id) ON DELETE SET NULL,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  pinned BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  revoked_at TIMESTAMPTZ
);
CREATE INDEX idx_share_links_ui ON prompt_custom_ui_share_links(custom_ui_id);
CREATE INDEX idx_share_links_user ON prompt_custom_ui_share_links(user_id, created_at);

GRANT SELECT, INSERT, UPDATE ON prompt_custom_ui_share_links TO authenticated;
ALTER TABLE prompt_custom_ui_share_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users can manage own share links" ON prompt_custom_ui_share_links FOR ALL
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

-- Each user's small private state for a custom UI (the SDK's useUiState), one JSON object per
-- user and UI.
CREATE TABLE prompt_custom_ui_state (
  custom_ui_id BLOB NOT NULL REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  state TEXT NOT NULL DEFAULT '{}',
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (custom_ui_id, user_id)
);

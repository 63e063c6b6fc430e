-- Each user's small private state for a custom UI (the SDK's useUiState), one JSON object per
-- user and UI; only its user reads or writes it.
CREATE TABLE prompt_custom_ui_state (
  custom_ui_id UUID NOT NULL REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  state JSONB NOT NULL DEFAULT '{}',
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (custom_ui_id, user_id)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON prompt_custom_ui_state TO authenticated;
ALTER TABLE prompt_custom_ui_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users can manage own UI state" ON prompt_custom_ui_state FOR ALL
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

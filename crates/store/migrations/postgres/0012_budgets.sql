-- Who pays for a task and through which custom UI it ran, written when the task is recorded, so
-- that budgets and usage figures are sums over indexed rows. No foreign keys: a task's charge
-- stays on record after its UI or its payer is gone.
ALTER TABLE ai_tasks ADD COLUMN payer_id UUID;
ALTER TABLE ai_tasks ADD COLUMN custom_ui_id UUID;
UPDATE ai_tasks SET payer_id = user_id;
CREATE INDEX idx_ai_tasks_payer ON ai_tasks(payer_id, created_at);
CREATE INDEX idx_ai_tasks_custom_ui ON ai_tasks(custom_ui_id, created_at);
CREATE INDEX idx_ai_tasks_user_created ON ai_tasks(user_id, created_at);

-- The owner's choices for one custom UI: who pays for its runs and its caps per day. Read by the
-- server's own role when a viewer starts a task; written by the owner through the per-request role.
CREATE TABLE prompt_custom_ui_budgets (
  custom_ui_id UUID PRIMARY KEY REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  payer TEXT NOT NULL DEFAULT 'viewer',
  max_cost_per_day DOUBLE PRECISION,
  max_runs_per_viewer_per_day BIGINT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT valid_payer CHECK (payer IN ('viewer', 'owner'))
);

GRANT SELECT, INSERT, UPDATE, DELETE ON prompt_custom_ui_budgets TO authenticated;
ALTER TABLE prompt_custom_ui_budgets ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Owners can manage their UIs' budgets" ON prompt_custom_ui_budgets FOR ALL
  USING (auth.uid() = user_id)
  WITH CHECK (auth.uid() = user_id AND EXISTS (
    SELECT 1 FROM prompt_custom_uis u WHERE u.id = custom_ui_id AND u.user_id = auth.uid()));

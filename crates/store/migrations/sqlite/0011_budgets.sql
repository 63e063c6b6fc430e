-- Who pays for a task and through which custom UI it ran, written when the task is recorded, so
-- that budgets and usage figures are sums over indexed rows. No foreign keys: a task's charge
-- stays on record after its UI or its payer is gone.
ALTER TABLE ai_tasks ADD COLUMN payer_id BLOB;
ALTER TABLE ai_tasks ADD COLUMN custom_ui_id BLOB;
UPDATE ai_tasks SET payer_id = user_id;
CREATE INDEX idx_ai_tasks_payer ON ai_tasks(payer_id, created_at);
CREATE INDEX idx_ai_tasks_custom_ui ON ai_tasks(custom_ui_id, created_at);
CREATE INDEX idx_ai_tasks_user_created ON ai_tasks(user_id, created_at);

-- The owner's choices for one custom UI: who pays for its runs and its caps per day.
CREATE TABLE prompt_custom_ui_budgets (
  custom_ui_id BLOB PRIMARY KEY REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  payer TEXT NOT NULL DEFAULT 'viewer',
  max_cost_per_day REAL,
  max_runs_per_viewer_per_day INTEGER,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CONSTRAINT valid_payer CHECK (payer IN ('viewer', 'owner'))
);

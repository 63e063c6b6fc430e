-- Least privilege for the per-request role. Every request's transaction runs as `authenticated`
-- with the caller's claims; that role now holds only what the row-level security policies and
-- the app's per-user queries need. Accounts, session tokens and the migration history are the
-- server's own, read and written on its connection role outside any per-user transaction.
-- Counters (`use_count`, `last_used_at`), featuring and usage rows are written by the server's
-- own role or by triggers, never by the role a request runs as.

REVOKE ALL ON users, access_tokens, _sqlx_migrations FROM authenticated;
REVOKE ALL ON prompts, ai_runs, ai_tasks, prompt_custom_uis, prompt_custom_ui_usage,
  prompt_custom_ui_ratings, prompt_custom_ui_templates, prompt_custom_ui_state FROM authenticated;

-- Prompts: one's own, read, written and deleted.
GRANT SELECT, INSERT, UPDATE, DELETE ON prompts TO authenticated;

-- Custom UIs: owners create, change and delete theirs, but never feature them or set their
-- counters (an admin features through the server's role; the usage trigger counts).
GRANT SELECT, INSERT, DELETE ON prompt_custom_uis TO authenticated;
GRANT UPDATE (prompt_id, name, description, component_code, component_type, props_schema, default_props,
  execution_mode, auto_submit, show_variables, layout_config, styling_config, is_public, version,
  parent_version_id, status, validated, validation_errors, updated_at, published_at)
  ON prompt_custom_uis TO authenticated;
DROP POLICY "Users can create custom UIs" ON prompt_custom_uis;
CREATE POLICY "Users can create custom UIs" ON prompt_custom_uis FOR INSERT WITH CHECK (
  auth.uid() = user_id AND NOT is_featured AND use_count = 0 AND last_used_at IS NULL
);

-- Runs and tasks: one's own, created and updated (users delete runs by status, not by row; the
-- only row delete is a burst of task starts removing, in its own transaction, the run it made for
-- a start whose task id turned out to be taken).
GRANT SELECT, INSERT, UPDATE ON ai_runs, ai_tasks TO authenticated;
GRANT DELETE ON ai_runs TO authenticated;

-- Usage rows: read one's own; only the server records them, when a task tagged with a UI runs.
GRANT SELECT ON prompt_custom_ui_usage TO authenticated;
DROP POLICY "Users can create usage records" ON prompt_custom_ui_usage;

-- Ratings: read by everyone signed in (list averages); one's own written, never on one's own UI.
GRANT SELECT, INSERT, UPDATE ON prompt_custom_ui_ratings TO authenticated;
DROP POLICY "Users can rate" ON prompt_custom_ui_ratings;
CREATE POLICY "Users can rate" ON prompt_custom_ui_ratings FOR INSERT WITH CHECK (
  auth.uid() = user_id
  AND NOT EXISTS (SELECT 1 FROM prompt_custom_uis u WHERE u.id = custom_ui_id AND u.user_id = auth.uid())
);

-- Templates: readable by everyone signed in.
GRANT SELECT ON prompt_custom_ui_templates TO authenticated;

-- Per-user UI state: one's own, read and replaced.
GRANT SELECT, INSERT, UPDATE ON prompt_custom_ui_state TO authenticated;

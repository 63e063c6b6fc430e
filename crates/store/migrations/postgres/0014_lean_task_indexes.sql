-- Every task start inserts one row into ai_tasks and one entry into each of its indexes, on the
-- single writer that task acks wait for. Two of those entries were never read:
-- - idx_ai_tasks_user_id (user_id) is the prefix of idx_ai_tasks_user_created (user_id,
--   created_at), which serves every lookup by user;
-- - a task run without a custom UI or an embed (most of them) has NULL there, and no query looks
--   for NULL: the budget and usage queries compare custom_ui_id and embed_id with `=` or `IN`,
--   which SQLite and PostgreSQL both know implies IS NOT NULL, so partial indexes serve them.
-- On a large table the two partial indexes take a while to build, with ai_tasks locked for
-- writes meanwhile (the migration runs in one transaction): plan the upgrade for a quiet moment.
DROP INDEX idx_ai_tasks_user_id;
DROP INDEX idx_ai_tasks_custom_ui;
CREATE INDEX idx_ai_tasks_custom_ui ON ai_tasks(custom_ui_id, created_at) WHERE custom_ui_id IS NOT NULL;
DROP INDEX idx_ai_tasks_embed;
CREATE INDEX idx_ai_tasks_embed ON ai_tasks(embed_id, created_at) WHERE embed_id IS NOT NULL;

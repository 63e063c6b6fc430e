-- Row-level security the seed's way: every request's transaction runs as the role
-- `authenticated` with `request.jwt.claims` naming the caller, and `auth.uid()` reads it, so the
-- database itself refuses other users' rows even if a query forgets to filter.

DO $$
BEGIN
  CREATE ROLE authenticated NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- roles are shared by the whole cluster; another database created it
END
$$;

DO $$
BEGIN
  EXECUTE format('GRANT authenticated TO %I', current_user);
EXCEPTION WHEN duplicate_object OR invalid_grant_operation THEN
  NULL;
END
$$;

CREATE SCHEMA IF NOT EXISTS auth;

CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT (NULLIF(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid
$$;

GRANT USAGE ON SCHEMA public, auth TO authenticated;
GRANT EXECUTE ON FUNCTION auth.uid() TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated;

-- The usage trigger bumps another user's UI, which that user's policies would refuse.
ALTER FUNCTION increment_custom_ui_use_count() SECURITY DEFINER;
ALTER FUNCTION increment_custom_ui_use_count() SET search_path = public;

ALTER TABLE prompts ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE prompt_custom_uis ENABLE ROW LEVEL SECURITY;
ALTER TABLE prompt_custom_ui_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE prompt_custom_ui_ratings ENABLE ROW LEVEL SECURITY;
ALTER TABLE prompt_custom_ui_templates ENABLE ROW LEVEL SECURITY;

-- Prompts: one's own; and the prompt of a public, active UI, so it can be run.
CREATE POLICY "Users can view own prompts" ON prompts FOR SELECT USING (auth.uid() = user_id);
CREATE POLICY "Users can view prompts of public custom UIs" ON prompts FOR SELECT USING (
  EXISTS (SELECT 1 FROM prompt_custom_uis u WHERE u.prompt_id = prompts.id AND u.is_public AND u.status = 'active')
);
CREATE POLICY "Users can create prompts" ON prompts FOR INSERT WITH CHECK (auth.uid() = user_id);
CREATE POLICY "Users can update own prompts" ON prompts FOR UPDATE USING (auth.uid() = user_id);
CREATE POLICY "Users can delete own prompts" ON prompts FOR DELETE USING (auth.uid() = user_id);

-- Custom UIs (the seed's policies).
CREATE POLICY "Users can view own custom UIs" ON prompt_custom_uis FOR SELECT USING (auth.uid() = user_id);
CREATE POLICY "Users can view public custom UIs" ON prompt_custom_uis FOR SELECT USING (is_public = true AND status = 'active');
CREATE POLICY "Users can create custom UIs" ON prompt_custom_uis FOR INSERT WITH CHECK (auth.uid() = user_id);
CREATE POLICY "Users can update own custom UIs" ON prompt_custom_uis FOR UPDATE USING (auth.uid() = user_id);
CREATE POLICY "Users can delete own custom UIs" ON prompt_custom_uis FOR DELETE USING (auth.uid() = user_id);

-- Usage: one's own.
CREATE POLICY "Users can view own usage" ON prompt_custom_ui_usage FOR SELECT USING (auth.uid() = user_id);
CREATE POLICY "Users can create usage records" ON prompt_custom_ui_usage FOR INSERT WITH CHECK (auth.uid() = user_id);

-- Ratings: everyone signed in reads them (listings show averages); one's own are written.
CREATE POLICY "Users can view ratings" ON prompt_custom_ui_ratings FOR SELECT TO authenticated USING (true);
CREATE POLICY "Users can rate" ON prompt_custom_ui_ratings FOR INSERT WITH CHECK (auth.uid() = user_id);
CREATE POLICY "Users can update own ratings" ON prompt_custom_ui_ratings FOR UPDATE USING (auth.uid() = user_id);
CREATE POLICY "Users can delete own ratings" ON prompt_custom_ui_ratings FOR DELETE USING (auth.uid() = user_id);

-- Templates: everyone signed in.
CREATE POLICY "Everyone can view templates" ON prompt_custom_ui_templates FOR SELECT TO authenticated USING (true);

-- Runs and tasks: one's own.
CREATE POLICY "Users can manage own runs" ON ai_runs FOR ALL USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);
CREATE POLICY "Users can manage own tasks" ON ai_tasks FOR ALL USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

-- promptdeck schema for PostgreSQL: the seed's tables, constraints, indexes and triggers, with
-- `users` standing in for Supabase's auth.users.

CREATE TABLE users (
  id UUID PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin BOOLEAN NOT NULL DEFAULT false,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE access_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_access_tokens_user_id ON access_tokens(user_id);

CREATE TABLE prompts (
  id UUID PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  messages JSONB NOT NULL,
  variable_defaults JSONB,
  settings JSONB NOT NULL,
  tools JSONB,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_prompts_user_id ON prompts(user_id);

CREATE TABLE ai_runs (
  id UUID PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  source_type TEXT NOT NULL,
  source_id TEXT,
  name TEXT,
  description TEXT,
  messages JSONB NOT NULL DEFAULT '[]',
  settings JSONB NOT NULL DEFAULT '{}',
  variable_values JSONB NOT NULL DEFAULT '{}',
  broker_values JSONB NOT NULL DEFAULT '{}',
  attachments JSONB NOT NULL DEFAULT '[]',
  metadata JSONB NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'active',
  is_starred BOOLEAN NOT NULL DEFAULT false,
  total_tokens BIGINT NOT NULL DEFAULT 0,
  total_cost DOUBLE PRECISION NOT NULL DEFAULT 0,
  message_count BIGINT NOT NULL DEFAULT 0,
  task_count BIGINT NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_message_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT valid_source_type CHECK (source_type IN ('prompt', 'chat', 'applet', 'cockpit', 'workflow', 'custom')),
  CONSTRAINT valid_run_status CHECK (status IN ('active', 'archived', 'deleted'))
);
CREATE INDEX idx_ai_runs_user_id ON ai_runs(user_id, last_message_at DESC);

CREATE TABLE ai_tasks (
  id UUID PRIMARY KEY,
  run_id UUID NOT NULL REFERENCES ai_runs(id) ON DELETE CASCADE,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL UNIQUE,
  service TEXT NOT NULL,
  task_name TEXT NOT NULL,
  model_id TEXT,
  provider TEXT,
  endpoint TEXT,
  request_data JSONB NOT NULL DEFAULT '{}',
  response_text TEXT,
  response_data JSONB,
  response_info JSONB,
  response_errors JSONB,
  tool_updates JSONB,
  response_complete BOOLEAN NOT NULL DEFAULT false,
  response_metadata JSONB NOT NULL DEFAULT '{}',
  tokens_input BIGINT,
  tokens_output BIGINT,
  tokens_total BIGINT,
  cost DOUBLE PRECISION,
  time_to_first_token DOUBLE PRECISION,
  total_time DOUBLE PRECISION,
  status TEXT NOT NULL DEFAULT 'pending',
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  completed_at TIMESTAMPTZ,
  CONSTRAINT valid_task_status CHECK (status IN ('pending', 'streaming', 'completed', 'failed', 'cancelled'))
);
CREATE INDEX idx_ai_tasks_run_id ON ai_tasks(run_id, created_at);
CREATE INDEX idx_ai_tasks_user_id ON ai_tasks(user_id);
CREATE INDEX idx_ai_tasks_unfinished ON ai_tasks(status) WHERE status IN ('pending', 'streaming');

CREATE TABLE prompt_custom_uis (
  id UUID PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  prompt_id UUID NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  component_code TEXT NOT NULL,
  component_type TEXT NOT NULL DEFAULT 'react',
  props_schema JSONB,
  default_props JSONB,
  execution_mode TEXT NOT NULL DEFAULT 'manual',
  auto_submit BOOLEAN NOT NULL DEFAULT false,
  show_variables BOOLEAN NOT NULL DEFAULT true,
  layout_config JSONB,
  styling_config JSONB,
  is_public BOOLEAN NOT NULL DEFAULT false,
  is_featured BOOLEAN NOT NULL DEFAULT false,
  use_count INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  parent_version_id UUID REFERENCES prompt_custom_uis(id) ON DELETE SET NULL,
  status TEXT NOT NULL DEFAULT 'draft',
  validated BOOLEAN NOT NULL DEFAULT false,
  validation_errors JSONB,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  published_at TIMESTAMPTZ,
  last_used_at TIMESTAMPTZ,
  CONSTRAINT valid_component_type CHECK (component_type IN ('react', 'template', 'json-schema')),
  CONSTRAINT valid_execution_mode CHECK (execution_mode IN (
    'auto-run', 'auto-run-one-shot', 'manual-with-hidden-variables',
    'manual-with-visible-variables', 'manual'
  )),
  CONSTRAINT valid_status CHECK (status IN ('draft', 'active', 'archived'))
);

CREATE TABLE prompt_custom_ui_usage (
  id UUID PRIMARY KEY,
  custom_ui_id UUID NOT NULL REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  run_id UUID REFERENCES ai_runs(id) ON DELETE SET NULL,
  execution_time_ms INTEGER,
  variables_used JSONB,
  success BOOLEAN NOT NULL DEFAULT true,
  error_message TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE prompt_custom_ui_ratings (
  id UUID PRIMARY KEY,
  custom_ui_id UUID NOT NULL REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  rating INTEGER NOT NULL CHECK (rating >= 1 AND rating <= 5),
  feedback TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE (custom_ui_id, user_id)
);

CREATE TABLE prompt_custom_ui_templates (
  id UUID PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  category TEXT NOT NULL,
  component_code TEXT NOT NULL,
  preview_image_url TEXT,
  demo_prompt_id UUID REFERENCES prompts(id) ON DELETE SET NULL,
  tags TEXT[] NOT NULL DEFAULT '{}',
  difficulty TEXT NOT NULL DEFAULT 'beginner',
  is_official BOOLEAN NOT NULL DEFAULT false,
  use_count INTEGER NOT NULL DEFAULT 0,
  created_by UUID REFERENCES users(id) ON DELETE SET NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  CONSTRAINT valid_difficulty CHECK (difficulty IN ('beginner', 'intermediate', 'advanced'))
);

CREATE INDEX idx_prompt_custom_uis_user_id ON prompt_custom_uis(user_id);
CREATE INDEX idx_prompt_custom_uis_prompt_id ON prompt_custom_uis(prompt_id);
CREATE INDEX idx_prompt_custom_uis_status ON prompt_custom_uis(status);
CREATE INDEX idx_prompt_custom_uis_is_public ON prompt_custom_uis(is_public) WHERE is_public = true;
CREATE INDEX idx_prompt_custom_uis_last_used ON prompt_custom_uis(last_used_at DESC);
CREATE INDEX idx_prompt_custom_ui_usage_user_id ON prompt_custom_ui_usage(user_id);
CREATE INDEX idx_prompt_custom_ui_usage_custom_ui_id ON prompt_custom_ui_usage(custom_ui_id);
CREATE INDEX idx_prompt_custom_ui_usage_created_at ON prompt_custom_ui_usage(created_at DESC);
CREATE INDEX idx_prompt_custom_ui_ratings_custom_ui_id ON prompt_custom_ui_ratings(custom_ui_id);
CREATE INDEX idx_prompt_custom_ui_templates_category ON prompt_custom_ui_templates(category);
CREATE INDEX idx_prompt_custom_ui_templates_tags ON prompt_custom_ui_templates USING gin(tags);

CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
  NEW.updated_at = NOW();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER update_prompts_updated_at BEFORE UPDATE ON prompts
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_ai_runs_updated_at BEFORE UPDATE ON ai_runs
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_ai_tasks_updated_at BEFORE UPDATE ON ai_tasks
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_prompt_custom_uis_updated_at BEFORE UPDATE ON prompt_custom_uis
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_prompt_custom_ui_ratings_updated_at BEFORE UPDATE ON prompt_custom_ui_ratings
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE OR REPLACE FUNCTION increment_custom_ui_use_count()
RETURNS TRIGGER AS $$
BEGIN
  UPDATE prompt_custom_uis
  SET use_count = use_count + 1,
      last_used_at = NOW()
  WHERE id = NEW.custom_ui_id;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER increment_use_count_on_usage
  AFTER INSERT ON prompt_custom_ui_usage
  FOR EACH ROW EXECUTE FUNCTION increment_custom_ui_use_count();

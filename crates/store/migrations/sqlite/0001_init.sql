-- promptdeck schema for SQLite: the seed's tables, constraints, indexes and triggers, with
-- `users` standing in for Supabase's auth.users.

CREATE TABLE users (
  id BLOB PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE access_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at TEXT NOT NULL
);
CREATE INDEX idx_access_tokens_user_id ON access_tokens(user_id);

CREATE TABLE prompts (
  id BLOB PRIMARY KEY,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  messages TEXT NOT NULL,
  variable_defaults TEXT,
  settings TEXT NOT NULL,
  tools TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX idx_prompts_user_id ON prompts(user_id);

CREATE TABLE ai_runs (
  id BLOB PRIMARY KEY,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  source_type TEXT NOT NULL,
  source_id TEXT,
  name TEXT,
  description TEXT,
  messages TEXT NOT NULL DEFAULT '[]',
  settings TEXT NOT NULL DEFAULT '{}',
  variable_values TEXT NOT NULL DEFAULT '{}',
  broker_values TEXT NOT NULL DEFAULT '{}',
  attachments TEXT NOT NULL DEFAULT '[]',
  metadata TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'active',
  is_starred INTEGER NOT NULL DEFAULT 0,
  total_tokens INTEGER NOT NULL DEFAULT 0,
  total_cost REAL NOT NULL DEFAULT 0,
  message_count INTEGER NOT NULL DEFAULT 0,
  task_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_message_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CONSTRAINT valid_source_type CHECK (source_type IN ('prompt', 'chat', 'applet', 'cockpit', 'workflow', 'custom')),
  CONSTRAINT valid_run_status CHECK (status IN ('active', 'archived', 'deleted'))
);
CREATE INDEX idx_ai_runs_user_id ON ai_runs(user_id, last_message_at DESC);

CREATE TABLE ai_tasks (
  id BLOB PRIMARY KEY,
  run_id BLOB NOT NULL REFERENCES ai_runs(id) ON DELETE CASCADE,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL UNIQUE,
  service TEXT NOT NULL,
  task_name TEXT NOT NULL,
  model_id TEXT,
  provider TEXT,
  endpoint TEXT,
  request_data TEXT NOT NULL DEFAULT '{}',
  response_text TEXT,
  response_data TEXT,
  response_info TEXT,
  response_errors TEXT,
  tool_updates TEXT,
  response_complete INTEGER NOT NULL DEFAULT 0,
  response_metadata TEXT NOT NULL DEFAULT '{}',
  tokens_input INTEGER,
  tokens_output INTEGER,
  tokens_total INTEGER,
  cost REAL,
  time_to_first_token REAL,
  total_time REAL,
  status TEXT NOT NULL DEFAULT 'pending',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  completed_at TEXT,
  CONSTRAINT valid_task_status CHECK (status IN ('pending', 'streaming', 'completed', 'failed', 'cancelled'))
);
CREATE INDEX idx_ai_tasks_run_id ON ai_tasks(run_id, created_at);
CREATE INDEX idx_ai_tasks_user_id ON ai_tasks(user_id);
CREATE INDEX idx_ai_tasks_unfinished ON ai_tasks(status) WHERE status IN ('pending', 'streaming');

CREATE TABLE prompt_custom_uis (
  id BLOB PRIMARY KEY,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  prompt_id BLOB NOT NULL REFERENCES prompts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  component_code TEXT NOT NULL,
  component_type TEXT NOT NULL DEFAULT 'react',
  props_schema TEXT,
  default_props TEXT,
  execution_mode TEXT NOT NULL DEFAULT 'manual',
  auto_submit INTEGER NOT NULL DEFAULT 0,
  show_variables INTEGER NOT NULL DEFAULT 1,
  layout_config TEXT,
  styling_config TEXT,
  is_public INTEGER NOT NULL DEFAULT 0,
  is_featured INTEGER NOT NULL DEFAULT 0,
  use_count INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,
  parent_version_id BLOB REFERENCES prompt_custom_uis(id) ON DELETE SET NULL,
  status TEXT NOT NULL DEFAULT 'draft',
  validated INTEGER NOT NULL DEFAULT 0,
  validation_errors TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  published_at TEXT,
  last_used_at TEXT,
  CONSTRAINT valid_component_type CHECK (component_type IN ('react', 'template', 'json-schema')),
  CONSTRAINT valid_execution_mode CHECK (execution_mode IN (
    'auto-run', 'auto-run-one-shot', 'manual-with-hidden-variables',
    'manual-with-visible-variables', 'manual'
  )),
  CONSTRAINT valid_status CHECK (status IN ('draft', 'active', 'archived'))
);

CREATE TABLE prompt_custom_ui_usage (
  id BLOB PRIMARY KEY,
  custom_ui_id BLOB NOT NULL REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  run_id BLOB REFERENCES ai_runs(id) ON DELETE SET NULL,
  execution_time_ms INTEGER,
  variables_used TEXT,
  success INTEGER NOT NULL DEFAULT 1,
  error_message TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE prompt_custom_ui_ratings (
  id BLOB PRIMARY KEY,
  custom_ui_id BLOB NOT NULL REFERENCES prompt_custom_uis(id) ON DELETE CASCADE,
  user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  rating INTEGER NOT NULL CHECK (rating >= 1 AND rating <= 5),
  feedback TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (custom_ui_id, user_id)
);

CREATE TABLE prompt_custom_ui_templates (
  id BLOB PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  category TEXT NOT NULL,
  component_code TEXT NOT NULL,
  preview_image_url TEXT,
  demo_prompt_id BLOB REFERENCES prompts(id) ON DELETE SET NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  difficulty TEXT NOT NULL DEFAULT 'beginner',
  is_official INTEGER NOT NULL DEFAULT 0,
  use_count INTEGER NOT NULL DEFAULT 0,
  created_by BLOB REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CONSTRAINT valid_difficulty CHECK (difficulty IN ('beginner', 'intermediate', 'advanced'))
);

CREATE INDEX idx_prompt_custom_uis_user_id ON prompt_custom_uis(user_id);
CREATE INDEX idx_prompt_custom_uis_prompt_id ON prompt_custom_uis(prompt_id);
CREATE INDEX idx_prompt_custom_uis_status ON prompt_custom_uis(status);
CREATE INDEX idx_prompt_custom_uis_is_public ON prompt_custom_uis(is_public) WHERE is_public = 1;
CREATE INDEX idx_prompt_custom_uis_last_used ON prompt_custom_uis(last_used_at DESC);
CREATE INDEX idx_prompt_custom_ui_usage_user_id ON prompt_custom_ui_usage(user_id);
CREATE INDEX idx_prompt_custom_ui_usage_custom_ui_id ON prompt_custom_ui_usage(custom_ui_id);
CREATE INDEX idx_prompt_custom_ui_usage_created_at ON prompt_custom_ui_usage(created_at DESC);
CREATE INDEX idx_prompt_custom_ui_ratings_custom_ui_id ON prompt_custom_ui_ratings(custom_ui_id);
CREATE INDEX idx_prompt_custom_ui_templates_category ON prompt_custom_ui_templates(category);


CREATE TRIGGER update_prompts_updated_at AFTER UPDATE ON prompts
  FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
  BEGIN UPDATE prompts SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;

CREATE TRIGGER update_ai_runs_updated_at AFTER UPDATE ON ai_runs
  FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
  BEGIN UPDATE ai_runs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;

CREATE TRIGGER update_ai_tasks_updated_at AFTER UPDATE ON ai_tasks
  FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
  BEGIN UPDATE ai_tasks SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;

CREATE TRIGGER update_prompt_custom_uis_updated_at AFTER UPDATE ON prompt_custom_uis
  FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
  BEGIN UPDATE prompt_custom_uis SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;

CREATE TRIGGER update_prompt_custom_ui_ratings_updated_at AFTER UPDATE ON prompt_custom_ui_ratings
  FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
  BEGIN UPDATE prompt_custom_ui_ratings SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;

CREATE TRIGGER increment_use_count_on_usage AFTER INSERT ON prompt_custom_ui_usage
  FOR EACH ROW
  BEGIN
    UPDATE prompt_custom_uis
    SET use_count = use_count + 1,
        last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE id = NEW.custom_ui_id;
  END;

// API payloads as the server sends them (prompts camelCase, custom UIs and runs snake_case).
import type { ComponentType, ExecutionMode, JsonObject, PromptData } from "../../shared/protocol";

export type { PromptData };

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface CustomUi {
  id: string;
  user_id: string;
  prompt_id: string;
  name: string;
  description?: string | null;
  component_code: string;
  component_type: ComponentType;
  props_schema?: JsonObject | null;
  default_props?: JsonObject | null;
  execution_mode: ExecutionMode;
  auto_submit: boolean;
  show_variables: boolean;
  layout_config?: JsonObject | null;
  styling_config?: JsonObject | null;
  is_public: boolean;
  status: "draft" | "active" | "archived";
  validated: boolean;
  validation_errors?: { line: number; column: number; rule: string; message: string }[] | null;
  use_count: number;
}

export interface CustomUiWithPrompt extends CustomUi {
  prompt: PromptData;
}

export interface Template {
  id: string;
  name: string;
  description?: string | null;
  category: string;
  component_code: string;
}

export interface RunMessage {
  role: string;
  content: string;
  taskId?: string;
}

export interface AiTask {
  id: string;
  task_id: string;
  status: string;
  model_id?: string | null;
  response_text?: string | null;
  tokens_total?: number | null;
  cost?: number | null;
  time_to_first_token?: number | null;
  total_time?: number | null;
}

export interface AiRun {
  id: string;
  name?: string | null;
  source_type: string;
  source_id?: string | null;
  messages: RunMessage[];
  tasks?: AiTask[];
  total_tokens: number;
  total_cost: number;
  created_at: string;
}

export interface Model {
  id: string;
  name?: string;
}

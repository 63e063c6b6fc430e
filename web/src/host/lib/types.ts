// API payloads as the server sends them (prompts camelCase, custom UIs and runs snake_case).
import type { ComponentType, ExecutionMode, JsonObject, PromptData as SharedPromptData } from "../../shared/protocol";

export type { JsonObject };

/** A prompt as the API answers it (the frame sees the same fields). */
export interface PromptData extends SharedPromptData {
  userId?: string;
  createdAt?: string | null;
  updatedAt?: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Fields a custom UI list item leaves out: only the UI's own endpoint answers them. */
type CustomUiDetail = "component_code" | "props_schema" | "default_props" | "layout_config" | "styling_config" | "validation_errors";

/** A custom UI as lists answer it (`GET /api/custom-uis`, versions): no code, schemas or configs. */
export type CustomUiSummary = Omit<CustomUi, CustomUiDetail>;

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
  validation_errors?: ValidationIssue[] | null;
  use_count: number;
  is_featured?: boolean;
  version?: number;
  parent_version_id?: string | null;
  rating_avg?: number | null;
  rating_count?: number;
  created_at?: string;
  updated_at?: string;
  published_at?: string | null;
  last_used_at?: string | null;
}

export interface ValidationIssue {
  line: number;
  column: number;
  rule: string;
  message: string;
}

export interface ValidationReport {
  validated: boolean;
  validation_errors: ValidationIssue[];
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
  tags?: string[];
  difficulty?: "beginner" | "intermediate" | "advanced";
  is_official?: boolean;
  use_count?: number;
  demo_prompt_id?: string | null;
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
  tokens_input?: number | null;
  tokens_output?: number | null;
  cost?: number | null;
  response_errors?: Record<string, unknown> | null;
  created_at?: string;
  completed_at?: string | null;
  time_to_first_token?: number | null;
  total_time?: number | null;
}

/** A run as `GET /api/runs` answers it: figures, no messages, settings or other JSON. */
export interface RunSummary {
  id: string;
  name?: string | null;
  description?: string | null;
  source_type: string;
  source_id?: string | null;
  /** The run's model: its settings' `model_id`, else its last task's. */
  model_id?: string | null;
  total_tokens: number;
  total_cost: number;
  created_at: string;
  is_starred?: boolean;
  status?: "active" | "archived" | "deleted";
  message_count?: number;
  task_count?: number;
  last_message_at?: string;
}

/** A run with its messages, as `GET /api/runs/{id}` answers it. */
export interface AiRun extends Omit<RunSummary, "model_id"> {
  messages: RunMessage[];
  tasks?: AiTask[];
  settings?: Record<string, unknown>;
}

export interface Model {
  id: string;
  name?: string;
  display_name?: string | null;
  provider?: string;
  input_price?: number;
  output_price?: number;
}

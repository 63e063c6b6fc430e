// The API's wire types, all generated from the server's Rust types into src/generated
// (`cargo run -p promptdeck-server --bin gen-types`); none is written by hand here.
export type {
  AiRun,
  AiTask,
  CustomUiSummary,
  CustomUiTemplate,
  CustomUiWithPrompt,
  ModelEntry,
  Page,
  PromptCustomUi,
  PromptsData,
  ProviderKeyInfo,
  SessionSummary,
  SharedUi,
  ShareLink,
  RunMessage,
  RunPatch,
  RunSummary,
  RunWithTasks,
  ValidateInput,
  ValidationIssue,
  ValidationReport,
} from "../../generated";
export type { JsonObject } from "../../shared/protocol";

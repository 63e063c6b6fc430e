// REST calls for custom UIs: CRUD, checks, publishing, versions and templates.
import type { ComponentType } from "../../../../shared/protocol";
import { api } from "../../../lib/api";
import type { CustomUi, CustomUiWithPrompt, JsonObject, Page, Template, ValidationReport } from "../../../lib/types";

const at = (id: string) => `/api/custom-uis/${encodeURIComponent(id)}`;

export type UiPatch = Partial<Pick<CustomUi,
  "name" | "description" | "component_code" | "component_type" | "props_schema" | "default_props" | "execution_mode" |
  "auto_submit" | "show_variables" | "layout_config" | "styling_config" | "is_public" | "status">>;

export const getUi = (id: string) => api<CustomUiWithPrompt>("GET", at(id));
export const updateUi = (id: string, patch: UiPatch) => api<CustomUi>("PATCH", at(id), patch);
export const deleteUi = (id: string) => api<undefined>("DELETE", at(id));
export const publishUi = (id: string) => api<CustomUi>("POST", `${at(id)}/publish`);
export const listVersions = (id: string) => api<Page<CustomUi>>("GET", `${at(id)}/versions`);
export const newVersion = (id: string, patch: UiPatch = {}) => api<CustomUi>("POST", `${at(id)}/versions`, patch);
export const listTemplates = () => api<Page<Template>>("GET", "/api/templates?limit=200");

export function validateUi(input: {
  component_code: string;
  component_type: ComponentType;
  prompt_id?: string;
  props_schema?: JsonObject | null;
  default_props?: JsonObject | null;
}): Promise<ValidationReport> {
  const body = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
  return api<ValidationReport>("POST", "/api/custom-uis/validate", body);
}

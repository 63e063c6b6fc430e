// REST calls for prompts and the model catalogue.
import { api } from "../../../lib/api";
import type { Model, Page, PromptData } from "../../../lib/types";

export type PromptInput = Pick<PromptData, "name" | "description" | "messages" | "variableDefaults" | "settings">;

export const listPrompts = () => api<Page<PromptData>>("GET", "/api/prompts?limit=200");
export const getPrompt = (id: string) => api<PromptData>("GET", `/api/prompts/${encodeURIComponent(id)}`);
export const createPrompt = (p: PromptInput) => api<PromptData>("POST", "/api/prompts", p);
export const updatePrompt = (id: string, p: Partial<PromptInput>) => api<PromptData>("PATCH", `/api/prompts/${encodeURIComponent(id)}`, p);
export const deletePrompt = (id: string) => api<undefined>("DELETE", `/api/prompts/${encodeURIComponent(id)}`);

let models: Promise<Model[]> | null = null;
/** The configured models (fetched once per page load). */
export function listModels(): Promise<Model[]> {
  models ??= api<Page<Model>>("GET", "/api/models?limit=200").then((p) => p.items, (e: unknown) => {
    models = null;
    throw e;
  });
  return models;
}

// REST calls for prompts, their custom UIs and the model catalogue, as queries and mutations.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { PromptCustomUi, CustomUiSummary, ModelEntry, Page, PromptsData, CustomUiTemplate } from "../../../lib/types";

export type PromptInput = Pick<PromptsData, "name" | "description" | "messages" | "variableDefaults" | "settings">;

const at = (id: string) => `/api/prompts/${encodeURIComponent(id)}`;

/** The caller's prompts. */
export function usePrompts() {
  return useQuery({ queryKey: queryKeys.prompts, queryFn: () => api<Page<PromptsData>>("GET", "/api/prompts?limit=200").then((p) => p.items) });
}

/** One prompt. */
export function usePrompt(id: string) {
  return useQuery({ queryKey: queryKeys.prompt(id), queryFn: () => api<PromptsData>("GET", at(id)) });
}

/** The configured models (they change only when the server restarts). */
export function useModels() {
  return useQuery({ queryKey: queryKeys.models, queryFn: () => api<Page<ModelEntry>>("GET", "/api/models?limit=200").then((p) => p.items), staleTime: Infinity });
}

/** The custom UIs attached to a prompt. */
export function usePromptUis(promptId: string) {
  return useQuery({
    queryKey: queryKeys.promptUis(promptId),
    queryFn: () => api<Page<CustomUiSummary>>("GET", `/api/custom-uis?${new URLSearchParams({ prompt_id: promptId })}`).then((p) => p.items),
  });
}

/** The template library, to start a new UI from. */
export function useStarterTemplates() {
  return useQuery({ queryKey: queryKeys.templates({}), queryFn: () => api<Page<CustomUiTemplate>>("GET", "/api/templates?limit=200").then((p) => p.items) });
}

export function useCreatePrompt() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (p: PromptInput) => api<PromptsData>("POST", "/api/prompts", p),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.prompts }),
  });
}

export function useUpdatePrompt(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (p: Partial<PromptInput>) => api<PromptsData>("PATCH", at(id), p),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.prompt(id), saved);
      return client.invalidateQueries({ queryKey: queryKeys.prompts, exact: true });
    },
  });
}

export function useDeletePrompt() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<undefined>("DELETE", at(id)),
    onSuccess: (_, id) => {
      client.setQueryData<PromptsData[]>(queryKeys.prompts, (list) => list?.filter((p) => p.id !== id));
      client.removeQueries({ queryKey: queryKeys.prompt(id) });
    },
  });
}

/** Attaches a new custom UI to a prompt (the server checks it and answers its issues). */
export function useAttachUi(promptId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api<PromptCustomUi>("POST", "/api/custom-uis", { ...body, prompt_id: promptId }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.customUis }),
  });
}

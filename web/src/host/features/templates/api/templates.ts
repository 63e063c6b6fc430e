// REST calls of the template library, and turning a template into the user's own draft UI.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { PromptCustomUi, CustomUiSummary, CustomUiWithPrompt, Page, PromptsData, CustomUiTemplate } from "../../../lib/types";

export interface TemplateFilter {
  category: string;
  tag: string;
  difficulty: string;
}

/** The templates matching `f` (every template when no field is set). */
export function useTemplates(f: TemplateFilter) {
  const set = Object.fromEntries(Object.entries(f).filter(([, v]) => v)) as Record<string, string>;
  return useQuery({
    queryKey: queryKeys.templates(set),
    queryFn: () => api<Page<CustomUiTemplate>>("GET", `/api/templates?${new URLSearchParams({ limit: "200", ...set })}`).then((p) => p.items),
  });
}

/** The caller's prompts a template can be attached to (not the previews' own prompt). */
export function useMyPrompts() {
  return useQuery({
    queryKey: queryKeys.prompts,
    queryFn: () => api<Page<PromptsData>>("GET", "/api/prompts?limit=200").then((p) => p.items),
    select: (prompts: PromptsData[]) => prompts.filter((p) => p.name !== PREVIEW_PROMPT_NAME),
  });
}

/** Turns a template into the caller's draft UI (see `draftFromTemplate`). */
export function useDraftFromTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ template, promptId }: { template: CustomUiTemplate; promptId: string | null }) => draftFromTemplate(template, promptId),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.customUis }), client.invalidateQueries({ queryKey: queryKeys.prompts })]),
  });
}

/** The live preview's draft of a template (see `previewDraft`). */
export function usePreviewDraft() {
  return useMutation({ mutationFn: previewDraft });
}

/** A draft UI from the template, attached to `promptId` or to a new starter prompt. */
async function draftFromTemplate(t: CustomUiTemplate, promptId: string | null): Promise<PromptCustomUi> {
  let id = promptId;
  if (!id) {
    const p = await api<PromptsData>("POST", "/api/prompts", {
      name: `${t.name} prompt`,
      messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "{{text}}" }],
      variableDefaults: [{ name: "text", defaultValue: "Hello!" }],
      settings: { model_id: "echo" },
    });
    id = p.id;
  }
  return api<PromptCustomUi>("POST", "/api/custom-uis", {
    prompt_id: id,
    name: t.name,
    description: t.description ? `From the “${t.name}” template. ${t.description}` : `From the “${t.name}” template.`,
    component_code: t.component_code,
    component_type: "react",
  });
}

export const PREVIEW_PROMPT_NAME = "Template previews";
let previewPrompt: Promise<string> | null = null;

/** The caller's private "Template previews" prompt (echo model), created on first use. */
function previewPromptId(): Promise<string> {
  previewPrompt ??= (async () => {
    for (let offset = 0; ; offset += 200) {
      const page = await api<Page<PromptsData>>("GET", `/api/prompts?limit=200&offset=${offset}`);
      const found = page.items.find((p) => p.name === PREVIEW_PROMPT_NAME);
      if (found) return found.id;
      if (offset + page.items.length >= page.total || page.items.length === 0) break;
    }
    const p = await api<PromptsData>("POST", "/api/prompts", {
      name: PREVIEW_PROMPT_NAME,
      description: "Throwaway drafts for previewing templates live.",
      messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "{{text}}" }],
      variableDefaults: [{ name: "text", defaultValue: "Hello!" }],
      settings: { model_id: "echo" },
    });
    return p.id;
  })().finally(() => {
    previewPrompt = null;
  });
  return previewPrompt;
}

/** A throwaway draft UI running the template's code under the preview prompt (reused per template). */
async function previewDraft(t: CustomUiTemplate): Promise<CustomUiWithPrompt> {
  const promptId = await previewPromptId();
  const name = `Preview: ${t.name}`.slice(0, 200);
  const mine = await api<Page<CustomUiSummary>>("GET", `/api/custom-uis?${new URLSearchParams({ scope: "mine", prompt_id: promptId, limit: "200" })}`);
  const existing = mine.items.find((u) => u.name === name && u.status === "draft");
  if (!existing) {
    const id = (await api<PromptCustomUi>("POST", "/api/custom-uis", { prompt_id: promptId, name, description: `Live preview of the “${t.name}” template.`, component_code: t.component_code, component_type: "react" })).id;
    return api<CustomUiWithPrompt>("GET", `/api/custom-uis/${encodeURIComponent(id)}`);
  }
  // List items carry no code: the draft's own endpoint tells whether it is still the template's.
  const at = `/api/custom-uis/${encodeURIComponent(existing.id)}`;
  const draft = await api<CustomUiWithPrompt>("GET", at);
  if (draft.component_code === t.component_code) return draft;
  await api<PromptCustomUi>("PATCH", at, { component_code: t.component_code });
  return api<CustomUiWithPrompt>("GET", at);
}

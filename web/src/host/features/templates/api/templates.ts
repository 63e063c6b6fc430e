// REST calls of the template library, and turning a template into the user's own draft UI.
import { api } from "../../../lib/api";
import type { CustomUi, CustomUiSummary, CustomUiWithPrompt, Page, PromptData, Template } from "../../../lib/types";

export interface TemplateFilter {
  category: string;
  tag: string;
  difficulty: string;
}

export function listTemplates(f: TemplateFilter): Promise<Page<Template>> {
  const params = new URLSearchParams({ limit: "200" });
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  return api<Page<Template>>("GET", `/api/templates?${params}`);
}

export const listMyPrompts = () => api<Page<PromptData>>("GET", "/api/prompts?limit=200");

/** A draft UI from the template, attached to `promptId` or to a new starter prompt. */
export async function draftFromTemplate(t: Template, promptId: string | null): Promise<CustomUi> {
  let id = promptId;
  if (!id) {
    const p = await api<PromptData>("POST", "/api/prompts", {
      name: `${t.name} prompt`,
      messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "{{text}}" }],
      variableDefaults: [{ name: "text", defaultValue: "Hello!" }],
      settings: { model_id: "echo" },
    });
    id = p.id;
  }
  return api<CustomUi>("POST", "/api/custom-uis", {
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
      const page = await api<Page<PromptData>>("GET", `/api/prompts?limit=200&offset=${offset}`);
      const found = page.items.find((p) => p.name === PREVIEW_PROMPT_NAME);
      if (found) return found.id;
      if (offset + page.items.length >= page.total || page.items.length === 0) break;
    }
    const p = await api<PromptData>("POST", "/api/prompts", {
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
export async function previewDraft(t: Template): Promise<CustomUiWithPrompt> {
  const promptId = await previewPromptId();
  const name = `Preview: ${t.name}`.slice(0, 200);
  const mine = await api<Page<CustomUiSummary>>("GET", `/api/custom-uis?${new URLSearchParams({ scope: "mine", prompt_id: promptId, limit: "200" })}`);
  const existing = mine.items.find((u) => u.name === name && u.status === "draft");
  if (!existing) {
    const id = (await api<CustomUi>("POST", "/api/custom-uis", { prompt_id: promptId, name, description: `Live preview of the “${t.name}” template.`, component_code: t.component_code, component_type: "react" })).id;
    return api<CustomUiWithPrompt>("GET", `/api/custom-uis/${encodeURIComponent(id)}`);
  }
  // List items carry no code: the draft's own endpoint tells whether it is still the template's.
  const at = `/api/custom-uis/${encodeURIComponent(existing.id)}`;
  const draft = await api<CustomUiWithPrompt>("GET", at);
  if (draft.component_code === t.component_code) return draft;
  await api<CustomUi>("PATCH", at, { component_code: t.component_code });
  return api<CustomUiWithPrompt>("GET", at);
}

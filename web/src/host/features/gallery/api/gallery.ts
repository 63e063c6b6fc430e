// REST calls of the gallery: public and featured UIs, ratings, remixing.
import { api } from "../../../lib/api";
import type { CustomUi, CustomUiSummary, CustomUiWithPrompt, Page, PromptData } from "../../../lib/types";

/** Longest description the server stores, in characters. */
const MAX_DESCRIPTION_CHARS = 2000;

export type Scope = "public" | "featured";
export type Sort = "recent" | "use_count" | "rating";

export function listGallery(scope: Scope, q: string, sort: Sort, limit: number, offset = 0): Promise<Page<CustomUiSummary>> {
  const params = new URLSearchParams({ scope, sort, limit: String(limit), offset: String(offset) });
  if (q.trim()) params.set("q", q.trim());
  return api<Page<CustomUiSummary>>("GET", `/api/custom-uis?${params}`);
}

export const rateUi = (id: string, rating: number, feedback: string) =>
  api<{ rating: number }>("PUT", `/api/custom-uis/${encodeURIComponent(id)}/rating`, { rating, ...(feedback.trim() ? { feedback: feedback.trim() } : {}) });

/** Copies a public UI and the public view of its prompt into the caller's own draft; credits the original. */
export async function remix(id: string): Promise<CustomUi> {
  const ui = await api<CustomUiWithPrompt>("GET", `/api/custom-uis/${encodeURIComponent(id)}`);
  const p = ui.prompt;
  const prompt = await api<PromptData>("POST", "/api/prompts", {
    name: `${p.name} (remix)`.slice(0, 200),
    description: `Remixed from the prompt of “${ui.name}”.`,
    messages: p.messages,
    variableDefaults: p.variableDefaults ?? [],
    settings: p.settings,
  });
  const credit = `Remixed from “${ui.name}” (${location.origin}/ui/${ui.id}).`;
  const body: Record<string, unknown> = {
    prompt_id: prompt.id,
    name: `${ui.name} (remix)`.slice(0, 200),
    description: (ui.description ? `${credit} ${ui.description}` : credit).slice(0, MAX_DESCRIPTION_CHARS),
    component_code: ui.component_code,
    component_type: ui.component_type,
    execution_mode: ui.execution_mode,
    auto_submit: ui.auto_submit,
    show_variables: ui.show_variables,
  };
  for (const k of ["props_schema", "default_props", "layout_config", "styling_config"] as const) if (ui[k]) body[k] = ui[k];
  return api<CustomUi>("POST", "/api/custom-uis", body);
}

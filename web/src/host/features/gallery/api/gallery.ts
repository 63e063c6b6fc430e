// REST calls of the gallery: public and featured UIs, ratings, remixing.
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { nextOffset } from "../../../lib/query";
import { queryKeys } from "../../../lib/queryKeys";
import type { PromptCustomUi, CustomUiSummary, CustomUiWithPrompt, Page, PromptsData } from "../../../lib/types";

/** Longest description the server stores, in characters. */
const MAX_DESCRIPTION_CHARS = 2000;

export type Scope = "public" | "featured";
export type Sort = "recent" | "use_count" | "rating";

/** Items fetched per page ("Load more" fetches the next one). */
export const PAGE_SIZE = 24;

function listGallery(scope: Scope, q: string, sort: Sort, offset: number): Promise<Page<CustomUiSummary>> {
  const params = new URLSearchParams({ scope, sort, limit: String(PAGE_SIZE), offset: String(offset) });
  if (q.trim()) params.set("q", q.trim());
  return api<Page<CustomUiSummary>>("GET", `/api/custom-uis?${params}`);
}

/**
 * Public (or featured) UIs matching `q`, page by page. The cards shown stay while another search
 * loads, so a card being rated is not thrown away under the user.
 */
export function useGallery(scope: Scope, q: string, sort: Sort) {
  return useInfiniteQuery({
    queryKey: queryKeys.gallery(scope, q, sort),
    queryFn: ({ pageParam }) => listGallery(scope, q, sort, pageParam),
    initialPageParam: 0,
    placeholderData: keepPreviousData,
    getNextPageParam: nextOffset,
  });
}

/** Rates a UI (one rating per user; saving again replaces it); the gallery shows the new average. */
export function useRateUi() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, rating, feedback }: { id: string; rating: number; feedback: string }) =>
      api<{ rating: number }>("PUT", `/api/custom-uis/${encodeURIComponent(id)}/rating`, { rating, ...(feedback.trim() ? { feedback: feedback.trim() } : {}) }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.customUis }),
  });
}

/** Remixes a public UI into the caller's own draft (see `remix`). */
export function useRemix() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: remix,
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: queryKeys.customUis }), client.invalidateQueries({ queryKey: queryKeys.prompts })]),
  });
}

/** Copies a public UI and the public view of its prompt into the caller's own draft; credits the original. */
async function remix(id: string): Promise<PromptCustomUi> {
  const ui = await api<CustomUiWithPrompt>("GET", `/api/custom-uis/${encodeURIComponent(id)}`);
  const p = ui.prompt;
  const prompt = await api<PromptsData>("POST", "/api/prompts", {
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
  return api<PromptCustomUi>("POST", "/api/custom-uis", body);
}

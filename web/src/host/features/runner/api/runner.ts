// REST calls of the custom UI runner: the UI with its prompt, its compiled form and the viewer's
// saved state (what the frame starts from), and the calls the bridge makes for a frame.
import { useQuery } from "@tanstack/react-query";
import { isJson, type InitResult, type JsonObject } from "../../../../shared/protocol";
import { api, apiText } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { CustomUiWithPrompt } from "../../../lib/types";
import { buildInit, buildTemplateInit } from "../init";

const at = (id: string) => `/api/custom-uis/${encodeURIComponent(id)}`;

/** The caller's saved state for a UI, kept by the server per user (`{}` until one is saved). */
export async function loadState(uiId: string): Promise<JsonObject> {
  const body = await api<{ state?: unknown }>("GET", `${at(uiId)}/state`);
  const v = body.state;
  return isJson(v) && typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : {};
}

/** Saves the caller's state for a UI. */
export const saveState = (uiId: string, state: JsonObject) => api<undefined>("PUT", `${at(uiId)}/state`, { state });

/** Creates a run for a UI (the bridge's `runs/create`). */
export const createRun = (body: JsonObject) => api<JsonObject>("POST", "/api/runs", body);

/** Adds a message or a task to a run (the bridge's `runs/addMessage`, `runs/createTask`). */
export const addToRun = (runId: string, what: "messages" | "tasks", body: JsonObject) =>
  api<JsonObject>("POST", `/api/runs/${encodeURIComponent(runId)}/${what}`, body);

async function loadInit(ui: CustomUiWithPrompt, search: string): Promise<InitResult> {
  const [compiled, state] = await Promise.all([apiText(`${at(ui.id)}/compiled`), loadState(ui.id)]);
  return buildInit(ui, compiled, state, search);
}

/**
 * Loaded once per visit and never refetched under the running frame (a new `init` would start a
 * new bridge and stop the frame's runs), nor kept after the page is left.
 */
const ONCE = { staleTime: Infinity, gcTime: 0, retry: false } as const;

/**
 * `/ui/{id}`: the UI with its prompt, and what its frame starts from (`?var.` values read once).
 * The three requests go out together: the compiled form and the saved state need only the id.
 */
export function useRunnerUi(id: string, search: string) {
  return useQuery({
    queryKey: queryKeys.runnerInit(id, "runner", search),
    queryFn: async () => {
      const [ui, compiled, state] = await Promise.all([api<CustomUiWithPrompt>("GET", at(id)), apiText(`${at(id)}/compiled`), loadState(id)]);
      return { ui, init: buildInit(ui, compiled, state, search) };
    },
    ...ONCE,
  });
}

/** A saved UI's preview: what its frame starts from, for this saved version of it. */
export function usePreviewInit(ui: CustomUiWithPrompt) {
  return useQuery({ queryKey: queryKeys.runnerInit(ui.id, ui.updated_at ?? "", ""), queryFn: () => loadInit(ui, ""), ...ONCE });
}

/**
 * What a thumbnail's frame starts from: the UI with its prompt and its compiled form, and an
 * empty state (a thumbnail never reads or writes the viewer's saved state).
 */
export function useThumbnailInit(id: string) {
  return useQuery({
    queryKey: queryKeys.runnerInit(id, "thumbnail", ""),
    queryFn: async () => {
      const [ui, compiled] = await Promise.all([api<CustomUiWithPrompt>("GET", at(id)), apiText(`${at(id)}/compiled`)]);
      return buildInit(ui, compiled, {}, "");
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** What a template's thumbnail frame starts from: its compiled module and the starter prompt. */
export function useTemplateThumbnailInit(template: { id: string; name: string }) {
  return useQuery({
    queryKey: queryKeys.runnerInit(template.id, "template-thumbnail", ""),
    queryFn: async () => buildTemplateInit(template, await apiText(`/api/templates/${encodeURIComponent(template.id)}/compiled`)),
    staleTime: Infinity,
    retry: false,
  });
}

/** What the server did with a navigation report: whether the UI is now out of the gallery. */
export interface NavigationReportOutcome {
  quarantined: boolean;
}

/** Reports that a UI's frame loaded a second document (once per viewer and UI; repeats are no-ops). */
export const reportNavigation = (uiId: string, detail: string) =>
  api<NavigationReportOutcome>("POST", `${at(uiId)}/navigation-reports`, { detail });

// REST calls for recorded runs.
import { api } from "../../../lib/api";
import type { AiRun, Page, RunSummary } from "../../../lib/types";

export interface RunFilter {
  status: "" | "active" | "archived" | "deleted";
  starred: boolean;
  q: string;
}

export function listRuns(f: RunFilter, offset = 0): Promise<Page<RunSummary>> {
  const params = new URLSearchParams({ limit: "50", offset: String(offset) });
  if (f.status) params.set("status", f.status);
  if (f.starred) params.set("starred", "true");
  if (f.q.trim()) params.set("q", f.q.trim());
  return api<Page<RunSummary>>("GET", `/api/runs?${params}`);
}

export const getRun = (id: string) => api<AiRun>("GET", `/api/runs/${encodeURIComponent(id)}`);
export const patchRun = (id: string, patch: { is_starred?: boolean; status?: AiRun["status"]; name?: string }) =>
  api<AiRun>("PATCH", `/api/runs/${encodeURIComponent(id)}`, patch);

/** The model a run used: its settings, else its last task. */
export function modelOf(run: AiRun): string {
  const fromSettings = run.settings?.model_id;
  if (typeof fromSettings === "string") return fromSettings;
  return run.tasks?.at(-1)?.model_id ?? "";
}

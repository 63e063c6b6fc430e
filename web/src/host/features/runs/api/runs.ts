// REST calls for recorded runs, as queries and mutations.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { nextOffset } from "../../../lib/query";
import { queryKeys } from "../../../lib/queryKeys";
import type { AiRun, Page, RunPatch, RunSummary, RunWithTasks } from "../../../lib/types";

export interface RunFilter {
  status: "" | "active" | "archived" | "deleted";
  starred: boolean;
  q: string;
}


/** Runs fetched per page ("Load more" fetches the next one). */
const PAGE_SIZE = 50;

function listRuns(f: RunFilter, offset: number): Promise<Page<RunSummary>> {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
  if (f.status) params.set("status", f.status);
  if (f.starred) params.set("starred", "true");
  if (f.q.trim()) params.set("q", f.q.trim());
  return api<Page<RunSummary>>("GET", `/api/runs?${params}`);
}

/** The caller's runs matching `f`, page by page. */
export function useRunList(f: RunFilter) {
  return useInfiniteQuery({
    queryKey: queryKeys.runList(f),
    queryFn: ({ pageParam }) => listRuns(f, pageParam),
    initialPageParam: 0,
    placeholderData: keepPreviousData,
    getNextPageParam: nextOffset,
  });
}

/** One run with its messages and tasks. */
export function useRun(id: string) {
  return useQuery({ queryKey: queryKeys.run(id), queryFn: () => api<RunWithTasks>("GET", `/api/runs/${encodeURIComponent(id)}`) });
}

/** Renames, stars, archives, restores or deletes a run; the lists follow. */
export function usePatchRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: RunPatch }) => api<AiRun>("PATCH", `/api/runs/${encodeURIComponent(id)}`, patch),
    onSuccess: (saved, { id }) => {
      client.setQueryData<RunWithTasks>(queryKeys.run(id), (run) => (run ? { ...run, ...saved, messages: run.messages, tasks: run.tasks } : run));
      return client.invalidateQueries({ queryKey: [...queryKeys.runs, "list"] });
    },
  });
}

/** Refreshes a run after something was added to it (a continued conversation). */
export function useRefreshRun(id: string) {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: queryKeys.run(id) });
}

/** The model a run used: its settings, else its last task. */
export function modelOf(run: RunWithTasks): string {
  const fromSettings = run.settings?.model_id;
  if (typeof fromSettings === "string") return fromSettings;
  return run.tasks?.at(-1)?.model_id ?? "";
}

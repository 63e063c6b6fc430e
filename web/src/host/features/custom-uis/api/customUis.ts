// REST calls for custom UIs: the UI, checks as you type, saving, publishing, versions and the
// template library, as queries and mutations.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { PromptCustomUi, CustomUiSummary, CustomUiWithPrompt, Page, CustomUiTemplate, ValidateInput, ValidationReport } from "../../../lib/types";
import { patchOfUi } from "../utils/form";

const at = (id: string) => `/api/custom-uis/${encodeURIComponent(id)}`;

export type UiPatch = Partial<Pick<PromptCustomUi,
  "name" | "description" | "component_code" | "component_type" | "props_schema" | "default_props" | "execution_mode" |
  "auto_submit" | "show_variables" | "layout_config" | "styling_config" | "is_public" | "status">>;

const getUi = (id: string) => api<CustomUiWithPrompt>("GET", at(id));

/** One UI with its prompt; `enabled: false` waits (e.g. until a version is picked). */
export function useUi(id: string, enabled = true) {
  return useQuery({ queryKey: queryKeys.customUi(id), queryFn: () => getUi(id), enabled: enabled && id !== "" });
}

/** Whether the owner's UI was reported for navigating its frame, and why (`GET …/navigation-reports`). */
export interface UiQuarantine {
  quarantined: boolean;
  reason: string | null;
  reports: number;
  quarantined_at: string | null;
}

/** The quarantine of one of the caller's UIs. */
export function useQuarantine(id: string) {
  return useQuery({ queryKey: queryKeys.quarantine(id), queryFn: () => api<UiQuarantine>("GET", `${at(id)}/navigation-reports`) });
}

/** The server's issues for `input` (null: nothing to check); the last answer stays while the next loads. */
export function useValidation(input: ValidateInput | null) {
  return useQuery({
    queryKey: queryKeys.validation(input),
    queryFn: () => {
      const body = Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined && v !== null));
      return api<ValidationReport>("POST", "/api/custom-uis/validate", body);
    },
    enabled: input !== null,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
}

/** The template library, to start from. */
export function useStarterTemplates() {
  return useQuery({ queryKey: queryKeys.templates({}), queryFn: () => api<Page<CustomUiTemplate>>("GET", "/api/templates?limit=200").then((p) => p.items) });
}

/** A UI's version chain (refetched when the edited version is saved). */
export function useVersions(id: string, updatedAt: string | undefined) {
  return useQuery({
    queryKey: [...queryKeys.versions(id), updatedAt ?? ""],
    queryFn: () => api<Page<CustomUiSummary>>("GET", `${at(id)}/versions`).then((p) => p.items),
  });
}

/** Saves a draft's changes. */
export function useUpdateUi(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: UiPatch) => api<PromptCustomUi>("PATCH", at(id), patch),
    onSuccess: (saved) => {
      client.setQueryData<CustomUiWithPrompt>(queryKeys.customUi(id), (ui) => (ui ? { ...ui, ...saved } : ui));
      return client.invalidateQueries({ queryKey: queryKeys.customUis, predicate: (q) => q.queryKey[1] !== id });
    },
  });
}

/** Publishes a UI (checked again by the server). */
export function usePublishUi(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<PromptCustomUi>("POST", `${at(id)}/publish`),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.customUis }),
  });
}

/** A new version of a UI with `patch` applied (from the edited one, or from an older one to roll back). */
export function useNewVersion(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ from, patch }: { from?: string; patch?: UiPatch }) => {
      const base = from ? patchOfUi(await getUi(from)) : {};
      return api<PromptCustomUi>("POST", `${at(id)}/versions`, { ...base, ...(patch ?? {}) });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.customUis }),
  });
}

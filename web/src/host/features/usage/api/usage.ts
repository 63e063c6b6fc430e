// REST calls of the usage dashboard: the account's or one owned UI's report, the owner's UIs to
// pick from, and the report as a CSV file.
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import type { CustomUiSummary, Page, UsageReport } from "../../../../generated";
import { api, apiDownload } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import { saveFile } from "../utils/saveFile";

/** The periods the dashboard offers, in days. */
export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

/** The report's path: the account's (`uiId` null) or one of the caller's UIs'; `.csv` for the file. */
function statsPath(uiId: string | null, days: Period, ext: "" | ".csv" = ""): string {
  const base = uiId ? `/api/custom-uis/${encodeURIComponent(uiId)}/stats` : "/api/account/stats";
  return `${base}${ext}?days=${days}`;
}

/** The report shown; the previous one stays on screen while another scope or period loads. */
export function useUsageReport(uiId: string | null, days: Period) {
  return useQuery({
    queryKey: queryKeys.usage(uiId, days),
    queryFn: () => api<UsageReport>("GET", statsPath(uiId, days)),
    placeholderData: keepPreviousData,
  });
}

/** The caller's own UIs (every version: each has its own figures), to switch the report to. */
export function useOwnUis() {
  return useQuery({
    queryKey: queryKeys.ownUis,
    queryFn: () => api<Page<CustomUiSummary>>("GET", "/api/custom-uis?scope=mine&limit=200").then((p) => p.items),
  });
}

/**
 * Downloads the report as the server's CSV file (one row per day) under the name the server
 * gives it. The request carries the session's bearer token, so a plain link would not do.
 */
export function useDownloadUsageCsv() {
  return useMutation({
    mutationFn: async ({ uiId, days }: { uiId: string | null; days: Period }) => {
      const { blob, filename } = await apiDownload(statsPath(uiId, days, ".csv"));
      saveFile(blob, filename ?? "promptdeck-usage.csv");
    },
  });
}

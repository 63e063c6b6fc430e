// REST calls of an owner's budget for a UI: who pays for its runs and its caps per day.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { UiBudget } from "../../../../generated";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";

const budgetOf = (uiId: string) => `/api/custom-uis/${encodeURIComponent(uiId)}/budget`;

/** The UI's payer and caps (the default, viewers pay and no caps, until the owner sets them). */
export function useUiBudget(uiId: string) {
  return useQuery({ queryKey: queryKeys.uiBudget(uiId), queryFn: () => api<UiBudget>("GET", budgetOf(uiId)) });
}

/** Sets the UI's payer and caps; the server checks them (422 `validation_failed` with why). */
export function useSaveUiBudget(uiId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (budget: UiBudget) => api<UiBudget>("PUT", budgetOf(uiId), budget),
    onSuccess: (saved) => client.setQueryData(queryKeys.uiBudget(uiId), saved),
  });
}

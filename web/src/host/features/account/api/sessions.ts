// REST calls for the signed-in account's sessions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { Page, SessionSummary } from "../../../lib/types";

export type { SessionSummary };

/** The account's sessions. */
export function useSessions() {
  return useQuery({
    queryKey: queryKeys.sessions,
    queryFn: () => api<Page<SessionSummary>>("GET", "/api/auth/sessions?limit=200").then((p) => p.items),
  });
}

/** Revokes another session of the account (its token stops working, its sockets close). */
export function useRevokeSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<undefined>("DELETE", `/api/auth/sessions/${encodeURIComponent(id)}`),
    onSuccess: (_, id) => client.setQueryData<SessionSummary[]>(queryKeys.sessions, (list) => list?.filter((s) => s.id !== id)),
  });
}

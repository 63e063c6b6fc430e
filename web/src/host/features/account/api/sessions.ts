// REST calls for the signed-in account's sessions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import { queryKeys } from "../../../lib/queryKeys";
import type { Page } from "../../../lib/types";

/** One session of the account (`GET /api/auth/sessions`); never the token. */
export interface SessionSummary {
  id: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  /** The session this browser is signed in with. */
  current: boolean;
}

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

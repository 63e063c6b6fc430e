// REST calls for the signed-in account's sessions.
import { api } from "../../../lib/api";
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

export const listSessions = () => api<Page<SessionSummary>>("GET", "/api/auth/sessions?limit=200");
export const revokeSession = (id: string) => api<undefined>("DELETE", `/api/auth/sessions/${encodeURIComponent(id)}`);

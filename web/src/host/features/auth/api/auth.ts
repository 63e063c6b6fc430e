// REST calls of signing up and signing in.
import { useMutation } from "@tanstack/react-query";
import { api } from "../../../lib/api";
import type { Session } from "../../../lib/session";

export type AuthMode = "signup" | "login";

/** Signs up or in: the answer is the new session (user and token). */
export function useAuthenticate(mode: AuthMode) {
  return useMutation({
    mutationFn: (credentials: { email: string; password: string }) => api<Session>("POST", `/api/auth/${mode}`, credentials),
  });
}

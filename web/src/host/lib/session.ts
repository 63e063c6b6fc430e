// The session: the token lives in the host app only (this origin's localStorage), never in a frame.

import type { PublicUser, Session } from "../../generated";

export type { Session };
/** The signed-in account, as sign-up and login answer it. */
export type SessionUser = PublicUser;

const KEY = "promptdeck.session";
const listeners = new Set<() => void>();

export function getSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.token === "string" && s.user ? s : null;
  } catch {
    return null;
  }
}

export function setSession(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function onSessionChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

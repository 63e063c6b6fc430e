// The session: the token lives in the host app only (this origin's localStorage), never in a frame.
// An embed page (`/embed/{id}`, shown inside other sites) acts for the embed's viewer instead: it
// holds the viewer's session in memory and never reads or writes the stored sign-in.

import type { PublicUser, Session } from "../../generated";

export type { Session };
/** The signed-in account, as sign-up and login answer it. */
export type SessionUser = PublicUser;

const KEY = "promptdeck.session";
const listeners = new Set<() => void>();

/**
 * The viewer's session of an embed page, or null on every other page. Decided when the module
 * loads, from the path, so no module reads the stored sign-in first (the socket client takes its
 * token when it loads): someone signed in to promptdeck who visits a site embedding a UI runs it as
 * that site's viewer, never as themselves.
 */
let viewer: { session: Session | null } | null = typeof location !== "undefined" && location.pathname.startsWith("/embed/") ? { session: null } : null;

export function getSession(): Session | null {
  if (viewer) return viewer.session;
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.token === "string" && s.user ? s : null;
  } catch {
    return null;
  }
}

/** Stores (or forgets) the sign-in; on an embed page it changes only the viewer's session (a 401 forgets that). */
export function setSession(s: Session | null): void {
  if (viewer) viewer.session = s;
  else if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/**
 * Makes this page act for an embed's viewer with `token` (or for nobody yet, with null): every
 * request and the socket use it from now on, and the stored sign-in is left alone.
 */
export function setViewerSession(token: string | null): Session | null {
  const session = token === null ? null : { token, user: EMBED_VIEWER };
  viewer = { session };
  listeners.forEach((l) => l());
  return session;
}

/**
 * Who an embed's viewer is to this page: the server knows them by the token alone (an anonymous
 * visitor, or a user of the embedding site) and tells the page no account of theirs.
 */
const EMBED_VIEWER: PublicUser = { id: "embed-viewer", email: "" };

export function onSessionChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

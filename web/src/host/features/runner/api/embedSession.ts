// The embed page's viewer session (`/embed/{id}`): who views the embed, read from the page's hash;
// the session the server opens for them (`POST /api/embeds/{id}/sessions`, no sign-in); and, for an
// anonymous viewer, the session remembered in this origin's storage until it expires, so a reload
// keeps the same viewer (and their saved UI state) and spends no new session.
import { api } from "../../../lib/api";
import type { EmbedSession, NewEmbedSession } from "../../../lib/types";

export type { EmbedSession };

/** Opens a viewer session for an embed (a verified embed needs the user's id and its HMAC). */
export const createEmbedSession = (embedId: string, viewer: NewEmbedSession) =>
  api<EmbedSession>("POST", `/api/embeds/${encodeURIComponent(embedId)}/sessions`, viewer);

/** The viewer the embedding site named in the page's hash (`#user_id=…&user_hash=…`), read once per page. */
const fromHash = new Map<string, NewEmbedSession>();

/**
 * Who views embed `embedId`, from `location.hash`; the hash is then removed from the address (the
 * user's HMAC has no business in the history or a copied link). Read once: a second call (React's
 * development double render) answers the same.
 */
export function viewerFromHash(embedId: string): NewEmbedSession {
  const known = fromHash.get(embedId);
  if (known) return known;
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const userId = params.get("user_id");
  const userHash = params.get("user_hash");
  const viewer: NewEmbedSession = userId ? { user_id: userId, ...(userHash ? { user_hash: userHash } : {}) } : {};
  fromHash.set(embedId, viewer);
  if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
  return viewer;
}

const storageKey = (embedId: string) => `promptdeck.embed.${embedId}`;

/** The anonymous viewer's remembered session, if it has not expired. */
export function rememberedSession(embedId: string): EmbedSession | null {
  try {
    const raw = localStorage.getItem(storageKey(embedId));
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<EmbedSession>;
    const fresh = typeof s.token === "string" && typeof s.custom_ui_id === "string" && Date.parse(s.expires_at ?? "") > Date.now() + 60_000;
    return fresh ? (s as EmbedSession) : null;
  } catch {
    // Storage may be refused inside another site's page: nothing is remembered then.
    return null;
  }
}

/** Remembers an anonymous viewer's session (never a verified one: it is that user's only). */
export function rememberSession(embedId: string, s: EmbedSession): void {
  try {
    if (s.viewer === "anonymous") localStorage.setItem(storageKey(embedId), JSON.stringify(s));
  } catch {
    // as above: a reload opens a new session
  }
}

export function forgetSession(embedId: string): void {
  try {
    localStorage.removeItem(storageKey(embedId));
  } catch {
    // nothing was remembered
  }
}

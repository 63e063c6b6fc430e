// The life of an embed page's viewer session: open it (or reuse the remembered one), make the page
// act with it (session.ts), and open a new one when the server stops accepting it.
import { useCallback, useEffect, useRef, useState } from "react";
import { errorText } from "../../../lib/query";
import { getSession, onSessionChange, setViewerSession, type Session } from "../../../lib/session";
import { createEmbedSession, forgetSession, rememberedSession, rememberSession, viewerFromHash, type EmbedSession } from "../api/embedSession";

export type EmbedState =
  | { kind: "opening" }
  /** `session` as the server opened it; `viewer`, the page's session made of it. */
  | { kind: "open"; session: EmbedSession; viewer: Session }
  /** The server refused the embed (revoked, UI unpublished, wrong HMAC…): its sentence. */
  | { kind: "refused"; message: string };

/** New sessions a page opens on its own after its token stopped working, before it gives up. */
const MAX_RENEWALS = 3;

/**
 * The viewer session of embed `embedId`. Not a cached query on purpose: setting the session
 * clears the query cache (query.ts), and the session must outlive that. `failed(error)` reports
 * that the UI could not load with the session: a remembered one is dropped for a new one, a new
 * one's refusal is shown.
 */
export function useEmbedSession(embedId: string): { state: EmbedState; failed: (error: unknown) => void } {
  const [state, setState] = useState<EmbedState>({ kind: "opening" });
  const open = useRef<(reuse: boolean) => void>(() => undefined);
  const reused = useRef(false);
  const renewals = useRef(0);
  /** While a session opens, the page has none (the POST carries no token): no failure then is the session's. */
  const opening = useRef(false);

  useEffect(() => {
    let live = true;
    const named = viewerFromHash(embedId);
    open.current = (reuse: boolean) => {
      opening.current = true;
      // The UI goes until the new session is open: nothing asks the server with no token meanwhile.
      setState({ kind: "opening" });
      if (getSession() !== null) setViewerSession(null);
      // A viewer named by the embedding site gets a session of their own each visit.
      const remembered = reuse && !named.user_id ? rememberedSession(embedId) : null;
      reused.current = remembered !== null;
      const next = remembered ? Promise.resolve(remembered) : createEmbedSession(embedId, named);
      next.then(
        (session) => {
          opening.current = false;
          if (!live) return;
          if (!remembered && !named.user_id) rememberSession(embedId, session);
          const viewer = setViewerSession(session.token);
          if (viewer) setState({ kind: "open", session, viewer });
        },
        (e: unknown) => {
          opening.current = false;
          if (live) setState({ kind: "refused", message: errorText(e) });
        },
      );
    };
    open.current(true);
    // A 401 makes the REST helper forget the token (session.ts keeps it to this page): open anew.
    const off = onSessionChange(() => {
      if (!live || opening.current || getSession() !== null) return;
      forgetSession(embedId);
      if (++renewals.current > MAX_RENEWALS) setState({ kind: "refused", message: "The viewer session keeps being refused. Reload the page to try again." });
      else open.current(false);
    });
    return () => {
      live = false;
      off();
    };
  }, [embedId]);

  const failed = useCallback(
    (error: unknown) => {
      if (opening.current) return;
      if (reused.current && renewals.current++ < MAX_RENEWALS) {
        forgetSession(embedId);
        open.current(false);
      } else {
        setState({ kind: "refused", message: errorText(error) });
      }
    },
    [embedId],
  );
  return { state, failed };
}

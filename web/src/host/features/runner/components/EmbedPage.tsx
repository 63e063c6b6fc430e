import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { applyTheme, followParentTheme, reportHeight, themeOf } from "../embedFrame";
import { useEmbedSession } from "../hooks/useEmbedSession";
import { UiRunnerPage } from "./UiRunnerPage";

/**
 * `/embed/{id}`: a published UI inside another site's page (framed through web/public/embed.js;
 * the server lets only the embed's allowed origins frame it). The page opens a viewer session for
 * the embed and runs the UI version it names with that session, never with the app's own sign-in;
 * a refusal (revoked embed, unpublished UI, wrong HMAC, too many sessions) shows a notice saying
 * why, never an empty frame. No app chrome: the UI, full width, in the scheme the site asked for,
 * its height posted to the site as it changes.
 */
export function EmbedPage({ id, search }: { id: string; search: string }) {
  const { state, failed } = useEmbedSession(id);
  const root = useRef<HTMLDivElement>(null);
  // The page's search is read once (the theme; `?var.` values for the runner).
  const [firstSearch] = useState(search);

  // Before the first paint, so the page never shows in the other scheme first.
  useLayoutEffect(() => {
    applyTheme(themeOf(new URLSearchParams(firstSearch).get("theme")));
    return followParentTheme();
  }, [firstSearch]);
  useEffect(() => (root.current ? reportHeight(root.current, id) : undefined), [id]);
  const name = state.kind === "open" ? state.session.name : null;
  useEffect(() => {
    if (name) document.title = name;
  }, [name]);

  let content: React.ReactNode;
  if (state.kind === "refused") {
    content = (
      <main className="embed-notice">
        <div role="alert" className="stack notice" data-testid="embed-notice">
          <h1>This embed can't be shown</h1>
          <p>{state.message}</p>
        </div>
      </main>
    );
  } else if (state.kind === "opening") {
    content = (
      <main className="embed-notice">
        <p aria-busy="true" className="muted">Opening…</p>
      </main>
    );
  } else {
    // A new session (the last one expired) starts the UI afresh: its frame's bridge holds the old one's tasks.
    content = <UiRunnerPage key={state.viewer.token} id={state.session.custom_ui_id} session={state.viewer} search={firstSearch} embedded onLoadError={failed} />;
  }
  return (
    <div ref={root} className="embed-page">
      {content}
    </div>
  );
}

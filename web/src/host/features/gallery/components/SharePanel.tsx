import { useState } from "react";
import { useCreateShareLink, useRevokeShareLink, useShareLinks } from "../api/shareLinks";

/**
 * The owner's share links to a published UI: make one pinned to this version or following the
 * latest published version, copy, revoke.
 */
export function SharePanel({ uiId, version }: { uiId: string; version: number }) {
  const links = useShareLinks(uiId);
  const create = useCreateShareLink(uiId);
  const revoke = useRevokeShareLink(uiId);
  const [error, setError] = useState<string | null>(null);
  const run = (p: Promise<unknown>) => {
    setError(null);
    p.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const items = links.data?.items ?? [];
  return (
    <section className="stack share-panel" aria-label="Share links">
      <div className="row center">
        <button type="button" disabled={create.isPending} onClick={() => run(create.mutateAsync(true))}>Link to version {version}</button>
        <button type="button" className="secondary" disabled={create.isPending} onClick={() => run(create.mutateAsync(false))}>Link to the latest version</button>
      </div>
      {links.isPending && <p aria-busy="true">Loading…</p>}
      {items.length > 0 && (
        <ul className="share-links" aria-label="Links">
          {items.map((l) => {
            const url = `${location.origin}${l.url}`;
            return (
              <li key={l.slug} className="row center" data-revoked={l.revoked_at ? "true" : undefined}>
                <input className="grow mono" readOnly aria-label={l.pinned ? "Pinned link" : "Following link"} value={url} onFocus={(e) => e.currentTarget.select()} />
                <span className="badge">{l.pinned ? `pinned · v${version}` : "latest"}</span>
                {l.revoked_at ? (
                  <span className="muted">revoked</span>
                ) : (
                  <button type="button" className="secondary" disabled={revoke.isPending} onClick={() => run(revoke.mutateAsync(l.slug))}>Revoke</button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}

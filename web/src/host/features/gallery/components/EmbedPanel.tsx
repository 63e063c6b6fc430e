import { useId, useState, type FormEvent } from "react";
import { errorText } from "../../../lib/query";
import type { Embed, EmbedCreated, EmbedViewer, NewEmbed } from "../../../lib/types";
import { useCreateEmbed, useEmbeds, useRevokeEmbed, useRotateEmbedSecret } from "../api/embeds";
import { embedScript, embedSnippet } from "../utils/embedSnippet";

/**
 * The owner's embeds of a published UI on other sites: make one (the sites allowed to show it,
 * who may view it, its daily runs and cost, pinned to this version or following the latest), then copy
 * its snippet and its secret (shown once); rotate a secret, revoke an embed.
 */
export function EmbedPanel({ uiId, version }: { uiId: string; version: number }) {
  const embeds = useEmbeds(uiId);
  const rotate = useRotateEmbedSecret(uiId);
  const revoke = useRevokeEmbed(uiId);
  // The embed whose secret is on show: just made, or just given a new secret.
  const [shown, setShown] = useState<{ embed: EmbedCreated; rotated: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = <T,>(p: Promise<T>, then?: (v: T) => void) => {
    setError(null);
    p.then(then, (e: unknown) => setError(errorText(e)));
  };
  const items = embeds.data?.items ?? [];
  return (
    <section className="stack embed-panel" aria-label="Embeds">
      <NewEmbedForm uiId={uiId} version={version} onCreated={(embed) => setShown({ embed, rotated: false })} />
      {shown && <CreatedEmbed created={shown.embed} rotated={shown.rotated} />}
      {embeds.isPending && <p aria-busy="true">Loading…</p>}
      {embeds.error && <p role="alert" className="error">{errorText(embeds.error)}</p>}
      {items.length > 0 && (
        <ul className="embed-list" aria-label="Embeds of this UI">
          {items.map((e) => (
            <EmbedItem
              key={e.id}
              embed={e}
              busy={rotate.isPending || revoke.isPending}
              onRotate={() => act(rotate.mutateAsync(e.id), (embed) => setShown({ embed, rotated: true }))}
              onRevoke={() => act(revoke.mutateAsync(e.id), () => setShown((s) => (s?.embed.id === e.id ? null : s)))}
            />
          ))}
        </ul>
      )}
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}


function NewEmbedForm({ uiId, version, onCreated }: { uiId: string; version: number; onCreated: (e: EmbedCreated) => void }) {
  const create = useCreateEmbed(uiId);
  const [origins, setOrigins] = useState("");
  const [viewer, setViewer] = useState<EmbedViewer>("anonymous");
  const [dailyRuns, setDailyRuns] = useState("100");
  const [perViewer, setPerViewer] = useState("");
  const [maxCost, setMaxCost] = useState("");
  const [pinned, setPinned] = useState(false);
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const embed: NewEmbed = { allowed_origins: origins.split("\n").map((o) => o.trim()).filter(Boolean), viewer, daily_runs: Number(dailyRuns) };
    // An empty cap is none; anything else goes as typed, for the server to check.
    if (perViewer.trim() !== "") embed.max_runs_per_viewer_per_day = Number(perViewer);
    if (maxCost.trim() !== "") embed.max_cost_per_day = Number(maxCost);
    if (pinned) embed.version = version;
    create.mutate(embed, { onSuccess: onCreated });
  };
  return (
    <form className="stack" aria-label="New embed" onSubmit={submit}>
      <label>Allowed origins, one per line
        <textarea className="mono" rows={2} value={origins} onChange={(e) => setOrigins(e.target.value)} placeholder="https://www.example.com" aria-describedby={`${id}-origins`} spellCheck={false} autoCapitalize="off" />
      </label>
      <p id={`${id}-origins`} className="muted">Only pages of these sites may show the UI: scheme, host and port, no path.</p>
      <fieldset className="choices">
        <legend>Who may view it</legend>
        <label className="inline"><input type="radio" name={`${id}-viewer`} checked={viewer === "anonymous"} onChange={() => setViewer("anonymous")} /> Anyone visiting those pages</label>
        <label className="inline"><input type="radio" name={`${id}-viewer`} checked={viewer === "verified"} onChange={() => setViewer("verified")} /> Only users your site signs (HMAC)</label>
      </fieldset>
      <div className="row fields">
        <label className="grow">Runs per day
          <input type="number" inputMode="numeric" min="1" max="1000000" step="1" required value={dailyRuns} onChange={(e) => setDailyRuns(e.target.value)} />
        </label>
        <label className="grow">Runs per viewer per day (optional)
          <input type="number" inputMode="numeric" min="1" step="1" value={perViewer} onChange={(e) => setPerViewer(e.target.value)} />
        </label>
        <label className="grow">Max cost per day in $ (optional)
          <input type="number" inputMode="decimal" min="0" step="any" value={maxCost} onChange={(e) => setMaxCost(e.target.value)} />
        </label>
      </div>
      <label className="inline"><input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.target.checked)} /> Pin to version {version}</label>
      <div>
        <button type="submit" disabled={create.isPending}>{create.isPending ? "Creating…" : "Create embed"}</button>
      </div>
      {create.error && <p role="alert" className="error">{errorText(create.error)}</p>}
    </form>
  );
}

/** A new embed's (or a new secret's) snippet and secret: the secret is never shown again. */
function CreatedEmbed({ created, rotated }: { created: EmbedCreated; rotated: boolean }) {
  const id = useId();
  return (
    <div className="stack embed-created">
      <p role="status" className="saved">{rotated ? "The embed has a new secret; the old one no longer works." : "Embed created."}</p>
      <label>Embed snippet
        <textarea className="mono snippet" readOnly rows={created.viewer === "verified" ? 6 : 3} value={embedSnippet(location.origin, created)} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <label>Embed secret
        <input className="mono" readOnly value={created.secret} aria-describedby={`${id}-secret`} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <p id={`${id}-secret`} className="muted">
        Shown only once: keep it on your server.{" "}
        {created.viewer === "verified" ? "It signs your users' ids (data-user-hash)." : "Anonymous embeds need it only if you make them verified later."}
      </p>
    </div>
  );
}

function EmbedItem({ embed: e, busy, onRotate, onRevoke }: { embed: Embed; busy: boolean; onRotate: () => void; onRevoke: () => void }) {
  const revoked = e.revoked_at !== null;
  return (
    <li className="stack embed-item" data-embed-id={e.id} data-revoked={revoked ? "true" : undefined}>
      <p className="mono embed-origins">{e.allowed_origins.join(" ")}</p>
      <div className="row center">
        <span className="badge">{e.viewer === "verified" ? "verified viewers" : "anyone"}</span>
        <span className="badge">{e.pinned ? `pinned · v${e.version ?? "?"}` : "follows latest"}</span>
        <span className="muted">
          {e.daily_runs} runs a day{e.max_runs_per_viewer_per_day !== null ? `, ${e.max_runs_per_viewer_per_day} per viewer` : ""}
          {e.max_cost_per_day !== null ? `, at most $${e.max_cost_per_day} a day` : ""}
        </span>
        {revoked && <span className="badge bad">revoked</span>}
      </div>
      {!revoked && (
        <input className="mono" readOnly aria-label="Snippet of this embed" value={embedScript(location.origin, e)} onFocus={(ev) => ev.currentTarget.select()} />
      )}
      {!revoked && (
        <div className="row center">
          <button type="button" className="secondary" disabled={busy} onClick={onRotate}>Rotate secret</button>
          <button type="button" className="secondary danger" disabled={busy} onClick={onRevoke}>Revoke</button>
        </div>
      )}
    </li>
  );
}

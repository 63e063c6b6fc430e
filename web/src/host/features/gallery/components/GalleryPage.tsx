import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { errorText, pagedItems } from "../../../lib/query";
import { Link, navigate, useLocation } from "../../../lib/router";
import { getSession } from "../../../lib/session";
import { BudgetPanel } from "./BudgetPanel";
import { EmbedPanel } from "./EmbedPanel";
import { SharePanel } from "./SharePanel";
import type { CustomUiSummary } from "../../../lib/types";
import { useGallery, useRateUi, useRemix, type Scope, type Sort } from "../api/gallery";

const KINDS = { all: "All kinds", react: "React", template: "HTML template", "json-schema": "JSON-Schema form" } as const;

const SORTS = { recent: "Most recent", use_count: "Most used", rating: "Best rated" } as const;

type Kind = keyof typeof KINDS;
interface Filters {
  scope: Scope;
  q: string;
  kind: Kind;
  sort: Sort;
}

const pick = <T extends string>(v: string | null, allowed: Record<T, unknown>, fallback: T): T =>
  v !== null && Object.hasOwn(allowed, v) ? (v as T) : fallback;

/** The filters kept in the query string, so a reload, a shared link or Back restores them. */
function parseFilters(search: string): Filters {
  const p = new URLSearchParams(search);
  return {
    scope: p.get("scope") === "featured" ? "featured" : "public",
    q: p.get("q") ?? "",
    kind: pick(p.get("kind"), KINDS, "all"),
    sort: pick(p.get("sort"), SORTS, "recent"),
  };
}

function filtersUrl(f: Filters): string {
  const p = new URLSearchParams();
  if (f.scope !== "public") p.set("scope", f.scope);
  if (f.q.trim()) p.set("q", f.q.trim());
  if (f.kind !== "all") p.set("kind", f.kind);
  if (f.sort !== "recent") p.set("sort", f.sort);
  const qs = p.toString();
  return qs ? `/gallery?${qs}` : "/gallery";
}

/** Draws a UI's live thumbnail (the runner's frame, given by the app: features do not import each other). */
export type RenderThumbnail = (uiId: string) => ReactNode;

/** `/gallery`: public and featured custom UIs with live thumbnails; search, filter, sort, rate, open, remix; paged. */
export function GalleryPage({ thumbnail }: { thumbnail?: RenderThumbnail }) {
  const { search } = useLocation();
  const filters = parseFilters(search);
  const { scope, kind, sort } = filters;
  const query = filters.q.trim();
  const [q, setQ] = useState(filters.q);
  const gallery = useGallery(scope, query, sort);
  const items = pagedItems(gallery.data?.pages);
  const total = gallery.data?.pages.at(-1)?.total ?? 0;
  const loadingMore = gallery.isFetchingNextPage;
  const error = gallery.error ? errorText(gallery.error) : null;

  const update = (p: Partial<Filters>, replace = false) => navigate(filtersUrl({ ...filters, ...p }), replace);

  // The search box follows the URL when it changes from outside (Back, a link).
  const lastUrlQ = useRef(filters.q);
  useEffect(() => {
    if (filters.q !== lastUrlQ.current) {
      lastUrlQ.current = filters.q;
      setQ(filters.q);
    }
  }, [filters.q]);
  // Typing updates the URL after a pause, replacing the entry rather than adding one per key.
  useEffect(() => {
    if (q.trim() === query) return;
    const t = setTimeout(() => {
      lastUrlQ.current = q.trim();
      navigate(filtersUrl({ ...parseFilters(location.search), q }), true);
    }, 300);
    return () => clearTimeout(t);
  }, [q, query]);

  const loadMore = () => void gallery.fetchNextPage();

  const shown = items?.filter((u) => kind === "all" || u.component_type === kind) ?? null;
  const more = gallery.hasNextPage;
  return (
    <main className="page wide stack">
      <h1>Gallery</h1>
      <div className="row center filters" role="search">
        <div role="tablist" aria-label="Which UIs" className="tabs">
          {(["public", "featured"] as const).map((s) => (
            <button key={s} type="button" role="tab" aria-selected={scope === s} className={scope === s ? "tab active" : "tab"} onClick={() => update({ scope: s })}>
              {s === "public" ? "All public" : "Featured"}
            </button>
          ))}
        </div>
        <input type="search" aria-label="Search the gallery" placeholder="Search names and descriptions" value={q} onChange={(e) => setQ(e.target.value)} />
        <label className="inline">Kind
          <select value={kind} onChange={(e) => update({ kind: e.target.value as Kind })}>
            {Object.entries(KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
          </select>
        </label>
        <label className="inline">Sort by
          <select value={sort} onChange={(e) => update({ sort: e.target.value as Sort })}>
            {Object.entries(SORTS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
          </select>
        </label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {shown === null ? <p aria-busy="true">Loading…</p> : shown.length === 0 && !more ? (
        <p className="muted">{query || kind !== "all" ? "Nothing matches. Try other words or filters." : scope === "featured" ? "No featured UIs yet." : "No public UIs yet. Publish one from its editor."}</p>
      ) : (
        <>
          <ul className="cards" aria-label="Custom UIs">
            {shown.map((u) => <GalleryCard key={u.id} ui={u} thumbnail={thumbnail} />)}
          </ul>
          <div className="row center">
            <p className="muted grow" role="status" data-testid="gallery-count">
              {kind === "all" ? `Showing ${shown.length} of ${total}` : `${shown.length} ${KINDS[kind]} ${shown.length === 1 ? "UI" : "UIs"} in the ${items?.length ?? 0} of ${total} loaded so far`}
            </p>
            {more && <button type="button" className="secondary" disabled={loadingMore} onClick={loadMore}>{loadingMore ? "Loading…" : "Load more"}</button>}
          </div>
        </>
      )}
    </main>
  );
}

function Stars({ avg, count }: { avg: number | null | undefined; count: number }) {
  if (!count || avg == null) return <span className="muted">No ratings yet</span>;
  const full = Math.round(avg);
  return (
    <span className="stars" aria-label={`Rated ${avg.toFixed(1)} out of 5 by ${count} ${count === 1 ? "person" : "people"}`}>
      <span aria-hidden="true">{"★".repeat(full)}{"☆".repeat(5 - full)}</span> {avg.toFixed(1)} ({count})
    </span>
  );
}

function GalleryCard({ ui, thumbnail }: { ui: CustomUiSummary; thumbnail: RenderThumbnail | undefined }) {
  const [rating, setRating] = useState(0);
  const [feedback, setFeedback] = useState("");
  const [open, setOpen] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [budgeting, setBudgeting] = useState(false);
  const [embedding, setEmbedding] = useState(false);
  const mine = getSession()?.user.id === ui.user_id;
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rateUi = useRateUi();
  const remix = useRemix();
  const busy = rateUi.isPending || remix.isPending || remix.isSuccess;
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rating) return setError("Pick 1 to 5 stars.");
    setError(null);
    try {
      await rateUi.mutateAsync({ id: ui.id, rating, feedback });
      setStatus("Thanks — your rating is saved.");
      setOpen(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const doRemix = async () => {
    setError(null);
    try {
      const copy = await remix.mutateAsync(ui.id);
      navigate(`/uis/${copy.id}/edit`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <li className="card stack gallery-card" aria-labelledby={`${id}-name`} data-ui-id={ui.id}>
      <div className="row center">
        <h2 id={`${id}-name`} className="grow">{ui.name}</h2>
        {ui.is_featured && <span className="badge ok">featured</span>}
        <span className="badge">{ui.component_type}</span>
        {ui.version > 1 && <span className="badge" title={`Version ${ui.version}`}>v{ui.version}</span>}
      </div>
      {thumbnail?.(ui.id)}
      {ui.description && <p className="muted clamp">{ui.description}</p>}
      <div className="row center muted">
        <Stars avg={ui.rating_avg} count={ui.rating_count ?? 0} />
        <span aria-label={`Used ${ui.use_count} times`}>· {ui.use_count} {ui.use_count === 1 ? "use" : "uses"}</span>
      </div>
      <div className="row center">
        <Link className="button" href={`/ui/${ui.id}`}>Open</Link>
        <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>Rate</button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void doRemix()}>Remix</button>
        {mine && <button type="button" className="secondary" aria-expanded={sharing} onClick={() => setSharing((s) => !s)}>Share</button>}
        {mine && <button type="button" className="secondary" aria-expanded={budgeting} onClick={() => setBudgeting((b) => !b)}>Budget</button>}
        {mine && <button type="button" className="secondary" aria-expanded={embedding} onClick={() => setEmbedding((v) => !v)}>Embed</button>}
      </div>
      {mine && sharing && <SharePanel uiId={ui.id} version={ui.version} />}
      {mine && budgeting && <BudgetPanel uiId={ui.id} />}
      {mine && embedding && <EmbedPanel uiId={ui.id} version={ui.version} />}
      {open && (
        <form className="stack" aria-label={`Rate ${ui.name}`} onSubmit={submit}>
          <fieldset className="stars-input">
            <legend>Your rating</legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className="inline">
                <input type="radio" name={`${id}-rating`} value={n} checked={rating === n} onChange={() => setRating(n)} /> {n} star{n > 1 ? "s" : ""}
              </label>
            ))}
          </fieldset>
          <label>Feedback (optional)<textarea rows={2} value={feedback} onChange={(e) => setFeedback(e.target.value)} /></label>
          <div><button type="submit" disabled={busy}>Save rating</button></div>
        </form>
      )}
      {status && <p role="status" className="muted">{status}</p>}
      {error && <p role="alert" className="error">{error}</p>}
    </li>
  );
}

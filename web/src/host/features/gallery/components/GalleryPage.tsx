import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link, navigate, useLocation } from "../../../lib/router";
import type { CustomUiSummary } from "../../../lib/types";
import { listGallery, rateUi, remix, type Scope, type Sort } from "../api/gallery";

const KINDS = { all: "All kinds", react: "React", template: "HTML template", "json-schema": "JSON-Schema form" } as const;

const SORTS = { recent: "Most recent", use_count: "Most used", rating: "Best rated" } as const;
/** Items fetched per page ("Load more" fetches the next one). */
export const PAGE_SIZE = 24;

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

/** `/gallery`: public and featured custom UIs; search, filter, sort, rate, open, remix; paged. */
export function GalleryPage() {
  const { search } = useLocation();
  const filters = parseFilters(search);
  const { scope, kind, sort } = filters;
  const query = filters.q.trim();
  const [q, setQ] = useState(filters.q);
  const [items, setItems] = useState<CustomUiSummary[] | null>(null);
  const [total, setTotal] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const loaded = useRef(0);

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

  // A new filter starts from the first page; a reload (after rating) refreshes what is shown.
  useEffect(() => {
    loaded.current = 0;
    setItems(null);
  }, [scope, query, sort]);
  useEffect(() => {
    let live = true;
    setError(null);
    listGallery(scope, query, sort, Math.max(PAGE_SIZE, loaded.current)).then((p) => {
      if (!live) return;
      loaded.current = p.items.length;
      setItems(p.items);
      setTotal(p.total);
    }, (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [scope, query, sort, reload]);

  const loadMore = async () => {
    setLoadingMore(true);
    setError(null);
    try {
      const p = await listGallery(scope, query, sort, PAGE_SIZE, loaded.current);
      const seen = new Set(items?.map((u) => u.id));
      const next = [...(items ?? []), ...p.items.filter((u) => !seen.has(u.id))];
      loaded.current = next.length;
      setItems(next);
      setTotal(p.total);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const shown = items?.filter((u) => kind === "all" || u.component_type === kind) ?? null;
  const more = items !== null && items.length < total;
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
            {shown.map((u) => <GalleryCard key={u.id} ui={u} onRated={() => setReload((n) => n + 1)} />)}
          </ul>
          <div className="row center">
            <p className="muted grow" role="status" data-testid="gallery-count">
              {kind === "all" ? `Showing ${shown.length} of ${total}` : `${shown.length} ${KINDS[kind]} ${shown.length === 1 ? "UI" : "UIs"} in the ${items?.length ?? 0} of ${total} loaded so far`}
            </p>
            {more && <button type="button" className="secondary" disabled={loadingMore} onClick={() => void loadMore()}>{loadingMore ? "Loading…" : "Load more"}</button>}
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

function GalleryCard({ ui, onRated }: { ui: CustomUiSummary; onRated: () => void }) {
  const [rating, setRating] = useState(0);
  const [feedback, setFeedback] = useState("");
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rating) return setError("Pick 1 to 5 stars.");
    setBusy(true);
    setError(null);
    try {
      await rateUi(ui.id, rating, feedback);
      setStatus("Thanks — your rating is saved.");
      setOpen(false);
      onRated();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const doRemix = async () => {
    setBusy(true);
    setError(null);
    try {
      const copy = await remix(ui.id);
      navigate(`/uis/${copy.id}/edit`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <li className="card stack gallery-card" aria-labelledby={`${id}-name`}>
      <div className="row center">
        <h2 id={`${id}-name`} className="grow">{ui.name}</h2>
        {ui.is_featured && <span className="badge ok">featured</span>}
        <span className="badge">{ui.component_type}</span>
      </div>
      {ui.description && <p className="muted clamp">{ui.description}</p>}
      <div className="row center muted">
        <Stars avg={ui.rating_avg} count={ui.rating_count ?? 0} />
        <span aria-label={`Used ${ui.use_count} times`}>· {ui.use_count} {ui.use_count === 1 ? "use" : "uses"}</span>
      </div>
      <div className="row center">
        <Link className="button" href={`/ui/${ui.id}`}>Open</Link>
        <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>Rate</button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void doRemix()}>Remix</button>
      </div>
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

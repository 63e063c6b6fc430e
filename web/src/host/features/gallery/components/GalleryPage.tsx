import { useEffect, useId, useState, type FormEvent } from "react";
import { Link, navigate } from "../../../lib/router";
import type { CustomUi } from "../../../lib/types";
import { listGallery, rateUi, remix, type Scope, type Sort } from "../api/gallery";

const KINDS = { all: "All kinds", react: "React", template: "HTML template", "json-schema": "JSON-Schema form" } as const;

/** `/gallery`: public and featured custom UIs; search, filter, sort, rate, open, remix. */
export function GalleryPage() {
  const [scope, setScope] = useState<Scope>("public");
  const [sort, setSort] = useState<Sort>("recent");
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const [kind, setKind] = useState<keyof typeof KINDS>("all");
  const [items, setItems] = useState<CustomUi[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const t = setTimeout(() => setQuery(q), 300);
    return () => clearTimeout(t);
  }, [q]);
  useEffect(() => {
    let live = true;
    setError(null);
    listGallery(scope, query, sort).then((p) => live && setItems(p.items), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [scope, query, sort, reload]);

  const shown = items?.filter((u) => kind === "all" || u.component_type === kind) ?? null;
  return (
    <main className="page wide stack">
      <h1>Gallery</h1>
      <div className="row center filters" role="search">
        <div role="tablist" aria-label="Which UIs" className="tabs">
          {(["public", "featured"] as const).map((s) => (
            <button key={s} type="button" role="tab" aria-selected={scope === s} className={scope === s ? "tab active" : "tab"} onClick={() => setScope(s)}>
              {s === "public" ? "All public" : "Featured"}
            </button>
          ))}
        </div>
        <input type="search" aria-label="Search the gallery" placeholder="Search names and descriptions" value={q} onChange={(e) => setQ(e.target.value)} />
        <label className="inline">Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as keyof typeof KINDS)}>
            {Object.entries(KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
          </select>
        </label>
        <label className="inline">Sort by
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="recent">Most recent</option>
            <option value="use_count">Most used</option>
            <option value="rating">Best rated</option>
          </select>
        </label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {shown === null ? <p aria-busy="true">Loading…</p> : shown.length === 0 ? (
        <p className="muted">{query || kind !== "all" ? "Nothing matches. Try other words or filters." : scope === "featured" ? "No featured UIs yet." : "No public UIs yet. Publish one from its editor."}</p>
      ) : (
        <ul className="cards" aria-label="Custom UIs">
          {shown.map((u) => <GalleryCard key={u.id} ui={u} onRated={() => setReload((n) => n + 1)} />)}
        </ul>
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

function GalleryCard({ ui, onRated }: { ui: CustomUi; onRated: () => void }) {
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

import { useEffect, useState } from "react";
import { errorText, pagedItems } from "../../../lib/query";
import { Link } from "../../../lib/router";
import type { RunPatch, RunSummary } from "../../../lib/types";
import { usePatchRun, useRunList, type RunFilter } from "../api/runs";

export const money = (n: number | null | undefined) => (n ? `$${n < 0.01 ? n.toFixed(6) : n.toFixed(4)}` : "$0");
export const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : "–");

/** `/runs`: the user's run history; filter, search, star, archive, delete. */
export function RunsPage() {
  const [filter, setFilter] = useState<RunFilter>({ status: "", starred: false, q: "" });
  const [q, setQ] = useState("");
  const list = useRunList(filter);
  const patchRun = usePatchRun();
  const runs = pagedItems(list.data?.pages);
  const total = list.data?.pages.at(-1)?.total ?? 0;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (list.error ? errorText(list.error) : null);

  useEffect(() => {
    const t = setTimeout(() => setFilter((f) => ({ ...f, q })), 300);
    return () => clearTimeout(t);
  }, [q]);
  const more = () => {
    setError(null);
    void list.fetchNextPage();
  };

  const update = async (run: RunSummary, patch: RunPatch) => {
    setError(null);
    try {
      await patchRun.mutateAsync({ id: run.id, patch });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <main className="page wide stack">
      <div className="row center">
        <h1>Runs</h1>
        <span className="muted">{runs ? `${total} run${total === 1 ? "" : "s"}` : ""}</span>
      </div>
      <div className="row center filters" role="search">
        <input type="search" aria-label="Search runs" placeholder="Search by name" value={q} onChange={(e) => setQ(e.target.value)} />
        <label className="inline">Status
          <select value={filter.status} onChange={(e) => setFilter((f) => ({ ...f, status: e.target.value as RunFilter["status"] }))}>
            <option value="">Active and archived</option>
            <option value="active">Active</option>
            <option value="archived">Archived</option>
            <option value="deleted">Deleted</option>
          </select>
        </label>
        <label className="inline"><input type="checkbox" checked={filter.starred} onChange={(e) => setFilter((f) => ({ ...f, starred: e.target.checked }))} /> Starred only</label>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {runs === null ? <p aria-busy="true">Loading…</p> : runs.length === 0 ? (
        <p className="muted">{filter.q || filter.starred || filter.status ? "No runs match these filters." : "No runs yet. Run a prompt or a custom UI and it shows up here."}</p>
      ) : (
        <div className="table-wrap">
          <table className="runs">
            <thead>
              <tr><th scope="col"><span className="sr-only">Starred</span></th><th scope="col">Name</th><th scope="col">Source</th><th scope="col">Model</th><th scope="col">Tokens</th><th scope="col">Cost</th><th scope="col">Last activity</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-testid="run-row">
                  <td>
                    <button type="button" className="ghost star" aria-pressed={r.is_starred === true} aria-label={`Star ${r.name || "run"}`} onClick={() => void update(r, { is_starred: !r.is_starred })}>
                      {r.is_starred ? "★" : "☆"}
                    </button>
                  </td>
                  <td data-label="Name"><Link href={`/runs/${r.id}`}>{r.name || "Untitled run"}</Link></td>
                  <td data-label="Source">{r.source_type}</td>
                  <td data-label="Model">{r.model_id || "–"}</td>
                  <td data-label="Tokens">{r.total_tokens}</td>
                  <td data-label="Cost">{money(r.total_cost)}</td>
                  <td data-label="Last activity">{when(r.last_message_at ?? r.created_at)}</td>
                  <td data-label="Status"><span className={`badge ${r.status === "active" ? "ok" : r.status === "deleted" ? "bad" : ""}`}>{r.status}</span></td>
                  <td className="actions">
                    {r.status === "active" ? (
                      <button type="button" className="ghost" onClick={() => void update(r, { status: "archived" })}>Archive</button>
                    ) : (
                      <button type="button" className="ghost" onClick={() => void update(r, { status: "active" })}>Restore</button>
                    )}
                    {r.status !== "deleted" && (
                      <button type="button" className="ghost danger" onClick={() => window.confirm(`Delete “${r.name || "this run"}”?`) && void update(r, { status: "deleted" })}>Delete</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs && list.hasNextPage && (
        <div>
          <button type="button" className="secondary" disabled={list.isFetchingNextPage} onClick={more}>Load more ({total - runs.length} left)</button>
        </div>
      )}
    </main>
  );
}

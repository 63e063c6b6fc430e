import { javascript } from "@codemirror/lang-javascript";
import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { useEffect, useRef, useState } from "react";
import { cspNonce } from "../../../lib/csp";
import { errorText } from "../../../lib/query";
import { navigate } from "../../../lib/router";
import type { PromptCustomUi, CustomUiSummary } from "../../../lib/types";
import { useNewVersion, useUi, useVersions } from "../api/customUis";
import { settingChanges } from "../utils/versionDiff";

/** A version's full record (the list has summaries only); the edited one is `current`. */
function useFullVersion(id: string, current: PromptCustomUi): { ui: PromptCustomUi | null; error: unknown } {
  const other = id !== current.id;
  const q = useUi(id, other);
  if (!other) return { ui: current, error: null };
  return { ui: q.data ?? null, error: q.error };
}

/** The version chain: compare any two versions' code side by side and their settings, restore an older one. */
export function VersionsPanel({ ui }: { ui: PromptCustomUi }) {
  const list = useVersions(ui.id, ui.updated_at);
  const versions = list.data ?? null;
  const newVersion = useNewVersion(ui.id);
  const [picked, setPicked] = useState<{ a: string; b: string } | null>(null);
  // Until the user picks, compare the edited version with the one before it.
  const idx = versions?.findIndex((v) => v.id === ui.id) ?? -1;
  const a = picked?.a ?? versions?.[Math.max(0, idx - 1)]?.id ?? ui.id;
  const b = picked?.b ?? ui.id;
  const setA = (id: string) => setPicked({ a: id, b });
  const setB = (id: string) => setPicked({ a, b: id });
  const [actionError, setError] = useState<string | null>(null);
  const left = useFullVersion(a, ui);
  const right = useFullVersion(b, ui);
  const failed = list.error ?? left.error ?? right.error;
  const error = actionError ?? (failed ? errorText(failed) : null);

  const restore = async (v: CustomUiSummary) => {
    if (!window.confirm(`Make a new version from v${v.version ?? "?"}?`)) return;
    try {
      const created = await newVersion.mutateAsync({ from: v.id });
      navigate(`/uis/${created.id}/edit`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="card stack" aria-label="Versions">
      <h2>Versions</h2>
      {error && <p role="alert" className="error">{error}</p>}
      {versions === null ? <p aria-busy="true">Loading…</p> : (
        <>
          <ul className="list plain">
            {versions.map((v) => (
              <li key={v.id} className="row center">
                <strong>v{v.version ?? "?"}</strong>
                <span className="muted">{v.status}{v.is_public ? " · public" : ""} · {v.updated_at ? new Date(v.updated_at).toLocaleString() : ""}</span>
                <span className="spacer" />
                {v.id === ui.id ? <span className="badge">editing</span> : (
                  <>
                    <button type="button" className="ghost" onClick={() => navigate(`/uis/${v.id}/edit`)}>Edit v{v.version}</button>
                    <button type="button" className="ghost" onClick={() => void restore(v)}>Roll back to v{v.version}</button>
                  </>
                )}
              </li>
            ))}
          </ul>
          {versions.length > 1 && (
            <>
              <div className="row center">
                <label className="inline">Compare<select aria-label="Older version" value={a} onChange={(e) => setA(e.target.value)}>{versions.map((v) => <option key={v.id} value={v.id}>v{v.version}</option>)}</select></label>
                <label className="inline">with<select aria-label="Newer version" value={b} onChange={(e) => setB(e.target.value)}>{versions.map((v) => <option key={v.id} value={v.id}>v{v.version}</option>)}</select></label>
              </div>
              {left.ui && right.ui && (
                <>
                  <Diff a={left.ui.component_code} b={right.ui.component_code} />
                  <SettingsDiff a={left.ui} b={right.ui} />
                </>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

function Diff({ a, b }: { a: string; b: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const ext = [javascript({ jsx: true, typescript: true }), EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.cspNonce.of(cspNonce())];
    const view = new MergeView({ a: { doc: a, extensions: ext }, b: { doc: b, extensions: ext }, parent: host.current, collapseUnchanged: { margin: 2, minSize: 4 } });
    return () => view.destroy();
  }, [a, b]);
  return <div ref={host} className="diff" aria-label="Differences between the versions" data-testid="version-diff" />;
}

function SettingsDiff({ a, b }: { a: PromptCustomUi; b: PromptCustomUi }) {
  const changes = settingChanges(a, b);
  const label = `Settings changed from v${a.version ?? "?"} to v${b.version ?? "?"}`;
  return (
    <section className="stack settings-diff" aria-label={label} data-testid="settings-diff">
      <h3>Settings</h3>
      {changes.length === 0 ? <p className="muted">No settings changed.</p> : (
        <ul className="list plain">
          {changes.map((c) => (
            <li key={c.field}>
              <code>{c.field}</code>: <span className="sr-only">changed from</span> <del><code>{c.before}</code></del> <span aria-hidden="true">→</span><span className="sr-only">to</span> <ins><code>{c.after}</code></ins>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// `/uis/{id}/edit`: the custom UI editor. Loaded lazily (it brings CodeMirror).
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { asObject, type ComponentType, type ExecutionMode } from "../../../../shared/protocol";
import { ApiError } from "../../../lib/api";
import { errorText } from "../../../lib/query";
import { Link, navigate } from "../../../lib/router";
import type { CustomUiWithPrompt, ValidateInput, ValidationIssue } from "../../../lib/types";
import { useDebounced } from "../../../shared/hooks/useDebounced";
import { useNewVersion, usePublishUi, useQuarantine, useStarterTemplates, useUi, useUpdateUi, useValidation } from "../api/customUis";
import { formOf, patchOf, type Layout, type UiForm } from "../utils/form";
import { CodeEditor, type CodeEditorHandle, type Language } from "./CodeEditor";
import { VersionsPanel } from "./VersionsPanel";

const MODES: { value: ExecutionMode; label: string }[] = [
  { value: "manual", label: "Manual (the component does everything)" },
  { value: "auto-run", label: "Auto-run, with follow-ups" },
  { value: "auto-run-one-shot", label: "Auto-run once" },
  { value: "manual-with-hidden-variables", label: "Manual, variables hidden" },
  { value: "manual-with-visible-variables", label: "Manual, variables visible" },
];
const LANG: Record<ComponentType, Language> = { react: "tsx", template: "html", "json-schema": "json" };

export type PreviewRenderer = (ui: CustomUiWithPrompt) => ReactNode;

export default function UiEditorPage({ id, preview }: { id: string; preview: PreviewRenderer }) {
  const { data: ui, error } = useUi(id);
  if (error) return <main className="page"><p role="alert" className="error">{errorText(error)}</p><Link href="/">Back to your prompts</Link></main>;
  if (!ui) return <main className="page"><p aria-busy="true">Loading the editor…</p></main>;
  return <Editor key={ui.id} initial={ui} preview={preview} />;
}

function Editor({ initial, preview }: { initial: CustomUiWithPrompt; preview: PreviewRenderer }) {
  const [ui, setUi] = useState(initial);
  const [form, setForm] = useState<UiForm>(() => formOf(initial));
  const [serverIssues, setServerIssues] = useState<ValidationIssue[]>(initial.validation_errors ?? []);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(initial.status === "draft");
  const templates = useStarterTemplates().data ?? [];
  const updateUi = useUpdateUi(initial.id);
  const publishUi = usePublishUi(initial.id);
  const newVersion = useNewVersion(initial.id);
  const editor = useRef<CodeEditorHandle | null>(null);
  const { patch, issues: jsonIssues } = patchOf(form);
  const savedPatch = JSON.stringify(patchOf(formOf(ui)).patch);
  const dirty = JSON.stringify(patch) !== savedPatch;
  const issues = [...serverIssues, ...jsonIssues];
  const valid = serverIssues.length === 0 && jsonIssues.length === 0;

  const set = (p: Partial<UiForm>) => {
    setMessage(null);
    setForm((f) => ({ ...f, ...p }));
  };

  // Inline checks as you type: the server's validation of the code, its kind and its props, a
  // moment after the last change.
  const props = asObject(patch.props_schema);
  const defaults = asObject(patch.default_props);
  const input: ValidateInput | null = jsonIssues.length > 0 ? null : {
    component_code: form.component_code,
    component_type: form.component_type,
    prompt_id: ui.prompt_id,
    ...(props && Object.keys(props).length ? { props_schema: props } : {}),
    ...(defaults && Object.keys(defaults).length ? { default_props: defaults } : {}),
  };
  const inputKey = input ? JSON.stringify(input) : null;
  const settledKey = useDebounced(inputKey, 400);
  const validation = useValidation(settledKey === inputKey && settledKey ? (JSON.parse(settledKey) as ValidateInput) : null);
  const checking = validation.isFetching;
  useEffect(() => {
    if (validation.data && !validation.isPlaceholderData) setServerIssues(validation.data.validation_errors);
  }, [validation.data, validation.isPlaceholderData]);
  useEffect(() => {
    if (validation.error) setError(`Could not check the code: ${errorText(validation.error)}`);
  }, [validation.error]);

  const save = useCallback(async (): Promise<CustomUiWithPrompt | null> => {
    if (jsonIssues.length) {
      setError("Fix the JSON fields first.");
      return null;
    }
    const saved = await updateUi.mutateAsync(patch);
    const next = { ...ui, ...saved };
    setUi(next);
    return next;
  }, [jsonIssues.length, patch, ui, updateUi]);

  const act = async (name: string, f: () => Promise<void>) => {
    setBusy(name);
    setError(null);
    setMessage(null);
    try {
      await f();
    } catch (e) {
      if (e instanceof ApiError && Array.isArray((e.details as { validation_errors?: unknown } | undefined)?.validation_errors)) {
        setServerIssues((e.details as { validation_errors: ValidationIssue[] }).validation_errors);
      }
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  // Live preview: a valid draft is saved a moment after the last change, and the preview reloads.
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    if (!live || !dirty || !valid || checking || ui.status !== "draft") return;
    const timer = setTimeout(() => {
      saveRef.current().catch((e: Error) => setError(e.message));
    }, 800);
    return () => clearTimeout(timer);
  }, [live, dirty, valid, checking, ui.status, form]);

  const onKey = (e: React.KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s") {
      e.preventDefault();
      void act("save", async () => {
        if (await save()) setMessage("Saved.");
      });
    }
  };

  return (
    <main className="page wide stack" onKeyDown={onKey}>
      <div className="row center">
        <h1>{ui.name}</h1>
        <span className={`badge ${ui.status === "active" ? "ok" : ui.status === "draft" ? "warn" : ""}`}>{ui.status}</span>
        <span className="badge">v{ui.version ?? 1}</span>
        {ui.is_public && <span className="badge ok">public</span>}
        <span className="spacer" />
        <Link href={`/prompts/${ui.prompt_id}`}>Prompt: {ui.prompt.name}</Link>
        <Link href={`/ui/${ui.id}`}>Open in the runner</Link>
      </div>
      <QuarantineNotice id={ui.id} />
      <div className="editor-split">
        <section className="card stack" aria-label="Code">
          <div className="grid">
            <label>UI name<input name="ui_name" required value={form.name} onChange={(e) => set({ name: e.target.value })} /></label>
            <label>
              Kind
              <select name="component_type" value={form.component_type} onChange={(e) => set({ component_type: e.target.value as ComponentType })}>
                <option value="react">React (TSX)</option>
                <option value="template">HTML template</option>
                <option value="json-schema">JSON-Schema form</option>
              </select>
            </label>
            {templates.length > 0 && (
              <label>
                Start from a template
                <select
                  value=""
                  onChange={(e) => {
                    const t = templates.find((x) => x.id === e.target.value);
                    if (t && (!dirty || window.confirm(`Replace the code with the “${t.name}” template?`))) set({ component_type: "react", component_code: t.component_code });
                  }}
                >
                  <option value="">Choose…</option>
                  {templates.map((t) => <option key={t.id} value={t.id}>{t.name} ({t.category})</option>)}
                </select>
              </label>
            )}
          </div>
          <CodeEditor label="Component code" lang={LANG[form.component_type]} value={form.component_code} onChange={(component_code) => set({ component_code })} issues={serverIssues} minHeight="22em" handle={(h) => (editor.current = h)} />
          <div role="status" aria-live="polite" className="validation">
            {checking ? <span className="muted">Checking…</span> : issues.length === 0 ? <span className="badge ok">No issues</span> : (
              <ul className="issues" aria-label="Validation issues">
                {issues.map((i, n) => (
                  <li key={n}>
                    <button type="button" className="ghost" onClick={() => editor.current?.goTo(i.line, i.column)}>Line {i.line}:{i.column}</button>{" "}
                    <code>{i.rule}</code> {i.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <details open={form.component_type === "json-schema" || form.props_schema !== ""}>
            <summary>Props schema and default props (JSON)</summary>
            <div className="stack">
              <CodeEditor label="props_schema" lang="json" value={form.props_schema} onChange={(props_schema) => set({ props_schema })} minHeight="6em" />
              <CodeEditor label="default_props" lang="json" value={form.default_props} onChange={(default_props) => set({ default_props })} minHeight="4em" />
            </div>
          </details>
        </section>
        <div className="stack">
          <section className="card stack" aria-label="Behaviour">
            <h2>Behaviour and look</h2>
            <label>Description<input name="description" value={form.description} onChange={(e) => set({ description: e.target.value })} /></label>
            <label>
              Execution mode
              <select name="execution_mode" value={form.execution_mode} onChange={(e) => set({ execution_mode: e.target.value as ExecutionMode })}>
                {MODES.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
              </select>
            </label>
            <div className="row">
              <label className="inline"><input type="checkbox" name="auto_submit" checked={form.auto_submit} onChange={(e) => set({ auto_submit: e.target.checked })} /> Submit on open (auto_submit)</label>
              <label className="inline"><input type="checkbox" name="show_variables" checked={form.show_variables} onChange={(e) => set({ show_variables: e.target.checked })} /> Show variables</label>
            </div>
            <div className="grid">
              <label>
                Layout
                <select name="layout" value={form.layout} onChange={(e) => set({ layout: e.target.value as Layout })}>
                  <option value="inline">Inline</option>
                  <option value="sidebar">Sidebar</option>
                  <option value="full-screen">Full screen</option>
                </select>
              </label>
              <label>Width (px or CSS length)<input name="width" placeholder="auto" value={form.width} onChange={(e) => set({ width: e.target.value })} /></label>
            </div>
            <span className="label">Styling (JSON, e.g. {'{"theme": {"accent": "#8250df"}}'})</span>
            <CodeEditor label="styling_config" lang="json" value={form.styling} onChange={(styling) => set({ styling })} minHeight="3em" />
          </section>
          <div className="row center sticky-actions">
            <button type="button" disabled={busy !== null || !dirty} onClick={() => void act("save", async () => { if (await save()) setMessage("Draft saved."); })}>
              {busy === "save" ? "Saving…" : "Save draft"}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy !== null || !valid}
              onClick={() => void act("publish", async () => {
                if (dirty && !(await save())) return;
                const published = await publishUi.mutateAsync();
                setUi((u) => ({ ...u, ...published }));
                setLive(false);
                setMessage("Published: it is listed in the gallery.");
              })}
            >
              {busy === "publish" ? "Publishing…" : ui.status === "active" && ui.is_public ? "Publish changes" : "Publish"}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy !== null}
              onClick={() => void act("version", async () => {
                const v = await newVersion.mutateAsync({ patch: jsonIssues.length ? {} : patch });
                navigate(`/uis/${v.id}/edit`);
              })}
            >
              New version
            </button>
            <label className="inline"><input type="checkbox" checked={live} disabled={ui.status !== "draft"} onChange={(e) => setLive(e.target.checked)} /> Live preview</label>
            <span className="muted" role="status">{dirty ? "Unsaved changes" : message ?? ""}</span>
          </div>
          {error && <p role="alert" className="error">{error}</p>}
          <section className="card stack" aria-label="Preview">
            <div className="row center">
              <h2>Preview</h2>
              <span className="spacer" />
              <span className="muted">{dirty ? (live && ui.status === "draft" ? (valid ? "updating…" : "fix the issues to update") : "shows the saved version") : "up to date"}</span>
            </div>
            {ui.validated ? <div key={ui.updated_at ?? ""}>{preview(ui)}</div> : <p className="muted">The saved version has issues; fix them and save to preview it.</p>}
          </section>
          <VersionsPanel ui={ui} />
        </div>
      </div>
    </main>
  );
}

/** Tells the owner their UI was reported for loading another page in its frame, and the way back. */
function QuarantineNotice({ id }: { id: string }) {
  const { data } = useQuarantine(id);
  if (!data?.quarantined) return null;
  return (
    <p role="alert" className="error ui-quarantined">
      This version was reported {data.reports === 1 ? "by a viewer" : `by ${data.reports} viewers`}: its frame loaded another page
      ({data.reason ?? "a second document"}), which could carry what viewers typed or its answers elsewhere. It is out of the
      gallery and hidden from everyone but you. Remove the navigation (assigning <code>location</code>, <code>window.open</code>,
      links followed inside the frame, <code>&lt;meta http-equiv&gt;</code>) and publish a new version.
    </p>
  );
}

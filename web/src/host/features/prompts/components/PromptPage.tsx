import { useRef, useState, type FormEvent } from "react";
import type { ComponentType, ExecutionMode } from "../../../../shared/protocol";
import { errorText } from "../../../lib/query";
import { Link, navigate } from "../../../lib/router";
import { useAttachUi, usePrompt, usePromptUis, useStarterTemplates } from "../api/prompts";
import { RunnerForm } from "./DefaultRunner";
import { PromptEditor } from "./PromptEditor";

const MODES: ExecutionMode[] = ["manual", "auto-run", "auto-run-one-shot", "manual-with-hidden-variables", "manual-with-visible-variables"];

/** `/prompts/{id}`: the prompt editor (messages, variables, settings), its test panel and its custom UIs. */
export function PromptPage({ id }: { id: string }) {
  const { data: prompt, error } = usePrompt(id);
  const uiList = usePromptUis(id);
  const uis = uiList.data ?? (uiList.isError ? [] : null);

  if (error) return <main className="page"><p role="alert" className="error">{errorText(error)}</p><Link href="/">Back to your prompts</Link></main>;
  if (!prompt) return <main className="page"><p aria-busy="true">Loading…</p></main>;
  return (
    <main className="page wide stack">
      <div className="row center">
        <h1>{prompt.name}</h1>
        <span className="spacer" />
        <Link href={`/prompts/${id}/run`}>Open the default runner</Link>
      </div>
      <div className="split">
        <PromptEditor prompt={prompt} />
        <aside className="card test-panel" aria-label="Test panel">
          <RunnerForm key={prompt.updatedAt ?? ""} prompt={prompt} search="" title="Test" />
        </aside>
      </div>
      <section className="card">
        <h2>Custom UIs</h2>
        {uis === null ? <p aria-busy="true">Loading…</p> : uis.length === 0 ? <p className="muted">None yet. Attach one below, or start from a template.</p> : (
          <ul className="list plain">
            {uis.map((u) => (
              <li key={u.id} className="row center">
                <strong>{u.name}</strong>
                <span className="muted">v{u.version ?? 1} · {u.component_type} · {u.status} · {u.validated ? "valid" : "has issues"}</span>
                <span className="spacer" />
                <Link href={`/uis/${u.id}/edit`} aria-label={`Edit ${u.name}`}>Edit</Link>
                <Link href={`/ui/${u.id}`} aria-label={`Open ${u.name}`}>Open</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <AttachUiForm promptId={id} />
    </main>
  );
}

function json(text: string): unknown {
  return text.trim() ? JSON.parse(text) : undefined;
}

function AttachUiForm({ promptId }: { promptId: string }) {
  const templates = useStarterTemplates().data ?? [];
  const attach = useAttachUi(promptId);
  const [name, setName] = useState("");
  const [type, setType] = useState<ComponentType>("react");
  const [code, setCode] = useState("");
  const [mode, setMode] = useState<ExecutionMode>("manual");
  const [autoSubmit, setAutoSubmit] = useState(false);
  const [showVariables, setShowVariables] = useState(true);
  const [propsSchema, setPropsSchema] = useState("");
  const [defaultProps, setDefaultProps] = useState("");
  const [layout, setLayout] = useState("");
  const [styling, setStyling] = useState("");
  const [issues, setIssues] = useState<string | null>(null);


  const afterSave = useRef<"open" | "edit">("open");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setIssues(null);
    try {
      const body: Record<string, unknown> = {
        name,
        component_code: code,
        component_type: type,
        execution_mode: mode,
        auto_submit: autoSubmit,
        show_variables: showVariables,
      };
      const extra = { props_schema: json(propsSchema), default_props: json(defaultProps), layout_config: json(layout), styling_config: json(styling) };
      for (const [k, v] of Object.entries(extra)) if (v !== undefined) body[k] = v;
      const ui = await attach.mutateAsync(body);
      if (!ui.validated && afterSave.current !== "edit") {
        setIssues((ui.validation_errors ?? []).map((i) => `${i.line}:${i.column} ${i.rule}: ${i.message}`).join("\n") || "the UI did not validate");
        return;
      }
      if (afterSave.current === "edit") return navigate(`/uis/${ui.id}/edit`);
      navigate(`/ui/${ui.id}`);
    } catch (err) {
      setIssues(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="card">
      <h2>Attach a custom UI</h2>
      <form className="stack" onSubmit={submit} aria-label="Attach a custom UI">
        {templates.length > 0 && (
          <label>
            Start from a template
            <select
              name="template"
              defaultValue=""
              onChange={(e) => {
                const t = templates.find((x) => x.id === e.target.value);
                if (t) {
                  setType("react");
                  setCode(t.component_code);
                  if (!name) setName(t.name);
                }
              }}
            >
              <option value="">—</option>
              {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          </label>
        )}
        <label>Name<input name="ui_name" required value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>
          Type
          <select name="component_type" value={type} onChange={(e) => setType(e.target.value as ComponentType)}>
            <option value="react">React (TSX)</option>
            <option value="template">HTML template</option>
            <option value="json-schema">JSON-Schema form</option>
          </select>
        </label>
        <label>Code<textarea name="component_code" rows={14} className="code" value={code} onChange={(e) => setCode(e.target.value)} /></label>
        <label>
          Execution mode
          <select name="execution_mode" value={mode} onChange={(e) => setMode(e.target.value as ExecutionMode)}>
            {MODES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <label className="inline"><input type="checkbox" name="auto_submit" checked={autoSubmit} onChange={(e) => setAutoSubmit(e.target.checked)} /> auto_submit</label>
        <label className="inline"><input type="checkbox" name="show_variables" checked={showVariables} onChange={(e) => setShowVariables(e.target.checked)} /> show_variables</label>
        <details>
          <summary>Schema, props, layout and styling (JSON)</summary>
          <label>props_schema<textarea name="props_schema" rows={4} value={propsSchema} onChange={(e) => setPropsSchema(e.target.value)} /></label>
          <label>default_props<textarea name="default_props" rows={2} value={defaultProps} onChange={(e) => setDefaultProps(e.target.value)} /></label>
          <label>layout_config<input name="layout_config" placeholder='{"layout": "sidebar", "width": 480}' value={layout} onChange={(e) => setLayout(e.target.value)} /></label>
          <label>styling_config<input name="styling_config" placeholder='{"theme": {"accent": "#8250df"}}' value={styling} onChange={(e) => setStyling(e.target.value)} /></label>
        </details>
        {issues && <pre role="alert" className="error">{issues}</pre>}
        <div className="row">
          <button type="submit" onClick={() => (afterSave.current = "open")}>Save and open</button>
          <button type="submit" className="secondary" onClick={() => (afterSave.current = "edit")}>Save and edit</button>
        </div>
      </form>
    </section>
  );
}

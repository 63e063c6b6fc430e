import { useEffect, useState, type FormEvent } from "react";
import type { ComponentType, ExecutionMode } from "../../../../shared/protocol";
import { api } from "../../../lib/api";
import { Link, navigate } from "../../../lib/router";
import type { CustomUi, Page, PromptData, Template } from "../../../lib/types";

const MODES: ExecutionMode[] = ["manual", "auto-run", "auto-run-one-shot", "manual-with-hidden-variables", "manual-with-visible-variables"];

/** A prompt: its messages, its custom UIs, a form to attach one, and the default runner link. */
export function PromptPage({ id }: { id: string }) {
  const [prompt, setPrompt] = useState<PromptData | null>(null);
  const [uis, setUis] = useState<CustomUi[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<PromptData>("GET", `/api/prompts/${id}`).then(setPrompt, (e: Error) => setError(e.message));
    api<Page<CustomUi>>("GET", `/api/custom-uis?prompt_id=${id}`).then((p) => setUis(p.items), () => undefined);
  }, [id]);

  if (error) return <main className="page"><p role="alert" className="error">{error}</p></main>;
  if (!prompt) return <main className="page"><p>Loading…</p></main>;
  return (
    <main className="page stack">
      <h1>{prompt.name}</h1>
      <p><Link href={`/prompts/${id}/run`}>Run with the default form</Link> · model {prompt.settings.model_id}</p>
      <section>
        <h2>Messages</h2>
        <ol className="list">{prompt.messages.map((m, i) => <li key={i}><strong>{m.role}</strong>: {m.content}</li>)}</ol>
      </section>
      <section>
        <h2>Custom UIs</h2>
        {uis.length === 0 ? <p className="muted">None yet.</p> : (
          <ul className="list">
            {uis.map((u) => (
              <li key={u.id}>
                <Link href={`/ui/${u.id}`}>{u.name}</Link> <span className="muted">{u.component_type} · {u.execution_mode} · {u.validated ? "valid" : "has issues"}</span>
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
  const [templates, setTemplates] = useState<Template[]>([]);
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

  useEffect(() => {
    api<Page<Template>>("GET", "/api/templates?limit=200").then((p) => setTemplates(p.items), () => undefined);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setIssues(null);
    try {
      const body: Record<string, unknown> = {
        prompt_id: promptId,
        name,
        component_code: code,
        component_type: type,
        execution_mode: mode,
        auto_submit: autoSubmit,
        show_variables: showVariables,
      };
      const extra = { props_schema: json(propsSchema), default_props: json(defaultProps), layout_config: json(layout), styling_config: json(styling) };
      for (const [k, v] of Object.entries(extra)) if (v !== undefined) body[k] = v;
      const ui = await api<CustomUi>("POST", "/api/custom-uis", body);
      if (!ui.validated) {
        setIssues((ui.validation_errors ?? []).map((i) => `${i.line}:${i.column} ${i.rule}: ${i.message}`).join("\n") || "the UI did not validate");
        return;
      }
      navigate(`/ui/${ui.id}`);
    } catch (err) {
      setIssues(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section>
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
        <button type="submit">Save and open</button>
      </form>
    </section>
  );
}

// JSON-Schema UIs: the variables form built from `props_schema` (string, enum → select/radio,
// boolean → toggle, number/integer with min/max/step, arrays of enums → checkboxes,
// `format: "textarea"`), a Run button and the streamed answer.
import { useEffect, useId, useState } from "react";
import type { JsonObject, VariableValue } from "../../shared/protocol";
import { Markdown } from "../../shared/markdown/Markdown";
import { context } from "../context";
import { useFrameRun } from "./useFrameRun";

interface Prop {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  items?: { enum?: unknown[] };
}

function kindOf(p: Prop): string {
  const t = Array.isArray(p.type) ? p.type.find((x) => x !== "null") : p.type;
  if (t === "array") return p.items?.enum ? "checkboxes" : "list";
  if (p.enum) return p.enum.length <= 3 ? "radio" : "select";
  if (t === "boolean") return "toggle";
  if (t === "number" || t === "integer") return t;
  return p.format === "textarea" ? "textarea" : "text";
}

function initialValue(p: Prop, name: string): VariableValue {
  const ctx = context();
  const fromProps = ctx.props[name];
  const fromVars = ctx.variables[name];
  const raw = fromVars ?? fromProps ?? p.default;
  const kind = kindOf(p);
  if (kind === "toggle") return raw === true || raw === "true";
  if (kind === "number" || kind === "integer") return raw === undefined || raw === "" ? "" : Number(raw);
  if (kind === "checkboxes" || kind === "list") {
    if (Array.isArray(raw)) return raw.map(String);
    return typeof raw === "string" && raw ? raw.split(",").map((s) => s.trim()) : [];
  }
  return raw === undefined || raw === null ? "" : String(raw);
}

export function SchemaUi({ schema }: { schema: JsonObject }) {
  const ctx = context();
  const props = (schema.properties ?? {}) as Record<string, Prop>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const id = useId();
  const [values, setValues] = useState<Record<string, VariableValue>>(() =>
    Object.fromEntries(Object.entries(props).map(([k, p]) => [k, initialValue(p, k)])),
  );
  const [message, setMessage] = useState("");
  const { submit, text, running, error, locked } = useFrameRun();
  const set = (k: string, v: VariableValue) => setValues((s) => ({ ...s, [k]: v }));

  const cleaned = () =>
    Object.fromEntries(Object.entries(values).filter(([k, v]) => !(v === "" && !required.has(k)))) as Record<string, VariableValue>;

  useEffect(() => {
    if (ctx.autoRun) void submit(cleaned());
    // Runs once on load with the initial values.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <form
      className="pd-stack pd-schema"
      onSubmit={(e) => {
        e.preventDefault();
        if (!locked) void submit(cleaned(), message.trim() || undefined);
      }}
    >
      {typeof schema.title === "string" && <h2>{schema.title}</h2>}
      {ctx.frameShowsVariables &&
        Object.entries(props).map(([name, p]) => {
          const label = `${p.title ?? name}${required.has(name) ? " *" : ""}`;
          const v = values[name];
          switch (kindOf(p)) {
            case "textarea":
              return <label key={name} className="pd-field"><span>{label}</span><textarea name={name} rows={4} value={String(v ?? "")} onChange={(e) => set(name, e.target.value)} /></label>;
            case "number":
            case "integer":
              return (
                <label key={name} className="pd-field">
                  <span>{label}</span>
                  <input name={name} type="number" value={v === "" ? "" : String(v)} {...(p.minimum !== undefined ? { min: p.minimum } : {})} {...(p.maximum !== undefined ? { max: p.maximum } : {})} step={p.multipleOf ?? (kindOf(p) === "integer" ? 1 : "any")} onChange={(e) => set(name, e.target.value === "" ? "" : Number(e.target.value))} />
                </label>
              );
            case "toggle":
              return <label key={name} className="pd-field pd-toggle"><input name={name} type="checkbox" role="switch" checked={v === true} onChange={(e) => set(name, e.target.checked)} /><span>{label}</span></label>;
            case "select":
              return (
                <label key={name} className="pd-field">
                  <span>{label}</span>
                  <select name={name} value={String(v ?? "")} onChange={(e) => set(name, e.target.value)}>
                    {!required.has(name) && <option value="">—</option>}
                    {(p.enum ?? []).map((o) => <option key={String(o)} value={String(o)}>{String(o)}</option>)}
                  </select>
                </label>
              );
            case "radio":
              return (
                <fieldset key={name} className="pd-field">
                  <legend>{label}</legend>
                  {(p.enum ?? []).map((o) => (
                    <label key={String(o)}><input type="radio" name={`${id}-${name}`} value={String(o)} checked={v === String(o)} onChange={() => set(name, String(o))} /> {String(o)}</label>
                  ))}
                </fieldset>
              );
            case "checkboxes": {
              const list = Array.isArray(v) ? v : [];
              return (
                <fieldset key={name} className="pd-field">
                  <legend>{label}</legend>
                  {(p.items?.enum ?? []).map((o) => (
                    <label key={String(o)}><input type="checkbox" name={name} value={String(o)} checked={list.includes(String(o))} onChange={(e) => set(name, e.target.checked ? [...list, String(o)] : list.filter((x) => x !== String(o)))} /> {String(o)}</label>
                  ))}
                </fieldset>
              );
            }
            default:
              return <label key={name} className="pd-field"><span>{label}</span><input name={name} value={String(v ?? "")} onChange={(e) => set(name, e.target.value)} /></label>;
          }
        })}
      {ctx.frameAcceptsInput && <label className="pd-field"><span>Message</span><textarea aria-label="Message" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} /></label>}
      <button type="submit" disabled={locked}>{running ? "Running…" : "Run"}</button>
      {error && <p role="alert" className="pd-error">{error.message}</p>}
      {text && <div className="pd-response"><Markdown content={text} isStreaming={running} /></div>}
    </form>
  );
}

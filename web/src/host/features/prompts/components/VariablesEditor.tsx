import type { PromptVariable } from "../../../../shared/protocol";

type Kind = NonNullable<PromptVariable["customComponent"]>["type"] | "text";
const KINDS: { value: Kind; label: string }[] = [
  { value: "text", label: "Text" },
  { value: "textarea", label: "Text area" },
  { value: "toggle", label: "Toggle" },
  { value: "radio", label: "Radio" },
  { value: "checkbox", label: "Checkboxes" },
  { value: "select", label: "Select" },
  { value: "number", label: "Number" },
];

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const num = (s: string) => (s.trim() === "" || !Number.isFinite(Number(s)) ? undefined : Number(s));

/** Variable definitions: name, default and the form control (with its options) that edits it. */
export function VariablesEditor({
  variables,
  missing,
  onChange,
}: {
  variables: PromptVariable[];
  /** Names used in messages but not defined. */
  missing: string[];
  onChange: (v: PromptVariable[]) => void;
}) {
  const set = (i: number, v: PromptVariable) => onChange(variables.map((x, j) => (j === i ? v : x)));
  return (
    <div className="stack">
      {variables.length === 0 && <p className="muted">No variables. Write {"{{name}}"} in a message, then add it here.</p>}
      {variables.map((v, i) => (
        <VariableRow key={i} index={i} variable={v} onChange={(x) => set(i, x)} onRemove={() => onChange(variables.filter((_, j) => j !== i))} />
      ))}
      <div className="row">
        <button type="button" className="secondary" onClick={() => onChange([...variables, { name: `var${variables.length + 1}`, defaultValue: "" }])}>Add variable</button>
        {missing.map((name) => (
          <button key={name} type="button" className="secondary" onClick={() => onChange([...variables, { name, defaultValue: "" }])}>
            Define {`{{${name}}}`}
          </button>
        ))}
      </div>
    </div>
  );
}

function VariableRow({ index, variable, onChange, onRemove }: { index: number; variable: PromptVariable; onChange: (v: PromptVariable) => void; onRemove: () => void }) {
  const c = variable.customComponent;
  const kind: Kind = c?.type ?? "text";
  const n = index + 1;
  const setComponent = (patch: Partial<NonNullable<PromptVariable["customComponent"]>>) => {
    if (!c) return;
    const next = Object.fromEntries(Object.entries({ ...c, ...patch }).filter(([, v]) => v !== undefined)) as typeof c;
    onChange({ ...variable, customComponent: next });
  };
  const setKind = (k: Kind) => {
    const { customComponent: _drop, ...rest } = variable;
    void _drop;
    if (k === "text") return onChange(rest);
    const base: NonNullable<PromptVariable["customComponent"]> = { type: k };
    if (k === "toggle") base.toggleValues = ["no", "yes"];
    if (k === "radio" || k === "checkbox" || k === "select") base.options = c?.options ?? [];
    onChange({ ...rest, customComponent: base });
  };
  return (
    <fieldset className="card variable-edit" data-testid="variable">
      <legend>Variable {n}</legend>
      <div className="grid">
        <label>Name<input aria-label={`Variable ${n} name`} value={variable.name} pattern="[A-Za-z_][\w.\-]*" required onChange={(e) => onChange({ ...variable, name: e.target.value })} /></label>
        <label>Default<input aria-label={`Variable ${n} default`} value={variable.defaultValue ?? ""} onChange={(e) => onChange({ ...variable, defaultValue: e.target.value })} /></label>
        <label>
          Control
          <select aria-label={`Variable ${n} control`} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
          </select>
        </label>
      </div>
      {c && (kind === "radio" || kind === "checkbox" || kind === "select") && (
        <div className="grid">
          <label>
            Options (comma separated)
            <input aria-label={`Variable ${n} options`} defaultValue={(c.options ?? []).join(", ")} onBlur={(e) => setComponent({ options: list(e.target.value) })} />
          </label>
          <label className="inline"><input type="checkbox" checked={c.allowOther === true} onChange={(e) => setComponent({ allowOther: e.target.checked || undefined })} /> Allow another value</label>
        </div>
      )}
      {c && kind === "toggle" && (
        <div className="grid">
          <label>Off value<input aria-label={`Variable ${n} off value`} value={c.toggleValues?.[0] ?? ""} onChange={(e) => setComponent({ toggleValues: [e.target.value, c.toggleValues?.[1] ?? ""] })} /></label>
          <label>On value<input aria-label={`Variable ${n} on value`} value={c.toggleValues?.[1] ?? ""} onChange={(e) => setComponent({ toggleValues: [c.toggleValues?.[0] ?? "", e.target.value] })} /></label>
        </div>
      )}
      {c && kind === "number" && (
        <div className="grid">
          <label>Min<input type="number" aria-label={`Variable ${n} min`} defaultValue={c.min ?? ""} onChange={(e) => setComponent({ min: num(e.target.value) })} /></label>
          <label>Max<input type="number" aria-label={`Variable ${n} max`} defaultValue={c.max ?? ""} onChange={(e) => setComponent({ max: num(e.target.value) })} /></label>
          <label>Step<input type="number" aria-label={`Variable ${n} step`} defaultValue={c.step ?? ""} onChange={(e) => setComponent({ step: num(e.target.value) })} /></label>
        </div>
      )}
      <div><button type="button" className="ghost danger" onClick={onRemove}>Remove variable {variable.name}</button></div>
    </fieldset>
  );
}

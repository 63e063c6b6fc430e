import { useId, useState } from "react";
import type { PromptVariable } from "../../../shared/protocol";

/** One input per prompt variable, built from its `customComponent` (the seed's variable types). */
export function VariableFields({
  variables,
  values,
  onChange,
  disabled,
}: {
  variables: PromptVariable[];
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
  disabled?: boolean;
}) {
  return (
    <div className="stack variables">
      {variables.map((v) => (
        <VariableField key={v.name} variable={v} value={values[v.name] ?? v.defaultValue} onChange={(x) => onChange(v.name, x)} disabled={disabled} />
      ))}
    </div>
  );
}

function VariableField({
  variable,
  value,
  onChange,
  disabled,
}: {
  variable: PromptVariable;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const c = variable.customComponent;
  const options = c?.options ?? [];
  const label = <span className="label">{variable.name}</span>;
  switch (c?.type) {
    case "textarea":
      return (
        <label className="field">
          {label}
          <textarea name={variable.name} rows={3} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} />
        </label>
      );
    case "number":
      return (
        <label className="field">
          {label}
          <input
            name={variable.name}
            type="number"
            value={value}
            disabled={disabled}
            {...(c.min !== undefined ? { min: c.min } : {})}
            {...(c.max !== undefined ? { max: c.max } : {})}
            {...(c.step !== undefined ? { step: c.step } : {})}
            onChange={(e) => onChange(e.target.value)}
          />
        </label>
      );
    case "toggle": {
      const [off, on] = c.toggleValues ?? ["false", "true"];
      return (
        <label className="field toggle">
          <input name={variable.name} type="checkbox" role="switch" checked={value === on} disabled={disabled} onChange={(e) => onChange(e.target.checked ? on : off)} />
          {label}
          <span className="muted">{value === on ? on : off}</span>
        </label>
      );
    }
    case "select":
      return (
        <label className="field">
          {label}
          <WithOther allowOther={c.allowOther} options={options} value={value} onChange={onChange} disabled={disabled}>
            {(selected, choose) => (
              <select name={variable.name} value={selected} disabled={disabled} onChange={(e) => choose(e.target.value)}>
                {options.map((o) => <option key={o} value={o}>{o}</option>)}
                {c.allowOther && <option value={OTHER}>Other…</option>}
              </select>
            )}
          </WithOther>
        </label>
      );
    case "radio":
      return (
        <fieldset className="field">
          <legend>{variable.name}</legend>
          <WithOther allowOther={c.allowOther} options={options} value={value} onChange={onChange} disabled={disabled}>
            {(selected, choose) => (
              <div className="row wrap">
                {[...options, ...(c.allowOther ? [OTHER] : [])].map((o) => (
                  <label key={o}>
                    <input type="radio" name={`${id}-${variable.name}`} value={o} checked={selected === o} disabled={disabled} onChange={() => choose(o)} />{" "}
                    {o === OTHER ? "Other" : o}
                  </label>
                ))}
              </div>
            )}
          </WithOther>
        </fieldset>
      );
    case "checkbox": {
      const picked = value.split(",").map((s) => s.trim()).filter(Boolean);
      const others = picked.filter((p) => !options.includes(p));
      const set = (next: string[]) => onChange(next.join(", "));
      return (
        <fieldset className="field">
          <legend>{variable.name}</legend>
          <div className="row wrap">
            {options.map((o) => (
              <label key={o}>
                <input
                  type="checkbox"
                  name={variable.name}
                  value={o}
                  checked={picked.includes(o)}
                  disabled={disabled}
                  onChange={(e) => set(e.target.checked ? [...picked, o] : picked.filter((p) => p !== o))}
                />{" "}
                {o}
              </label>
            ))}
            {c.allowOther && (
              <input
                aria-label={`${variable.name} (other)`}
                placeholder="Other"
                value={others.join(", ")}
                disabled={disabled}
                onChange={(e) => set([...picked.filter((p) => options.includes(p)), ...e.target.value.split(",").map((s) => s.trim()).filter(Boolean)])}
              />
            )}
          </div>
        </fieldset>
      );
    }
    default:
      return (
        <label className="field">
          {label}
          <input name={variable.name} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} />
        </label>
      );
  }
}

const OTHER = "__other__";

/** An option list with an optional free-text "other" value. */
function WithOther({
  allowOther,
  options,
  value,
  onChange,
  disabled,
  children,
}: {
  allowOther?: boolean;
  options: string[];
  value: string;
  onChange: (v: string) => void;
  disabled?: boolean;
  children: (selected: string, choose: (v: string) => void) => React.ReactNode;
}) {
  const [otherMode, setOtherMode] = useState(allowOther === true && value !== "" && !options.includes(value));
  const selected = otherMode ? OTHER : value;
  const choose = (v: string) => {
    if (v === OTHER) {
      setOtherMode(true);
      onChange("");
    } else {
      setOtherMode(false);
      onChange(v);
    }
  };
  return (
    <>
      {children(selected, choose)}
      {allowOther && otherMode && <input aria-label="Other value" value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)} />}
    </>
  );
}

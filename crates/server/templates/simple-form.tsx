import { useState } from "react";
import { usePrompt, usePromptData, Markdown } from "promptdeck";

// A form with one field per prompt variable, a Run button and the streamed answer.
export default function SimpleForm() {
  const prompt = usePromptData();
  const { run, cancel, text, status, error } = usePrompt();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries((prompt.variableDefaults ?? []).map((v) => [v.name, v.defaultValue])),
  );
  const busy = status === "running";

  return (
    <form
      className="pd-stack"
      onSubmit={(e) => {
        e.preventDefault();
        run({ variables: values });
      }}
    >
      <h2>{prompt.name}</h2>
      {(prompt.variableDefaults ?? []).map((v) => (
        <label key={v.name} className="pd-field">
          <span>{v.name}</span>
          <textarea
            value={values[v.name] ?? ""}
            rows={2}
            onChange={(e) => setValues({ ...values, [v.name]: e.target.value })}
          />
        </label>
      ))}
      <div className="pd-row">
        <button type="submit" disabled={busy}>{busy ? "Running…" : "Run"}</button>
        {busy && <button type="button" onClick={cancel}>Stop</button>}
      </div>
      {error && <p role="alert">{error.message}</p>}
      {text && <Markdown content={text} isStreaming={busy} />}
    </form>
  );
}

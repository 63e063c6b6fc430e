import { useState } from "react";
import { usePrompt, usePromptData, useUiState, Markdown } from "promptdeck";

// Runs the prompt twice with different values of one variable and shows the answers side by side.
export default function Compare() {
  const prompt = usePromptData();
  const names = (prompt.variableDefaults ?? []).map((v) => v.name);
  const [variable, setVariable] = useUiState<string>("variable", names[0] ?? "");
  const [a, setA] = useState("");
  const [b, setB] = useState("");
  const left = usePrompt();
  const right = usePrompt();
  const busy = left.status === "running" || right.status === "running";

  return (
    <div className="pd-stack">
      <label className="pd-field">
        <span>Variable to vary</span>
        <select value={variable} onChange={(e) => setVariable(e.target.value)}>
          {names.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
      <div className="pd-grid">
        <input aria-label="Value A" value={a} onChange={(e) => setA(e.target.value)} placeholder="Value A" />
        <input aria-label="Value B" value={b} onChange={(e) => setB(e.target.value)} placeholder="Value B" />
      </div>
      <button
        disabled={busy || !variable}
        onClick={() => {
          left.run({ variables: { [variable]: a } });
          right.run({ variables: { [variable]: b } });
        }}
      >
        Compare
      </button>
      <div className="pd-grid">
        <Markdown content={left.text} isStreaming={left.status === "running"} />
        <Markdown content={right.text} isStreaming={right.status === "running"} />
      </div>
    </div>
  );
}

import { useState } from "react";
import { Markdown } from "../../../../shared/markdown/Markdown";
import { errorText } from "../../../lib/query";
import { Link } from "../../../lib/router";
import type { PromptsData } from "../../../lib/types";
import { VariableFields } from "../../../shared/components/VariableFields";
import { useHostRun } from "../../../shared/hooks/useHostRun";
import { initialVariables } from "../../../shared/variables";
import { usePrompt } from "../api/prompts";

/** `/prompts/{id}/run`: a form built from the prompt's variables, a message box and the answer. */
export function DefaultRunner({ id, search }: { id: string; search: string }) {
  const { data: prompt, error } = usePrompt(id);
  if (error) return <main className="page"><p role="alert" className="error">{errorText(error)}</p></main>;
  if (!prompt) return <main className="page"><p>Loading…</p></main>;
  return (
    <main className="page">
      <RunnerForm prompt={prompt} search={search} />
    </main>
  );
}

/** The default runner's form; the prompt page reuses it as its test panel. */
export function RunnerForm({ prompt, search, title }: { prompt: PromptsData; search: string; title?: string }) {
  const [values, setValues] = useState(() => initialVariables(prompt, search));
  const [message, setMessage] = useState("");
  const run = useHostRun(prompt.id);
  const busy = run.status === "running";
  return (
    <div className="stack">
      {title ? <h2>{title}</h2> : <h1>{prompt.name}</h1>}
      <form
        className="stack"
        aria-label="Run prompt"
        onSubmit={(e) => {
          e.preventDefault();
          void run.start({ variables: values, ...(message.trim() ? { userInput: message.trim() } : {}) });
        }}
      >
        <VariableFields variables={prompt.variableDefaults ?? []} values={values} onChange={(n, v) => setValues((s) => ({ ...s, [n]: v }))} disabled={busy} />
        <label>Message (optional)<textarea name="user_input" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} /></label>
        <div className="row">
          <button type="submit" disabled={busy}>{busy ? "Running…" : "Run"}</button>
          {busy && <button type="button" onClick={run.cancel}>Stop</button>}
          {run.runId && <Link href={`/runs/${run.runId}`}>View recorded run</Link>}
        </div>
      </form>
      {(run.text || run.status !== "idle") && (
        <div className="answer" data-status={run.status} aria-label="Answer">
          <Markdown content={run.text} isStreaming={busy} />
        </div>
      )}
      {run.error && <p role="alert" className="error">{run.error}</p>}
    </div>
  );
}

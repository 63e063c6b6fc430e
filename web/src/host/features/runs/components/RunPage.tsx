import { useEffect, useState } from "react";
import { Markdown } from "../../../../shared/markdown/Markdown";
import { api } from "../../../lib/api";
import type { AiRun } from "../../../lib/types";

/** `/runs/{id}`: a recorded run with its messages and tasks. */
export function RunPage({ id }: { id: string }) {
  const [run, setRun] = useState<AiRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<AiRun>("GET", `/api/runs/${id}`).then(setRun, (e: Error) => setError(e.message));
  }, [id]);
  if (error) return <main className="page"><p role="alert" className="error">{error}</p></main>;
  if (!run) return <main className="page"><p>Loading…</p></main>;
  return (
    <main className="page stack">
      <h1>{run.name || "Run"}</h1>
      <p className="muted">{run.source_type} · {run.total_tokens} tokens · ${run.total_cost.toFixed(6)} · {new Date(run.created_at).toLocaleString()}</p>
      <ol className="messages">
        {run.messages.map((m, i) => (
          <li key={i} className={`message role-${m.role}`}>
            <strong>{m.role}</strong>
            <Markdown content={m.content} />
          </li>
        ))}
      </ol>
      {run.tasks && run.tasks.length > 0 && (
        <table className="tasks">
          <thead><tr><th>task</th><th>status</th><th>model</th><th>tokens</th><th>first token</th><th>total</th></tr></thead>
          <tbody>
            {run.tasks.map((t) => (
              <tr key={t.id}>
                <td><code>{t.task_id}</code></td>
                <td>{t.status}</td>
                <td>{t.model_id}</td>
                <td>{t.tokens_total ?? "–"}</td>
                <td>{t.time_to_first_token != null ? `${Math.round(t.time_to_first_token)} ms` : "–"}</td>
                <td>{t.total_time != null ? `${Math.round(t.total_time)} ms` : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

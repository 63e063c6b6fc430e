import { useState } from "react";
import { Markdown } from "../../../../shared/markdown/Markdown";
import { errorText } from "../../../lib/query";
import { Link } from "../../../lib/router";
import type { RunWithTasks, AiTask } from "../../../lib/types";
import { modelOf, usePatchRun, useRefreshRun, useRun } from "../api/runs";
import { useContinue } from "../hooks/useContinue";
import { money, when } from "./RunsPage";

const ms = (n: number | null | undefined) => (n != null ? `${Math.round(n)} ms` : "–");

/** `/runs/{id}`: a recorded run with every message and task, and a box to continue it. */
export function RunPage({ id }: { id: string }) {
  const query = useRun(id);
  const run = query.data ?? null;
  const patchRun = usePatchRun();
  const load = useRefreshRun(id);
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (query.error ? errorText(query.error) : null);
  if (error) return <main className="page"><p role="alert" className="error">{error}</p><Link href="/runs">All runs</Link></main>;
  if (!run) return <main className="page"><p aria-busy="true">Loading…</p></main>;
  const star = async () => {
    try {
      await patchRun.mutateAsync({ id: run.id, patch: { is_starred: !run.is_starred } });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <main className="page stack">
      <div className="row center">
        <Link href="/runs">← All runs</Link>
      </div>
      <div className="row center">
        <h1 className="grow">{run.name || "Run"}</h1>
        <button type="button" className="ghost star" aria-pressed={run.is_starred === true} onClick={() => void star()}>{run.is_starred ? "★ Starred" : "☆ Star"}</button>
      </div>
      <p className="muted">
        {run.source_type} · {modelOf(run) || "unknown model"} · {run.total_tokens} tokens · {money(run.total_cost)} · {when(run.created_at)}
        {run.status && run.status !== "active" ? ` · ${run.status}` : ""}
      </p>
      <ol className="messages" aria-label="Messages">
        {run.messages.map((m, i) => (
          <li key={i} className={`message role-${m.role}`}>
            <strong>{m.role}</strong>
            <Markdown content={m.content} />
          </li>
        ))}
      </ol>
      {run.tasks && run.tasks.length > 0 && <Tasks tasks={run.tasks} />}
      <Continue key={run.messages.length} run={run} onDone={load} />
    </main>
  );
}

function Tasks({ tasks }: { tasks: AiTask[] }) {
  return (
    <section>
      <h2>Tasks</h2>
      <div className="table-wrap">
        <table className="tasks">
          <thead><tr><th scope="col">Task</th><th scope="col">Status</th><th scope="col">Model</th><th scope="col">Tokens in / out</th><th scope="col">Cost</th><th scope="col">First token</th><th scope="col">Total</th><th scope="col">Error</th></tr></thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.id}>
                <td><code title={t.task_id}>{t.task_id.slice(0, 8)}</code></td>
                <td><span className={`badge ${t.status === "completed" ? "ok" : t.status === "failed" ? "bad" : ""}`}>{t.status}</span></td>
                <td>{t.model_id ?? "–"}</td>
                <td>{t.tokens_input ?? "–"} / {t.tokens_output ?? "–"}</td>
                <td>{money(t.cost)}</td>
                <td>{ms(t.time_to_first_token)}</td>
                <td>{ms(t.total_time)}</td>
                <td className="error">{errorOf(t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function errorOf(t: AiTask): string {
  const e = t.response_errors;
  if (!e) return "";
  const first = Array.isArray(e) ? (e[0] as unknown) : e;
  if (first && typeof first === "object" && "message" in first) return String((first as { message: unknown }).message);
  return JSON.stringify(e);
}

function Continue({ run, onDone }: { run: RunWithTasks; onDone: () => void }) {
  const [message, setMessage] = useState("");
  const c = useContinue(run, modelOf(run) || "echo", onDone);
  const busy = c.status === "running";
  return (
    <section className="card stack" aria-label="Continue the conversation">
      <h2>Continue the conversation</h2>
      {(c.text || busy) && (
        <div className="answer" aria-label="Answer" data-status={c.status}>
          <Markdown content={c.text} isStreaming={busy} />
        </div>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!message.trim()) return;
          void c.send(message.trim());
          setMessage("");
        }}
      >
        <textarea aria-label="Follow-up message" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Ask a follow-up" />
        <button type="submit" disabled={busy || !message.trim()}>{busy ? "Sending…" : "Send"}</button>
      </form>
      {c.error && <p role="alert" className="error">{c.error}</p>}
    </section>
  );
}

import { usePrompt, usePromptData, Markdown } from "promptdeck";

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="pd-stat">
      <div className="pd-stat-value">{value}</div>
      <div className="pd-stat-label">{label}</div>
    </div>
  );
}

// Runs the prompt with its defaults and shows the answer beside the run's figures.
export default function RunDashboard() {
  const prompt = usePromptData();
  const { run, text, status, info, error } = usePrompt();
  const figures = info ?? {};

  return (
    <div className="pd-grid">
      <section>
        <h2>{prompt.name}</h2>
        <p>Model: {prompt.settings?.model_id}</p>
        <button onClick={() => run()} disabled={status === "running"}>Run with defaults</button>
        <div className="pd-stats">
          <Stat label="status" value={status} />
          <Stat label="tokens" value={String(figures.tokens_total ?? "–")} />
          <Stat label="cost" value={figures.cost != null ? `$${Number(figures.cost).toFixed(6)}` : "–"} />
          <Stat label="first token" value={figures.time_to_first_token != null ? `${Math.round(figures.time_to_first_token)} ms` : "–"} />
          <Stat label="total" value={figures.total_time != null ? `${Math.round(figures.total_time)} ms` : "–"} />
        </div>
        {error && <p role="alert">{error.message}</p>}
      </section>
      <section>
        <Markdown content={text || "_No answer yet._"} isStreaming={status === "running"} />
      </section>
    </div>
  );
}

import { useState } from "react";
import { usePrompt, Markdown } from "promptdeck";

type Turn = { role: "user" | "assistant"; content: string };

// A chat: each message continues the same run, so the model sees the whole conversation.
export default function Chat() {
  const { run, text, status, runId } = usePrompt();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState("");
  const busy = status === "running";

  const send = async () => {
    const message = draft.trim();
    if (!message || busy) return;
    setDraft("");
    setTurns((t) => [...t, { role: "user", content: message }]);
    const answer = await run({ userInput: message, continueRun: true });
    setTurns((t) => [...t, { role: "assistant", content: answer.text }]);
  };

  return (
    <div className="pd-chat">
      <ol className="pd-turns" aria-live="polite">
        {turns.map((t, i) => (
          <li key={i} className={`pd-turn pd-${t.role}`}>
            {t.role === "assistant" ? <Markdown content={t.content} /> : t.content}
          </li>
        ))}
        {busy && (
          <li className="pd-turn pd-assistant">
            <Markdown content={text} isStreaming />
          </li>
        )}
      </ol>
      <form
        className="pd-row"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <input aria-label="Message" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="Say something" />
        <button type="submit" disabled={busy || !draft.trim()}>Send</button>
      </form>
      {runId && <small>Run {runId}</small>}
    </div>
  );
}

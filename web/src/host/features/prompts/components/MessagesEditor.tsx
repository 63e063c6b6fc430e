import { useId } from "react";
import type { PromptMessage } from "../../../../shared/protocol";
import { splitPlaceholders } from "../utils/variables";

const ROLES: PromptMessage["role"][] = ["system", "user", "assistant"];

/** The prompt's messages: a role and a content box each, `{{variable}}` placeholders highlighted. */
export function MessagesEditor({
  messages,
  known,
  onChange,
}: {
  messages: PromptMessage[];
  /** Names of the defined variables (others are marked as unknown). */
  known: Set<string>;
  onChange: (messages: PromptMessage[]) => void;
}) {
  const set = (i: number, m: Partial<PromptMessage>) => onChange(messages.map((x, j) => (j === i ? { ...x, ...m } : x)));
  const move = (i: number, d: -1 | 1) => {
    const next = [...messages];
    const [m] = next.splice(i, 1);
    if (m) next.splice(i + d, 0, m);
    onChange(next);
  };
  return (
    <div className="stack">
      {messages.length === 0 && <p className="muted">No messages yet. Add one below.</p>}
      {messages.map((m, i) => (
        <div key={i} className="message-edit card" data-testid="message">
          <div className="row center">
            <label className="inline">
              Role
              <select aria-label={`Role of message ${i + 1}`} value={m.role} onChange={(e) => set(i, { role: e.target.value as PromptMessage["role"] })}>
                {ROLES.map((r) => <option key={r}>{r}</option>)}
              </select>
            </label>
            <span className="spacer" />
            <button type="button" className="ghost" aria-label={`Move message ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
            <button type="button" className="ghost" aria-label={`Move message ${i + 1} down`} disabled={i === messages.length - 1} onClick={() => move(i, 1)}>↓</button>
            <button type="button" className="ghost danger" aria-label={`Remove message ${i + 1}`} onClick={() => onChange(messages.filter((_, j) => j !== i))}>Remove</button>
          </div>
          <HighlightedTextarea label={`Content of message ${i + 1}`} value={m.content} known={known} onChange={(content) => set(i, { content })} />
        </div>
      ))}
      <div>
        <button type="button" className="secondary" onClick={() => onChange([...messages, { role: messages.length === 0 ? "system" : "user", content: "" }])}>
          Add message
        </button>
      </div>
    </div>
  );
}

/** A textarea over a mirror that paints the placeholders (the text stays the textarea's own). */
function HighlightedTextarea({ label, value, known, onChange }: { label: string; value: string; known: Set<string>; onChange: (v: string) => void }) {
  const hint = useId();
  const rows = Math.min(16, Math.max(3, value.split("\n").length + 1));
  return (
    <div className="highlight">
      <div className="highlight-mirror" aria-hidden="true">
        {splitPlaceholders(value).map((p, i) =>
          p.name !== undefined ? <mark key={i} className={known.has(p.name) ? "var" : "var unknown"}>{p.text}</mark> : <span key={i}>{p.text}</span>,
        )}
        {"\n"}
      </div>
      <textarea
        aria-label={label}
        aria-describedby={hint}
        rows={rows}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          const mirror = e.currentTarget.previousElementSibling as HTMLElement | null;
          if (mirror) mirror.scrollTop = e.currentTarget.scrollTop;
        }}
      />
      <span id={hint} className="sr-only">Use double braces, like {"{{topic}}"}, for a variable.</span>
    </div>
  );
}

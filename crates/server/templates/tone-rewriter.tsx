import { useState } from "react";
import { usePrompt, Markdown } from "promptdeck";

const TONES = ["friendly", "formal", "concise", "enthusiastic"];

// Paste a text, pick a tone, get it rewritten. The prompt should use {{text}} and {{tone}}.
export default function ToneRewriter() {
  const { run, text, status } = usePrompt();
  const [source, setSource] = useState("");
  const [tone, setTone] = useState(TONES[0]);

  return (
    <div className="pd-stack">
      <label className="pd-field">
        <span>Your text</span>
        <textarea value={source} rows={6} onChange={(e) => setSource(e.target.value)} />
      </label>
      <fieldset className="pd-row">
        <legend>Tone</legend>
        {TONES.map((t) => (
          <label key={t}>
            <input type="radio" name="tone" checked={tone === t} onChange={() => setTone(t)} /> {t}
          </label>
        ))}
      </fieldset>
      <button disabled={!source.trim() || status === "running"} onClick={() => run({ variables: { text: source, tone } })}>
        Rewrite
      </button>
      {text && <Markdown content={text} isStreaming={status === "running"} />}
    </div>
  );
}

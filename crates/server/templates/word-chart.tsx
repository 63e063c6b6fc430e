import { useMemo } from "react";
import { usePrompt, Markdown } from "promptdeck";

// Streams the answer and draws a live bar chart of its most frequent words.
export default function WordChart() {
  const { run, text, status } = usePrompt();

  const bars = useMemo(() => {
    const counts = new Map<string, number>();
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []) {
      if (word.length < 3) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  }, [text]);
  const max = bars.length ? bars[0][1] : 1;

  return (
    <div className="pd-stack">
      <button onClick={() => run()} disabled={status === "running"}>Generate</button>
      <svg role="img" aria-label="Most frequent words" width="100%" height={bars.length * 26 + 4} viewBox={`0 0 400 ${bars.length * 26 + 4}`}>
        {bars.map(([word, n], i) => (
          <g key={word} transform={`translate(0, ${i * 26})`}>
            <text x="0" y="17" fontSize="13">{word}</text>
            <rect x="110" y="4" height="18" width={(280 * n) / max} rx="3" fill="currentColor" opacity="0.7" />
            <text x={116 + (280 * n) / max} y="17" fontSize="12">{n}</text>
          </g>
        ))}
      </svg>
      <details>
        <summary>Answer</summary>
        <Markdown content={text} isStreaming={status === "running"} />
      </details>
    </div>
  );
}

// Finding `{{variable}}` placeholders in prompt messages.

export const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** The text split into plain parts and placeholders, in order (for highlighting). */
export function splitPlaceholders(text: string): { text: string; name?: string }[] {
  const parts: { text: string; name?: string }[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const at = m.index ?? 0;
    if (at > last) parts.push({ text: text.slice(last, at) });
    parts.push({ text: m[0], name: m[1] ?? "" });
    last = at + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** Names used in the texts, each once, in first-use order. */
export function usedVariables(texts: string[]): string[] {
  const seen = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(PLACEHOLDER)) seen.add(m[1] ?? "");
  return [...seen].filter(Boolean);
}

// Which optional markdown features an answer needs, so KaTeX and highlighting load only then.

/** True when the text has math: `$$…$$`, `\(…\)`, `\[…\]` or inline `$…$`. */
export function needsMath(text: string): boolean {
  return /\$\$|\\\(|\\\[|(^|[^\\$\w])\$[^\s$][^$\n]*[^\s\\$]\$(?!\d)/m.test(text) || /(^|[^\\$\w])\$[^\s$]\$(?!\d)/m.test(text);
}

/** True when the text has a fenced code block. */
export function needsHighlight(text: string): boolean {
  return /(^|\n) {0,3}(```|~~~)/.test(text);
}

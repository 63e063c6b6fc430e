// Splits markdown into its top-level blocks (paragraphs, headings, lists, quotes, code, tables,
// math), so that a streaming answer re-renders only its last block: every block before it is
// finished and renders the same from one chunk to the next. The split is micromark's own parse
// (with GFM, and math once the answer needs it), so a blank line inside a code fence, a loose
// list or a display-math block never cuts a block in two.
//
// Text that only grows is split incrementally: only the part from the start of the previous
// last block is parsed again, since appended text can change only that block (a paragraph that
// becomes a setext heading or a table, a list that gets another item) or add blocks after it.
// Link reference definitions and footnotes reach across blocks; an answer that has one is kept
// as one block.
import type { Root, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import type { Extension as MdastExtension } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import type { Extension as SyntaxExtension } from "micromark-util-types";

/** Extra syntax the split must know (math, once its plugin has loaded). */
export interface BlockSyntax {
  micromark: SyntaxExtension[];
  mdast: MdastExtension[];
}

/** GFM only. */
export const BASE_SYNTAX: BlockSyntax = { micromark: [], mdast: [] };

/** Node types whose meaning reaches other blocks. */
const GLOBAL = new Set(["definition", "footnoteDefinition"]);

interface Span {
  start: number;
  end: number;
}

/** The offset where the line holding `offset` starts. */
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/**
 * The spans of the top-level blocks of `text` (each from the start of its first line to its
 * end), or null when a block reaches others (definitions, footnotes).
 */
function spans(text: string, syntax: BlockSyntax): Span[] | null {
  const tree: Root = fromMarkdown(text, {
    extensions: [gfm(), ...syntax.micromark],
    mdastExtensions: [gfmFromMarkdown(), ...syntax.mdast],
  });
  const out: Span[] = [];
  for (const node of tree.children as RootContent[]) {
    if (GLOBAL.has(node.type)) return null;
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) continue;
    out.push({ start: lineStart(text, start), end });
  }
  return out;
}

/** The top-level blocks of `text`, as their markdown source (one block when they cannot be split). */
export function splitBlocks(text: string, syntax: BlockSyntax = BASE_SYNTAX): string[] {
  const found = spans(text, syntax);
  if (!found) return text.trim() ? [text] : [];
  return found.map((s) => text.slice(s.start, s.end));
}

/** Splits successive versions of a growing text, parsing again only from its last block. */
export class BlockSplitter {
  private text = "";
  private syntax: BlockSyntax | null = null;
  private found: Span[] = [];
  /** Once a block reaches others, the text stays one block until it is replaced. */
  private whole = false;

  /** The blocks of `text`, as their markdown source. */
  split(text: string, syntax: BlockSyntax = BASE_SYNTAX): string[] {
    const grows = syntax === this.syntax && text.startsWith(this.text);
    if (!grows) {
      this.found = [];
      this.whole = false;
    }
    this.text = text;
    this.syntax = syntax;
    if (!this.whole) {
      const last = this.found.at(-1);
      const from = last?.start ?? 0;
      const tail = spans(text.slice(from), syntax);
      if (tail) this.found = [...this.found.slice(0, -1), ...tail.map((s) => ({ start: s.start + from, end: s.end + from }))];
      else this.whole = true;
    }
    if (this.whole) return text.trim() ? [text] : [];
    return this.found.map((s) => text.slice(s.start, s.end));
  }
}

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

/** The parser's options for each syntax, made once: GFM's extensions cost as much to set up as a short block to parse. */
const parserOptions = new WeakMap<BlockSyntax, Parameters<typeof fromMarkdown>[1]>();

function optionsFor(syntax: BlockSyntax): Parameters<typeof fromMarkdown>[1] {
  let options = parserOptions.get(syntax);
  if (!options) {
    options = { extensions: [gfm(), ...syntax.micromark], mdastExtensions: [gfmFromMarkdown(), ...syntax.mdast] };
    parserOptions.set(syntax, options);
  }
  return options;
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
  const tree: Root = fromMarkdown(text, optionsFor(syntax));
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

/** One version of a text as split. */
interface Version {
  text: string;
  syntax: BlockSyntax;
  found: Span[];
  /** Once a block reaches others, the text stays one block until it is replaced. */
  whole: boolean;
}

/**
 * How many recent versions are kept: a render that is interrupted or runs beside another (React's
 * concurrent rendering) may ask for an older version than the last one split, and then for the
 * newer one again; each continues from the longest version it extends.
 */
const KEPT = 4;

/** Splits successive versions of a growing text, parsing again only from its last block. */
export class BlockSplitter {
  private versions: Version[] = [];

  /** The blocks of `text`, as their markdown source. */
  split(text: string, syntax: BlockSyntax = BASE_SYNTAX): string[] {
    let from: Version | undefined;
    for (const v of this.versions) {
      if (v.syntax === syntax && text.startsWith(v.text) && (!from || v.text.length > from.text.length)) from = v;
    }
    let found = from?.found ?? [];
    let whole = from?.whole ?? false;
    if (!whole && from?.text !== text) {
      const last = found.at(-1);
      const start = last?.start ?? 0;
      const tail = spans(text.slice(start), syntax);
      if (tail) found = [...found.slice(0, -1), ...tail.map((s) => ({ start: s.start + start, end: s.end + start }))];
      else whole = true;
    }
    this.versions = [{ text, syntax, found, whole }, ...this.versions.filter((v) => v.text !== text || v.syntax !== syntax)].slice(0, KEPT);
    if (whole) return text.trim() ? [text] : [];
    return found.map((s) => text.slice(s.start, s.end));
  }
}

// What a still-streaming answer renders as: remend (Streamdown's healer) closes half-written
// emphasis, links, inline code and math, after two things remend does not do:
// - trailing white space is dropped: a chunk ending in "\n  " or "\n> " would otherwise put the
//   marker remend appends on a line of its own, where it shows as raw `**`;
// - a table whose delimiter row has not fully arrived is held back: until GFM can see the table,
//   its header would render as a paragraph of pipes.
import remend, { isWithinCodeBlock } from "remend";

const TABLE_ROW = /^ {0,3}\|/;
const DELIMITER_CELL = /^\s*:?-+:?\s*$/;

/** The cells of a table row, split on unescaped pipes (GFM counts cells this way). */
function cells(row: string): string[] {
  let r = row.trim();
  if (r.startsWith("|")) r = r.slice(1);
  if (r.endsWith("|") && !r.endsWith("\\|")) r = r.slice(0, -1);
  return r.split(/(?<!\\)\|/);
}

/** True when `row` is a complete delimiter row for a header of `count` cells. */
export function isDelimiterRow(row: string, count: number): boolean {
  const c = cells(row);
  return c.length === count && c.every((cell) => DELIMITER_CELL.test(cell));
}

/** Drops trailing lines that start a table GFM cannot recognise yet (header without its delimiter row). */
export function holdBackUnfinishedTable(text: string): string {
  const lines = text.split("\n");
  let start = lines.length;
  while (start > 0 && TABLE_ROW.test(lines[start - 1] ?? "")) start--;
  if (start === lines.length) return text;
  const [header = "", delimiter] = lines.slice(start);
  if (delimiter !== undefined && isDelimiterRow(delimiter, cells(header).length)) return text;
  const before = lines.slice(0, start).join("\n");
  if (isWithinCodeBlock(text, text.length)) return text;
  return before.trimEnd();
}

/** Drops trailing white space and a last line holding only block-quote markers. */
export function trimStreamingTail(text: string): string {
  return text.trimEnd().replace(/(?:^|\n)(?: {0,3}>)+$/, "").trimEnd();
}

/** The markdown to render for a partial answer. */
export function healStreaming(text: string): string {
  return remend(holdBackUnfinishedTable(trimStreamingTail(text)));
}

import { describe, expect, it, vi } from "vitest";

/** Lengths of the texts handed to the markdown parser. */
const parsed: number[] = vi.hoisted(() => []);
vi.mock("mdast-util-from-markdown", async (original) => {
  const mod = await original<typeof import("mdast-util-from-markdown")>();
  return {
    ...mod,
    fromMarkdown: (value: string, options: Parameters<typeof mod.fromMarkdown>[1]) => {
      parsed.push(value.length);
      return mod.fromMarkdown(value, options);
    },
  };
});
import { BlockSplitter, splitBlocks, type BlockSyntax } from "./blocks";
import { mathSyntax } from "./mathSyntax";

const DOC = [
  "# Title",
  "",
  "A paragraph with **bold**",
  "over two lines.",
  "",
  "```ts",
  "const a = 1;",
  "",
  "const b = 2;",
  "```",
  "",
  "- one",
  "",
  "- two (a loose list stays one block)",
  "",
  "1. first",
  "2. second",
  "",
  "> a quote",
  "lazily continued",
  "",
  "| a | b |",
  "| - | - |",
  "| 1 | 2 |",
  "",
  "    indented code",
  "",
  "    still code",
  "",
  "Last line.",
].join("\n");

describe("splitBlocks", () => {
  it("splits at top-level blocks, never inside a fence, a loose list or indented code", () => {
    expect(splitBlocks(DOC)).toEqual([
      "# Title",
      "A paragraph with **bold**\nover two lines.",
      "```ts\nconst a = 1;\n\nconst b = 2;\n```",
      "- one\n\n- two (a loose list stays one block)",
      "1. first\n2. second",
      "> a quote\nlazily continued",
      "| a | b |\n| - | - |\n| 1 | 2 |",
      "    indented code\n\n    still code",
      "Last line.",
    ]);
  });

  it("keeps an indented block's leading spaces and drops blank lines between blocks", () => {
    expect(splitBlocks("\n\n  para one\n\n\n   para two\n\n")).toEqual(["  para one", "   para two"]);
    expect(splitBlocks("")).toEqual([]);
    expect(splitBlocks(" \n\n ")).toEqual([]);
  });

  it("keeps an unterminated fence as one block to the end", () => {
    expect(splitBlocks("Intro\n\n```js\nlet x;\n\nlet y;")).toEqual(["Intro", "```js\nlet x;\n\nlet y;"]);
  });

  it("keeps display math whole once the math syntax is known", () => {
    const text = "Before\n\n$$\na\n\nb\n$$\n\nAfter";
    expect(splitBlocks(text, mathSyntax)).toEqual(["Before", "$$\na\n\nb\n$$", "After"]);
  });

  it("keeps a text with link definitions or footnotes as one block", () => {
    const refs = "See [the docs][d].\n\nMore.\n\n[d]: https://example.com";
    expect(splitBlocks(refs)).toEqual([refs]);
    const notes = "A claim.[^1]\n\nMore.\n\n[^1]: The source.";
    expect(splitBlocks(notes)).toEqual([notes]);
  });
});

describe("BlockSplitter", () => {
  /** Feeds `text` in pieces of `size` characters; every result must equal a full split. */
  function feed(text: string, size: number, syntax?: BlockSyntax): string[] {
    const splitter = new BlockSplitter();
    let last: string[] = [];
    for (let i = size; i < text.length + size; i += size) {
      const part = text.slice(0, i);
      last = splitter.split(part, syntax);
      expect(last, `after ${JSON.stringify(part)}`).toEqual(splitBlocks(part, syntax));
    }
    return last;
  }

  it("splits a growing text as a full parse would, at every step", () => {
    for (const size of [2, 7, 40]) feed(DOC, size);
    feed("Para\n===\n\n- a\n- b\n\n  more of b\n\nx | y\n--|--\n1 | 2\n", 1);
    feed("Before\n\n$$\na\n\nb\n$$\n\nAfter $x$.", 2, mathSyntax);
  }, 30_000);

  it("starts again when the text is replaced or the syntax changes", () => {
    const splitter = new BlockSplitter();
    expect(splitter.split("one\n\ntwo")).toEqual(["one", "two"]);
    expect(splitter.split("other")).toEqual(["other"]);
    expect(splitter.split("$$\na\n\nb\n$$")).toEqual(["$$\na", "b\n$$"]);
    expect(splitter.split("$$\na\n\nb\n$$", mathSyntax)).toEqual(["$$\na\n\nb\n$$"]);
  });

  it("turns to one block when a definition arrives, and stays so while the text grows", () => {
    const splitter = new BlockSplitter();
    expect(splitter.split("See [d].\n\nMore")).toEqual(["See [d].", "More"]);
    expect(splitter.split("See [d].\n\nMore\n\n[d]: https://e.x")).toEqual(["See [d].\n\nMore\n\n[d]: https://e.x"]);
    expect(splitter.split("See [d].\n\nMore\n\n[d]: https://e.x\n\nEnd")).toHaveLength(1);
  });

  it("parses only the last block again as the text grows", () => {
    const splitter = new BlockSplitter();
    const head = Array.from({ length: 200 }, (_, i) => `Paragraph ${i}.`).join("\n\n");
    splitter.split(head);
    parsed.length = 0;
    for (let i = 0; i < 50; i++) splitter.split(`${head}\n\nTail ${"word ".repeat(i)}`);
    expect(parsed).toHaveLength(50);
    // Each parse covers the last block and what follows it, never the finished paragraphs.
    expect(Math.max(...parsed)).toBeLessThan(300);
  });

  it("goes back to an older version and forward again without parsing from the start", () => {
    // Concurrent rendering may render an older text between two newer ones.
    const splitter = new BlockSplitter();
    const head = Array.from({ length: 200 }, (_, i) => `Paragraph ${i}.`).join("\n\n");
    const older = `${head}\n\nTail one`;
    const newer = `${older} two three`;
    splitter.split(older);
    splitter.split(newer);
    parsed.length = 0;
    expect(splitter.split(older)).toEqual(splitBlocks(older));
    expect(splitter.split(newer)).toEqual(splitBlocks(newer));
    expect(splitter.split(`${newer} four`)).toEqual(splitBlocks(`${newer} four`));
    // splitBlocks parses whole texts: only its three parses are long.
    expect(parsed.filter((n) => n > 300)).toHaveLength(3);
    expect(parsed.filter((n) => n <= 300).length).toBeLessThanOrEqual(1);
  });
});


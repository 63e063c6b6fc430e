import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./Markdown";

const DOC = [
  "# Title",
  "",
  "A paragraph with **bold**, *emphasis*, `code` and a [link](https://example.com/a).",
  "",
  "```ts",
  "const a = 1;",
  "",
  "const b = 2;",
  "```",
  "",
  "- one",
  "",
  "- two",
  "",
  "3. three",
  "4. four",
  "",
  "> a quote",
  "",
  "| a | b |",
  "| - | -: |",
  "| 1 | 2 |",
  "",
  "Setext heading",
  "---",
  "",
  "![remote](https://example.com/x.png) and text.",
].join("\n");

const render = (content: string, isStreaming = false) => renderToStaticMarkup(createElement(Markdown, { content, isStreaming }));
/** The markup without the white space React Markdown puts between top-level elements. */
const normalise = (html: string) => html.replace(/>\s+</g, "><");

describe("Markdown", () => {
  it("renders block by block exactly as it renders the whole text at once", () => {
    // A link definition reaches across blocks, so with one the whole text renders as one block;
    // the definition itself renders nothing.
    const whole = render(`${DOC}\n\n[unused]: https://example.com/unused`);
    const blocks = render(DOC);
    expect(normalise(blocks)).toBe(normalise(whole));
    expect(blocks).toContain("<table>");
    expect(blocks).toContain("<h2>Setext heading</h2>");
    expect(blocks).toContain("<ol start=\"3\">");
  });

  it("heals only the last block of a streaming answer", () => {
    const html = render("First **bold** done.\n\nSecond with **half-written", true);
    expect(html).toContain("<strong>half-written</strong>");
    expect(html).not.toContain("**");
    // A finished block is the text as it is, even where it looks unfinished.
    const finished = render("Stray ** marker.\n\nNext", true);
    expect(finished).toContain("Stray ** marker.");
  });
});

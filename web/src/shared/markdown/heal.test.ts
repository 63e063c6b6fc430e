import { describe, expect, it } from "vitest";
import { healStreaming, holdBackUnfinishedTable, isDelimiterRow, trimStreamingTail } from "./heal";
import { safeHref } from "./links";

/** Every prefix the echo model streams (a word with the white space after it). */
function prefixes(doc: string): string[] {
  const out: string[] = [];
  let acc = "";
  for (const chunk of doc.match(/^\s+|\S+\s*/g) ?? []) out.push((acc += chunk));
  return out;
}

describe("healStreaming", () => {
  it("holds back a table until its delimiter row is complete", () => {
    expect(healStreaming("Intro\n\n| a | b |")).toBe("Intro");
    expect(healStreaming("Intro\n\n| a | b |\n| --- |")).toBe("Intro");
    expect(healStreaming("Intro\n\n| a | b |\n| --- | -")).toBe("Intro\n\n| a | b |\n| --- | -");
    expect(healStreaming("Intro\n\n| a | b |\n| - | - |\n| 1")).toBe("Intro\n\n| a | b |\n| - | - |\n| 1");
    expect(healStreaming("Intro:\n| a | b |")).toBe("Intro:");
  });

  it("keeps pipes inside an open code fence", () => {
    expect(healStreaming("```\n| a | b |")).toBe("```\n| a | b |");
  });

  it("closes bold that spans lines when the chunk ends in white space", () => {
    expect(healStreaming("- item **two\n  ")).toBe("- item **two**");
    expect(healStreaming("> q **b\n> ")).toBe("> q **b**");
  });

  it("never leaves pipes or markers for a streamed table and bold", () => {
    const doc = "Text with **bold words here** end.\n\n| Fruit | Qty |\n| --- | ---: |\n| apples | 3 |\n\nAfter.";
    for (const p of prefixes(doc)) {
      const healed = healStreaming(p);
      const lastBlock = healed.split("\n\n").at(-1) ?? "";
      if (lastBlock.startsWith("|")) expect(lastBlock.split("\n").length, p).toBeGreaterThanOrEqual(2);
      expect(healed.endsWith(" **"), p).toBe(false);
    }
  });
});

describe("helpers", () => {
  it("recognises delimiter rows", () => {
    expect(isDelimiterRow("| --- | :-: |", 2)).toBe(true);
    expect(isDelimiterRow("--- | ---", 2)).toBe(true);
    expect(isDelimiterRow("| --- |", 2)).toBe(false);
    expect(isDelimiterRow("| a | b |", 2)).toBe(false);
    expect(holdBackUnfinishedTable("no table")).toBe("no table");
  });

  it("trims the streaming tail", () => {
    expect(trimStreamingTail("a\n\n")).toBe("a");
    expect(trimStreamingTail("> a\n> ")).toBe("> a");
    // The last block of a streaming answer may be nothing but the quote's marker yet.
    expect(trimStreamingTail("> ")).toBe("");
  });

  it("keeps only http(s) links live", () => {
    expect(safeHref("https://example.com/a")).toBe("https://example.com/a");
    expect(safeHref("http://example.com")).toBe("http://example.com/");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("JavaScript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,x")).toBeNull();
    expect(safeHref("/relative")).toBeNull();
    expect(safeHref("")).toBeNull();
    expect(safeHref(undefined)).toBeNull();
  });
});

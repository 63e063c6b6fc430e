// The front end's wire types come only from src/generated (generated from the Rust types by
// `cargo run -p promptdeck-server --bin gen-types`): no source declares a type or interface of
// the same name by hand, so a hand-kept copy cannot drift from the server again.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const src = import.meta.dirname;
const generated = join(src, "generated");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === generated ? [] : sources(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const wireNames = readdirSync(generated)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => f.slice(0, -3));

describe("wire types", () => {
  it("are generated", () => {
    expect(wireNames).toEqual(expect.arrayContaining(["PromptsData", "PromptCustomUi", "TaskAck", "StreamEvent", "TaskErrorCode", "InitResult"]));
  });

  it("are never declared by hand", () => {
    const handWritten: string[] = [];
    for (const file of sources(src)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^\s*(?:export\s+)?(?:interface|type)\s+([A-Za-z_]\w*)\s*(?:[<={]|extends\b)/gm)) {
        if (wireNames.includes(m[1] ?? "")) handWritten.push(`${relative(src, file)}: ${m[1]}`);
      }
    }
    expect(handWritten).toEqual([]);
  });
});

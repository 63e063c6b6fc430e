// Prints the sandbox runtime's initial JavaScript, gzipped at level 9, and fails when it is over
// the 150 KB budget: the scripts sandbox.html loads and preloads (the frame's runtime) plus the
// component worker's script they start (assets/sandbox-worker-*.js, named in vite.config.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 150 * 1024;
const dist = join(import.meta.dirname, "..", "dist");
const html = readFileSync(join(dist, "sandbox.html"), "utf8");
const frame = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((m) => m[1]);
const workers = new Set(frame.flatMap((f) => [...readFileSync(join(dist, f), "utf8").matchAll(/assets\/sandbox-worker-[\w-]+\.js/g)].map((m) => m[0])));
let total = 0;
for (const f of new Set([...frame, ...workers])) {
  const size = gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  total += size;
  console.log(`${f}\t${(size / 1024).toFixed(1)} KB gzipped${workers.has(f) ? " (component worker)" : ""}`);
}
console.log(`sandbox runtime initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (frame.length === 0 || workers.size === 0 || total > BUDGET) process.exit(1);

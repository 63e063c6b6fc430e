// Prints the results of bench/streaming/run (JSON lines) as a Markdown table.
//   node table.mjs FILE.jsonl...            one row per run
//   node table.mjs --median FILE.jsonl...   one row per scenario and server: the median run by
//                                           each column (runs counted in the last column)
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const median = args.includes("--median");
const rows = args
  .filter((a) => a !== "--median")
  .flatMap((f) => readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)));
const f = (v, d = 1) => (v === null || v === undefined || Number.isNaN(v) ? "-" : Number(v).toFixed(d));
const scen = (r) => (r.note.match(/scenario=(\w+)/) ?? [])[1] ?? "?";
const load1 = (r) => Number(r.loadavg_before.split(" ")[0]);

function med(list, key) {
  const v = list.map((r) => (typeof key === "function" ? key(r) : r[key])).filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : null;
}

let out = rows;
if (median) {
  const groups = new Map();
  for (const r of rows) {
    const k = `${scen(r)}|${r.label}|${r.client}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  out = [...groups.values()].map((g) => {
    const m = { ...g[0] };
    for (const key of Object.keys(m)) if (typeof m[key] === "number") m[key] = med(g, key);
    m.complete = Math.min(...g.map((r) => r.complete));
    m.error_count = g.reduce((s, r) => s + r.error_count, 0);
    m.loadavg_before = `${f(Math.min(...g.map(load1)), 2)}–${f(Math.max(...g.map(load1)), 2)}`;
    m.runs = g.length;
    return m;
  });
}

console.log(
  "| scenario | server | complete | chunks/s | ttft p50 / p99 ms | stream p50 / p99 ms | ideal ms | p99 vs ideal | from 1st chunk p99 (ideal) ms | server CPU µs/chunk | µs/task | server % core | RSS peak MB | client µs/chunk | load avg (1 min) |" +
    (median ? " runs |" : ""),
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" + (median ? "---|" : ""));
for (const r of out) {
  console.log(
    `| ${scen(r)} ${r.streams}×${r.words} @${r.delay}ms | ${r.label}${r.client === "raw" ? "" : ` (${r.client})`} | ${r.complete}/${r.streams}${r.error_count ? ` (${r.error_count} err)` : ""} | ` +
      `${f(r.chunks_per_s, 0)} | ${f(r.ttft_p50_ms)} / ${f(r.ttft_p99_ms)} | ${f(r.stream_p50_ms)} / ${f(r.stream_p99_ms)} | ` +
      `${r.ideal_ms || "-"} | ${r.ideal_ms ? (r.p99_over_ideal_pct >= 0 ? "+" : "") + f(r.p99_over_ideal_pct, 1) + " %" : "-"} | ` +
      `${r.ideal_ms ? `${f(r.from_first_p99_ms)} (${r.from_first_ideal_ms})` : "-"} | ` +
      `${f(r.server_cpu_us_per_chunk, 2)} | ${f(r.server_cpu_us_per_task, 0)} | ${f(r.server_cpu_pct_of_core, 0)} | ${f(r.server_rss_peak_mb, 0)} | ${f(r.client_cpu_us_per_chunk, 2)} | ${median ? r.loadavg_before : r.loadavg_before.split(" ")[0]} |` +
      (median ? ` ${r.runs} |` : ""),
  );
}

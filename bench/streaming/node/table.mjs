// Prints the results of bench/streaming/run (JSON lines) as a Markdown table.
//   node table.mjs results/FILE.jsonl
import { readFileSync } from "node:fs";

const rows = readFileSync(process.argv[2], "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
const f = (v, d = 1) => (v === null || v === undefined ? "-" : Number(v).toFixed(d));
const scen = (r) => (r.note.match(/scenario=(\w+)/) ?? [])[1] ?? "?";
console.log("| scenario | server | complete | chunks/s | ttft p50 / p99 ms | stream p50 / p99 ms | ideal ms | p99 vs ideal | server CPU µs/chunk | server % core | RSS peak MB | client µs/chunk | load avg |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${scen(r)} ${r.streams}×${r.words} @${r.delay}ms | ${r.label} | ${r.complete}/${r.streams}${r.error_count ? ` (${r.error_count} err)` : ""} | ` +
      `${f(r.chunks_per_s, 0)} | ${f(r.ttft_p50_ms)} / ${f(r.ttft_p99_ms)} | ${f(r.stream_p50_ms)} / ${f(r.stream_p99_ms)} | ` +
      `${r.ideal_ms || "-"} | ${r.ideal_ms ? (r.p99_over_ideal_pct >= 0 ? "+" : "") + f(r.p99_over_ideal_pct, 1) + " %" : "-"} | ` +
      `${f(r.server_cpu_us_per_chunk, 2)} | ${f(r.server_cpu_pct_of_core, 0)} | ${f(r.server_rss_peak_mb, 0)} | ${f(r.client_cpu_us_per_chunk, 2)} | ${r.loadavg_before} |`,
  );
}

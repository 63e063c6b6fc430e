// Streaming load generator: drives any server that speaks promptdeck's Socket.IO task protocol
// with the echo model. Forks --procs worker processes (worker.mjs), each holding its share of the
// sockets; one stream per socket. Measures per stream the time to first chunk and the stream time
// (from the emit), checks every chunk, and reads the server's CPU time (utime+stime from
// /proc/PID/stat) over the run and its peak RSS (VmHWM).
//
//   node loadgen.mjs --url http://127.0.0.1:PORT --pid SERVER_PID (--token T | --signup)
//        --streams N --words W --delay MS [--procs P] [--client raw|sio] [--timeout S]
//        [--label NAME] [--json FILE]
import { fork } from "node:child_process";
import { readFileSync, appendFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  return v === undefined || v.startsWith("--") ? true : v;
};
const url = opt("url");
const pid = Number(opt("pid"));
const streams = Number(opt("streams", 10));
const words = Number(opt("words", 100));
const delay = Number(opt("delay", 0));
const procs = Math.max(1, Math.min(Number(opt("procs", 1)), streams));
const client = opt("client", "raw");
const timeoutMs = Number(opt("timeout", 120)) * 1000;
const label = opt("label", "server");
const jsonOut = opt("json");
const note = opt("note", "");
if (!url || !pid) {
  console.error("usage: loadgen.mjs --url URL --pid PID (--token T | --signup) --streams N --words W --delay MS");
  process.exit(2);
}
if (!url.startsWith("http://127.0.0.1:")) {
  console.error("loadgen: loopback only (http://127.0.0.1:PORT)");
  process.exit(2);
}

const TICK = 100; // USER_HZ on Linux
const HZ = Number(process.env.CLK_TCK ?? TICK);
function serverCpuSeconds() {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / HZ; // utime, stime (fields 14, 15)
}
function serverStatus(key) {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
  return m ? Number(m[1]) / 1024 : null;
}
function loadavg() {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

async function getToken() {
  if (opt("token")) return opt("token");
  if (!opt("signup")) return "bench-token";
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const res = await fetch(`${url}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "bench-password-123" }),
  });
  if (!res.ok) throw new Error(`signup: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

function pct(sorted, p) {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

const token = await getToken();
const here = fileURLToPath(new URL(".", import.meta.url));
const workers = [];
let first = 0;
for (let w = 0; w < procs; w++) {
  const share = Math.floor(streams / procs) + (w < streams % procs ? 1 : 0);
  const env = { ...process.env, BENCH_WORKER: JSON.stringify({ url, token, streams: share, words, delay, client, firstIndex: first, timeoutMs }) };
  first += share;
  workers.push(fork(`${here}/worker.mjs`, [], { env, stdio: ["ignore", "inherit", "inherit", "ipc"] }));
}
const wait = (type) =>
  Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    const on = (m) => {
      if (m.type === type) { w.off("message", on); resolve(m); }
      else if (m.type === "fatal") reject(new Error(m.error));
    };
    w.on("message", on);
    w.once("exit", (code) => code && reject(new Error(`worker exited ${code}`)));
  })));

const hardStop = setTimeout(() => { console.error("loadgen: hard timeout"); for (const w of workers) w.kill(); process.exit(3); }, timeoutMs + 120000);
await wait("ready");
await new Promise((r) => setTimeout(r, 500)); // let the connect work settle
// A profiler's control FIFO (`perf record -D -1 --control fifo:PATH`): events are recorded only
// while the streams run, not while the sockets connect.
const perfControl = (command) => process.env.BENCH_PERF_CTL && writeFileSync(process.env.BENCH_PERF_CTL, `${command}\n`);
perfControl("enable");
const load0 = loadavg();
const cpu0 = serverCpuSeconds();
const t0 = performance.now();
const results = wait("result");
for (const w of workers) w.send({ type: "go" });
const res = await results;
const wall = (performance.now() - t0) / 1000;
const cpu1 = serverCpuSeconds();
perfControl("disable");
const rssPeak = serverStatus("VmHWM");
clearTimeout(hardStop);

const all = res.flatMap((r) => r.stats);
const clientCpu = res.reduce((s, r) => s + (r.cpu.user + r.cpu.system) / 1e6, 0);
const chunks = all.reduce((s, st) => s + st.chunks, 0);
const complete = all.filter((st) => st.done && st.info && st.chunks === words && st.errors.length === 0).length;
const errors = all.flatMap((st) => st.errors.map((e) => `stream ${st.i}: ${e}`));
const sorted = (k) => all.map((st) => st[k]).filter((v) => v !== null).sort((a, b) => a - b);
const ttft = sorted("ttft"), total = sorted("total"), last = sorted("last"), ack = sorted("ack");
// Stream time counted from the first chunk (total - ttft): what is left when the start-up latency
// (task planning, records) is taken out; its ideal is (words - 1) x delay.
const fromFirst = all.filter((st) => st.total !== null && st.ttft !== null).map((st) => st.total - st.ttft).sort((a, b) => a - b);
const ideal = words * delay;
const serverCpu = cpu1 - cpu0;
const summary = {
  label, note, client, streams, words, delay, procs,
  complete, expected_chunks: streams * words, chunks,
  wall_s: wall,
  chunks_per_s: chunks / wall,
  ttft_p50_ms: pct(ttft, 50), ttft_p99_ms: pct(ttft, 99), ttft_max_ms: ttft.at(-1) ?? null,
  ack_p50_ms: pct(ack, 50), ack_p99_ms: pct(ack, 99),
  stream_p50_ms: pct(total, 50), stream_p99_ms: pct(total, 99), stream_max_ms: total.at(-1) ?? null,
  last_chunk_p50_ms: pct(last, 50), last_chunk_p99_ms: pct(last, 99),
  ideal_ms: ideal,
  from_first_p50_ms: pct(fromFirst, 50), from_first_p99_ms: pct(fromFirst, 99), from_first_ideal_ms: (words - 1) * delay,
  p99_over_ideal_pct: ideal ? (100 * (pct(total, 99) - ideal)) / ideal : null,
  server_cpu_s: serverCpu,
  server_cpu_us_per_chunk: chunks ? (serverCpu * 1e6) / chunks : null,
  // Everything the server spent per stream (start, records, chunks): the per-task cost when
  // answers are short.
  server_cpu_us_per_task: complete ? (serverCpu * 1e6) / complete : null,
  server_cpu_pct_of_core: (100 * serverCpu) / wall,
  server_rss_peak_mb: rssPeak,
  client_cpu_s: clientCpu,
  client_cpu_us_per_chunk: chunks ? (clientCpu * 1e6) / chunks : null,
  loadavg_before: load0, loadavg_after: loadavg(),
  errors: errors.slice(0, 10), error_count: errors.length,
};
const f = (v, d = 1) => (v === null || v === undefined ? "-" : Number(v).toFixed(d));
console.log(
  `${label} [${client}] ${streams}x${words} delay=${delay}ms: ${complete}/${streams} complete, ${chunks}/${streams * words} chunks, ` +
  `${f(summary.chunks_per_s, 0)} chunks/s, ttft p50/p99 ${f(summary.ttft_p50_ms)}/${f(summary.ttft_p99_ms)} ms, ` +
  `stream p50/p99 ${f(summary.stream_p50_ms)}/${f(summary.stream_p99_ms)} ms` + (ideal ? ` (ideal ${ideal}, p99 +${f(summary.p99_over_ideal_pct, 2)}%)` : "") +
  `, server CPU ${f(serverCpu, 2)} s = ${f(summary.server_cpu_us_per_chunk, 2)} us/chunk (${f(summary.server_cpu_pct_of_core, 0)}% of a core), ` +
  `RSS peak ${f(rssPeak)} MB, client CPU ${f(summary.client_cpu_us_per_chunk, 2)} us/chunk`,
);
if (errors.length) console.log(`  ${errors.length} errors, first: ${errors.slice(0, 3).join(" | ")}`);
if (jsonOut) appendFileSync(jsonOut, JSON.stringify(summary) + "\n");
process.exit(complete === streams ? 0 : 1);

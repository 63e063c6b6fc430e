// JSON lines of bench.mjs → the Markdown tables of RESULTS.md, one row per run.
//   node table.mjs results/FILE.jsonl [more.jsonl ...]

import { readFileSync } from "node:fs";

const runs = process.argv
  .slice(2)
  .flatMap((file) => readFileSync(file, "utf8").split("\n"))
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

const f = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? "-" : Number(x).toFixed(d));
const q4 = (d, k = 1) => `${f(d.p50, k)} / ${f(d.p95, k)} / ${f(d.p99, k)} / ${f(d.max, k)}`;
const q2 = (d, k = 1) => `${f(d.p50, k)} / ${f(d.p99, k)}`;
const setup = (r) => (r.nodes > 1 ? `${r.nodes} nodes (A → B)${r.probeEvery > 0 ? ", probed" : ""}` : "1 node");
const load = (r) => `${f(r.load[0], 2)}–${f(r.load[1], 2)}`;
const table = (head, rows) => {
  if (!rows.length) return;
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log();
};

const streams = runs.filter((r) => r.scenario === "streams");
const resumes = runs.filter((r) => r.scenario === "resume");

console.log("### Follower latency: arrival on the follower's socket − arrival on the producer's socket (ms)\n");
table(
  ["setup", "streams", "complete", "live chunks", "extra p50 / p95 / p99 / max", "replayed chunks: extra p99", "follower lost / dup", "producer lost / dup", "resume ack p50 / p99", "end gap p50 / p99", "task wall p50 / p99", "client loop delay p99", "load avg"],
  streams.map((r) => [
    setup(r),
    `${r.streams}×${r.words} @${r.delay} ms`,
    `${r.complete}/${r.streams}`,
    r.extraMs.live.n,
    q4(r.extraMs.live, 2),
    `${r.extraMs.replayed.n}: ${f(r.extraMs.replayed.p99, 2)}`,
    `${r.follower.lost} / ${r.follower.dup}`,
    `${r.producer.lost} / ${r.producer.dup}`,
    q2(r.resumeAckMs),
    q2(r.endGapMs),
    q2(r.wallMs, 0),
    f(r.client.loopDelayP99Ms),
    load(r),
  ]),
);

const probedRuns = streams.filter((r) => r.splitMs?.toRedis.n);
if (probedRuns.length) {
  console.log("### Where the extra latency goes (every `probeEvery`-th stream also read straight from Redis by the client; ms)\n");
  table(
    ["streams", "probed streams", "chunks", "producer socket → in Redis p50 / p95 / p99 / max", "in Redis → follower socket p50 / p95 / p99 / max"],
    probedRuns.map((r) => [r.streams, Math.ceil(r.streams / r.probeEvery), r.splitMs.toRedis.n, q4(r.splitMs.toRedis, 2), q4(r.splitMs.fromRedis, 2)]),
  );
}

// The probes add readers to Redis: their runs give the split above, not the work figures.
const cluster = streams.filter((r) => r.redis && !(r.probeEvery > 0));
if (cluster.length) {
  console.log("### Redis work (`INFO commandstats`, `INFO cpu`; the benchmark's own INFO / CLIENT LIST left out)\n");
  const per = (r, name) => f((r.redis.commands[name]?.calls ?? 0) / r.chunks, 2);
  table(
    ["streams", "chunks", "commands", "commands / chunk", "XADD / XREAD / XRANGE / EXPIRE per chunk", "other commands", "Redis µs / chunk (commandstats)", "Redis CPU µs / chunk", "share of the tasks' wall time (commandstats / CPU)", "other Redis clients"],
    cluster.map((r) => {
      const main = new Set(["xadd", "xread", "xrange", "expire"]);
      const other = Object.entries(r.redis.commands)
        .filter(([n]) => !main.has(n))
        .sort((a, b) => b[1].calls - a[1].calls)
        .map(([n, c]) => `${n} ${c.calls}`)
        .join(", ");
      const others = Object.entries(r.redis.otherClients).map(([db, n]) => `db${db}: ${n}`).join(", ");
      return [
        r.streams,
        r.chunks,
        r.redis.total,
        f(r.redis.perChunk.commands, 2),
        `${per(r, "xadd")} / ${per(r, "xread")} / ${per(r, "xrange")} / ${per(r, "expire")}`,
        other || "-",
        f(r.redis.perChunk.usec, 2),
        f(r.redis.perChunk.cpuUsec, 2),
        `${f(100 * r.redis.shareOfWall.commandstats, 3)} % / ${f(100 * r.redis.shareOfWall.cpu, 3)} %`,
        others || "none",
      ];
    }),
  );
}

if (streams.length) {
  console.log("### CPU per produced chunk (µs; `utime+stime` of `/proc/PID/stat`, whole window; each chunk goes to 2 sockets)\n");
  // Each two-node run against the last single-node run of its stream count before it (its repeat).
  const single = new Map();
  const base = new Map();
  for (const r of streams) {
    if (r.nodes === 1) single.set(r.streams, r);
    else base.set(r, single.get(r.streams));
  }
  table(
    ["setup", "streams", "chunks", "node A (producer)", "node B (follower)", "nodes together", "Redis CPU", "all server-side", "vs 1 node", "client", "RSS peak MB"],
    streams.filter((r) => !(r.probeEvery > 0)).map((r) => {
      const nodes = r.cpuPerChunkUs.reduce((a, b) => a + b, 0);
      const redis = r.redis ? r.redis.perChunk.cpuUsec : 0;
      const one = base.get(r);
      const baseTotal = one ? one.cpuPerChunkUs.reduce((a, b) => a + b, 0) : null;
      return [
        setup(r),
        r.streams,
        r.chunks,
        f(r.cpuPerChunkUs[0], 2),
        r.nodes > 1 ? f(r.cpuPerChunkUs[1], 2) : "-",
        f(nodes, 2),
        r.redis ? f(redis, 2) : "-",
        f(nodes + redis, 2),
        r.nodes > 1 && baseTotal ? `×${f((nodes + redis) / baseTotal, 2)}` : "-",
        f(r.client.cpuUsec / r.chunks, 2),
        r.rssMb.map((m) => f(m, 0)).join(" + "),
      ];
    }),
  );
}

if (resumes.length) {
  console.log("### Resume {task_id, from: 0}: emit → first event (ms)\n");
  table(
    ["setup", "tasks", "phase", "resumed on", "resumes", "first event = chunk 0", "task live at the emit", "first event p50 / p95 / p99 / max", "ack p50 / p99", "load avg"],
    resumes.flatMap((r) =>
      r.rows.map((row) => [
        setup(r),
        `${r.resumes}×${r.words} @${r.delay} ms`,
        row.phase,
        row.node === "B" ? "B (other node)" : "A (task's node)",
        row.resumes,
        row.ok,
        row.phase === "live" ? row.liveAtEmit : "-",
        q4(row.firstMs, 2),
        q2(row.ackMs, 2),
        load(r),
      ]),
    ),
  );
}

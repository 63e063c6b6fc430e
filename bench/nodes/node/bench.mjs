// Several-node benchmark: one run of one scenario on fresh nodes, a fresh PostgreSQL database and
// an emptied Redis database; appends one JSON line to --json and prints a summary. `table.mjs`
// turns the JSON lines into the tables of RESULTS.md.
//
//   node bench.mjs --scenario streams --nodes 2 --streams 100   # A runs the tasks, followers on B
//   node bench.mjs --scenario streams --nodes 1 --streams 100   # the baseline: one node, no Redis
//   node bench.mjs --scenario resume --nodes 2 --resumes 200    # resume on B (and on A) of live and ended tasks
//
// Options (defaults): --bin ../../../target/release/promptdeck, --postgres
// postgres://postgres@127.0.0.1:5432/test (a database is created per run and dropped after),
// --redis redis://127.0.0.1:6379, --redis-db 9 (FLUSHDB first), --words 100, --delay 10,
// --ramp-ms 1000 (starts spread evenly over it), --procs 1 (client processes of `streams`),
// --client raw|sio (the minimal client of rawsocket.mjs, or socket.io-client 4.8.4),
// --probe-every 0 (N: with two nodes, every Nth stream is also read straight from Redis, see
// worker.mjs), --resume-words 500, --resume-gap-ms 5, --timeout 120 (s), --label, --note.

import { spawn, fork, execFileSync } from "node:child_process";
import { readFileSync, appendFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { io } from "socket.io-client";
import pg from "pg";
import { redisConnect, redisSample, redisDelta } from "./redis.mjs";
import { rawConnect } from "./rawsocket.mjs";

const here = dirname(fileURLToPath(import.meta.url));

function options(argv) {
  const o = {
    bin: resolve(here, "../../../target/release/promptdeck"),
    postgres: "postgres://postgres@127.0.0.1:5432/test",
    redis: "redis://127.0.0.1:6379",
    redisDb: 9,
    scenario: "streams",
    nodes: 2,
    streams: 100,
    words: 100,
    delay: 10,
    rampMs: 1000,
    procs: 1,
    probeEvery: 0,
    client: "raw",
    resumes: 200,
    resumeWords: 500,
    resumeGapMs: 5,
    timeout: 120,
    json: "",
    label: "",
    note: "",
  };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in o)) throw new Error(`unknown option ${argv[i]}`);
    o[key] = typeof o[key] === "number" ? Number(argv[i + 1]) : argv[i + 1];
  }
  return o;
}

const opt = options(process.argv);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Rejects with `message` when `promise` has not settled within `ms`. */
function within(ms, promise, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${message}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** p-th percentile (nearest rank) of numbers. */
export function pct(values, p) {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const dist = (v) => ({ n: v.length, p50: pct(v, 50), p95: pct(v, 95), p99: pct(v, 99), max: pct(v, 100) });

// ---- the deployment ----------------------------------------------------------------------------

/** A fresh PostgreSQL database on the --postgres server: `{ url, drop() }`. */
async function freshDatabase() {
  const name = `pd_bench_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: opt.postgres });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(opt.postgres);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async query(sql) {
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ connectionString: opt.postgres });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

// As the protocol tests start nodes: sign-in limits raised, per-user task caps off.
const RAISED_AUTH_LIMITS = ["--auth-ip-per-minute", "1000000", "--auth-ip-burst", "1000000", "--auth-account-attempts", "1000000", "--auth-hash-wait-ms", "120000"];
const NO_TASK_CAPS = ["--task-starts-per-minute", "0", "--max-concurrent-tasks", "0", "--ui-task-starts-per-minute", "0"];

/** Starts one node; resolves to `{ url, pid, cpuUsec(), warnings(), stop() }` once it listens. */
async function startNode(database, redisUrl) {
  const shared = redisUrl ? ["--redis-url", redisUrl] : [];
  const child = spawn(
    opt.bin,
    ["serve", "--addr", "127.0.0.1:0", "--database", database, ...shared, ...RAISED_AUTH_LIMITS, ...NO_TASK_CAPS],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let log = "";
  let warnings = [];
  const keep = (c) => {
    const text = c.toString();
    for (const line of text.split("\n")) if (/\b(WARN|ERROR)\b/.test(line) && warnings.length < 50) warnings.push(line.trim());
    log = (log + text).slice(-50_000);
  };
  child.stderr.on("data", keep);
  const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  const url = await within(
    60_000,
    new Promise((resolveUrl, reject) => {
      let out = "";
      child.stdout.on("data", (c) => {
        keep(c);
        out += c;
        const m = out.match(/listening on (http:\/\/\S+)/);
        if (m) resolveUrl(m[1].replace(/\/$/, ""));
      });
      child.once("exit", (code) => reject(new Error(`a node exited (${code}) before listening:\n${log}`)));
    }),
    "a node did not print `listening on`",
  );
  return {
    url,
    pid: child.pid,
    cpuUsec() {
      // utime + stime of every thread: fields 14 and 15, counted after the command's `)`.
      const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
    },
    rssMb() {
      const m = readFileSync(`/proc/${child.pid}/status`, "utf8").match(/VmHWM:\s+(\d+)/);
      return m ? Number(m[1]) / 1024 : null;
    },
    warnings: () => warnings,
    async stop() {
      child.kill("SIGTERM");
      const done = await Promise.race([exited, sleep(15_000).then(() => null)]);
      if (!done) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** The Redis database of the runs. */
function redisUrlOf() {
  const u = new URL(opt.redis);
  u.pathname = `/${opt.redisDb}`;
  return u.toString();
}

/** The deployment of one run: a fresh database, Redis emptied, 1 or 2 nodes. */
async function deploy() {
  const db = await freshDatabase();
  const nodes = [];
  let redis = null;
  try {
    let redisUrl = null;
    if (opt.nodes > 1) {
      redisUrl = redisUrlOf();
      redis = await redisConnect(redisUrl);
      await redis.command("FLUSHDB");
    }
    for (let i = 0; i < opt.nodes; i++) nodes.push(await startNode(db.url, redisUrl));
  } catch (e) {
    for (const n of nodes) await n.stop();
    redis?.close();
    await db.drop();
    throw e;
  }
  return {
    db,
    nodes,
    redis,
    redisUrl: redis ? redisUrlOf() : null,
    async teardown() {
      for (const n of nodes) await n.stop();
      redis?.close();
      await db.drop();
    },
  };
}

async function signup(url) {
  const res = await fetch(`${url}/api/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `bench-${randomUUID()}@example.com`, password: "correct horse battery staple" }),
  });
  if (res.status !== 201) throw new Error(`signup: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

function connect(url, token) {
  if (opt.client === "raw") return rawConnect(url, token);
  return new Promise((resolveSocket, reject) => {
    const s = io(url, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false, timeout: 60_000 });
    s.once("connect", () => resolveSocket(s));
    s.once("connect_error", reject);
    // A connection closed before it connected rejects too (socket.io-client emits no
    // connect_error then, with reconnection off).
    s.io.once("close", (why) => reject(new Error(`connection closed before connecting: ${why}`)));
  });
}

async function connectMany(url, token, n) {
  const out = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, n) }, async () => {
      while (next < n) {
        const k = next++;
        out[k] = await connect(url, token);
      }
    }),
  );
  return out;
}

function machine() {
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
  let builds = "";
  try {
    builds = execFileSync("sh", ["-c", "pgrep -a 'cargo|rustc' | grep -v pgrep | cut -c1-120 | head -3 || true"]).toString().trim();
  } catch {
    /* no pgrep */
  }
  return { cpus: (readFileSync("/proc/cpuinfo", "utf8").match(/^processor/gm) ?? []).length, cpu, builds };
}

// ---- scenario: streams (follower latency, Redis work, CPU per chunk) ---------------------------

async function streamsScenario(dep, token) {
  const [a, b = a] = dep.nodes;
  const procs = Math.max(1, Math.min(opt.procs, opt.streams));
  const workers = [];
  let first = 0;
  for (let p = 0; p < procs; p++) {
    const n = Math.floor(opt.streams / procs) + (p < opt.streams % procs ? 1 : 0);
    const cfg = {
      producerUrl: a.url,
      followerUrl: b.url,
      token,
      streams: n,
      words: opt.words,
      delay: opt.delay,
      firstIndex: first,
      totalStreams: opt.streams,
      rampMs: opt.rampMs,
      timeoutMs: opt.timeout * 1000,
      redisUrl: dep.redisUrl,
      probeEvery: opt.probeEvery,
      client: opt.client,
    };
    first += n;
    const w = fork(resolve(here, "worker.mjs"), [], { env: { ...process.env, BENCH_WORKER: JSON.stringify(cfg) } });
    const ready = new Promise((res, rej) => {
      w.on("message", (m) => {
        if (m.type === "ready") res();
        else if (m.type === "fatal") rej(new Error(m.error));
        else if (m.type === "result") w.result = m;
      });
      w.once("exit", (code) => code && rej(new Error(`a client process exited with ${code}`)));
    });
    w.ready = ready;
    w.done = new Promise((res, rej) => {
      w.on("message", (m) => m.type === "result" && res(m));
      w.once("exit", (code, signal) => rej(new Error(`a client process ended (${code ?? signal}) without its result`)));
    });
    w.done.catch(() => {});
    workers.push(w);
  }
  await within(120_000, Promise.all(workers.map((w) => w.ready)), "client processes connecting");
  await sleep(500);

  const load0 = loadavg();
  const cpu0 = dep.nodes.map((n) => n.cpuUsec());
  const r0 = dep.redis ? await redisSample(dep.redis) : null;
  const t0 = now();
  for (const w of workers) w.send({ type: "go" });
  const results = await Promise.all(workers.map((w) => w.done));
  const t1 = now();
  const cpu1 = dep.nodes.map((n) => n.cpuUsec());
  const r1 = dep.redis ? await redisSample(dep.redis) : null;
  const load1 = loadavg();

  const stats = results.flatMap((r) => r.stats);
  const live = stats.flatMap((s) => s.live);
  const replayed = stats.flatMap((s) => s.replayed);
  const sum = (f) => stats.reduce((acc, s) => acc + f(s), 0);
  const complete = stats.filter((s) => s.done && s.errors.length === 0 && s.producer.lost === 0 && s.follower.lost === 0 && s.producer.info && s.follower.info).length;
  const chunks = sum((s) => s.producer.chunks);
  const walls = stats.map((s) => s.wall).filter((w) => w !== null);
  const wallSumUs = walls.reduce((x, y) => x + y, 0) * 1000;
  const cpu = dep.nodes.map((n, i) => cpu1[i] - cpu0[i]);
  const redis = r0 ? redisDelta(r0, r1) : null;
  const statuses = await dep.db.query("SELECT status, count(*)::int AS n FROM ai_tasks GROUP BY status ORDER BY status");
  const errors = stats.flatMap((s) => [...s.errors, ...s.producer.errors, ...s.follower.errors]).slice(0, 10);

  return {
    streams: opt.streams,
    words: opt.words,
    delay: opt.delay,
    rampMs: opt.rampMs,
    procs,
    windowMs: t1 - t0,
    complete,
    chunks,
    extraMs: { live: dist(live), replayed: dist(replayed), all: dist([...live, ...replayed]) },
    probeEvery: dep.redisUrl ? opt.probeEvery : 0,
    splitMs: {
      toRedis: dist(stats.flatMap((s) => s.toRedis)),
      fromRedis: dist(stats.flatMap((s) => s.fromRedis)),
    },
    producer: { lost: sum((s) => s.producer.lost), dup: sum((s) => s.producer.dup), bad: sum((s) => s.producer.bad) },
    follower: { lost: sum((s) => s.follower.lost), dup: sum((s) => s.follower.dup), bad: sum((s) => s.follower.bad) },
    resumeAckMs: dist(stats.map((s) => s.resumeAck).filter((x) => x !== null)),
    startAckMs: dist(stats.map((s) => s.ack).filter((x) => x !== null)),
    endGapMs: dist(stats.map((s) => s.endGap).filter((x) => x !== null)),
    wallMs: dist(walls),
    wallSumUs,
    cpuUsec: cpu,
    cpuPerChunkUs: cpu.map((c) => c / chunks),
    rssMb: dep.nodes.map((n) => n.rssMb()),
    redis: redis && {
      ...redis,
      perChunk: { commands: redis.total / chunks, usec: redis.usec / chunks, cpuUsec: redis.cpuUsec / chunks },
      shareOfWall: { commandstats: redis.usec / wallSumUs, cpu: redis.cpuUsec / wallSumUs },
      otherClients: Object.fromEntries(
        [...new Set([...Object.keys(r0.clients), ...Object.keys(r1.clients)])]
          .filter((d) => d !== String(opt.redisDb))
          .map((d) => [d, Math.max(r0.clients[d] ?? 0, r1.clients[d] ?? 0)]),
      ),
      version: r1.version,
    },
    client: {
      cpuUsec: results.reduce((acc, r) => acc + r.cpuUsec, 0),
      loopDelayP99Ms: Math.max(...results.map((r) => r.loopDelayMs.p99)),
      loopDelayMaxMs: Math.max(...results.map((r) => r.loopDelayMs.max)),
    },
    statuses,
    errors,
    load: [load0[0], load1[0]],
  };
}

// ---- scenario: resume (time to the first replayed event) ---------------------------------------

async function resumeScenario(dep, token) {
  const [a] = dep.nodes;
  // Resumes on B (the other node) and, as the baseline, on A (the task's own node).
  const targets = dep.nodes.length > 1 ? [["B", dep.nodes[1]], ["A", a]] : [["A", a]];
  const R = opt.resumes;
  const expected = Array.from({ length: opt.resumeWords }, (_, i) => `w${i + 1}` + (i + 1 < opt.resumeWords ? " " : ""));
  const content = expected.join("");
  const producers = await connectMany(a.url, token, R);
  const payload = {
    taskName: "direct_chat",
    taskData: { chat_config: { model_id: "echo", stream: true, messages: [{ role: "user", content }], echo_delay_ms: opt.delay } },
  };

  const liveSockets = {};
  for (const [name, node] of targets) liveSockets[name] = await connectMany(node.url, token, R);

  // R tasks on A, started over --ramp-ms, each lasting resumeWords × delay.
  const tasks = [];
  const started = producers.map(
    (s, i) =>
      new Promise((res, rej) =>
        setTimeout(() => {
          s.emit("chat_service", payload, (ack) => {
            const event = ack?.response_listener_events?.[0];
            if (!event) return rej(new Error(`start refused: ${JSON.stringify(ack)}`));
            const t = { id: ack.task_id, event, ended: null };
            t.endedPromise = new Promise((r) => (t.ended = r));
            s.on(event, (arg) => {
              if (arg && arg.end === true) {
                t.done = true;
                t.ended();
              }
            });
            tasks[i] = t;
            res();
          });
        }, (opt.rampMs * i) / R),
      ),
  );
  await within(60_000, Promise.all(started), "starting the tasks to resume");

  /**
   * Resumes tasks[i] {from: 0} on `sockets[name][i]` for every target node, one task every
   * --resume-gap-ms (targets in turn, alternating which goes first); each socket is closed once
   * its first event came (it must be the task's first chunk), so the client reads no more.
   */
  async function resumeAll(sockets, phase) {
    const out = Object.fromEntries(targets.map(([name]) => [name, []]));
    const pending = [];
    for (let i = 0; i < R; i++) {
      const order = i % 2 === 0 ? targets : [...targets].reverse();
      for (const [name] of order) {
        const s = sockets[name][i];
        const t = tasks[i];
        const rec = { emitAt: 0, ackAt: null, firstAt: null, first: null, refused: null, wasLive: !t.done };
        out[name].push(rec);
        pending.push(
          new Promise((res) => {
            const timer = setTimeout(res, opt.timeout * 1000);
            s.once(t.event, (arg) => {
              rec.firstAt = now();
              rec.first = arg;
              clearTimeout(timer);
              s.close();
              res();
            });
            rec.emitAt = now();
            s.emit("task_service", { taskName: "resume", taskData: { task_id: t.id, from: 0 } }, (ack) => {
              rec.ackAt = now();
              if (!ack?.response_listener_events?.length) {
                rec.refused = ack;
                clearTimeout(timer);
                s.close();
                res();
              }
            });
          }),
        );
      }
      await sleep(opt.resumeGapMs);
    }
    await Promise.all(pending);
    const rows = {};
    for (const [name, recs] of Object.entries(out)) {
      rows[name] = {
        phase,
        node: name,
        resumes: recs.length,
        ok: recs.filter((r) => r.first === expected[0]).length,
        liveAtEmit: recs.filter((r) => r.wasLive).length,
        firstMs: dist(recs.filter((r) => r.firstAt !== null).map((r) => r.firstAt - r.emitAt)),
        ackMs: dist(recs.filter((r) => r.ackAt !== null).map((r) => r.ackAt - r.emitAt)),
        refused: recs.filter((r) => r.refused).slice(0, 3).map((r) => r.refused),
      };
    }
    return rows;
  }

  // Live: while every task streams (each gets one resume per target node).
  const load0 = loadavg();
  const live = await resumeAll(liveSockets, "live");
  const stillLive = tasks.filter((t) => !t.done).length;
  await within(opt.timeout * 1000, Promise.all(tasks.map((t) => t.endedPromise)), "the tasks' ends");
  // Ended: once every record says completed.
  for (let k = 0; k < 100; k++) {
    const [{ n }] = await dep.db.query("SELECT count(*)::int AS n FROM ai_tasks WHERE status = 'completed'");
    if (n >= R) break;
    await sleep(100);
  }
  await sleep(500);
  const endedSockets = {};
  for (const [name, node] of targets) endedSockets[name] = await connectMany(node.url, token, R);
  const ended = await resumeAll(endedSockets, "ended");
  for (const s of producers) s.close();
  const load1 = loadavg();
  return {
    stillLive,
    resumes: R,
    words: opt.resumeWords,
    delay: opt.delay,
    gapMs: opt.resumeGapMs,
    rows: [...Object.values(live), ...Object.values(ended)],
    statuses: await dep.db.query("SELECT status, count(*)::int AS n FROM ai_tasks GROUP BY status ORDER BY status"),
    load: [load0[0], load1[0]],
  };
}

// ---- main --------------------------------------------------------------------------------------

const f = (x, d = 1) => (x === null || x === undefined ? "-" : Number(x).toFixed(d));
const q = (d, k = 1) => `${f(d.p50, k)} / ${f(d.p95, k)} / ${f(d.p99, k)} / ${f(d.max, k)}`;

async function main() {
  const started = new Date();
  const m = machine();
  if (m.builds) console.error(`!! a build is running on this machine: ${m.builds.replaceAll("\n", "; ")}`);
  const dep = await deploy();
  let result;
  try {
    const token = await signup(dep.nodes[0].url);
    result = opt.scenario === "resume" ? await resumeScenario(dep, token) : await streamsScenario(dep, token);
    result.warnings = dep.nodes.flatMap((n) => n.warnings()).slice(0, 10);
  } finally {
    await dep.teardown();
  }
  const line = {
    scenario: opt.scenario,
    nodes: opt.nodes,
    label: opt.label,
    clientKind: opt.client,
    note: opt.note,
    date: started.toISOString(),
    machine: { cpus: m.cpus, cpu: m.cpu, buildRunning: m.builds || null },
    ...result,
  };
  if (opt.json) {
    mkdirSync(dirname(resolve(opt.json)), { recursive: true });
    appendFileSync(opt.json, JSON.stringify(line) + "\n");
  }
  const setup = (opt.nodes > 1 ? `${opt.nodes} nodes` : "1 node") + (opt.nodes > 1 && opt.probeEvery > 0 && opt.scenario === "streams" ? " probed" : "");
  if (opt.scenario === "resume") {
    for (const r of result.rows) {
      console.log(
        `resume ${setup} ${r.phase} on ${r.node}: ${r.ok}/${r.resumes} ok (${r.liveAtEmit} live at the emit), first event p50/p95/p99/max ${q(r.firstMs)} ms` +
          `; ack p50/p99 ${f(r.ackMs.p50)} / ${f(r.ackMs.p99)} ms`,
      );
    }
  } else {
    const r = result;
    console.log(
      `streams ${setup} ${r.streams}×${r.words}@${r.delay}ms: ${r.complete}/${r.streams} complete; extra latency (live) p50/p95/p99/max ${q(r.extraMs.live, 2)} ms over ${r.extraMs.live.n} chunks; ` +
        `lost/dup follower ${r.follower.lost}/${r.follower.dup}, producer ${r.producer.lost}/${r.producer.dup}; ` +
        (r.splitMs.toRedis.n ? `probed: to Redis p50/p99 ${f(r.splitMs.toRedis.p50, 2)}/${f(r.splitMs.toRedis.p99, 2)}, Redis to follower ${f(r.splitMs.fromRedis.p50, 2)}/${f(r.splitMs.fromRedis.p99, 2)} ms; ` : "") +
        `CPU µs/chunk ${r.cpuPerChunkUs.map((c) => f(c, 2)).join(" + ")}` +
        (r.redis ? `; Redis ${f(r.redis.perChunk.commands, 2)} cmds/chunk, ${f(r.redis.perChunk.usec, 2)} µs/chunk (commandstats), ${f(r.redis.perChunk.cpuUsec, 2)} µs/chunk (CPU), ${(100 * r.redis.shareOfWall.commandstats).toFixed(3)} % of task wall` : ""),
    );
    if (r.redis && Object.keys(r.redis.otherClients).length) {
      console.log(`!! other Redis clients (by database) during the run: ${JSON.stringify(r.redis.otherClients)}`);
    }
  }
  if (result.errors?.length) console.log(`errors: ${JSON.stringify(result.errors)}`);
  if (result.warnings?.length) console.log(`node warnings: ${JSON.stringify(result.warnings)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

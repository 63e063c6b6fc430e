// A rolling restart behind a real load balancer: HAProxy (Debian's package) in front of two nodes
// on one PostgreSQL database and one Redis, 200 clients streaming echo answers through it. One
// node is told to stop (SIGTERM) mid-load: HAProxy sees its `/healthz` turn 503 and takes it
// out, a replacement node is put into its server slot (HAProxy's runtime API), and every client
// that loses its websocket reconnects through the balancer and resumes `{task_id, from: <events
// it holds>}`. At the end each of the 200 clients holds its whole answer, chunk by chunk, once,
// then `info` and `{end:true}`; every task is recorded `completed` with the whole text; the
// stopped node exited 0, and no node panicked.
//
// The clients behave as the web app does (docs/protocol.md, "Reconnecting"): they choose their
// task id, count the events they received, resume from that count on every new connection, and
// send a start refused with `unavailable` again on a new connection. More than half of them also
// drop their connection once mid-stream on their own (a network blip), so that many follow a task
// running on another node than the one holding their websocket.
//
// Runs when PostgreSQL and Redis are named (PROMPTDECK_TEST_POSTGRES, PROMPTDECK_TEST_REDIS) and
// HAProxy is installed (`HAPROXY`, default /usr/sbin/haproxy); CI must run it.

import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  signup,
  connect,
  closeAll,
  directChat,
  echoChunks,
  words,
  getTask,
  freshDatabase,
  within,
  sleep,
  api,
} from "./helpers.mjs";
import { severalNodesEnabled, freshRedis, startNode, killAllNodes, freePort } from "./nodes.mjs";

const HAPROXY = process.env.HAPROXY ?? "/usr/sbin/haproxy";
/** This test's Redis database (several_nodes.test.mjs uses 11 to 15). */
const REDIS_DB = 10;

const USERS = 5;
/** Clients started before the restart, while the stopped node drains, and once its replacement is up. */
const WAVES = { before: 100, draining: 50, replaced: 50 };
/** Each answer: 150 words, one chunk every 40 ms (6 s a stream when the machine keeps up). */
const WORDS = 150;
const DELAY_MS = 40;
/** The nodes: rate limits see the client behind the balancer; a drain never cuts these streams. */
const NODE_ARGS = ["--trusted-proxy", "127.0.0.1", "--drain-timeout-secs", "120"];
/** HAProxy's checks, as in docs/deploy.md: a node is out after two failed checks 2 s apart. */
const CHECK = "check inter 2s fall 2 rise 2";

function haproxyPresent() {
  if (existsSync(HAPROXY)) return true;
  if (process.env.CI) throw new Error(`CI must run the load balancer test: no HAProxy at ${HAPROXY} (apt-get install haproxy)`);
  console.log(`# load balancer test skipped: no HAProxy at ${HAPROXY} (apt-get install haproxy, or set HAPROXY)`);
  return false;
}

function haproxyConfig({ port, adminSocket, servers }) {
  return `global
    maxconn 4096
    stats socket ${adminSocket} mode 600 level admin

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    timeout check 5s
    retries 3
    option redispatch

frontend app
    bind 127.0.0.1:${port}
    option forwardfor
    default_backend promptdeck

backend promptdeck
    balance leastconn
    option httpchk GET /healthz
    http-check expect status 200
${servers.map(([name, url]) => `    server ${name} ${new URL(url).host} ${CHECK}`).join("\n")}
`;
}

/** One command on HAProxy's runtime API (the admin socket); resolves to its answer. */
function haproxyCommand(adminSocket, command) {
  return within(
    10_000,
    new Promise((resolve, reject) => {
      let answer = "";
      const conn = net.createConnection(adminSocket);
      conn.on("connect", () => conn.write(`${command}\n`));
      conn.on("data", (d) => (answer += d));
      conn.on("end", () => resolve(answer));
      conn.on("error", reject);
    }),
    `HAProxy's admin socket did not answer \`${command}\``,
  );
}

/**
 * Starts HAProxy in the foreground on a free port in front of `servers` ([name, node url] pairs).
 * Resolves to `{ url, command(cmd), servers(), output(), stop() }` once its admin socket answers.
 */
async function startHaproxy(dir, servers) {
  const adminSocket = join(dir, "admin.sock");
  const config = join(dir, "haproxy.cfg");
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(config, haproxyConfig({ port, adminSocket, servers }));
    const child = spawn(HAPROXY, ["-f", config, "-db"], { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const keep = (c) => (log = (log + c).slice(-50_000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
    const up = (async () => {
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) return false;
        if (existsSync(adminSocket)) {
          const info = await haproxyCommand(adminSocket, "show info").catch(() => "");
          if (info.includes("Name: HAProxy")) return true;
        }
        await sleep(50);
      }
    })();
    const ok = await within(20_000, Promise.race([up, exited.then(() => false)]), `HAProxy did not start:\n${log}`);
    if (!ok) {
      // Another process took the port between freePort() and HAProxy's bind: try another one.
      if (attempt < 5 && /cannot bind|Address already in use/i.test(log)) continue;
      throw new Error(`HAProxy exited at start:\n${log}`);
    }
    const command = (cmd) => haproxyCommand(adminSocket, cmd);
    return {
      url: `http://127.0.0.1:${port}`,
      command,
      /** The backend's servers from `show stat`: name → {status, check_code, scur, stot, addr, ...}. */
      async servers() {
        const [header, ...rows] = (await command("show stat")).trim().split("\n");
        const fields = header.replace(/^# /, "").split(",");
        const out = {};
        for (const row of rows) {
          const values = row.split(",");
          const entry = Object.fromEntries(fields.map((f, i) => [f, values[i]]));
          if (entry.pxname === "promptdeck" && entry.svname !== "BACKEND") out[entry.svname] = entry;
        }
        return out;
      },
      output: () => log,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          await within(5_000, exited, "HAProxy did not stop").catch(() => child.kill("SIGKILL"));
        }
      },
    };
  }
}

/** A counting semaphore: at most `n` holders at a time. */
class Gate {
  constructor(n) {
    this.free = n;
    this.waiting = [];
  }
  async enter() {
    if (this.free > 0) this.free--;
    else await new Promise((r) => this.waiting.push(r));
  }
  leave() {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * One client, as the web app's task client behaves: it picks its task id, counts the stream
 * events it received, and on every new connection through the balancer either starts the task
 * (again when a stopping node refused it with `unavailable`) or resumes it from that count.
 */
class Client {
  constructor({ index, wave, user, lbUrl, hopAt }) {
    Object.assign(this, { index, wave, user, lbUrl, hopAt });
    this.text = words(WORDS, `c${index}w`);
    this.taskId = randomUUID();
    this.event = `response-${this.taskId}`;
    this.events = [];
    this.trace = [];
    this.acked = false; // the server acknowledged the start
    this.maybeStarted = false; // a start was sent, but its connection went before the ack
    this.ended = false;
    this.stats = {
      connections: 0,
      connectFailures: 0,
      unavailable: 0,
      hops: 0,
      dropped: 0,
      cutMidStream: 0,
      resumes: 0,
      resubmits: 0,
    };
    this.waiters = [];
    this.endedPromise = new Promise((r) => (this.markEnded = r));
    this.startedPromise = new Promise((r) => (this.markStarted = r));
  }

  note(what) {
    this.trace.push(`${what} @${this.events.length}`);
  }

  push(ev) {
    this.events.push(ev);
    if (ev && typeof ev === "object" && ev.end === true && !this.ended) {
      this.ended = true;
      this.markEnded();
    }
    this.waiters = this.waiters.filter(([n, wake]) => (this.events.length >= n || this.ended ? (wake(), false) : true));
  }

  /** Resolves once `n` events arrived, or the stream ended. */
  eventsAtLeast(n) {
    if (this.events.length >= n || this.ended) return Promise.resolve();
    return new Promise((r) => this.waiters.push([n, r]));
  }

  /** A new websocket through the balancer, retried while no node answers (a node just went away). */
  async connectThroughBalancer() {
    let wait = 200;
    for (let attempt = 1; ; attempt++) {
      try {
        const socket = await connect(this.lbUrl, this.user.token, { timeoutMs: 20_000 });
        this.stats.connections++;
        return socket;
      } catch (e) {
        this.stats.connectFailures++;
        this.note(`connect failed (${e.message})`);
        if (attempt >= 30) {
          throw new Error(`client ${this.index}: no connection through the balancer after ${attempt} attempts: ${e.message}`);
        }
        await sleep(wait);
        wait = Math.min(wait * 2, 2_000);
      }
    }
  }

  /** Emits with an ack; resolves to `{ack}`, or `{lost: reason}` when the connection goes first. */
  request(socket, lost, service, payload) {
    return within(
      60_000,
      Promise.race([
        new Promise((resolve) => socket.emit(service, payload, (ack) => resolve({ ack }))),
        lost.then((reason) => ({ lost: reason })),
      ]),
      `client ${this.index}: no ack for ${service} ${payload.taskName}`,
    );
  }

  /** Runs until the stream ended; the last websocket stays open (and listening) afterwards. */
  async run(gate) {
    await gate.enter();
    let inGate = true;
    const leaveGate = () => {
      if (inGate) gate.leave();
      inGate = false;
    };
    try {
      for (let round = 1; !this.ended; round++) {
        if (round > 60) throw new Error(`client ${this.index}: 60 connections and still not done: ${this.trace.join(", ")}`);
        const socket = await this.connectThroughBalancer();
        let closedByUs = false;
        const lost = new Promise((resolve) =>
          socket.once("disconnect", (reason) => {
            if (closedByUs) return;
            this.stats.dropped++;
            if (!this.ended) this.stats.cutMidStream += this.events.length > 0 ? 1 : 0;
            this.note(`connection lost (${reason})`);
            resolve(reason);
          }),
        );
        const listener = (...args) => this.push(args.length === 1 ? args[0] : args);
        socket.on(this.event, listener);
        const leave = () => {
          closedByUs = true;
          socket.off(this.event, listener);
          socket.close();
        };

        let reply;
        if (!this.acked && !this.maybeStarted) {
          reply = await this.request(socket, lost, "chat_service", {
            ...directChat(this.text, { echo_delay_ms: DELAY_MS }),
            taskId: this.taskId,
          });
          if (reply.lost) {
            this.maybeStarted = true; // resume from 0 next time; `not_found` means send it again
            continue;
          }
        } else {
          const from = this.events.length;
          reply = await this.request(socket, lost, "task_service", {
            taskName: "resume",
            taskData: { task_id: this.taskId, from },
          });
          if (reply.lost) continue;
          if (reply.ack?.error?.code === "not_found" && !this.acked) {
            this.note("not_found: start it again");
            this.stats.resubmits++;
            this.maybeStarted = false;
            leave();
            continue;
          }
          if (!reply.ack?.error) {
            this.stats.resumes++;
            this.note(`resumed from ${from}`);
          }
        }
        const { ack } = reply;
        if (ack?.error?.code === "unavailable") {
          this.stats.unavailable++;
          this.note("unavailable");
          leave();
          continue;
        }
        if (ack?.error || ack?.task_id !== this.taskId) {
          throw new Error(`client ${this.index}: unexpected ack ${JSON.stringify(ack)}; trace: ${this.trace.join(", ")}`);
        }
        this.acked = true;
        this.markStarted();
        leaveGate();

        const hop =
          this.hopAt !== null && this.stats.hops === 0 ? this.eventsAtLeast(this.hopAt).then(() => "hop") : new Promise(() => {});
        const outcome = await Promise.race([this.endedPromise.then(() => "end"), lost.then(() => "lost"), hop]);
        if (this.ended) return; // this socket stays open: anything sent after the end would be recorded
        if (outcome === "hop") {
          this.stats.hops++;
          this.note("dropped on purpose");
          leave();
        }
      }
    } finally {
      leaveGate();
    }
  }

  /** What is wrong with this client's events, or null. */
  problem() {
    const expected = echoChunks(this.text);
    const ev = this.events;
    for (let i = 0; i < expected.length; i++) {
      if (ev[i] !== expected[i]) {
        return `event ${i} is ${JSON.stringify(ev[i])}, expected ${JSON.stringify(expected[i])}; ` +
          `events ${Math.max(0, i - 2)}..${i + 2}: ${JSON.stringify(ev.slice(Math.max(0, i - 2), i + 3))}`;
      }
    }
    const tail = ev.slice(expected.length);
    const [info, end] = tail;
    if (tail.length !== 2 || info?.info?.task_id !== this.taskId || info?.info?.status !== "completed" || end?.end !== true) {
      return `after the ${expected.length} chunks: ${JSON.stringify(tail).slice(0, 600)}`;
    }
    return null;
  }

  describe() {
    const state = `wave ${this.wave}, task ${this.taskId}, ${this.events.length} events, ended ${this.ended}`;
    return `client ${this.index} (${state}): ${this.trace.join(", ")}`;
  }
}

describe("behind HAProxy", { skip: !(severalNodesEnabled() && haproxyPresent()), timeout: 600_000 }, () => {
  const resources = { dir: mkdtempSync(join(tmpdir(), "promptdeck-lb-")), db: null, haproxy: null };

  after(
    async () => {
      closeAll();
      await resources.haproxy?.stop();
      killAllNodes();
      await resources.db?.drop();
      rmSync(resources.dir, { recursive: true, force: true });
    },
    { timeout: 60_000 },
  );

  test("a node restarted under 200 streams: every client gets every chunk once, in order", { timeout: 540_000 }, async (t) => {
    const began = Date.now();
    const timeline = [];
    const mark = (what) => timeline.push(`${((Date.now() - began) / 1000).toFixed(1)} s ${what}`);
    const clients = [];
    const sum = (key) => clients.reduce((n, c) => n + c.stats[key], 0);
    // What happened, printed whether the test passes or not.
    const report = () => {
      for (const line of [
        ...timeline,
        `websockets through the balancer: ${sum("connections")} (and ${sum("connectFailures")} attempts that failed)`,
        `starts refused with unavailable and sent again: ${sum("unavailable")}`,
        `connections dropped on purpose mid-stream: ${sum("hops")}`,
        `connections lost: ${sum("dropped")}, of them mid-stream: ${sum("cutMidStream")}`,
        `resumes: ${sum("resumes")}; starts sent again after not_found: ${sum("resubmits")}`,
      ]) {
        t.diagnostic(line);
      }
    };
    try {
      await restartUnderLoad(resources, mark, clients);
    } finally {
      report();
    }
  });
});

/**
 * Two nodes behind HAProxy, 200 clients through it; node 1 is stopped and replaced mid-load.
 * `resources` collects what `after` cleans up, `mark` notes the timeline, `clients` fills up.
 */
async function restartUnderLoad(resources, mark, clients) {
  const db = await freshDatabase("postgres");
  resources.db = db;
  const redis = await freshRedis(REDIS_DB);
  const first = await startNode(db.url, redis, NODE_ARGS);
  const second = await startNode(db.url, redis, NODE_ARGS);
  const lb = await startHaproxy(resources.dir, [["s1", first.url], ["s2", second.url]]);
  resources.haproxy = lb;
  const servers = async () => lb.servers();

  /** Polls `show stat` until server `name` satisfies `pred`; resolves to its row. */
  async function serverBecomes(name, pred, what, ms = 60_000) {
    let last;
    let waiting = true;
    const poll = (async () => {
      while (waiting) {
        last = (await servers())[name];
        if (last && pred(last)) return last;
        await sleep(100);
      }
    })();
    return within(ms, poll, `HAProxy's ${name} did not become ${what}`)
      .catch((e) => {
        const seen = last && { status: last.status, check_status: last.check_status, check_code: last.check_code, addr: last.addr };
        throw new Error(`${e.message}; last seen: ${JSON.stringify(seen)}\n${lb.output()}`);
      })
      .finally(() => (waiting = false));
  }
  await serverBecomes("s1", (s) => s.status === "UP" && s.check_code === "200", "UP");
  await serverBecomes("s2", (s) => s.status === "UP" && s.check_code === "200", "UP");
  const health = await api(lb.url, null, "GET", "/healthz");
  assert.equal(health.status, 200, `/healthz through the balancer: ${JSON.stringify(health.body)}`);
  mark("two nodes behind HAProxy");

  const users = [];
  for (let i = 0; i < USERS; i++) users.push(await signup(lb.url));

  const gate = new Gate(25);
  function launch(wave, count, hopAt) {
    const batch = [];
    for (let k = 0; k < count; k++) {
      const index = clients.length;
      const client = new Client({ index, wave, user: users[index % USERS], lbUrl: lb.url, hopAt: hopAt(index) });
      client.finished = client.run(gate);
      client.finished.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
      clients.push(client);
      batch.push(client);
    }
    return batch;
  }
  const started = (batch, what) => {
    const all = Promise.all(batch.map((c) => Promise.race([c.startedPromise, c.finished])));
    return within(120_000, all, `${what}: not every task started`).catch((e) => {
      throw new Error(`${e.message}\n${batch.filter((c) => !c.acked).map((c) => c.describe()).slice(0, 5).join("\n")}`);
    });
  };

  // Wave 1: half the load, every other client dropping its connection once somewhere in the stream.
  const before = launch("before", WAVES.before, (i) => (i % 2 === 0 ? 3 + ((i * 7) % 60) : null));
  await started(before, "before the restart");
  mark(`${before.length} streams started`);
  mark(`${before.filter((c) => !c.ended).length} of them still streaming`);

  // Stop node 1. It drains: its running streams go on, new starts on it are refused with
  // `unavailable` (and sent again through the balancer), HAProxy takes it out once its
  // /healthz answers 503. Wave 2 starts at once, each client dropping its connection right
  // after the start, so some of them follow their task from the draining node.
  first.signal("SIGTERM");
  mark("SIGTERM to node 1");
  const draining = launch("draining", WAVES.draining, () => 2);
  const replacement = startNode(db.url, redis, NODE_ARGS);
  replacement.catch(() => {});

  const out = await serverBecomes("s1", (s) => s.status === "DOWN", "DOWN");
  assert.equal(out.check_code, "503", `HAProxy took node 1 out because /healthz answered 503: ${out.check_status} ${out.check_code}`);
  mark("HAProxy took node 1 out (/healthz 503)");

  // The replacement takes node 1's server slot.
  const third = await replacement;
  const port = new URL(third.url).port;
  const answer = await lb.command(`set server promptdeck/s1 addr 127.0.0.1 port ${port}`);
  assert.match(answer, /port changed|no need to change/i, `HAProxy moved s1 to the new node: ${answer}`);
  await serverBecomes("s1", (s) => s.status === "UP" && s.addr === `127.0.0.1:${port}`, `UP at ${third.url}`);
  const sessionsBefore = Number((await servers()).s1.stot);
  mark("replacement node UP in s1");

  await started(draining, "while node 1 drained");
  mark(`${draining.length} more streams started`);

  // Wave 3: the rest of the load, on node 2 and the replacement.
  const replaced = launch("replaced", WAVES.replaced, (i) => (i % 2 === 0 ? 3 + ((i * 7) % 60) : null));
  await started(replaced, "after the replacement");
  mark(`${replaced.length} more streams started`);

  const exit = await within(150_000, first.exited, "node 1 did not exit after SIGTERM");
  mark(`node 1 exited (${JSON.stringify(exit)})`);

  const unfinished = () =>
    clients.filter((c) => !c.ended).map((c) => c.describe()).slice(0, 10).join("\n");
  await within(150_000, Promise.all(clients.map((c) => c.finished)), "not every stream ended").catch((e) => {
    throw new Error(`${e.message}\n${unfinished()}`);
  });
  mark("every stream ended");
  const sessionsOnReplacement = Number((await servers()).s1.stot) - sessionsBefore;
  mark(`${sessionsOnReplacement} websockets went to the replacement`);

  // Every client: its whole answer, each chunk once and in order, then info and {end:true}.
  const wrong = clients.map((c) => [c, c.problem()]).filter(([, p]) => p);
  assert.deepEqual(
    wrong.map(([c, p]) => `${c.describe()}\n  ${p}`).slice(0, 5),
    [],
    `${wrong.length} of ${clients.length} clients did not get exactly their answer`,
  );

  // Every task is recorded completed with the whole text (read through the balancer).
  const records = [];
  for (let i = 0; i < clients.length; i += 10) {
    records.push(...(await Promise.all(clients.slice(i, i + 10).map(async (c) => [c, await getTask(lb.url, c.user, c.taskId)]))));
  }
  const badRecords = records.filter(([c, r]) => r.status !== 200 || r.body.status !== "completed" || r.body.response_text !== c.text);
  assert.deepEqual(
    badRecords.map(([c, r]) => `${c.describe()}\n  record ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`).slice(0, 5),
    [],
    `${badRecords.length} task records are not completed with their text`,
  );

  assert.deepEqual(exit, { code: 0, signal: null }, `node 1 exited cleanly after draining:\n${first.output().slice(-3_000)}`);
  for (const [name, node] of [["node 1", first], ["node 2", second], ["the replacement", third]]) {
    assert.doesNotMatch(node.output(), /panicked/, `${name} panicked:\n${node.output().slice(-5_000)}`);
  }
  assert.ok(sessionsOnReplacement > 0, "HAProxy sent websockets to the replacement node");
  const dropped = clients.reduce((n, c) => n + c.stats.dropped, 0);
  assert.ok(dropped > 0, "node 1's exit closed websockets (their clients reconnected through the balancer)");
}

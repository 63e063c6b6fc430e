// Helpers for the several-node, drain and load balancer tests: real `promptdeck` nodes on one
// PostgreSQL database and one Redis database (a number of its own per test, emptied first), each
// its own process that a test can stop with any signal. They run when PostgreSQL
// (`PROMPTDECK_TEST_POSTGRES`) and Redis (`PROMPTDECK_TEST_REDIS`, e.g. redis://127.0.0.1:6379)
// are named; CI must name both.

import { spawn } from "node:child_process";
import net from "node:net";
import { BIN, within, RAISED_AUTH_LIMITS, NO_TASK_CAPS, POSTGRES_URL, unlessGiven, api, sleep } from "./helpers.mjs";

/** The Redis server for the several-node cases (`PROMPTDECK_TEST_REDIS`), or "". */
export const REDIS_URL = process.env.PROMPTDECK_TEST_REDIS ?? "";

/** Whether the several-node cases can run; says why not (and fails on CI) otherwise. */
export function severalNodesEnabled() {
  if (POSTGRES_URL && REDIS_URL) return true;
  if (process.env.CI) throw new Error("CI must run the several-node cases: set PROMPTDECK_TEST_POSTGRES and PROMPTDECK_TEST_REDIS");
  console.log("# several-node cases skipped: PROMPTDECK_TEST_POSTGRES and PROMPTDECK_TEST_REDIS must both be set");
  return false;
}

/** `REDIS_URL` on database `db`, emptied first (FLUSHDB). */
export async function freshRedis(db) {
  const url = new URL(REDIS_URL);
  await within(
    5_000,
    new Promise((resolve, reject) => {
      const conn = net.connect(Number(url.port || 6379), url.hostname);
      let answer = "";
      conn.on("data", (d) => {
        answer += d.toString();
        // Two replies: +OK for SELECT, +OK for FLUSHDB.
        if ((answer.match(/\r\n/g) ?? []).length >= 2) {
          conn.end();
          answer.startsWith("+OK\r\n+OK") ? resolve() : reject(new Error(`Redis answered ${answer}`));
        }
      });
      conn.on("error", reject);
      conn.write(`SELECT ${db}\r\nFLUSHDB\r\n`);
    }),
    `emptying Redis database ${db}`,
  );
  url.pathname = `/${db}`;
  return url.toString();
}

const nodes = new Set();

/**
 * Starts one node on `database` and `redis` (URLs; `redis` null for a single node) with `args`;
 * resolves to `{ url, output(), signal(sig), exited }` once it listens (a flag in `args` wins over the
 * raised auth limits and the task caps turned off) (`exited` resolves to
 * `{code, signal}`).
 */
export async function startNode(database, redis, args = []) {
  const shared = redis ? ["--redis-url", redis] : [];
  const child = spawn(
    BIN,
    ["serve", "--addr", "127.0.0.1:0", "--database", database, ...shared, ...unlessGiven(RAISED_AUTH_LIMITS, args), ...unlessGiven(NO_TASK_CAPS, args), ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  nodes.add(child);
  let log = "";
  child.stderr.on("data", (c) => (log = (log + c).slice(-100_000)));
  const exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
  exited.then(() => nodes.delete(child));
  const url = await within(
    60_000,
    new Promise((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c) => {
        out += c;
        const m = out.match(/listening on (http:\/\/\S+)/);
        if (m) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`the node exited (${code}) before listening:\n${log}`)));
    }),
    "a node did not print `listening on`",
  );
  return { url, output: () => log, signal: (sig) => child.kill(sig), exited };
}

/** Kills every node still running (for `after` hooks). */
export function killAllNodes() {
  for (const child of nodes) child.kill("SIGKILL");
  nodes.clear();
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `GET /healthz` on `url` until its status is `status` (at most `ms`); resolves to the body. */
export async function healthBecomes(url, status, ms = 20_000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < ms) {
    last = await api(url, null, "GET", "/healthz");
    if (last.status === status) return last.body;
    await sleep(100);
  }
  throw new Error(`/healthz stayed ${last?.status} ${JSON.stringify(last?.body)}; wanted ${status}`);
}

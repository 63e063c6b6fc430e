// Black-box helpers for the Socket.IO protocol tests: spawn the real `promptdeck` binary on a
// fresh SQLite database, talk REST to it with `fetch`, and talk Socket.IO to it with the official
// `socket.io-client`. Every wait is bounded and fails with a message saying what it waited for.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, mkdirSync, createWriteStream, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { io } from "socket.io-client";
import pg from "pg";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Writes `models.toml` in `dir` for a test that puts a local fake provider behind the server: an
 * OpenAI-compatible provider `fake` at `baseUrl` (with `idleTimeoutMs` when given) serving the
 * models `ids`, each with the TOML lines `modelLines` too. Returns the file's path.
 */
export function writeFakeModels(dir, baseUrl, ids, { idleTimeoutMs, modelLines = [] } = {}) {
  const lines = [`[providers.fake]`, `kind = "openai"`, `base_url = "${baseUrl}"`];
  if (idleTimeoutMs !== undefined) lines.push(`idle_timeout_ms = ${idleTimeoutMs}`);
  for (const id of ids) lines.push(``, `[[models]]`, `id = "${id}"`, `provider = "fake"`, ...modelLines);
  const path = join(dir, "models.toml");
  writeFileSync(path, lines.join("\n"));
  return path;
}

/** The server binary: `PROMPTDECK_BIN`, else `target/debug/promptdeck` of this workspace. */
export const BIN = process.env.PROMPTDECK_BIN
  ? resolve(process.env.PROMPTDECK_BIN)
  : resolve(here, "../../../target/debug/promptdeck");

export const PASSWORD = "correct horse battery staple";

/** A component every check accepts. */
export const VALID_COMPONENT = "export default function App(){return <div/>}";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function within(ms, promise, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${message}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The echo model's chunks of `text`: the pattern `^\s+|\S+\s*`. */
export function echoChunks(text) {
  return text.match(/^\s+|\S+\s*/g) ?? [];
}

/** The echo model's answer: `text` repeated, joined by a space unless it ends in white space. */
export function echoAnswer(text, repeat = 1) {
  const joiner = text === "" || /\s$/.test(text) ? "" : " ";
  return Array.from({ length: repeat }, () => text).join(joiner);
}

/** `n` distinct words separated by single spaces: `w0 w1 ... w{n-1}`. */
export function words(n, prefix = "w") {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(" ");
}

/**
 * Sign-up and login limits raised out of the way: the suites sign up many users from 127.0.0.1
 * (and at once). `startServer({ defaultAuthLimits: true })` keeps the server's defaults.
 */
export const RAISED_AUTH_LIMITS = [
  "--auth-ip-per-minute", "1000000",
  "--auth-ip-burst", "1000000",
  "--auth-account-attempts", "1000000",
  "--auth-hash-wait-ms", "120000",
];

/**
 * Flags that turn the per-user task caps off (0 = no limit): the suites start many tasks per
 * user. The tests of the caps start their server with `taskCaps: "default"` (or set them).
 */
export const NO_TASK_CAPS = ["--task-starts-per-minute", "0", "--max-concurrent-tasks", "0", "--ui-task-starts-per-minute", "0"];

/**
 * Starts `promptdeck serve` on a fresh SQLite database (or, with `database`, on that URL) and a
 * free port. Resolves to `{ url, stop(), output() }` once it printed `listening on http://HOST:PORT`.
 * The auth limits are raised (`RAISED_AUTH_LIMITS`) unless `defaultAuthLimits` is set, and the
 * per-user task caps are off unless `taskCaps: "default"`; a flag in `args` wins.
 */
export async function startServer({ env = {}, args = [], defaultAuthLimits = false, taskCaps = "off", database } = {}) {
  if (!existsSync(BIN)) {
    throw new Error(
      `no server binary at ${BIN}: run \`cargo build -p promptdeck-server --bin promptdeck\` or set PROMPTDECK_BIN`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "promptdeck-protocol-"));
  const childEnv = { ...process.env };
  for (const k of ["PROMPTDECK_ADDR", "PROMPTDECK_DATABASE_URL", "PROMPTDECK_JWT_SECRET"]) delete childEnv[k];
  Object.assign(childEnv, env);
  const caps = taskCaps === "default" ? [] : unlessGiven(NO_TASK_CAPS, args);
  const child = spawn(
    BIN,
    ["serve", "--addr", "127.0.0.1:0", "--database", database ?? `sqlite://${dir}/db.sqlite`, ...raisedAuthLimits(args, defaultAuthLimits), ...caps, ...args],
    { env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  // PROMPTDECK_PROTOCOL_LOGS=DIR keeps each server's output in DIR for a post-mortem.
  let logFile = null;
  if (process.env.PROMPTDECK_PROTOCOL_LOGS) {
    mkdirSync(process.env.PROMPTDECK_PROTOCOL_LOGS, { recursive: true });
    logFile = createWriteStream(join(process.env.PROMPTDECK_PROTOCOL_LOGS, `server-${process.pid}-${Date.now()}.log`));
  }
  const keep = (chunk) => {
    logFile?.write(chunk);
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stderr.on("data", keep);
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });

  const url = await within(
    60_000,
    new Promise((resolveUrl, reject) => {
      let buffer = "";
      child.stdout.on("data", (chunk) => {
        keep(chunk);
        buffer += chunk.toString();
        const m = buffer.match(/listening on (http:\/\/[^\s]+)/);
        if (m) resolveUrl(m[1].replace(/\/$/, ""));
      });
      child.on("exit", (code, signal) =>
        reject(new Error(`the server exited (code ${code}, signal ${signal}) before listening:\n${log}`)),
      );
      child.on("error", reject);
    }),
    "the server did not print `listening on http://HOST:PORT`",
  );

  return {
    url,
    output: () => log,
    exited: () => exited,
    /** Kills the server; its database stays when it was given (`database`). */
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGKILL");
        await within(10_000, gone, "the server did not exit after SIGKILL").catch(() => {});
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function raisedAuthLimits(args, keepDefaults) {
  return keepDefaults ? [] : unlessGiven(RAISED_AUTH_LIMITS, args);
}

/** The `--flag value` pairs of `pairs` whose flag `args` does not set itself. */
export function unlessGiven(pairs, args) {
  const out = [];
  for (let i = 0; i < pairs.length; i += 2) {
    if (!args.includes(pairs[i])) out.push(pairs[i], pairs[i + 1]);
  }
  return out;
}

/**
 * Starts a server (as `startServer` does, with `options`) on a fresh database of `kind`;
 * its `stop()` also drops the database.
 */
export async function startServerOn(kind, options = {}) {
  const db = await freshDatabase(kind);
  const server = await startServer({ ...options, database: db.url }).catch(async (e) => {
    await db.drop();
    throw e;
  });
  return {
    ...server,
    async stop() {
      await server.stop();
      await db.drop();
    },
  };
}

/** The PostgreSQL server for the storage cases (`PROMPTDECK_TEST_POSTGRES`), or "". */
export const POSTGRES_URL = process.env.PROMPTDECK_TEST_POSTGRES ?? "";

/**
 * The databases the storage-sensitive cases run on: SQLite, and PostgreSQL when
 * `PROMPTDECK_TEST_POSTGRES` names a server (CI must set it; elsewhere its absence is reported).
 */
export function databaseKinds() {
  if (POSTGRES_URL) return ["sqlite", "postgres"];
  if (process.env.CI) throw new Error("PROMPTDECK_TEST_POSTGRES is not set, but CI must run the PostgreSQL cases");
  console.log("# PostgreSQL cases skipped: PROMPTDECK_TEST_POSTGRES is not set");
  return ["sqlite"];
}

/**
 * A fresh, empty database of `kind` ("sqlite" or "postgres"). Resolves to `{ url, drop() }`;
 * servers started on it with `startServer({ database: url })` keep it between restarts.
 */
export async function freshDatabase(kind) {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "promptdeck-protocol-db-"));
    return { url: `sqlite://${dir}/db.sqlite`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `pd_protocol_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A REST call. Resolves to `{ status, body }` (body parsed as JSON when it is JSON). */
export async function api(url, token, method, path, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await within(
    20_000,
    fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
    `${method} ${path}`,
  );
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** A REST call that must answer `status`; resolves to the body. */
export async function expectApi(url, token, method, path, body, status) {
  const res = await api(url, token, method, path, body);
  if (res.status !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Signs up a new user. Resolves to `{ id, email, token }`. */
export async function signup(url) {
  const email = `user-${randomUUID()}@example.com`;
  const body = await expectApi(url, null, "POST", "/api/auth/signup", { email, password: PASSWORD }, 201);
  return { id: body.user.id, email, token: body.token };
}

/** Creates a prompt (seed `PromptsData` shape) for `user`; resolves to it. */
export async function createPrompt(url, user, prompt) {
  return expectApi(url, user.token, "POST", "/api/prompts", prompt, 201);
}

/** Creates a react UI on `promptId` and publishes it; resolves to the published UI. */
export async function publishUi(url, user, promptId) {
  const ui = await expectApi(
    url,
    user.token,
    "POST",
    "/api/custom-uis",
    { prompt_id: promptId, name: "Public UI", component_code: VALID_COMPONENT, component_type: "react" },
    201,
  );
  return expectApi(url, user.token, "POST", `/api/custom-uis/${ui.id}/publish`, undefined, 200);
}

export const getTask = (url, user, taskId) => api(url, user.token, "GET", `/api/tasks/${taskId}`);
export const getRun = (url, user, runId) => api(url, user.token, "GET", `/api/runs/${runId}`);

const openSockets = new Set();

/**
 * Connects with `auth` (an object, or a token string) and resolves to the connected socket, or
 * rejects with the `connect_error`. `transports` defaults to websocket only.
 */
export function connect(url, auth, { transports = ["websocket"], timeoutMs = 10_000 } = {}) {
  const socket = io(url, {
    auth: typeof auth === "string" ? { token: auth } : auth,
    transports,
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
  openSockets.add(socket);
  return within(
    timeoutMs + 1_000,
    new Promise((resolveSocket, reject) => {
      socket.once("connect", () => resolveSocket(socket));
      socket.once("connect_error", (err) => {
        socket.close();
        openSockets.delete(socket);
        reject(err);
      });
    }),
    `connecting over ${transports.join("+")}`,
  );
}

/** Closes every socket `connect` opened (for `after` hooks). */
export function closeAll() {
  for (const s of openSockets) s.close();
  openSockets.clear();
}

/**
 * Records the events on one stream event name. `done` resolves at `{end:true}` (with the
 * events so far); events after the end are still recorded, so a test can check nothing follows.
 */
export function collect(socket, event) {
  const events = [];
  let ended;
  const endedPromise = new Promise((r) => (ended = r));
  const listener = (...args) => {
    events.push(args.length === 1 ? args[0] : args);
    const last = args[0];
    if (last && typeof last === "object" && last.end === true) ended(events);
  };
  socket.on(event, listener);
  const stream = {
    event,
    events,
    /** The text chunks (plain strings), in order. */
    chunks: () => events.filter((e) => typeof e === "string"),
    text: () => events.filter((e) => typeof e === "string").join(""),
    objects: (key) => events.filter((e) => e && typeof e === "object" && key in e),
    /** Waits for `{end:true}`. */
    done(timeoutMs = 20_000) {
      return within(
        timeoutMs,
        endedPromise,
        `no {end:true} on ${event}; got ${events.length} events, last ones: ${JSON.stringify(events.slice(-5))}`,
      );
    },
    /** Waits until at least `n` text chunks arrived. */
    async chunksAtLeast(n, timeoutMs = 10_000) {
      const start = Date.now();
      while (stream.chunks().length < n) {
        if (Date.now() - start > timeoutMs) {
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${n} chunks on ${event}; got ${stream.chunks().length}`);
        }
        await sleep(5);
      }
    },
    stop: () => socket.off(event, listener),
  };
  return stream;
}

/**
 * Emits `payload` on `service` with an ack callback. Resolves to `{ ack, stream }`; when the ack
 * names a listener event, the listener is registered inside the ack callback (as the seed's client
 * does), so `stream` records everything the server sends after acknowledging.
 */
export function submit(socket, service, payload, { timeoutMs = 10_000 } = {}) {
  return within(
    timeoutMs,
    new Promise((resolveAck) => {
      socket.emit(service, payload, (ack) => {
        const names = ack && Array.isArray(ack.response_listener_events) ? ack.response_listener_events : [];
        const stream = names.length > 0 ? collect(socket, names[0]) : null;
        resolveAck({ ack, stream });
      });
    }),
    `no ack for ${service} ${JSON.stringify(payload).slice(0, 200)}`,
  );
}

/** Emits with an ack callback and resolves to the ack alone. */
export async function ackOf(socket, service, payload, opts) {
  return (await submit(socket, service, payload, opts)).ack;
}

/** The `direct_chat` payload for the echo model. */
export function directChat(content, settings = {}, extra = {}) {
  return {
    taskName: "direct_chat",
    taskData: {
      chat_config: { model_id: "echo", messages: [{ role: "user", content }], stream: true, ...settings },
      ...extra,
    },
  };
}

/** Submits a `direct_chat` echo task and returns `{ ack, stream }`, failing if it did not start. */
export async function startEcho(socket, content, settings = {}, extra = {}, payloadExtra = {}) {
  const { ack, stream } = await submit(socket, "chat_service", { ...directChat(content, settings, extra), ...payloadExtra });
  if (!stream) throw new Error(`the echo task did not start: ack ${JSON.stringify(ack)}`);
  return { ack, stream };
}

/** Polls `GET /api/tasks/{id}` until `pred(task)` holds; resolves to the task. */
export async function waitForTask(url, user, taskId, pred, timeoutMs = 10_000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeoutMs) {
    last = await getTask(url, user, taskId);
    if (last.status === 200 && pred(last.body)) return last.body;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting on task ${taskId}; last answer ${last?.status}: ${JSON.stringify(last?.body)}`);
}

/** Asserts the error ack shape `{response_listener_events: [], error: {code, message}}`. */
export function assertErrorAck(assert, ack, code) {
  assert.ok(ack && typeof ack === "object", `the ack is an object: ${JSON.stringify(ack)}`);
  assert.deepEqual(ack.response_listener_events, [], `no listener events in ${JSON.stringify(ack)}`);
  assert.equal(ack.error?.code, code, `error code in ${JSON.stringify(ack)}`);
  assert.equal(typeof ack.error?.message, "string", `error.message in ${JSON.stringify(ack)}`);
  assert.ok(ack.error.message.trim().length > 0, `non-empty error.message in ${JSON.stringify(ack)}`);
}

/** Asserts the success ack shape and returns the task id. */
export function assertTaskAck(assert, ack) {
  assert.ok(ack && typeof ack === "object", `the ack is an object: ${JSON.stringify(ack)}`);
  assert.equal(ack.error, undefined, `no error in ${JSON.stringify(ack)}`);
  assert.equal(typeof ack.task_id, "string", `task_id in ${JSON.stringify(ack)}`);
  assert.deepEqual(ack.response_listener_events, [`response-${ack.task_id}`], `listener events in ${JSON.stringify(ack)}`);
  assert.match(ack.run_id ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `run_id is a UUID in ${JSON.stringify(ack)}`);
  return ack.task_id;
}

/** Asserts a finished stream: text chunks, then `info`, then `{end:true}` last, nothing after. */
export function assertEndsCleanly(assert, stream) {
  const ev = stream.events;
  const ends = ev.filter((e) => e && typeof e === "object" && e.end === true);
  assert.equal(ends.length, 1, `exactly one {end:true} on ${stream.event}: ${JSON.stringify(ev.slice(-5))}`);
  assert.deepEqual(ev.at(-1), { end: true }, `{end:true} is the last event: ${JSON.stringify(ev.slice(-5))}`);
  const errors = stream.objects("error");
  assert.deepEqual(errors, [], `no error events on ${stream.event}`);
}

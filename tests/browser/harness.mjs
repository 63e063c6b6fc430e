// Shared helpers: spawn the real server on 127.0.0.1:0 with a temp SQLite database, launch
// Debian's chromium through playwright-core, and talk to the API.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createServer, connect } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
/** Where tests keep their screenshots (kept with the CI run's artifacts). */
export const artifacts = join(here, "artifacts");
const bin = process.env.PROMPTDECK_BIN ?? join(root, "target", "debug", "promptdeck");

/** Sign-up and login limits raised out of the way: the tests sign up many users from 127.0.0.1. */
const RAISED_AUTH_LIMITS = [
  "--auth-ip-per-minute", "1000000",
  "--auth-ip-burst", "1000000",
  "--auth-account-attempts", "1000000",
  "--auth-hash-wait-ms", "120000",
];
/** The per-user task caps off (0 = no limit): the tests run one UI many times per viewer. */
const NO_TASK_CAPS = ["--task-starts-per-minute", "0", "--max-concurrent-tasks", "0", "--ui-task-starts-per-minute", "0"];

/**
 * The usual set-up of a test file: before its tests, the artifacts folder, a server (`args`,
 * `env` as for `startServer`) and Chromium, handed to `ready(server, browser)`; after them, both
 * stopped.
 */
export function withServerAndBrowser(ready, args = [], env = {}) {
  let server;
  let browser;
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startServer(args, env);
    browser = await launchBrowser();
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

/**
 * Starts the server on a fresh SQLite database (with `args` added, and the environment variables
 * in `env`); resolves with its app and sandbox URLs once both lines are printed.
 */
export async function startServer(args = [], env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "promptdeck-browser-"));
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--database", `sqlite://${join(dir, "db.sqlite")}`, ...RAISED_AUTH_LIMITS, ...NO_TASK_CAPS, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn", ...env },
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const urls = await new Promise((resolve, reject) => {
    const found = {};
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30_000);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${stderr}`)));
    let first = true;
    lines.on("line", (line) => {
      if (first) {
        first = false;
        if (!line.startsWith("listening on ")) return reject(new Error(`first line was ${line}`));
      }
      const m = /^(listening|sandbox) on (http:\/\/\S+)$/.exec(line);
      if (m) found[m[1]] = m[2];
      if (found.listening && found.sandbox) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return {
    app: urls.listening,
    sandbox: urls.sandbox,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Chromium with the flags the tests need; `CHROMIUM_ARGS` (space-separated) adds more, e.g. for a benchmark's comparison. */
export async function launchBrowser() {
  const extra = (process.env.CHROMIUM_ARGS ?? "").split(" ").filter(Boolean);
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", ...extra],
  });
}

/** A JSON API client for a base URL and token. */
export function apiClient(base, token) {
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

let counter = 0;
/** Signs up through the UI; returns the page's session {token, user}. */
export async function signUpInBrowser(page, app) {
  const email = `user${Date.now()}${++counter}@example.com`;
  await page.goto(`${app}/signup`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByTestId("user-email").waitFor();
  const session = await page.evaluate(() => JSON.parse(localStorage.getItem("promptdeck.session")));
  return { email, ...session };
}

/** The seed's component in `tests/fixtures/seed/{file}`, verbatim (vendored from the seed document). */
function seedPattern(file) {
  return readFileSync(join(root, "tests", "fixtures", "seed", file), "utf8");
}

/** The seed's Pattern 1 component (a button that opens the PromptRunnerModal), verbatim. */
export function seedPattern1() {
  return seedPattern("pattern-1-auto-run-modal.tsx");
}

/** The seed's Pattern 2 component, verbatim. */
export function seedPattern2() {
  return seedPattern("pattern-2-full-control.tsx");
}

/** Records the distinct texts a locator shows until `done(text)` holds. */
export async function watchText(locator, done, timeoutMs = 30_000) {
  const seen = [];
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const t = (await locator.textContent().catch(() => null)) ?? "";
    if (seen.at(-1) !== t) seen.push(t);
    if (done(t)) return seen;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`timed out; saw ${JSON.stringify(seen.slice(-3))}`);
}

/**
 * A TCP proxy on a free 127.0.0.1 port, forwarding to `target()` (a "host:port", asked per
 * connection): `down()` closes the listener and cuts every open connection (the browser sees its
 * websocket drop and its reconnects refused), `up()` listens on the same port again.
 */
export async function startProxy(target) {
  const open = new Set();
  const server = createServer((client) => {
    const [host, port] = target().split(":");
    const upstream = connect(Number(port), host);
    open.add(client);
    open.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port) => new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", () => resolve(server.address().port)));
  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    async down() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const s of open) s.destroy();
      open.clear();
      await closed;
    },
    async up() {
      await listen(port);
    },
    async stop() {
      for (const s of open) s.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}

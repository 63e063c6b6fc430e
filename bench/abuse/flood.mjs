// Login flood benchmark: starts the real promptdeck binary, fires N concurrent bad logins (half
// unknown emails, half wrong passwords for existing accounts) and prints the server's RSS before,
// its peak (VmHWM) and after, for several rounds of each scenario. No dependencies beyond Node 20.
//
//   node flood.mjs --bin PATH [--count 500] [--rounds 3] [--scenarios bounded,one-address,unbounded]
//
// Scenarios:
//   bounded      the defaults, behind a trusted proxy: every login comes from its own address
//                (X-Forwarded-For), so only the hashing pool stands between the flood and memory
//   one-address  the defaults, every login from 127.0.0.1: the per-address limit answers first
//   unbounded    as before the limits: one hashing thread per login (--auth-hash-concurrency N),
//                no useful rate limit; shows what the bound saves (needs N × 19 MiB of RAM)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const bin = opt("bin");
const count = Number(opt("count", "500"));
const scenarios = opt("scenarios", "bounded,one-address").split(",");
const rounds = Number(opt("rounds", "3"));
if (!bin) throw new Error("--bin PATH is required");

const KNOWN_ACCOUNTS = 25;
const PASSWORD = "correct horse battery staple";
const raised = ["--auth-ip-per-minute", "1000000", "--auth-ip-burst", "1000000", "--auth-account-attempts", "1000000"];
const SCENARIOS = {
  bounded: { args: ["--trusted-proxy", "127.0.0.1"], forwarded: true },
  "one-address": { args: [], forwarded: false },
  unbounded: { args: [...raised, "--auth-hash-concurrency", String(count), "--auth-hash-wait-ms", "600000"], forwarded: false },
};

/** A line of /proc/PID/status: sizes in MiB, counts as they are. */
function status(pid, key) {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${key}:\\s+(\\d+)( kB)?`, "m"));
  if (!m) return NaN;
  return m[2] ? Number(m[1]) / 1024 : Number(m[1]);
}
const mib = (x) => `${x.toFixed(1)} MiB`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startServer(args) {
  const dir = mkdtempSync(join(tmpdir(), "promptdeck-abuse-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PROMPTDECK_")));
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--database", `sqlite://${dir}/db.sqlite`, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...env, RUST_LOG: "error" },
  });
  const url = await new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]);
    });
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let addressCounter = 0;
function nextAddress() {
  addressCounter++;
  return `198.18.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

async function post(url, path, body, forwarded) {
  const headers = { "content-type": "application/json" };
  if (forwarded) headers["x-forwarded-for"] = nextAddress();
  const res = await fetch(url + path, { method: "POST", headers, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

async function flood(server, known, forwarded) {
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const email = i % 2 === 0 ? `nobody-${i}-${Date.now()}@example.com` : known[i % known.length];
      return post(server.url, "/api/auth/login", { email, password: "a wrong guess" }, forwarded).catch(() => "error");
    }),
  );
  const tally = {};
  for (const s of statuses) tally[s] = (tally[s] ?? 0) + 1;
  return { seconds: (performance.now() - started) / 1000, tally };
}

const rows = [];
for (const name of scenarios) {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const server = await startServer(scenario.args);
  await sleep(500);
  const atStart = status(server.pid, "VmRSS");
  const known = [];
  for (let i = 0; i < KNOWN_ACCOUNTS; i++) {
    const email = `known-${i}@example.com`;
    const status = await post(server.url, "/api/auth/signup", { email, password: PASSWORD }, true);
    if (status === 201) known.push(email);
  }
  if (known.length === 0) known.push("known-0@example.com");
  await sleep(500);
  const before = status(server.pid, "VmRSS");
  for (let round = 1; round <= rounds; round++) {
    const { seconds, tally } = await flood(server, known, scenario.forwarded);
    const peak = status(server.pid, "VmHWM");
    const after = status(server.pid, "VmRSS");
    await sleep(3000);
    const settled = status(server.pid, "VmRSS");
    const threads = status(server.pid, "Threads");
    rows.push({ name, round, atStart, before, peak, after, settled, threads, seconds, tally });
    console.error(`${name} round ${round}: ${JSON.stringify(tally)} in ${seconds.toFixed(1)} s`);
  }
  await server.stop();
}

console.log(`\n${count} concurrent bad logins per round (half unknown emails, half wrong passwords for ${KNOWN_ACCOUNTS} accounts)\n`);
console.log("| scenario | round | RSS at start | RSS before (after 25 sign-ups) | peak (VmHWM) | RSS right after | RSS 3 s later | threads | answers | wall time |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const answers = Object.entries(r.tally).map(([s, n]) => `${n}×${s}`).join(", ");
  console.log(
    `| ${r.name} | ${r.round} | ${mib(r.atStart)} | ${mib(r.before)} | ${mib(r.peak)} | ${mib(r.after)} | ${mib(r.settled)} | ${r.threads} | ${answers} | ${r.seconds.toFixed(1)} s |`,
  );
}

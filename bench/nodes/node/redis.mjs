// A minimal Redis client for the benchmark's own questions (SELECT, FLUSHDB, INFO, CLIENT LIST):
// RESP2 over one TCP connection, one command at a time. The benchmark reads Redis's counters
// with it; the nodes use their own connections.

import net from "node:net";

/** Opens a connection to `url` (redis://HOST:PORT[/DB]); resolves to `{ command(...args), close() }`. */
export async function redisConnect(url) {
  const u = new URL(url);
  const conn = net.connect(Number(u.port || 6379), u.hostname || "127.0.0.1");
  await new Promise((resolve, reject) => {
    conn.once("connect", resolve);
    conn.once("error", reject);
  });
  let buffer = Buffer.alloc(0);
  const waiting = [];
  conn.on("data", (d) => {
    buffer = Buffer.concat([buffer, d]);
    for (;;) {
      const parsed = parse(buffer, 0);
      if (!parsed) break;
      buffer = buffer.subarray(parsed.end);
      const w = waiting.shift();
      if (parsed.value instanceof Error) w?.reject(parsed.value);
      else w?.resolve(parsed.value);
    }
  });
  conn.on("error", (e) => {
    for (const w of waiting.splice(0)) w.reject(e);
  });
  const client = {
    command(...args) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        let out = `*${args.length}\r\n`;
        for (const a of args) {
          const s = String(a);
          out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
        }
        conn.write(out);
      });
    },
    close() {
      conn.end();
    },
  };
  const db = u.pathname.replace(/^\//, "");
  if (db) await client.command("SELECT", db);
  return client;
}

/** One RESP2 reply from `buf` at `at`: `{ value, end }`, or null when incomplete. */
function parse(buf, at) {
  const nl = buf.indexOf("\r\n", at);
  if (nl < 0) return null;
  const line = buf.toString("utf8", at + 1, nl);
  const next = nl + 2;
  switch (String.fromCharCode(buf[at])) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new Error(`Redis: ${line}`), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.toString("utf8", next, next + n), end: next + n + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unexpected Redis reply ${JSON.stringify(line)}`);
  }
}

/** `INFO` text → `{ section fields }` (every `key:value` line). */
export function parseInfo(text) {
  const out = {};
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/**
 * What the benchmark reads from Redis before and after a window: per-command calls and usec
 * (`INFO commandstats`), `total_commands_processed`, Redis's own CPU (`INFO cpu`, seconds), and
 * the connected clients by database (`CLIENT LIST`), to spot other users of the same server.
 */
export async function redisSample(client) {
  const info = parseInfo(await client.command("INFO", "all"));
  const commands = {};
  for (const [k, v] of Object.entries(info)) {
    if (!k.startsWith("cmdstat_")) continue;
    const f = Object.fromEntries(v.split(",").map((kv) => kv.split("=")));
    commands[k.slice("cmdstat_".length)] = { calls: Number(f.calls), usec: Number(f.usec) };
  }
  const clients = {};
  for (const line of (await client.command("CLIENT", "LIST")).split("\n")) {
    const m = line.match(/\bdb=(\d+)\b/);
    if (m) clients[m[1]] = (clients[m[1]] ?? 0) + 1;
  }
  return {
    commands,
    total: Number(info.total_commands_processed),
    cpuSec: Number(info.used_cpu_user) + Number(info.used_cpu_sys),
    clients,
    version: info.redis_version,
  };
}

const OWN = new Set(["info", "client|list"]);

/** The difference of two `redisSample`s: per command, in total, and Redis CPU in µs. */
export function redisDelta(before, after) {
  const commands = {};
  let own = 0;
  for (const [name, a] of Object.entries(after.commands)) {
    const b = before.commands[name] ?? { calls: 0, usec: 0 };
    const calls = a.calls - b.calls;
    if (calls <= 0) continue;
    // The benchmark's own questions (INFO, CLIENT LIST) are left out.
    if (OWN.has(name)) own += calls;
    else commands[name] = { calls, usec: a.usec - b.usec };
  }
  const sum = (f) => Object.values(commands).reduce((s, c) => s + c[f], 0);
  return {
    commands,
    calls: sum("calls"),
    usec: sum("usec"),
    total: after.total - before.total - own,
    cpuUsec: Math.round((after.cpuSec - before.cpuSec) * 1e6),
  };
}

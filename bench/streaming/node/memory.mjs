// Memory under the largest allowed answers: N sockets (one user, or one per socket) each ask
// the echo model for far more than --max-answer-bytes (an 8 KiB message repeated 2,047 times:
// 16 MiB), so every task is cut at the cap. Prints the server's RSS before, its peak (VmHWM)
// and its RSS after the clients have left and every task has ended, as one JSON line.
//
//   node memory.mjs --url http://127.0.0.1:PORT --pid SERVER_PID --sockets 50
//        [--chunks short|long] [--read all|none] [--label NAME] [--json FILE]
//
// --chunks short: "a " × 4,096 (2-byte chunks: the 8.4 M-chunk case); long: one 8 KiB
// word (8 KiB chunks). --read none: the clients stop reading after their emit (stalled
// clients: the server must hold what it cannot send), then leave after --stall seconds.
import WebSocket from "ws";
import { readFileSync, appendFileSync } from "node:fs";

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? dflt : argv[i + 1];
};
const url = opt("url");
const pid = Number(opt("pid"));
const sockets = Number(opt("sockets", 50));
const chunks = opt("chunks", "short");
const read = opt("read", "all");
const stallSeconds = Number(opt("stall", 10));
const label = opt("label", "promptdeck");
const jsonOut = opt("json");
if (!url?.startsWith("http://127.0.0.1:") || !pid) {
  console.error("usage: memory.mjs --url http://127.0.0.1:PORT --pid PID [--sockets N] [--chunks short|long] [--read all|none]");
  process.exit(2);
}

const content = chunks === "long" ? "w".repeat(8 * 1024) : "a ".repeat(4 * 1024);
const REPEAT = 2047;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const status = (key) => {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
  return m ? Number(m[1]) / 1024 : null;
};

async function api(method, path, token, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** One socket, one task; resolves to { taskId, text bytes, events, error code } when done. */
function runOne(token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    const out = { taskId: null, bytes: 0, events: 0, error: null, ended: false };
    let event = null;
    ws.on("error", reject);
    ws.on("close", () => resolve(out));
    ws.on("message", (buf) => {
      const s = buf.toString();
      if (s === "2") return ws.send("3");
      if (s.startsWith("0")) return ws.send(`40${JSON.stringify({ token })}`);
      if (s.startsWith("40")) {
        const payload = { taskName: "direct_chat", taskData: { chat_config: { model_id: "echo", messages: [{ role: "user", content }], echo_repeat: REPEAT } } };
        ws.send(`420${JSON.stringify(["chat_service", payload])}`);
        return;
      }
      if (s.startsWith("430")) {
        const [ack] = JSON.parse(s.slice(3));
        if (!ack.task_id) return reject(new Error(`refused: ${s}`));
        out.taskId = ack.task_id;
        event = ack.response_listener_events[0];
        if (read === "none") {
          ws._socket.pause();
          setTimeout(() => ws.terminate(), stallSeconds * 1000);
        }
        return;
      }
      if (s.startsWith("42")) {
        const [ev, arg] = JSON.parse(s.slice(2));
        if (ev !== event) return;
        out.events++;
        if (typeof arg === "string") out.bytes += Buffer.byteLength(arg);
        else if (arg?.error) out.error = arg.error.code;
        else if (arg?.end) {
          out.ended = true;
          ws.close();
        }
      }
    });
  });
}

const { token } = await api("POST", "/api/auth/signup", null, {
  email: `memory-${Date.now()}@example.com`,
  password: "memory bench password 1",
});
await sleep(1000);
const before = status("VmRSS");
const t0 = performance.now();
const results = await Promise.all(Array.from({ length: sockets }, () => runOne(token)));
const clientsGone = performance.now();
// Every task ends (stalled ones run on without their clients) and is recorded.
for (const r of results) {
  for (;;) {
    const task = await api("GET", `/api/tasks/${r.taskId}`, token);
    if (!["pending", "streaming"].includes(task.status)) {
      r.stored = { status: task.status, bytes: Buffer.byteLength(task.response_text ?? ""), error: task.response_errors?.code };
      break;
    }
    await sleep(200);
  }
}
const allEnded = performance.now();
await sleep(3000);
const after = status("VmRSS");
const peak = status("VmHWM");
const row = {
  label,
  sockets,
  chunks,
  read,
  rss_before_mb: before,
  rss_peak_mb: peak,
  rss_after_mb: after,
  client_seconds: (clientsGone - t0) / 1000,
  all_ended_seconds: (allEnded - t0) / 1000,
  streamed_mb_per_socket: read === "all" ? results[0].bytes / 2 ** 20 : null,
  stored: results[0].stored,
  all_cut_at_cap: results.every((r) => r.stored?.error === "answer_too_large"),
};
console.log(JSON.stringify(row));
if (jsonOut) appendFileSync(jsonOut, `${JSON.stringify(row)}\n`);

// One load-generator process (forked by loadgen.mjs): opens its sockets, waits for "go", runs one
// stream per socket, checks every chunk, and reports per-stream timings to the parent.
// Two client implementations drive the same wire protocol (Engine.IO v4 / Socket.IO v5 over
// WebSocket): `raw` (a minimal client on `ws`, the default: cheapest per message, so the client
// is not the bottleneck) and `sio` (the official socket.io-client 4.8.4, for cross-checking).
import WebSocket from "ws";
import { io } from "socket.io-client";

const cfg = JSON.parse(process.env.BENCH_WORKER);
const { url, token, streams, words, delay, client, firstIndex } = cfg;

const now = () => performance.now();
const expected = Array.from({ length: words }, (_, i) => `w${i + 1}` + (i + 1 < words ? " " : ""));
const content = expected.join("");

function payload(i) {
  return {
    taskName: "direct_chat",
    taskData: {
      chat_config: {
        model_id: "echo",
        stream: true,
        messages: [{ role: "user", content }],
        echo_delay_ms: delay,
      },
    },
  };
}

/** Per-stream record. */
function newStat(i) {
  return { i, emitAt: 0, ackAt: 0, firstAt: 0, lastAt: 0, endAt: 0, chunks: 0, errors: [], info: false, done: false };
}

class Checker {
  constructor(st) { this.st = st; }
  onEvent(arg) {
    const st = this.st;
    if (st.done) { st.errors.push("event after end"); return; }
    if (typeof arg === "string") {
      const t = now();
      if (st.chunks === 0) st.firstAt = t;
      st.lastAt = t;
      if (arg !== expected[st.chunks]) {
        if (st.errors.length < 5) st.errors.push(`chunk ${st.chunks}: got ${JSON.stringify(arg)} want ${JSON.stringify(expected[st.chunks])}`);
      }
      st.chunks++;
    } else if (arg && typeof arg === "object") {
      if (arg.end === true) { st.endAt = now(); st.done = true; this.onDone?.(); }
      else if (arg.info) st.info = true;
      else if (arg.error) st.errors.push(`error event ${JSON.stringify(arg.error)}`);
    } else st.errors.push(`odd event ${JSON.stringify(arg)}`);
  }
}

// ---- raw client -------------------------------------------------------------------------
class RawClient {
  constructor(st) { this.st = st; this.check = new Checker(st); this.event = null; }
  connect() {
    const wsUrl = url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
      this.ws = ws;
      ws.on("error", (e) => { this.st.errors.push(`ws error ${e.message}`); reject(e); });
      ws.on("close", () => { if (!this.st.done && this.started) this.st.errors.push("closed before end"); this.check.onDone?.(); });
      ws.on("message", (buf, isBinary) => {
        const s = isBinary ? buf : buf.toString();
        const t = s.charCodeAt(0);
        if (t === 52 /* '4' message */) {
          const p = s.charCodeAt(1);
          if (p === 50 /* '2' event */) {
            const [ev, arg] = JSON.parse(s.slice(2));
            if (ev !== this.event) { this.st.errors.push(`event ${ev} before ack / unexpected`); return; }
            this.check.onEvent(arg);
          } else if (p === 51 /* '3' ack */) {
            const j = s.indexOf("[");
            const [ack] = JSON.parse(s.slice(j));
            this.st.ackAt = now();
            if (!ack?.response_listener_events?.length) { this.st.errors.push(`refused ${JSON.stringify(ack)}`); this.st.done = true; this.check.onDone?.(); return; }
            this.event = ack.response_listener_events[0];
          } else if (p === 48 /* '0' connect */) resolve();
          else if (p === 52 /* '4' connect_error */) reject(new Error(`connect_error ${s.slice(2)}`));
        } else if (t === 50 /* '2' ping */) ws.send("3");
        else if (t === 48 /* '0' open */) ws.send("40" + JSON.stringify({ token }));
      });
    });
  }
  start() { this.started = true; this.st.emitAt = now(); this.ws.send("420" + JSON.stringify(["chat_service", payload(this.st.i)])); }
  close() { try { this.ws.close(); } catch {} }
}

// ---- official socket.io-client ----------------------------------------------------------
class SioClient {
  constructor(st) { this.st = st; this.check = new Checker(st); }
  connect() {
    return new Promise((resolve, reject) => {
      const s = io(url, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false, timeout: 60000 });
      this.s = s;
      s.once("connect", resolve);
      s.once("connect_error", reject);
      s.on("disconnect", () => { if (!this.st.done && this.started) { this.st.errors.push("disconnected before end"); this.check.onDone?.(); } });
      s.onAny((ev) => { if (ev !== this.event) this.st.errors.push(`event ${ev} before ack / unexpected`); });
    });
  }
  start() {
    this.started = true;
    this.st.emitAt = now();
    this.s.emit("chat_service", payload(this.st.i), (ack) => {
      this.st.ackAt = now();
      if (!ack?.response_listener_events?.length) { this.st.errors.push(`refused ${JSON.stringify(ack)}`); this.st.done = true; this.check.onDone?.(); return; }
      this.event = ack.response_listener_events[0];
      this.s.on(this.event, (arg) => this.check.onEvent(arg));
    });
  }
  close() { this.s.close(); }
}

const Client = client === "sio" ? SioClient : RawClient;
const stats = Array.from({ length: streams }, (_, k) => newStat(firstIndex + k));
const clients = stats.map((st) => new Client(st));

async function connectAll() {
  let next = 0;
  const lanes = Array.from({ length: Math.min(32, clients.length) }, async () => {
    while (next < clients.length) {
      const c = clients[next++];
      await c.connect();
    }
  });
  await Promise.all(lanes);
}

let remaining = streams;
let finished;
const allDone = new Promise((r) => (finished = r));
for (const c of clients) {
  let counted = false;
  c.check.onDone = () => { if (!counted) { counted = true; if (--remaining === 0) finished(); } };
}

process.on("message", async (msg) => {
  if (msg.type === "go") {
    const cpu0 = process.cpuUsage();
    for (const c of clients) c.start();
    const timer = setTimeout(finished, cfg.timeoutMs);
    await allDone;
    clearTimeout(timer);
    const out = stats.map((st) => ({
      i: st.i,
      ttft: st.firstAt ? st.firstAt - st.emitAt : null,
      ack: st.ackAt ? st.ackAt - st.emitAt : null,
      last: st.lastAt ? st.lastAt - st.emitAt : null,
      total: st.endAt ? st.endAt - st.emitAt : null,
      chunks: st.chunks, info: st.info, done: st.done,
      errors: st.errors,
    }));
    process.send({ type: "result", stats: out, cpu: process.cpuUsage(cpu0) });
    for (const c of clients) c.close();
    setTimeout(() => process.exit(0), 200);
  }
});

connectAll().then(
  () => process.send({ type: "ready" }),
  (e) => { process.send({ type: "fatal", error: String(e?.message ?? e) }); process.exit(1); },
);

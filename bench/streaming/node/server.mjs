// Reference server for the streaming benchmark: socket.io 4.8.4 speaking the subset of
// promptdeck's protocol (docs/protocol.md) that the benchmark uses, with the same echo model.
//   node server.mjs [--port 0] [--token bench-token]
// Prints `listening on http://127.0.0.1:PORT`.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const TOKEN = args.token ?? "bench-token";
const PORT = Number(args.port ?? 0);

/** The echo model's chunks: `^\s+|\S+\s*`. */
export function chunks(text) {
  return text.match(/^\s+|\S+\s*/g) ?? [];
}

const http = createServer((req, res) => {
  res.writeHead(req.url === "/healthz" ? 200 : 404).end();
});
const io = new Server(http, {
  maxHttpBufferSize: 1 << 20,
  pingInterval: 25000,
  pingTimeout: 20000,
  serveClient: false,
  cors: { origin: "*" },
});

io.use((socket, next) => {
  if (socket.handshake.auth?.token === TOKEN) return next();
  const err = new Error("unauthorized");
  next(err);
});

io.on("connection", (socket) => {
  socket.on("chat_service", (payload, ack) => {
    if (typeof ack !== "function") return;
    const cfg = payload?.taskData?.chat_config;
    if (payload?.taskName !== "direct_chat" || !cfg || cfg.model_id !== "echo" || !Array.isArray(cfg.messages)) {
      return ack({ response_listener_events: [], error: { code: "invalid_request", message: "bad chat_config" } });
    }
    const delay = Number(cfg.echo_delay_ms ?? 0);
    const last = [...cfg.messages].reverse().find((m) => m.role === "user");
    const parts = chunks(last?.content ?? "");
    const inputTokens = cfg.messages.reduce((n, m) => n + (String(m.content).match(/\S+/g)?.length ?? 0), 0);
    const taskId = typeof payload.taskId === "string" ? payload.taskId : randomUUID();
    const runId = randomUUID();
    const event = `response-${taskId}`;
    ack({ response_listener_events: [event], task_id: taskId, run_id: runId });

    const start = performance.now();
    let ttft = null;
    const finish = () => {
      const total = performance.now() - start;
      socket.emit(event, {
        info: {
          task_id: taskId, run_id: runId, model_id: "echo", provider: "echo", status: "completed",
          tokens_input: inputTokens, tokens_output: parts.length, tokens_total: inputTokens + parts.length,
          cost: 0, time_to_first_token: ttft, total_time: total,
        },
      });
      socket.emit(event, { end: true });
    };
    if (delay <= 0) {
      if (parts.length) ttft = performance.now() - start;
      for (const p of parts) socket.emit(event, p);
      finish();
      return;
    }
    // Fixed schedule: chunk k (from 1) is due at start + k * delay; late chunks go out at once.
    let k = 0;
    const tick = () => {
      const now = performance.now();
      while (k < parts.length && start + (k + 1) * delay <= now + 0.5) {
        if (ttft === null) ttft = now - start;
        socket.emit(event, parts[k++]);
      }
      if (k >= parts.length) return finish();
      setTimeout(tick, Math.max(0, start + (k + 1) * delay - performance.now()));
    };
    setTimeout(tick, delay);
  });
});

http.listen(PORT, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${http.address().port}`);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));

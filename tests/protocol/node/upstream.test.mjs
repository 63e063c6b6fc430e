// A real provider behind the whole server: a local HTTP server speaking OpenAI's streaming wire
// format feeds promptdeck (configured with --models), and each way it can fail — an error status,
// a dropped connection, a stall, garbage — ends the client's stream with {error} then {end:true},
// leaving the task `failed` with its partial text kept.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, signup, connect, closeAll, submit, assertTaskAck, waitForTask, within, writeFakeModels } from "./helpers.mjs";

const chunk = (content) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })}\n\n`;

// Each model id names a behaviour of the fake upstream.
const behaviours = {
  "fake-ok": (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk("Hello"));
    res.write(chunk(" there"));
    res.write(chunk("!"));
    res.write(usage);
    res.end("data: [DONE]\n\n");
  },
  "fake-500": (res) => {
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "the upstream is on fire", type: "server_error" } }));
  },
  "fake-drop": (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk("partial "));
    res.write(chunk("answer"));
    setTimeout(() => res.socket.destroy(), 50);
  },
  "fake-stall": (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk("before the stall"));
    // then nothing, past the provider's idle timeout
  },
  "fake-garbage": (res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk("fine "));
    res.write("data: {this is not json\n\n");
  },
};

let upstream;
let server;
let user;
let dir;

before(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const model = JSON.parse(body).model;
      (behaviours[model] ?? behaviours["fake-500"])(res);
    });
  });
  await new Promise((r) => upstream.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${upstream.address().port}/v1`;
  dir = mkdtempSync(join(tmpdir(), "promptdeck-upstream-"));
  const models = writeFakeModels(dir, base, Object.keys(behaviours), {
    idleTimeoutMs: 400,
    modelLines: [`input_price = 1.0`, `output_price = 2.0`],
  });
  server = await startServer({ args: ["--models", models] });
  user = await signup(server.url);
});

after(async () => {
  closeAll();
  await server?.stop();
  await new Promise((r) => upstream?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(model) {
  const socket = await connect(server.url, user.token);
  const { ack, stream } = await submit(socket, "chat_service", {
    taskName: "direct_chat",
    taskData: { chat_config: { model_id: model, messages: [{ role: "user", content: "hi" }], stream: true } },
  });
  const taskId = assertTaskAck(assert, ack);
  await stream.done(15_000);
  assert.deepEqual(stream.events.at(-1), { end: true }, "{end:true} is last");
  return { taskId, stream };
}

test("a normal upstream stream is relayed with usage and cost", async () => {
  const { taskId, stream } = await run("fake-ok");
  assert.equal(stream.text(), "Hello there!");
  const [{ info }] = stream.objects("info");
  assert.equal(info.tokens_input, 7);
  assert.equal(info.tokens_output, 3);
  assert.ok(Math.abs(info.cost - (7 * 1.0 + 3 * 2.0) / 1e6) < 1e-12, `cost ${info.cost}`);
  const task = await waitForTask(server.url, user, taskId, (t) => t.status === "completed");
  assert.equal(task.response_text, "Hello there!");
  assert.equal(task.provider, "fake");
});

for (const [model, code, partial] of [
  ["fake-500", "upstream_status", ""],
  ["fake-drop", "upstream_connection", "partial answer"],
  ["fake-stall", "upstream_timeout", "before the stall"],
  ["fake-garbage", "upstream_malformed", "fine "],
]) {
  test(`an upstream that fails (${model}) ends the stream with ${code} and keeps the partial text`, async () => {
    const { taskId, stream } = await within(20_000, run(model), model);
    const errors = stream.objects("error");
    assert.equal(errors.length, 1, JSON.stringify(stream.events));
    assert.equal(errors[0].error.code, code, JSON.stringify(errors[0]));
    assert.ok(errors[0].error.message.length > 0);
    assert.equal(stream.text(), partial);
    const task = await waitForTask(server.url, user, taskId, (t) => t.status === "failed");
    assert.equal(task.response_text, partial);
    assert.equal(task.response_errors.code, code);
  });
}

// What a task records, on both databases: a model's answer holding the NUL character (which
// PostgreSQL cannot store) is streamed and recorded with U+FFFD in its place, never lost; and a
// task on a run with no room left for its user turn and a full answer is refused in its ack
// (`run_too_large`) with nothing recorded.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import {
  writeFakeModels,
  startServerOn,
  signup,
  connect,
  closeAll,
  submit,
  directChat,
  assertTaskAck,
  assertErrorAck,
  waitForTask,
  getRun,
  getTask,
  databaseKinds,
} from "./helpers.mjs";

const NUL = "\u0000";
const chunk = (delta) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;

let upstream;
let dir;
let models;

before(async () => {
  // An OpenAI-compatible upstream whose answer and tool call carry NUL characters.
  upstream = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(chunk({ content: `before${NUL}` }));
      res.write(chunk({ content: `${NUL}after` }));
      res.write(
        chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: `{"a":"x${NUL}"}` } }] }),
      );
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise((r) => upstream.listen(0, "127.0.0.1", r));
  dir = mkdtempSync(join(tmpdir(), "promptdeck-recorded-"));
  models = writeFakeModels(dir, `http://127.0.0.1:${upstream.address().port}/v1`, ["fake-nul"]);
});

after(async () => {
  closeAll();
  await new Promise((r) => upstream?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const kind of databaseKinds()) {
  describe(`on ${kind}`, () => {
    let server;
    let user;
    let socket;

    before(async () => {
      server = await startServerOn(kind, { args: ["--models", models, "--max-run-messages", "3"] });
      user = await signup(server.url);
      socket = await connect(server.url, user.token);
    });

    after(async () => {
      await server?.stop();
    });

    test("a model answer with NUL characters is streamed and recorded with U+FFFD in their place", async () => {
      const payload = {
        taskName: "direct_chat",
        taskData: { chat_config: { model_id: "fake-nul", messages: [{ role: "user", content: "hi" }], stream: true } },
      };
      const { ack, stream } = await submit(socket, "chat_service", payload);
      const taskId = assertTaskAck(assert, ack);
      await stream.done(15_000);
      assert.deepEqual(stream.objects("error"), [], JSON.stringify(stream.events));
      assert.equal(stream.text(), "before\uFFFD\uFFFDafter");
      const task = await waitForTask(server.url, user, taskId, (t) => t.status === "completed");
      assert.equal(task.response_text, "before\uFFFD\uFFFDafter");
      assert.ok(!JSON.stringify(task.tool_updates).includes("\\u0000"), JSON.stringify(task.tool_updates));
      const run = await getRun(server.url, user, ack.run_id);
      assert.equal(run.status, 200);
      assert.deepEqual(
        run.body.messages.map((m) => [m.role, m.content]),
        [
          ["user", "hi"],
          ["assistant", "before\uFFFD\uFFFDafter"],
        ],
      );
    });

    test("a task on a run without room for its turn and an answer is refused with run_too_large", async () => {
      // --max-run-messages 3: a first exchange leaves the run with 2 messages, and a follow-up
      // needs 2 more (the user's turn now, the answer later).
      const first = await submit(socket, "chat_service", directChat("first question"));
      assertTaskAck(assert, first.ack);
      await first.stream.done(10_000);
      await waitForTask(server.url, user, first.ack.task_id, (t) => t.status === "completed");
      const taskId = randomUUID();
      const { ack, stream } = await submit(socket, "chat_service", {
        ...directChat("follow-up", {}, { run_id: first.ack.run_id }),
        taskId,
      });
      assertErrorAck(assert, ack, "run_too_large");
      assert.equal(stream, null);
      assert.equal((await getTask(server.url, user, taskId)).status, 404, "the refused task is not recorded");
      const run = await getRun(server.url, user, first.ack.run_id);
      assert.equal(run.body.messages.length, 2, "the refused turn is not appended");
    });
  });
}

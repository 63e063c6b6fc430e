// The seed's own order (Pattern 2): createRun, createTask and addMessage over REST, then the
// socket submit with the same task id. The socket adopts the registered task instead of calling
// it a duplicate, records the answer in that run, and leaves the user message to the client.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startServer, signup, connect, closeAll, submit, assertTaskAck, expectApi, waitForTask } from "./helpers.mjs";

let server;
let user;

before(async () => {
  server = await startServer();
  user = await signup(server.url);
});

after(async () => {
  closeAll();
  await server?.stop();
});

test("a task registered over REST is adopted by the socket submit with the same task id", async () => {
  const run = await expectApi(server.url, user.token, "POST", "/api/runs", { source_type: "prompt", name: "seed flow" }, 201);
  const taskId = randomUUID();
  const chatConfig = { model_id: "echo", messages: [{ role: "user", content: "seed order works" }], stream: true };
  await expectApi(server.url, user.token, "POST", `/api/runs/${run.id}/tasks`,
    { task_id: taskId, service: "chat_service", task_name: "direct_chat", model_id: "echo", request_data: chatConfig }, 201);
  await expectApi(server.url, user.token, "POST", `/api/runs/${run.id}/messages`,
    { role: "user", content: "seed order works" }, 201);

  const socket = await connect(server.url, user.token);
  const { ack, stream } = await submit(socket, "chat_service", {
    taskName: "direct_chat", taskData: { chat_config: chatConfig }, taskId,
  });
  assert.equal(assertTaskAck(assert, ack), taskId);
  assert.equal(ack.run_id, run.id, "the task stays in the run it was registered in");
  await stream.done();
  assert.equal(stream.text(), "seed order works");

  const task = await waitForTask(server.url, user, taskId, (t) => t.status === "completed");
  assert.equal(task.run_id, run.id);
  const stored = await expectApi(server.url, user.token, "GET", `/api/runs/${run.id}`, undefined, 200);
  assert.deepEqual(stored.messages.map((m) => m.role), ["user", "assistant"], JSON.stringify(stored.messages));
  assert.equal(stored.messages[1].taskId, taskId);
  assert.equal(stored.task_count, 1);

  const again = await submit(socket, "chat_service", { taskName: "direct_chat", taskData: { chat_config: chatConfig }, taskId });
  assert.equal(again.ack.error?.code, "duplicate_task", "a finished task id cannot run again");
});

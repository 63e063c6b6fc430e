// Edges of `resume`: a `from` past the end of a finished stream still gets `{end:true}`, and a
// resume while the task is streaming continues live to the end.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, signup, connect, closeAll, startEcho, submit, assertTaskAck, words, echoChunks } from "./helpers.mjs";

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

const resume = (socket, taskData) => submit(socket, "task_service", { taskName: "resume", taskData });

test("resume from past the end of a finished stream still ends with {end:true}", async () => {
  const socket = await connect(server.url, user.token);
  const { ack, stream } = await startEcho(socket, words(5));
  await stream.done();
  stream.stop();
  const resumed = await resume(socket, { task_id: ack.task_id, from: 1000 });
  assertTaskAck(assert, resumed.ack);
  await resumed.stream.done();
  assert.deepEqual(resumed.stream.events, [{ end: true }]);
  assert.deepEqual(resumed.stream.chunks(), []);
});

test("two subscribers of one streaming task each get every chunk in order", async () => {
  const full = words(40, "both");
  const first = await connect(server.url, user.token);
  const { ack, stream } = await startEcho(first, full, { echo_delay_ms: 10 });
  await stream.chunksAtLeast(3);
  const second = await connect(server.url, user.token);
  const resumed = await resume(second, { task_id: ack.task_id, from: 0 });
  await Promise.all([stream.done(), resumed.stream.done()]);
  assert.deepEqual(stream.chunks(), echoChunks(full));
  assert.deepEqual(resumed.stream.chunks(), echoChunks(full));
});

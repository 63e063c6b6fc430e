// task_service: cancelling, disconnecting and resuming; and two users never seeing each other's
// tasks.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  startServer,
  signup,
  connect,
  closeAll,
  submit,
  collect,
  startEcho,
  assertTaskAck,
  assertErrorAck,
  assertEndsCleanly,
  echoChunks,
  words,
  getTask,
  getRun,
  waitForTask,
  sleep,
  within,
} from "./helpers.mjs";

let server;
let alice;
let bob;

before(async () => {
  server = await startServer();
  [alice, bob] = await Promise.all([signup(server.url), signup(server.url)]);
});

after(async () => {
  closeAll();
  await server?.stop();
});

const cancel = (socket, task_id) => submit(socket, "task_service", { taskName: "cancel_task", taskData: { task_id } });
const resume = (socket, taskData) => submit(socket, "task_service", { taskName: "resume", taskData });

test("cancel_task stops a streaming task: ack ok, a cancelled error, then the end", async () => {
  const socket = await connect(server.url, alice.token);
  const full = words(200, "slow");
  const { ack, stream } = await startEcho(socket, full, { echo_delay_ms: 20 });
  await stream.chunksAtLeast(3);

  const cancelled = await cancel(socket, ack.task_id);
  assert.deepEqual(cancelled.ack, { ok: true });
  await stream.done(5_000);

  const errors = stream.objects("error");
  assert.equal(errors.length, 1, `one error event: ${JSON.stringify(stream.events.slice(-4))}`);
  assert.equal(errors[0].error.code, "cancelled");
  assert.equal(typeof errors[0].error.message, "string");
  assert.deepEqual(stream.events.at(-1), { end: true }, "the end comes last, after the error");
  const errorAt = stream.events.indexOf(errors[0]);
  assert.ok(
    stream.events.slice(errorAt + 1).every((e) => typeof e !== "string"),
    "no text after the cancelled error",
  );
  const text = stream.text();
  assert.ok(text.length > 0 && full.startsWith(text), "the streamed text is a prefix of the answer");
  assert.ok(text.length < full.length, "the answer was cut short");
  const count = stream.events.length;
  await sleep(200);
  assert.equal(stream.events.length, count, "nothing comes after the end");

  const task = await waitForTask(server.url, alice, ack.task_id, (t) => t.status === "cancelled");
  assert.equal(typeof task.response_text, "string", `partial text kept: ${JSON.stringify(task)}`);
  assert.ok(task.response_text.length > 0, "the partial text is not empty");
  assert.ok(full.startsWith(task.response_text), "the stored partial text is a prefix of the answer");
  assert.ok(task.response_text.length < full.length, "the stored text is partial");
  socket.close();
});

test("cancel_task of another user's task is refused with not_found and the task goes on", async () => {
  const [aliceSocket, bobSocket] = await Promise.all([connect(server.url, alice.token), connect(server.url, bob.token)]);
  const full = words(40, "mine");
  const { ack, stream } = await startEcho(aliceSocket, full, { echo_delay_ms: 10 });
  const refused = await cancel(bobSocket, ack.task_id);
  assert.equal(refused.ack.ok, false, JSON.stringify(refused.ack));
  assert.equal(refused.ack.error?.code, "not_found", JSON.stringify(refused.ack));
  await stream.done();
  assert.equal(stream.text(), full);
  assertEndsCleanly(assert, stream);
  aliceSocket.close();
  bobSocket.close();
});

test("cancel_task of an unknown task is refused with not_found", async () => {
  const socket = await connect(server.url, alice.token);
  const { ack } = await cancel(socket, randomUUID());
  assert.equal(ack.ok, false, JSON.stringify(ack));
  assert.equal(ack.error?.code, "not_found", JSON.stringify(ack));
  socket.close();
});

test("resume from a new connection replays the chunks from index N and continues to the end", async () => {
  const full = words(60, "part");
  const first = await connect(server.url, alice.token);
  const { ack, stream } = await startEcho(first, full, { echo_delay_ms: 20 });
  await stream.chunksAtLeast(5);
  first.disconnect();
  const seen = stream.chunks().slice(0, 5);

  const second = await connect(server.url, alice.token);
  const resumed = await resume(second, { task_id: ack.task_id, from: 5 });
  assert.deepEqual(resumed.ack.response_listener_events, [`response-${ack.task_id}`], JSON.stringify(resumed.ack));
  assert.equal(resumed.ack.task_id, ack.task_id);
  await resumed.stream.done();
  assertEndsCleanly(assert, resumed.stream);
  const replayed = resumed.stream.chunks();
  assert.deepEqual([...seen, ...replayed], echoChunks(full), "the first N chunks and the replayed ones make the answer");
  assert.equal(seen.join("") + replayed.join(""), full);
  second.close();
});

test("resume without from replays the whole answer, also after the task ended", async () => {
  const socket = await connect(server.url, alice.token);
  const full = words(12, "done");
  const { ack, stream } = await startEcho(socket, full);
  await stream.done();
  stream.stop();
  const resumed = await resume(socket, { task_id: ack.task_id });
  assertTaskAck(assert, resumed.ack);
  await resumed.stream.done();
  assert.deepEqual(resumed.stream.chunks(), echoChunks(full));
  assertEndsCleanly(assert, resumed.stream);
  socket.close();
});

test("a task whose client disconnected still completes and is stored with the full text", async () => {
  const full = words(30, "alone");
  const socket = await connect(server.url, alice.token);
  const { ack, stream } = await startEcho(socket, full, { echo_delay_ms: 15 });
  await stream.chunksAtLeast(2);
  socket.disconnect();
  assert.equal(stream.objects("end").length, 0, "the client left before the end");
  const task = await waitForTask(server.url, alice, ack.task_id, (t) => t.status !== "pending" && t.status !== "streaming", 10_000);
  assert.equal(task.status, "completed");
  assert.equal(task.response_text, full);
  const run = (await getRun(server.url, alice, ack.run_id)).body;
  assert.equal(run.messages.at(-1)?.content, full, "the run has the answer");
});

test("resume by another user is refused with not_found", async () => {
  const [aliceSocket, bobSocket] = await Promise.all([connect(server.url, alice.token), connect(server.url, bob.token)]);
  const { ack, stream } = await startEcho(aliceSocket, words(20, "private"), { echo_delay_ms: 5 });
  const refused = await resume(bobSocket, { task_id: ack.task_id, from: 0 });
  assert.equal(refused.stream, null, JSON.stringify(refused.ack));
  assertErrorAck(assert, refused.ack, "not_found");
  await stream.done();
  const afterEnd = await resume(bobSocket, { task_id: ack.task_id });
  assertErrorAck(assert, afterEnd.ack, "not_found");
  aliceSocket.close();
  bobSocket.close();
});

test("resume of an unknown task is refused with not_found", async () => {
  const socket = await connect(server.url, alice.token);
  const { ack } = await resume(socket, { task_id: randomUUID(), from: 0 });
  assertErrorAck(assert, ack, "not_found");
  socket.close();
});

test("a user listening on another user's event name gets nothing, and REST hides the task and run", async () => {
  const [aliceSocket, bobSocket] = await Promise.all([connect(server.url, alice.token), connect(server.url, bob.token)]);
  const taskId = randomUUID();
  const spy = collect(bobSocket, `response-${taskId}`);
  const anything = [];
  bobSocket.onAny((event, ...args) => anything.push([event, args]));
  const full = words(30, "secret");
  const { ack, stream } = await startEcho(aliceSocket, full, { echo_delay_ms: 5 }, {}, { taskId });
  assert.equal(ack.task_id, taskId);
  await stream.done();
  assert.equal(stream.text(), full);
  await sleep(200);
  assert.deepEqual(spy.events, [], "bob got nothing on alice's event");
  assert.deepEqual(anything, [], "bob got no event at all");
  assert.equal((await getTask(server.url, bob, taskId)).status, 404, "bob's GET of alice's task");
  assert.equal((await getRun(server.url, bob, ack.run_id)).status, 404, "bob's GET of alice's run");
  assert.equal((await getTask(server.url, alice, taskId)).status, 200, "alice's GET of her task");
  aliceSocket.close();
  bobSocket.close();
});

test("a second connection of the same user does not get the first connection's stream", async () => {
  const [one, two] = await Promise.all([connect(server.url, alice.token), connect(server.url, alice.token)]);
  const anything = [];
  two.onAny((event) => anything.push(event));
  const { stream } = await startEcho(one, "only to the submitter");
  await within(10_000, stream.done(), "the stream");
  await sleep(100);
  assert.deepEqual(anything, [], "stream events go to the submitting socket only");
  one.close();
  two.close();
});

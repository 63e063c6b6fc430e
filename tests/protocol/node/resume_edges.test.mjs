// Edges of `resume`: a `from` past the end of a finished or live stream still gets `{end:true}`
// (once, when the task ends), a resume while the task is streaming continues live to the end
// without duplicates, and a task no longer in memory is rebuilt from its stored record exactly,
// honouring `from` (on both databases).

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  signup,
  connect,
  closeAll,
  startEcho,
  submit,
  assertTaskAck,
  words,
  echoChunks,
  sleep,
  waitForTask,
  databaseKinds,
  freshDatabase,
} from "./helpers.mjs";

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

test("resume from past the end of a live task ends with {end:true} when the task ends, and sends nothing else", async () => {
  const first = await connect(server.url, user.token);
  const { ack, stream } = await startEcho(first, words(30, "live-"), { echo_delay_ms: 20 });
  await stream.chunksAtLeast(2);
  const second = await connect(server.url, user.token);
  const resumed = await resume(second, { task_id: ack.task_id, from: 1000 });
  assertTaskAck(assert, resumed.ack);
  await Promise.all([stream.done(), resumed.stream.done()]);
  await sleep(200);
  assert.deepEqual(resumed.stream.events, [{ end: true }], "only the end, once");
});

test("resume from the middle of a live task sends each later event exactly once", async () => {
  const first = await connect(server.url, user.token);
  const full = words(40, "mid-");
  const { ack, stream } = await startEcho(first, full, { echo_delay_ms: 15 });
  await stream.chunksAtLeast(5);
  const second = await connect(server.url, user.token);
  const resumed = await resume(second, { task_id: ack.task_id, from: 3 });
  await Promise.all([stream.done(), resumed.stream.done()]);
  assert.deepEqual(resumed.stream.events, stream.events.slice(3));
});

for (const kind of databaseKinds()) {
  describe(`a task no longer in memory (${kind})`, () => {
    let db;
    let first;
    let second;
    let owner;
    let live;

    before(async () => {
      db = await freshDatabase(kind);
      first = await startServer({ database: db.url });
      owner = await signup(first.url);
      const socket = await connect(first.url, owner.token);
      live = await startEcho(socket, "  one two three four five six", {}, {});
      await live.stream.done();
      await waitForTask(first.url, owner, live.ack.task_id, (t) => t.status === "completed");
      socket.close();
      // A restart empties memory: resume must rebuild the task from its stored record.
      await first.stop();
      second = await startServer({ database: db.url });
    });

    after(async () => {
      closeAll();
      await second?.stop();
      await first?.stop();
      await db?.drop();
    });

    test("resume from 0 replays the very events the live stream had", async () => {
      const socket = await connect(second.url, owner.token);
      const resumed = await resume(socket, { task_id: live.ack.task_id, from: 0 });
      assertTaskAck(assert, resumed.ack);
      await resumed.stream.done();
      assert.deepEqual(resumed.stream.events, live.stream.events);
      assert.deepEqual(resumed.stream.chunks(), echoChunks("  one two three four five six"));
    });

    test("resume from N replays exactly from event N", async () => {
      const socket = await connect(second.url, owner.token);
      for (const from of [1, 3, 7]) {
        const resumed = await resume(socket, { task_id: live.ack.task_id, from });
        await resumed.stream.done();
        resumed.stream.stop();
        assert.deepEqual(resumed.stream.events, live.stream.events.slice(from), `from ${from}`);
      }
    });

    test("resume from past the end gets only {end:true}", async () => {
      const socket = await connect(second.url, owner.token);
      const resumed = await resume(socket, { task_id: live.ack.task_id, from: 500 });
      await resumed.stream.done();
      assert.deepEqual(resumed.stream.events, [{ end: true }]);
    });

    test("another user cannot resume it", async () => {
      const other = await signup(second.url);
      const socket = await connect(second.url, other.token);
      const { ack } = await resume(socket, { task_id: live.ack.task_id, from: 0 });
      assert.equal(ack.error?.code, "not_found");
    });
  });
}

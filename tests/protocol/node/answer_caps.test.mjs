// The answer-size and task-duration caps: a task that reaches either ends `failed` with
// `answer_too_large` or `task_timeout`, its text so far streamed, stored and kept in the run, then
// `info` and `{end:true}`. The echo model obeys the size cap like any provider: asking it for
// 16 MiB (the amplification of issue 9) yields the first 1 MiB, not 16.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServerOn,
  signup,
  connect,
  closeAll,
  startEcho,
  assertTaskAck,
  waitForTask,
  getRun,
  echoAnswer,
  words,
  databaseKinds,
} from "./helpers.mjs";

const MiB = 1024 * 1024;

/** Checks the end of a stream cut by a cap: `{error: {code}}`, then `info`, then `{end:true}`. */
function assertCutBy(stream, code) {
  const tail = stream.events.slice(-3);
  assert.equal(tail[0]?.error?.code, code, `an error event with ${code}: ${JSON.stringify(tail).slice(0, 300)}`);
  assert.match(tail[0].error.message, /kept/);
  assert.equal(tail[1]?.info?.status, "failed");
  assert.deepEqual(tail[2], { end: true });
  assert.equal(stream.objects("error").length, 1);
}

for (const kind of databaseKinds()) {
  describe(`on ${kind}`, () => {
    let server;
    let slow;
    let user;

    before(async () => {
      server = await startServerOn(kind);
      slow = await startServerOn(kind, { args: ["--max-task-seconds", "1"] });
      user = await signup(server.url);
    });

    after(async () => {
      closeAll();
      await server?.stop();
      await slow?.stop();
    });

    test("two 8 KiB direct_chat tasks asking for 16 MiB answers each stop at 1 MiB with answer_too_large", async () => {
      const content = "w".repeat(8 * 1024);
      const socket = await connect(server.url, user.token);
      const tasks = await Promise.all([0, 1].map(() => startEcho(socket, content, { echo_repeat: 2047 })));
      await Promise.all(tasks.map(({ stream }) => stream.done(60_000)));
      const full = echoAnswer(content, 2047);
      assert.equal(full.length, 2047 * 8193 - 1, "the answer asked for is 16 MiB");
      for (const { ack, stream } of tasks) {
        const taskId = assertTaskAck(assert, ack);
        assert.equal(stream.text().length, MiB, "exactly the first 1 MiB is streamed");
        assert.ok(full.startsWith(stream.text()), "the streamed text is the start of the answer");
        assertCutBy(stream, "answer_too_large");
        const stored = await waitForTask(server.url, user, taskId, (t) => t.status !== "pending" && t.status !== "streaming");
        assert.equal(stored.status, "failed");
        assert.equal(stored.response_errors.code, "answer_too_large");
        assert.equal(stored.response_text, stream.text(), "the text so far is stored");
        const run = (await getRun(server.url, user, ack.run_id)).body;
        assert.deepEqual(run.messages.map((m) => m.role), ["user", "assistant"]);
        assert.equal(run.messages[1].content.length, MiB, "the run keeps the partial answer");
      }
    });

    test("a task running past --max-task-seconds ends with task_timeout and keeps its text", async () => {
      const slowUser = await signup(slow.url);
      const socket = await connect(slow.url, slowUser.token);
      const text = words(300);
      // 300 chunks 20 ms apart: 6 s, far past the 1 s cap.
      const { ack, stream } = await startEcho(socket, text, { echo_delay_ms: 20 });
      await stream.done(20_000);
      const streamed = stream.text();
      assert.ok(streamed.length > 0, "some text streamed before the cap");
      assert.ok(streamed.length < text.length, "the task was cut");
      assert.ok(text.startsWith(streamed), "the streamed text is the start of the answer");
      assertCutBy(stream, "task_timeout");
      const stored = await waitForTask(slow.url, slowUser, ack.task_id, (t) => t.status === "failed");
      assert.equal(stored.response_errors.code, "task_timeout");
      assert.equal(stored.response_text, streamed);
    });
  });
}

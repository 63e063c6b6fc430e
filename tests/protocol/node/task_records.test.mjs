// Every acked task is recorded, and recorded before it streams: the run, the task row with its
// unique task id and the user's turn are written in one transaction before the ack. So another
// user's task id is refused (`duplicate_task`) instead of streaming unrecorded, and a crash
// mid-task leaves the run with the user's turn.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  startServer,
  startServerOn,
  signup,
  connect,
  closeAll,
  submit,
  startEcho,
  directChat,
  expectApi,
  assertTaskAck,
  assertErrorAck,
  getRun,
  getTask,
  waitForTask,
  words,
  databaseKinds,
  freshDatabase,
} from "./helpers.mjs";

for (const kind of databaseKinds()) {
  describe(`on ${kind}`, () => {
    let server;
    let alice;
    let bob;

    before(async () => {
      server = await startServerOn(kind);
      [alice, bob] = [await signup(server.url), await signup(server.url)];
    });

    after(async () => {
      closeAll();
      await server?.stop();
    });

    test("another user's pending REST task id is refused with duplicate_task and that task is untouched", async () => {
      const run = await expectApi(server.url, alice.token, "POST", "/api/runs", { source_type: "chat", name: "mine" }, 201);
      const taskId = randomUUID();
      const chatConfig = { model_id: "echo", messages: [{ role: "user", content: "alice asks" }], stream: true };
      await expectApi(server.url, alice.token, "POST", `/api/runs/${run.id}/tasks`,
        { task_id: taskId, service: "chat_service", task_name: "direct_chat", request_data: chatConfig }, 201);

      const bobSocket = await connect(server.url, bob.token);
      const stolen = await submit(bobSocket, "chat_service", { ...directChat("bob's text"), taskId });
      assertErrorAck(assert, stolen.ack, "duplicate_task");
      const bobRuns = await expectApi(server.url, bob.token, "GET", "/api/runs", undefined, 200);
      assert.equal(bobRuns.total, 0, "nothing was recorded for bob");
      assert.equal((await getTask(server.url, bob, taskId)).status, 404);

      const untouched = await getTask(server.url, alice, taskId);
      assert.equal(untouched.body.status, "pending");
      assert.equal(untouched.body.response_text, null);

      // Alice's own submit still adopts it.
      const aliceSocket = await connect(server.url, alice.token);
      const { ack, stream } = await submit(aliceSocket, "chat_service", { taskName: "direct_chat", taskData: { chat_config: chatConfig }, taskId });
      assert.equal(assertTaskAck(assert, ack), taskId);
      await stream.done();
      assert.equal(stream.text(), "alice asks");
      const done = await waitForTask(server.url, alice, taskId, (t) => t.status === "completed");
      assert.equal(done.run_id, run.id);
    });

    test("two users racing for one new task id: one runs and is recorded, the other is refused", async () => {
      const taskId = randomUUID();
      const [a, b] = await Promise.all([connect(server.url, alice.token), connect(server.url, bob.token)]);
      const [first, second] = await Promise.all([
        submit(a, "chat_service", { ...directChat("race a"), taskId }),
        submit(b, "chat_service", { ...directChat("race b"), taskId }),
      ]);
      const outcomes = [first, second].map(({ ack }) => ack.error?.code ?? "started").sort();
      assert.deepEqual(outcomes, ["duplicate_task", "started"]);
      const [winner, owner] = first.stream ? [first, alice] : [second, bob];
      await winner.stream.done();
      const stored = await waitForTask(server.url, owner, taskId, (t) => t.status === "completed");
      assert.equal(stored.response_text, winner.stream.text());
    });

    test("the user's turn and the task row are recorded before the first chunk", async () => {
      const socket = await connect(server.url, alice.token);
      // 200 chunks 25 ms apart: 5 s, so the records are read while it streams.
      const { ack, stream } = await startEcho(socket, words(200, "turn-"), { echo_delay_ms: 25 });
      const taskId = assertTaskAck(assert, ack);
      const run = await getRun(server.url, alice, ack.run_id);
      assert.equal(run.status, 200, "the run exists at the ack");
      assert.deepEqual(run.body.messages.map((m) => [m.role, m.content, m.taskId]), [["user", words(200, "turn-"), taskId]]);
      assert.equal(run.body.task_count, 1);
      const task = await getTask(server.url, alice, taskId);
      assert.equal(task.status, 200, "the task row exists at the ack");
      assert.ok(["pending", "streaming"].includes(task.body.status), task.body.status);
      await stream.chunksAtLeast(1);
      await submit(socket, "task_service", { taskName: "cancel_task", taskData: { task_id: taskId } });
      await stream.done();
      await waitForTask(server.url, alice, taskId, (t) => t.status === "cancelled");
      const after = (await getRun(server.url, alice, ack.run_id)).body;
      assert.deepEqual(after.messages.map((m) => m.role), ["user", "assistant"], "the answer is added after the turn");
    });

    test("continuing a run records the new user turn before the first chunk", async () => {
      const socket = await connect(server.url, alice.token);
      const first = await startEcho(socket, "first question");
      await first.stream.done();
      await waitForTask(server.url, alice, first.ack.task_id, (t) => t.status === "completed");
      const { ack, stream } = await startEcho(socket, words(200, "next-"), { echo_delay_ms: 25 }, { run_id: first.ack.run_id });
      const run = (await getRun(server.url, alice, first.ack.run_id)).body;
      assert.deepEqual(
        run.messages.map((m) => [m.role, m.content]),
        [["user", "first question"], ["assistant", "first question"], ["user", words(200, "next-")]],
      );
      await submit(socket, "task_service", { taskName: "cancel_task", taskData: { task_id: ack.task_id } });
      await stream.done();
    });

    test("after a crash mid-task the run keeps the user's turn and the task is failed", async () => {
      const crashDb = await freshDatabase(kind);
      let first;
      let second;
      try {
        first = await startServer({ database: crashDb.url });
        const user = await signup(first.url);
        const socket = await connect(first.url, user.token);
        const { ack, stream } = await startEcho(socket, words(400, "crash-"), { echo_delay_ms: 20 });
        await stream.chunksAtLeast(3);
        await first.stop();
        socket.close();
        second = await startServer({ database: crashDb.url });
        const run = (await getRun(second.url, user, ack.run_id)).body;
        assert.deepEqual(run.messages.map((m) => [m.role, m.content]), [["user", words(400, "crash-")]]);
        const task = (await getTask(second.url, user, ack.task_id)).body;
        assert.equal(task.status, "failed");
        assert.equal(task.response_errors.code, "server_restarted");
      } finally {
        await second?.stop();
        await first?.stop();
        await crashDb.drop();
      }
    });
  });
}

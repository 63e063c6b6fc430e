// A task whose id the server makes, in a new run, starts its model while its record commits
// (the record still comes before the ack). What the model sends meanwhile waits for the ack:
// the client gets the ack first and then every event from the first, also when the answer ended
// before the commit did. When the record fails, the task is refused, its provider request is
// dropped, and nothing of it is stored; until a batch of starts is written again, starts are
// recorded before they call their model.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import {
  writeFakeModels,
  startServer,
  startServerOn,
  signup,
  connect,
  closeAll,
  submit,
  directChat,
  assertTaskAck,
  assertErrorAck,
  echoChunks,
  expectApi,
  getRun,
  waitForTask,
  words,
  within,
  sleep,
  databaseKinds,
  freshDatabase,
} from "./helpers.mjs";

/**
 * Emits a task and records, in arrival order, its ack and every event the socket gets: so an
 * event of the task that came before its ack is seen (a listener added in the ack callback
 * would miss it).
 */
function emitWatched(socket, payload) {
  const seen = [];
  socket.onAny((event, arg) => seen.push({ event, arg }));
  const ack = new Promise((resolve) =>
    socket.emit("chat_service", payload, (ack) => {
      seen.push({ ack });
      resolve(ack);
    }),
  );
  return { seen, ack: within(20_000, ack, "no ack") };
}

/** The events of `name` in `seen`, and how many of them came before the ack. */
function eventsOf(seen, name) {
  const ackAt = seen.findIndex((s) => s.ack);
  const mine = seen.map((s, i) => ({ ...s, i })).filter((s) => s.event === name);
  return { args: mine.map((s) => s.arg), beforeAck: mine.filter((s) => s.i < ackAt).length };
}

for (const kind of databaseKinds()) {
  describe(`on ${kind}`, () => {
    let server;
    let user;

    before(async () => {
      server = await startServerOn(kind);
      user = await signup(server.url);
    });

    after(async () => {
      closeAll();
      await server?.stop();
    });

    test("a burst of instant answers: each ack comes first, then the whole answer, recorded", async () => {
      const sockets = await Promise.all(Array.from({ length: 5 }, () => connect(server.url, user.token)));
      const text = words(300, "b-");
      // 60 answers of 300 chunks with no delay: most end before their start record commits.
      const watched = sockets.flatMap((socket) => Array.from({ length: 12 }, () => emitWatched(socket, directChat(text))));
      const acks = await Promise.all(watched.map((w) => w.ack));
      const expected = echoChunks(text);
      for (const [i, ack] of acks.entries()) {
        const taskId = assertTaskAck(assert, ack);
        const name = ack.response_listener_events[0];
        const deadline = Date.now() + 20_000;
        while (!watched[i].seen.some((s) => s.event === name && s.arg?.end === true) && Date.now() < deadline) await sleep(20);
        const { args, beforeAck } = eventsOf(watched[i].seen, name);
        assert.equal(beforeAck, 0, "no event of the task before its ack");
        const chunks = args.filter((a) => typeof a === "string");
        assert.deepEqual(chunks, expected, "every chunk, once, in order");
        assert.deepEqual(args.at(-1), { end: true }, "{end:true} last");
        assert.equal(args.at(-2)?.info?.status, "completed");
        const task = await waitForTask(server.url, user, taskId, (t) => t.status === "completed");
        assert.equal(task.response_text, text);
      }
      const runs = new Set(acks.map((a) => a.run_id));
      assert.equal(runs.size, acks.length, "each task started its own run");
      const run = await getRun(server.url, user, acks[0].run_id);
      assert.deepEqual(run.body.messages.map((m) => [m.role, m.content]), [["user", text], ["assistant", text]]);
    });
  });
}

describe("a start record that fails", { skip: !databaseKinds().includes("postgres") }, () => {
  let upstream;
  let server;
  let db;
  let dir;
  let user;
  /** Requests the fake provider got: `{ closed }` resolves when the server drops one. */
  const requests = [];

  before(async () => {
    upstream = createServer((req, res) => {
      const closed = new Promise((resolve) => res.on("close", resolve));
      requests.push({ closed });
      req.resume();
      res.writeHead(200, { "content-type": "text/event-stream" });
      const delta = { id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "slow " }, finish_reason: null }] };
      res.write(`data: ${JSON.stringify(delta)}\n\n`);
      // then nothing more: the answer is still running when the record fails
    });
    await new Promise((r) => upstream.listen(0, "127.0.0.1", r));
    dir = mkdtempSync(join(tmpdir(), "promptdeck-beside-"));
    const base = `http://127.0.0.1:${upstream.address().port}/v1`;
    const models = writeFakeModels(dir, base, ["fake-slow"], { idleTimeoutMs: 60000 });
    db = await freshDatabase("postgres");
    server = await startServer({ args: ["--models", models], database: db.url });
    user = await signup(server.url);
  });

  after(async () => {
    closeAll();
    await server?.stop();
    await db?.drop();
    await new Promise((r) => upstream?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("is refused in the ack, its provider request is dropped, and nothing is stored", async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      // The database refuses new runs named "refuse me…" (a run is named after its user turn),
      // after a while, so the provider's request is under way when the record fails.
      await admin.query(`
        CREATE FUNCTION refuse_run() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.name LIKE 'refuse me%' THEN
            PERFORM pg_sleep(0.5);
            RAISE EXCEPTION 'this database refuses the run';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_run BEFORE INSERT ON ai_runs FOR EACH ROW EXECUTE FUNCTION refuse_run();`);
      const socket = await connect(server.url, user.token);
      const events = [];
      socket.onAny((event, arg) => events.push({ event, arg }));
      const chat = (content) => ({
        taskName: "direct_chat",
        taskData: { chat_config: { model_id: "fake-slow", messages: [{ role: "user", content }], stream: true } },
      });
      const { ack } = await submit(socket, "chat_service", chat("refuse me, please"));
      assertErrorAck(assert, ack, "internal");
      assert.equal(requests.length, 1, "the provider was called while the record was being written");
      await within(5_000, requests[0].closed, "the provider's request was not dropped");
      await sleep(200);
      assert.deepEqual(events, [], "no stream event reaches the client");
      const runs = await expectApi(server.url, user.token, "GET", "/api/runs", undefined, 200);
      assert.equal(runs.total, 0, "no run is stored");
      const tasks = await admin.query("SELECT count(*)::int AS n FROM ai_tasks");
      assert.equal(tasks.rows[0].n, 0, "no task row is stored");

      // While the last batch of starts failed, starts are recorded before calling the model:
      // an outage does not turn every refused start into a provider request.
      const again = await submit(socket, "chat_service", chat("refuse me again"));
      assertErrorAck(assert, again.ack, "internal");
      assert.equal(requests.length, 1, "no provider request while the records fail");

      // A task the database accepts runs as usual (the fake provider keeps it streaming).
      const next = await submit(socket, "chat_service", chat("a question"));
      const taskId = assertTaskAck(assert, next.ack);
      await next.stream.chunksAtLeast(1);
      assert.deepEqual(next.stream.events[0], "slow ");
      await submit(socket, "task_service", { taskName: "cancel_task", taskData: { task_id: taskId } });
      await next.stream.done();
      await waitForTask(server.url, user, taskId, (t) => t.status === "cancelled");
      assert.equal(requests.length, 2);

      // Once a batch of starts is written again, the model is called beside the record again.
      const third = await submit(socket, "chat_service", chat("refuse me a third time"));
      assertErrorAck(assert, third.ack, "internal");
      assert.equal(requests.length, 3, "the provider was called beside the record again");
      await within(5_000, requests[2].closed, "the provider's request was not dropped");
    } finally {
      await admin.end();
    }
  });
});

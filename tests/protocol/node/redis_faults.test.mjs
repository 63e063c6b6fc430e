// Several nodes when Redis goes away: a Redis of the test's own (the machine's shared one stays
// up) is killed mid-stream and started again empty. Meanwhile `/healthz` names Redis, new tasks
// are refused with `unavailable`, the running task streams on to its node's sockets and is
// recorded, a follower on the other node still gets every event at its index (from the shared
// log or, for what Redis lost, from the record), and the nodes take tasks again by themselves.

import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import net from "node:net";
import {
  signup,
  connect,
  closeAll,
  submit,
  startEcho,
  directChat,
  assertTaskAck,
  assertErrorAck,
  echoChunks,
  words,
  waitForTask,
  freshDatabase,
  within,
  sleep,
} from "./helpers.mjs";
import { severalNodesEnabled, startNode, killAllNodes, freePort, healthBecomes } from "./nodes.mjs";

const resume = (socket, taskData) => submit(socket, "task_service", { taskName: "resume", taskData });


/** Whether a Redis on `port` answers PING. */
function redisAnswers(port) {
  return new Promise((resolve) => {
    const conn = net.connect(port, "127.0.0.1");
    conn.setTimeout(1_000, () => (conn.destroy(), resolve(false)));
    conn.on("data", (d) => (conn.end(), resolve(d.toString().startsWith("+PONG"))));
    conn.on("error", () => resolve(false));
    conn.write("PING\r\n");
  });
}

const redises = new Set();

/** A `redis-server` of this test's own on `port`, keeping nothing on disk; resolves once it answers. */
async function startRedis(port) {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  redises.add(child);
  const exited = new Promise((r) => child.once("exit", r));
  exited.then(() => redises.delete(child));
  for (let i = 0; i < 100 && !(await redisAnswers(port)); i++) await sleep(50);
  assert.ok(await redisAnswers(port), `redis-server answers on port ${port}`);
  return { kill: async () => (child.kill("SIGKILL"), await exited) };
}


describe("several nodes when Redis goes away", { skip: !severalNodesEnabled() }, () => {
  const databases = [];

  after(async () => {
    closeAll();
    killAllNodes();
    for (const child of redises) child.kill("SIGKILL");
    for (const db of databases) await db.drop();
  });

  test("Redis killed mid-stream and started again empty: no chunk lost, unavailable meanwhile, tasks again after", async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const db = await freshDatabase("postgres");
    databases.push(db);
    const redisUrl = `redis://127.0.0.1:${port}/0`;
    const a = await startNode(db.url, redisUrl);
    const b = await startNode(db.url, redisUrl);
    const user = await signup(a.url);

    const full = words(400, "r");
    const onA = await connect(a.url, user.token);
    const { ack, stream } = await startEcho(onA, full, { echo_delay_ms: 15 });
    const taskId = assertTaskAck(assert, ack);
    const follower = await resume(await connect(b.url, user.token), { task_id: taskId, from: 0 });
    await follower.stream.chunksAtLeast(20);

    await redis.kill();
    const down = await healthBecomes(a.url, 503);
    assert.deepEqual(down, { status: "unavailable", database: "postgres", redis: "ok", failed: "redis" });
    const refused = await submit(onA, "chat_service", directChat("while Redis is away"));
    assertErrorAck(assert, refused.ack, "unavailable");
    assert.ok(stream.chunks().length < echoChunks(full).length, "the task was still running while Redis was away");

    // Redis comes back with nothing in it.
    redis = await startRedis(port);
    await Promise.all([stream.done(20_000), follower.stream.done(30_000)]);
    assert.deepEqual(stream.chunks(), echoChunks(full), "the producing node's socket got every chunk");
    assert.deepEqual(stream.objects("error"), []);
    assert.deepEqual(follower.stream.events, stream.events, "the follower on the other node got the same events, in order");
    const task = await waitForTask(b.url, user, taskId, (t) => t.status === "completed", 10_000);
    assert.equal(task.response_text, full);

    // Both nodes take tasks again by themselves, and follow each other's.
    await healthBecomes(a.url, 200);
    await healthBecomes(b.url, 200);
    const again = words(60, "s");
    const second = await within(
      15_000,
      (async () => {
        for (;;) {
          const started = await submit(onA, "chat_service", directChat(again, { echo_delay_ms: 10 }));
          if (started.stream) return started;
          assertErrorAck(assert, started.ack, "unavailable");
          await sleep(200);
        }
      })(),
      "node A did not take tasks again after Redis came back",
    );
    const followSecond = await resume(await connect(b.url, user.token), { task_id: second.ack.task_id, from: 0 });
    await Promise.all([second.stream.done(), followSecond.stream.done()]);
    assert.deepEqual(second.stream.chunks(), echoChunks(again));
    assert.deepEqual(followSecond.stream.events, second.stream.events);
    assert.doesNotMatch(a.output() + b.output(), /panicked/);
  });
});

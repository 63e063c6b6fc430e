// Several nodes on one PostgreSQL database and one Redis: a task started on one node is followed
// live and resumed at exact indices on another, cancelled from another, failed with `node_lost`
// (its partial text kept) when its node is killed, and finished by a node that is told to stop.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  signup,
  connect,
  closeAll,
  submit,
  startEcho,
  assertTaskAck,
  assertErrorAck,
  directChat,
  echoChunks,
  words,
  getTask,
  waitForTask,
  freshDatabase,
  within,
  api,
  PASSWORD,
} from "./helpers.mjs";
import { severalNodesEnabled, freshRedis, startNode, killAllNodes } from "./nodes.mjs";

const resume = (socket, taskData) => submit(socket, "task_service", { taskName: "resume", taskData });
const cancel = (socket, task_id) => submit(socket, "task_service", { taskName: "cancel_task", taskData: { task_id } });

describe("several nodes", { skip: !severalNodesEnabled() }, () => {
  const databases = [];

  /** Two (or `n`) nodes on a fresh database and Redis database `redisDb`. */
  async function cluster(redisDb, n = 2, args = []) {
    const db = await freshDatabase("postgres");
    databases.push(db);
    const redis = await freshRedis(redisDb);
    const nodes = [];
    for (let i = 0; i < n; i++) nodes.push(await startNode(db.url, redis, args));
    return nodes;
  }

  after(async () => {
    closeAll();
    killAllNodes();
    for (const db of databases) await db.drop();
  });

  test("a task on node A is followed live and resumed at exact indices on node B", async () => {
    const [a, b] = await cluster(11);
    const health = await api(b.url, null, "GET", "/healthz");
    assert.deepEqual([health.status, health.body], [200, { status: "ok", database: "postgres", redis: "ok" }]);
    const user = await signup(a.url);
    const full = words(150, "x");
    const onA = await connect(a.url, user.token);
    const { ack, stream } = await startEcho(onA, full, { echo_delay_ms: 10 });
    const taskId = assertTaskAck(assert, ack);
    await stream.chunksAtLeast(20);

    const onB = await connect(b.url, user.token);
    const live = await resume(onB, { task_id: taskId, from: 0 });
    assert.equal(assertTaskAck(assert, live.ack), taskId);
    assert.equal(live.ack.run_id, ack.run_id);
    const fromMiddle = await resume(await connect(b.url, user.token), { task_id: taskId, from: 37 });
    await Promise.all([stream.done(), live.stream.done(), fromMiddle.stream.done()]);

    assert.deepEqual(stream.chunks(), echoChunks(full));
    assert.deepEqual(live.stream.events, stream.events, "node B's follower got node A's events, in order");
    assert.deepEqual(fromMiddle.stream.events, stream.events.slice(37), "resume {from: 37} on node B is exact");

    // Once ended, a resume on node B rebuilds the same events.
    const after = await resume(await connect(b.url, user.token), { task_id: taskId, from: 100 });
    await after.stream.done();
    assert.deepEqual(after.stream.events, stream.events.slice(100));
  });

  test("resume on node B of another user's task on node A is not found", async () => {
    const [a, b] = await cluster(12);
    const [alice, bob] = [await signup(a.url), await signup(a.url)];
    const { ack, stream } = await startEcho(await connect(a.url, alice.token), words(60), { echo_delay_ms: 10 });
    const refused = await resume(await connect(b.url, bob.token), { task_id: ack.task_id, from: 0 });
    assertErrorAck(assert, refused.ack, "not_found");
    const notCancelled = await cancel(await connect(b.url, bob.token), ack.task_id);
    assert.equal(notCancelled.ack.ok, false);
    assert.equal(notCancelled.ack.error.code, "not_found");
    await stream.done();
    assert.deepEqual(stream.objects("error"), []);
  });

  test("cancel_task on node B stops the task running on node A", async () => {
    const [a, b] = await cluster(13);
    const user = await signup(a.url);
    const { ack, stream } = await startEcho(await connect(a.url, user.token), words(2000), { echo_delay_ms: 10 });
    await stream.chunksAtLeast(5);
    const cancelled = await cancel(await connect(b.url, user.token), ack.task_id);
    assert.deepEqual(cancelled.ack, { ok: true });
    await stream.done();
    assert.equal(stream.objects("error")[0]?.error.code, "cancelled");
    assert.ok(stream.chunks().length < 2000, "the task stopped early");
    const task = await waitForTask(b.url, user, ack.task_id, (t) => t.status !== "streaming");
    assert.equal(task.status, "cancelled");
    assert.equal(task.response_text, stream.text());
  });

  test("a node killed mid-stream: followers on another node get node_lost then the end, the task is failed with its text", async () => {
    const [a, b] = await cluster(14);
    const user = await signup(a.url);
    const full = words(3000, "k");
    const { ack, stream } = await startEcho(await connect(a.url, user.token), full, { echo_delay_ms: 10 });
    await stream.chunksAtLeast(10);
    const follower = await resume(await connect(b.url, user.token), { task_id: ack.task_id, from: 0 });
    await follower.stream.chunksAtLeast(50);
    a.signal("SIGKILL");
    const killedAt = Date.now();
    await a.exited;

    await follower.stream.done(25_000);
    const waited = Date.now() - killedAt;
    assert.ok(waited < 20_000, `followers heard of the loss within 20 s (took ${waited} ms)`);
    const ev = follower.stream.events;
    assert.deepEqual(ev.at(-1), { end: true });
    assert.equal(ev.at(-2)?.error?.code, "node_lost");
    const text = follower.stream.text();
    assert.ok(text.length > 0 && full.startsWith(text), "the follower's text is a prefix of the answer");

    const task = await waitForTask(b.url, user, ack.task_id, (t) => t.status !== "streaming" && t.status !== "pending", 5_000);
    assert.equal(task.status, "failed");
    assert.equal(task.response_errors.code, "node_lost");
    assert.equal(task.response_text, text, "the record keeps the text the followers got");

    // A resume after the loss replays the same events from the record or the log.
    const again = await resume(await connect(b.url, user.token), { task_id: ack.task_id, from: 0 });
    await again.stream.done();
    assert.equal(again.stream.text(), text);
    assert.equal(again.stream.objects("error")[0]?.error.code, "node_lost");
  });

  test("SIGTERM drains: running streams finish, new tasks are refused with unavailable, the node exits", async () => {
    const [a, b] = await cluster(15);
    const user = await signup(a.url);
    const full = words(150, "d");
    const socket = await connect(a.url, user.token);
    const { ack, stream } = await startEcho(socket, full, { echo_delay_ms: 10 });
    const follower = await resume(await connect(b.url, user.token), { task_id: ack.task_id, from: 0 });
    await stream.chunksAtLeast(10);
    a.signal("SIGTERM");
    // Give the signal a moment, then ask the stopping node for another task.
    await new Promise((r) => setTimeout(r, 200));
    const refused = await submit(socket, "chat_service", {
      taskName: "direct_chat",
      taskData: { chat_config: { model_id: "echo", messages: [{ role: "user", content: "more" }] } },
    });
    assertErrorAck(assert, refused.ack, "unavailable");
    await Promise.all([stream.done(), follower.stream.done()]);
    assert.deepEqual(stream.chunks(), echoChunks(full));
    assert.deepEqual(stream.objects("error"), []);
    assert.deepEqual(follower.stream.events, stream.events);
    const exit = await within(20_000, a.exited, "the drained node did not exit");
    assert.equal(exit.code, 0, `the node exited cleanly: ${JSON.stringify(exit)}`);
    const task = await getTask(b.url, user, ack.task_id);
    assert.equal(task.body.status, "completed");
    assert.equal(task.body.response_text, full);
  });

  test("task caps and sign-in limits count across nodes, not per node", async () => {
    const [a, b] = await cluster(8, 2, [
      "--max-concurrent-tasks", "2",
      "--task-starts-per-minute", "1",
      "--task-start-burst", "3",
      "--auth-account-attempts", "3",
    ]);
    const user = await signup(a.url);
    const long = words(400, "c");
    const onA = await connect(a.url, user.token);
    const onB = await connect(b.url, user.token);
    const first = await startEcho(onA, long, { echo_delay_ms: 50 });
    await startEcho(onB, long, { echo_delay_ms: 50 });
    // Two running (one per node): a third is refused on either node, and not counted as a start.
    assertErrorAck(assert, (await submit(onA, "chat_service", directChat("third"))).ack, "too_many_tasks");

    // A slot comes back when its task ends, wherever it ran.
    assert.equal((await cancel(onB, first.ack.task_id)).ack.ok, true);
    await first.stream.done();
    let third;
    for (let i = 0; i < 50 && !third?.stream; i++) {
      third = await submit(onB, "chat_service", directChat(long, { echo_delay_ms: 50 }));
      if (!third.stream) {
        assertErrorAck(assert, third.ack, "too_many_tasks");
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(third.stream, "a start is allowed again once a slot came back");
    assert.equal((await cancel(onA, third.ack.task_id)).ack.ok, true);
    await third.stream.done();

    // Three starts were the whole burst, across both nodes: the fourth is rate limited.
    const fourth = await submit(onA, "chat_service", directChat("fourth"));
    assertErrorAck(assert, fourth.ack, "rate_limited");
    assert.ok(fourth.ack.error.retry_after_secs >= 1, JSON.stringify(fourth.ack));

    // Failed sign-ins for one account are counted together: 3 per window across both nodes
    // (a per-node count would let all four through).
    const statuses = [];
    for (const node of [a, b, a, b]) {
      const answer = await api(node.url, null, "POST", "/api/auth/login", { email: user.email, password: "wrong password!" });
      statuses.push(answer.status);
    }
    assert.equal(statuses[0], 401, JSON.stringify(statuses));
    assert.equal(statuses[3], 429, `the fourth failed sign-in is refused: ${JSON.stringify(statuses)}`);
  });

  test("signing out on node A disconnects that session's sockets on node B; other sessions stay", async () => {
    const [a, b] = await cluster(7);
    const user = await signup(a.url);
    const other = await api(a.url, null, "POST", "/api/auth/login", { email: user.email, password: PASSWORD });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    const onB = await connect(b.url, user.token);
    const bystander = await connect(b.url, other.body.token);
    const gone = new Promise((resolve) => onB.once("disconnect", resolve));

    assert.equal((await api(a.url, user.token, "POST", "/api/auth/logout")).status, 204);
    const reason = await within(10_000, gone, "the signed-out session's socket on node B stayed connected");
    assert.equal(reason, "io server disconnect");
    assert.equal(bystander.connected, true, "the account's other session keeps its socket");
    const { stream } = await startEcho(bystander, "still here");
    await stream.done();
  });
});

// Several nodes when PostgreSQL goes away: the nodes reach the machine's PostgreSQL through a TCP
// proxy of this test's own, which is shut (every connection cut, nothing listening) mid-stream
// and opened again. Meanwhile `/healthz` names the database and new tasks are refused with
// `unavailable`; the running task streams on to its sockets on both nodes and is recorded once the
// database is back; the nodes take tasks again by themselves.

import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
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
} from "./helpers.mjs";
import { severalNodesEnabled, freshRedis, startNode, killAllNodes, healthBecomes } from "./nodes.mjs";

const resume = (socket, taskData) => submit(socket, "task_service", { taskName: "resume", taskData });

/** A TCP proxy to `target` that can be shut (connections cut, port closed) and opened again on the same port. */
function proxyTo(target) {
  const conns = new Set();
  let server = null;
  let port = 0;
  const open = () =>
    new Promise((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        conns.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          conns.delete(client);
          conns.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = server.address().port;
        resolve(port);
      });
    });
  const shut = () =>
    new Promise((resolve) => {
      for (const c of conns) c.destroy();
      conns.clear();
      if (!server?.listening) return resolve();
      server.close(() => resolve());
    });
  return { open, shut, port: () => port };
}


describe("several nodes when PostgreSQL goes away", { skip: !severalNodesEnabled() }, () => {
  const databases = [];
  const proxies = [];
  after(async () => {
    closeAll();
    killAllNodes();
    for (const proxy of proxies) await proxy.shut();
    for (const db of databases) await db.drop();
  });

  test("PostgreSQL cut off mid-stream: the stream goes on, unavailable meanwhile, recorded and serving again after", async () => {
    const db = await freshDatabase("postgres");
    databases.push(db);
    const direct = new URL(db.url);
    const proxy = proxyTo({ host: direct.hostname, port: Number(direct.port || 5432) });
    proxies.push(proxy);
    const viaProxy = new URL(db.url);
    viaProxy.port = String(await proxy.open());
    const redis = await freshRedis(6);
    // Nodes that cannot heartbeat during the cut must not be taken for dead by each other.
    const args = ["--node-timeout-secs", "120"];
    const a = await startNode(viaProxy.toString(), redis, args);
    const b = await startNode(viaProxy.toString(), redis, args);
    const user = await signup(a.url);

    const full = words(1200, "p");
    const onA = await connect(a.url, user.token);
    const { ack, stream } = await startEcho(onA, full, { echo_delay_ms: 25 });
    const taskId = assertTaskAck(assert, ack);
    const follower = await resume(await connect(b.url, user.token), { task_id: taskId, from: 0 });
    await follower.stream.chunksAtLeast(20);

    await proxy.shut();
    const down = await healthBecomes(a.url, 503);
    assert.deepEqual(down, { status: "unavailable", database: "postgres", redis: "ok", failed: "database" });
    const refused = await within(30_000, submit(onA, "chat_service", directChat("while the database is away"), { timeoutMs: 30_000 }), "no ack while the database was away");
    assertErrorAck(assert, refused.ack, "unavailable");
    assert.ok(stream.chunks().length < echoChunks(full).length, "the task was still running while the database was away");

    await proxy.open();
    await Promise.all([stream.done(30_000), follower.stream.done(30_000)]);
    assert.deepEqual(stream.chunks(), echoChunks(full), "the producing node's socket got every chunk");
    assert.deepEqual(stream.objects("error"), []);
    assert.deepEqual(follower.stream.events, stream.events, "the follower on the other node got the same events");
    const task = await waitForTask(b.url, user, taskId, (t) => t.status === "completed", 60_000);
    assert.equal(task.response_text, full, "recorded whole once the database was back");

    await healthBecomes(a.url, 200);
    const again = await startEcho(onA, "back again");
    await again.stream.done();
    assert.deepEqual(again.stream.chunks(), echoChunks("back again"));
    assert.doesNotMatch(a.output() + b.output(), /panicked/);
  });
});

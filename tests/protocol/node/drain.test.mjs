// A single node told to stop (SIGTERM) drains: its running streams finish and are recorded, new
// tasks are refused with `unavailable` (and `/healthz` answers 503 `draining`), and it exits
// cleanly; a task still running at the drain timeout ends `failed` (`server_restarted`) with
// the text it streamed.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  signup,
  connect,
  closeAll,
  submit,
  startEcho,
  assertErrorAck,
  echoChunks,
  words,
  getTask,
  within,
  api,
} from "./helpers.mjs";
import { startNode, killAllNodes } from "./nodes.mjs";

const dir = mkdtempSync(join(tmpdir(), "promptdeck-drain-"));

after(() => {
  closeAll();
  killAllNodes();
  rmSync(dir, { recursive: true, force: true });
});

const more = {
  taskName: "direct_chat",
  taskData: { chat_config: { model_id: "echo", messages: [{ role: "user", content: "more" }] } },
};

test("SIGTERM lets a running stream finish, refuses new tasks with unavailable, then exits", async () => {
  const db = `sqlite://${join(dir, "finish.sqlite")}`;
  const node = await startNode(db, null);
  const user = await signup(node.url);
  const full = words(100, "f");
  const socket = await connect(node.url, user.token);
  const { ack, stream } = await startEcho(socket, full, { echo_delay_ms: 10 });
  await stream.chunksAtLeast(5);
  node.signal("SIGTERM");
  await new Promise((r) => setTimeout(r, 100));
  assertErrorAck(assert, (await submit(socket, "chat_service", more)).ack, "unavailable");
  const health = await api(node.url, null, "GET", "/healthz");
  assert.equal(health.status, 503);
  assert.equal(health.body.failed, "draining");
  await stream.done();
  assert.deepEqual(stream.chunks(), echoChunks(full));
  assert.deepEqual(stream.objects("error"), []);
  assert.equal((await within(20_000, node.exited, "the node did not exit")).code, 0);

  const again = await startNode(db, null);
  const task = await getTask(again.url, user, ack.task_id);
  assert.equal(task.body.status, "completed");
  assert.equal(task.body.response_text, full);
});

test("a task still running at the drain timeout ends failed with its text", async () => {
  const db = `sqlite://${join(dir, "cut.sqlite")}`;
  const node = await startNode(db, null, ["--drain-timeout-secs", "1"]);
  const user = await signup(node.url);
  const { ack, stream } = await startEcho(await connect(node.url, user.token), words(2000, "c"), { echo_delay_ms: 10 });
  await stream.chunksAtLeast(5);
  node.signal("SIGTERM");
  await stream.done();
  const ev = stream.events;
  assert.deepEqual(ev.at(-1), { end: true });
  assert.equal(stream.objects("error")[0]?.error.code, "server_restarted");
  assert.ok(stream.chunks().length < 2000, "the task was cut off");
  assert.equal((await within(20_000, node.exited, "the node did not exit")).code, 0);

  const again = await startNode(db, null);
  const task = await getTask(again.url, user, ack.task_id);
  assert.equal(task.body.status, "failed");
  assert.equal(task.body.response_errors.code, "server_restarted");
  assert.equal(task.body.response_text, stream.text());
});

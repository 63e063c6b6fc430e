// A crash mid-stream: the server is killed while a slow echo task streams; on the next start the
// task left `streaming` is marked `failed`, keeping the text that was flushed before the crash.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, within, sleep, signup, connect, closeAll, startEcho, assertTaskAck, getTask, words } from "./helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "promptdeck-crash-"));
const children = [];

after(() => {
  closeAll();
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the server on a fixed database file; resolves to { url, child }. */
async function serveOn(db) {
  const child = spawn(BIN, ["serve", "--addr", "127.0.0.1:0", "--database", `sqlite://${db}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const url = await within(
    60_000,
    new Promise((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c) => {
        out += c;
        const m = out.match(/listening on (http:\/\/\S+)/);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
    }),
    "listening on",
  );
  return { url, child };
}

test("a task cut off by a crash is failed on restart with its flushed text", async () => {
  const db = join(dir, "db.sqlite");
  const first = await serveOn(db);
  const user = await signup(first.url);
  const socket = await connect(first.url, user.token);
  // 400 words, 10 ms apart: about 4 s, so the once-a-second flush has written some text.
  const { ack, stream } = await startEcho(socket, words(400), { echo_delay_ms: 10 });
  const taskId = assertTaskAck(assert, ack);
  await stream.chunksAtLeast(200, 15_000);
  await sleep(300);
  const before = await getTask(first.url, user, taskId);
  assert.equal(before.body.status, "streaming");
  const flushed = before.body.response_text;
  assert.ok(flushed && flushed.length > 0, "some text was flushed while streaming");

  const gone = new Promise((r) => first.child.once("exit", r));
  first.child.kill("SIGKILL");
  await within(10_000, gone, "the server did not die");
  socket.close();

  const second = await serveOn(db);
  const after = await getTask(second.url, user, taskId);
  assert.equal(after.status, 200);
  assert.equal(after.body.status, "failed");
  assert.ok(after.body.response_text.length >= flushed.length, "the flushed text is kept");
  assert.ok(words(400).startsWith(after.body.response_text), "the kept text is a prefix of the answer");
  assert.equal(after.body.response_errors.code, "server_restarted");
  assert.ok(after.body.completed_at, "completed_at is set");
});

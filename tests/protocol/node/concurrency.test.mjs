// Many streams at once, on one socket and on several: no chunk lost, order kept per task.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  signup,
  connect,
  closeAll,
  startEcho,
  assertTaskAck,
  assertEndsCleanly,
  echoChunks,
  words,
} from "./helpers.mjs";

let server;
let users;

before(async () => {
  server = await startServer();
  users = await Promise.all([0, 1, 2, 3].map(() => signup(server.url)));
});

after(async () => {
  closeAll();
  await server?.stop();
});

test("20 concurrent paced streams on one socket all complete with their own text in order", async () => {
  const socket = await connect(server.url, users[0].token);
  const texts = Array.from({ length: 20 }, (_, i) => words(50, `t${i}-`));
  const tasks = await Promise.all(texts.map((t) => startEcho(socket, t, { echo_delay_ms: 3 })));
  const ids = new Set(tasks.map(({ ack }) => assertTaskAck(assert, ack)));
  assert.equal(ids.size, 20, "20 distinct task ids");
  await Promise.all(tasks.map(({ stream }) => stream.done(20_000)));
  tasks.forEach(({ stream }, i) => {
    assert.deepEqual(stream.chunks(), echoChunks(texts[i]), `task ${i}: every chunk, in order`);
    assertEndsCleanly(assert, stream);
  });
  socket.close();
});

test("20 concurrent unpaced streams on one socket lose no text", async () => {
  const socket = await connect(server.url, users[1].token);
  const texts = Array.from({ length: 20 }, (_, i) => words(500, `b${i}-`));
  const tasks = await Promise.all(texts.map((t) => startEcho(socket, t)));
  await Promise.all(tasks.map(({ stream }) => stream.done(30_000)));
  tasks.forEach(({ stream }, i) => {
    assert.equal(stream.text(), texts[i], `task ${i}: the whole text, in order`);
    assertEndsCleanly(assert, stream);
    assert.equal(stream.objects("info")[0]?.info.tokens_output, 500, `task ${i}: 500 output tokens`);
  });
  socket.close();
});

test("20 sockets of 4 users, websocket and polling, each streaming, all complete with the right text", async () => {
  const sockets = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      connect(server.url, users[i % 4].token, { transports: i % 2 === 0 ? ["websocket"] : ["polling"] }),
    ),
  );
  const texts = sockets.map((_, i) => words(40, `s${i}-`));
  const tasks = await Promise.all(
    sockets.map((s, i) => Promise.all([0, 1].map((k) => startEcho(s, `${texts[i]} k${k}`, { echo_delay_ms: 4 })))),
  );
  await Promise.all(tasks.flat().map(({ stream }) => stream.done(20_000)));
  tasks.forEach((pair, i) =>
    pair.forEach(({ stream }, k) => {
      assert.deepEqual(stream.chunks(), echoChunks(`${texts[i]} k${k}`), `socket ${i} task ${k}: every chunk, in order`);
      assertEndsCleanly(assert, stream);
    }),
  );
  sockets.forEach((s) => s.close());
});

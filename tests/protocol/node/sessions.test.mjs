// Sessions over Socket.IO: a revoked token (logout, or a session revoked from another device)
// can no longer connect, and sockets already connected with it are disconnected; sockets of the
// account's other sessions stay; revoking an embed disconnects its viewers' sockets. And
// Socket.IO keeps working under short HTTP read timeouts:
// long-polling requests the server holds open are not cut by the header or body timeouts.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  within,
  signup,
  api,
  expectApi,
  connect,
  closeAll,
  startEcho,
  echoChunks,
  sleep,
  PASSWORD,
  createPrompt,
  publishUi,
} from "./helpers.mjs";

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  closeAll();
  await server?.stop();
});

/** Resolves with the disconnect reason once `socket` disconnects. */
function disconnected(socket) {
  return new Promise((resolve) => socket.once("disconnect", resolve));
}

async function login(email) {
  const body = await expectApi(server.url, null, "POST", "/api/auth/login", { email, password: PASSWORD }, 200);
  return body.token;
}

for (const transports of [["websocket"], ["polling"]]) {
  const over = transports[0];

  test(`logout disconnects the sockets of that session over ${over}, and it cannot connect again`, async () => {
    const user = await signup(server.url);
    const other = await login(user.email);
    const socket = await connect(server.url, user.token, { transports });
    const bystander = await connect(server.url, other, { transports });
    const gone = disconnected(socket);

    assert.equal((await api(server.url, user.token, "POST", "/api/auth/logout")).status, 204);

    const reason = await within(10_000, gone, "the logged-out session's socket stayed connected");
    assert.equal(reason, "io server disconnect", `disconnect reason: ${reason}`);
    await assert.rejects(connect(server.url, user.token, { transports }), (err) => err.message === "unauthorized");
    // The account's other session keeps its socket and can still stream.
    assert.equal(bystander.connected, true);
    const { stream } = await startEcho(bystander, "still here");
    await stream.done();
    assert.deepEqual(stream.chunks(), echoChunks("still here"));
  });
}

test("revoking a session from another device disconnects its sockets", async () => {
  const user = await signup(server.url);
  const laptop = await login(user.email);
  const socket = await connect(server.url, user.token);
  const gone = disconnected(socket);
  const sessions = await expectApi(server.url, laptop, "GET", "/api/auth/sessions", undefined, 200);
  const phone = sessions.items.find((s) => !s.current);

  await expectApi(server.url, laptop, "DELETE", `/api/auth/sessions/${phone.id}`, undefined, 204);

  await within(10_000, gone, "the revoked session's socket stayed connected");
  await assert.rejects(connect(server.url, user.token), (err) => err.message === "unauthorized");
});

test("another user revoking my session id gets 404 and my socket stays", async () => {
  const me = await signup(server.url);
  const mallory = await signup(server.url);
  const socket = await connect(server.url, me.token);
  const [mine] = (await expectApi(server.url, me.token, "GET", "/api/auth/sessions", undefined, 200)).items;

  assert.equal((await api(server.url, mallory.token, "DELETE", `/api/auth/sessions/${mine.id}`)).status, 404);

  const { stream } = await startEcho(socket, "untouched");
  await stream.done();
  assert.equal(socket.connected, true);
});

test("revoking an embed disconnects its viewers' sockets, and their tokens no longer connect", async () => {
  const owner = await signup(server.url);
  const prompt = await createPrompt(server.url, owner, {
    name: "Embedded",
    messages: [{ role: "user", content: "hi" }],
    settings: { model_id: "echo" },
  });
  const ui = await publishUi(server.url, owner, prompt.id);
  const body = { allowed_origins: ["https://shop.example"], viewer: "anonymous", daily_runs: 10 };
  const embed = await expectApi(server.url, owner.token, "POST", `/api/custom-uis/${ui.id}/embeds`, body, 201);
  const viewer = await expectApi(server.url, null, "POST", `/api/embeds/${embed.id}/sessions`, {}, 201);
  const socket = await connect(server.url, viewer.token);
  const ownerSocket = await connect(server.url, owner.token);
  const gone = disconnected(socket);

  await expectApi(server.url, owner.token, "DELETE", `/api/embeds/${embed.id}`, undefined, 200);

  const reason = await within(10_000, gone, "the revoked embed's viewer stayed connected");
  assert.equal(reason, "io server disconnect", `disconnect reason: ${reason}`);
  await assert.rejects(connect(server.url, viewer.token), (err) => err.message === "unauthorized");
  // The owner's own socket is not the embed's.
  assert.equal(ownerSocket.connected, true);
});

test("long-polling keeps working when the header and body timeouts are shorter than a poll", async () => {
  const strict = await startServer({ args: ["--http-header-timeout-secs", "1", "--http-body-timeout-secs", "1"] });
  try {
    const user = await signup(strict.url);
    const socket = await connect(strict.url, user.token, { transports: ["polling"] });
    let dropped = null;
    socket.once("disconnect", (reason) => (dropped = reason));

    // Several seconds of idle polling: each GET is held by the server, which the read timeouts
    // must not cut.
    await sleep(4_000);
    const { stream } = await startEcho(socket, "after a quiet while");
    await stream.done();

    assert.equal(dropped, null, `the polling socket was dropped: ${dropped}`);
    assert.deepEqual(stream.chunks(), echoChunks("after a quiet while"));
    socket.close();
  } finally {
    await strict.stop();
  }
});

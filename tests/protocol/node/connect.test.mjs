// Connecting: the handshake token decides, over websocket and over HTTP long-polling alike.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { io } from "socket.io-client";
import {
  startServer,
  within,
  directChat,
  signup,
  connect,
  closeAll,
  startEcho,
  assertTaskAck,
  assertEndsCleanly,
  echoChunks,
} from "./helpers.mjs";

const JWT_SECRET = "protocol-test-secret-that-is-long-enough-for-hs256";
let server;
let user;

before(async () => {
  server = await startServer({ env: { PROMPTDECK_JWT_SECRET: JWT_SECRET } });
  user = await signup(server.url);
});

after(async () => {
  closeAll();
  await server?.stop();
});

/** Resolves to the `connect_error` a refused connection gets (fails if it connects). */
async function refusal(auth, transports) {
  try {
    const socket = await connect(server.url, auth, { transports });
    socket.close();
  } catch (err) {
    return err;
  }
  assert.fail(`the connection with auth ${JSON.stringify(auth)} over ${transports} was accepted`);
}

function hs256(claims, secret) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

for (const transports of [["websocket"], ["polling"]]) {
  const over = transports[0];

  test(`connecting over ${over} without a token is refused with connect_error unauthorized`, async () => {
    const err = await refusal({}, transports);
    assert.equal(err.message, "unauthorized", `connect_error: ${err.message} ${JSON.stringify(err.data)}`);
  });

  test(`connecting over ${over} with a bad token is refused with connect_error unauthorized`, async () => {
    const err = await refusal({ token: "not-a-session-token" }, transports);
    assert.equal(err.message, "unauthorized", `connect_error: ${err.message} ${JSON.stringify(err.data)}`);
  });

  test(`connecting over ${over} with a good token connects and streams an echo task`, async () => {
    const socket = await connect(server.url, user.token, { transports });
    assert.equal(socket.connected, true);
    assert.equal(socket.io.engine.transport.name, over, "the transport asked for is the one used");
    const { ack, stream } = await startEcho(socket, "over the wire");
    assertTaskAck(assert, ack);
    await stream.done();
    assert.deepEqual(stream.chunks(), echoChunks("over the wire"));
    assertEndsCleanly(assert, stream);
    socket.close();
  });
}

test("a polling connection upgrades to websocket and keeps working", async () => {
  const socket = await connect(server.url, user.token, { transports: ["polling", "websocket"] });
  const { stream } = await startEcho(socket, "upgrade me please");
  await stream.done();
  assert.equal(stream.text(), "upgrade me please");
  socket.close();
});

test("a token that is not a string is refused with connect_error unauthorized", async () => {
  const err = await refusal({ token: 12345 }, ["websocket"]);
  assert.equal(err.message, "unauthorized");
});

test("an HS256 JWT whose sub is the user id connects when PROMPTDECK_JWT_SECRET is set", async () => {
  const now = Math.floor(Date.now() / 1000);
  const token = hs256({ sub: user.id, iat: now, exp: now + 600, role: "authenticated" }, JWT_SECRET);
  const socket = await connect(server.url, token, { transports: ["websocket"] });
  const { stream } = await startEcho(socket, "signed by jwt");
  await stream.done();
  assert.equal(stream.text(), "signed by jwt");
  socket.close();
});

test("a JWT signed with another secret is refused with connect_error unauthorized", async () => {
  const now = Math.floor(Date.now() / 1000);
  const token = hs256({ sub: user.id, iat: now, exp: now + 600 }, "some-other-secret-some-other-secret");
  const err = await refusal({ token }, ["websocket"]);
  assert.equal(err.message, "unauthorized");
});

test("an expired JWT is refused with connect_error unauthorized", async () => {
  const now = Math.floor(Date.now() / 1000);
  const token = hs256({ sub: user.id, iat: now - 7200, exp: now - 3600 }, JWT_SECRET);
  const err = await refusal({ token }, ["websocket"]);
  assert.equal(err.message, "unauthorized");
});

test("an emit buffered before the connection opens is answered on every one of 20 fresh connections", async () => {
  // socket.io-client queues emits made before `connect` and sends them right after the
  // handshake, as the seed's client does on page load; the server must already listen then.
  const sockets = Array.from({ length: 20 }, (_, i) =>
    io(server.url, {
      auth: { token: user.token },
      transports: i % 2 === 0 ? ["websocket"] : ["polling"],
      reconnection: false,
      forceNew: true,
    }),
  );
  try {
    const acks = await Promise.all(
      sockets.map((s, i) =>
        within(
          5_000,
          new Promise((resolve) => s.emit("chat_service", directChat(`early ${i}`), resolve)),
          `the ack of the emit made before connecting on socket ${i} (${i % 2 === 0 ? "websocket" : "polling"})`,
        ),
      ),
    );
    acks.forEach((ack) => assertTaskAck(assert, ack));
  } finally {
    sockets.forEach((s) => s.close());
  }
});

test("an emit made in the connect handler is answered on every one of 20 fresh connections", async () => {
  const sockets = Array.from({ length: 20 }, () =>
    io(server.url, { auth: { token: user.token }, transports: ["websocket"], reconnection: false, forceNew: true }),
  );
  try {
    const acks = await Promise.all(
      sockets.map((s, i) =>
        within(
          5_000,
          new Promise((resolve) => s.once("connect", () => s.emit("chat_service", directChat(`at once ${i}`), resolve))),
          `the ack of the emit made on connect on socket ${i}`,
        ),
      ),
    );
    acks.forEach((ack) => assertTaskAck(assert, ack));
  } finally {
    sockets.forEach((s) => s.close());
  }
});

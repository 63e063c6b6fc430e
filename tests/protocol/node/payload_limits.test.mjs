// The Socket.IO payload limit (1 MiB with the default --max-message-bytes) holds on every
// transport before a payload is buffered whole: a websocket frame that announces more is refused
// from its header (the connection closes while the client has sent nothing but the header), one
// just over it sent whole is refused too, one at the limit is read and answered, and a polling
// body over it gets 413.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, signup, connect, closeAll, startEcho, within } from "./helpers.mjs";
import { rawSocketIo } from "./raw_websocket.mjs";

const LIMIT = 1024 * 1024;

let server;
let user;

before(async () => {
  server = await startServer();
  user = await signup(server.url);
});

after(async () => {
  closeAll();
  await server?.stop();
});

/** A `chat_service` event packet with ack id 7 whose text is exactly `size` bytes. */
function eventOfSize(size) {
  const shell = (content) =>
    `427${JSON.stringify(["chat_service", { taskName: "direct_chat", taskData: { chat_config: { model_id: "echo", messages: [{ role: "user", content }] } } }])}`;
  const text = shell("x".repeat(size - shell("").length));
  assert.equal(Buffer.byteLength(text), size);
  return text;
}

test("a websocket frame of exactly the limit is read, parsed and acknowledged", async () => {
  const client = await rawSocketIo(server.url, user.token);
  client.send(eventOfSize(LIMIT));
  const answer = await client.next("the ack of a 1 MiB event");
  assert.match(answer, /^437\[/, `an ack for id 7: ${answer.slice(0, 200)}`);
  const [ack] = JSON.parse(answer.slice(3));
  assert.equal(ack.error?.code, "payload_too_large", "the 1 MiB message content is over the 512 KiB task limit");
  client.close();
});

test("a websocket frame announcing one byte over the limit closes the connection before its payload is sent", async () => {
  const client = await rawSocketIo(server.url, user.token);
  client.announce(LIMIT + 1);
  const why = await within(10_000, client.closed, "the server to close a connection whose frame announces 1 MiB + 1 byte");
  assert.ok(why, "the connection was closed");
  client.close();
});

test("a websocket frame announcing 16 MiB closes the connection before its payload is sent", async () => {
  const client = await rawSocketIo(server.url, user.token);
  client.announce(16 * LIMIT);
  await within(10_000, client.closed, "the server to close a connection whose frame announces 16 MiB");
  client.close();
});

test("a whole websocket frame one byte over the limit is not answered and closes the connection", async () => {
  const client = await rawSocketIo(server.url, user.token);
  client.send(eventOfSize(LIMIT + 1));
  const outcome = await within(
    10_000,
    Promise.race([client.closed.then(() => "closed"), client.next("anything", 10_000).then((m) => `answered ${m.slice(0, 80)}`)]),
    "the server to close the connection",
  );
  assert.equal(outcome, "closed");
  client.close();
});

test("a polling body over the limit is answered 413", async () => {
  const open = await (await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`)).text();
  const sid = JSON.parse(open.slice(1)).sid;
  const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
    method: "POST",
    headers: { "content-type": "text/plain;charset=UTF-8" },
    body: `4${"x".repeat(LIMIT)}`,
  });
  assert.equal(res.status, 413);
});

test("after all of it the server still streams to a new connection", async () => {
  const socket = await connect(server.url, user.token);
  const { stream } = await startEcho(socket, "still here");
  await stream.done();
  assert.equal(stream.text(), "still here");
});

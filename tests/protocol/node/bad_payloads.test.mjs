// Bad payloads are each answered with an error ack, while a long echo keeps streaming on the same
// connection (and another user's stream on another connection) without losing a chunk.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  signup,
  connect,
  closeAll,
  submit,
  startEcho,
  directChat,
  assertErrorAck,
  assertEndsCleanly,
  echoChunks,
  words,
  sleep,
  within,
} from "./helpers.mjs";

const LONG = words(400, "long");
const OTHER = words(300, "other");

let server;
let socket;
let long;
let otherSocket;
let other;

before(async () => {
  server = await startServer();
  const [user, otherUser] = await Promise.all([signup(server.url), signup(server.url)]);
  [socket, otherSocket] = await Promise.all([connect(server.url, user.token), connect(server.url, otherUser.token)]);
  // 400 chunks 5 ms apart: about two seconds of streaming while the bad payloads go in.
  long = await startEcho(socket, LONG, { echo_delay_ms: 5 });
  other = await startEcho(otherSocket, OTHER, { echo_delay_ms: 6 });
  await long.stream.chunksAtLeast(2);
});

after(async () => {
  closeAll();
  await server?.stop();
});

async function refused(service, payload, code) {
  const { ack, stream } = await submit(socket, service, payload);
  assert.equal(stream, null, `no task may start: ${JSON.stringify(ack)}`);
  assertErrorAck(assert, ack, code);
}

const chat = (chat_config) => ({ taskName: "direct_chat", taskData: { chat_config } });
const user = (content) => [{ role: "user", content }];

describe("bad payloads while a long echo streams on the same connection", () => {
  test("a string payload is answered with invalid_payload", () => refused("chat_service", "hello", "invalid_payload"));

  test("a number payload is answered with invalid_payload", () => refused("chat_service", 42, "invalid_payload"));

  test("an array payload is answered with invalid_payload", () =>
    refused("chat_service", [directChat("in an array")], "invalid_payload"));

  test("a null payload is answered with invalid_payload", () => refused("chat_service", null, "invalid_payload"));

  test("a payload without taskName is answered with invalid_payload", () =>
    refused("chat_service", { taskData: directChat("x").taskData }, "invalid_payload"));

  test("a taskName that is not a string is answered with invalid_payload", () =>
    refused("chat_service", { taskName: 7, taskData: directChat("x").taskData }, "invalid_payload"));

  test("a payload without taskData is answered with invalid_payload", () =>
    refused("chat_service", { taskName: "direct_chat" }, "invalid_payload"));

  test("taskData that is not an object is answered with invalid_payload", () =>
    refused("chat_service", { taskName: "direct_chat", taskData: "chat please" }, "invalid_payload"));

  test("an unknown service is answered with unknown_service", () =>
    refused("foo_service", directChat("hello"), "unknown_service"));

  test("an unknown task name is answered with unknown_task", () =>
    refused("chat_service", { taskName: "fly_to_the_moon", taskData: {} }, "unknown_task"));

  test("an unknown task_service task is answered with unknown_task", () =>
    refused("task_service", { taskName: "reboot", taskData: { task_id: long.ack.task_id } }, "unknown_task"));

  test("a direct_chat without chat_config is answered with invalid_request", () =>
    refused("chat_service", { taskName: "direct_chat", taskData: {} }, "invalid_request"));

  test("a chat_config that is not an object is answered with invalid_request", () =>
    refused("chat_service", { taskName: "direct_chat", taskData: { chat_config: "echo" } }, "invalid_request"));

  test("a chat_config without model_id is answered with invalid_request", () =>
    refused("chat_service", chat({ messages: user("hi"), stream: true }), "invalid_request"));

  test("a chat_config without messages is answered with invalid_request", () =>
    refused("chat_service", chat({ model_id: "echo", stream: true }), "invalid_request"));

  test("a message that is not an object is answered with invalid_request", () =>
    refused("chat_service", chat({ model_id: "echo", messages: ["hi"], stream: true }), "invalid_request"));

  test("an unknown model is answered with unknown_model", () =>
    refused("chat_service", chat({ model_id: "no-such-model", messages: user("hi"), stream: true }), "unknown_model"));

  test("a bad role is answered with invalid_request", () =>
    refused(
      "chat_service",
      chat({ model_id: "echo", messages: [{ role: "narrator", content: "once upon a time" }], stream: true }),
      "invalid_request",
    ));

  test("a setting of the wrong type is answered with invalid_request", () =>
    refused("chat_service", chat({ model_id: "echo", messages: user("hi"), stream: true, temperature: "hot" }), "invalid_request"));

  test("message content over 512 KiB (but under 1 MiB) is answered with payload_too_large", () =>
    refused(
      "chat_service",
      chat({ model_id: "echo", messages: user("x".repeat(600 * 1024)), stream: true }),
      "payload_too_large",
    ));

  test("messages adding up to over 512 KiB in one task are answered with payload_too_large", () =>
    refused(
      "chat_service",
      chat({
        model_id: "echo",
        messages: [
          { role: "system", content: "y".repeat(300 * 1024) },
          { role: "user", content: "z".repeat(300 * 1024) },
        ],
        stream: true,
      }),
      "payload_too_large",
    ));

  test("emits without an ack callback break nothing and later emits are still answered", async () => {
    socket.emit("chat_service", "no ack here");
    socket.emit("chat_service", { taskName: "direct_chat" });
    socket.emit("foo_service", directChat("nobody listens"));
    socket.emit("chat_service", directChat("started without an ack"));
    socket.emit("chat_service");
    await sleep(50);
    assert.equal(socket.connected, true, "the socket is still connected");
    await refused("chat_service", 42, "invalid_payload");
    const { stream } = await startEcho(socket, "still answering");
    await stream.done();
    assert.equal(stream.text(), "still answering");
  });

  test("the long echo on the same connection was still streaming and completes with every chunk", async () => {
    assert.equal(
      long.stream.objects("end").length,
      0,
      "the long echo must still be streaming after the bad payloads (else this test proves nothing)",
    );
    await long.stream.done(20_000);
    assert.deepEqual(long.stream.chunks(), echoChunks(LONG), "every chunk, in order");
    assertEndsCleanly(assert, long.stream);
    assert.equal(socket.connected, true);
  });

  test("another user's stream on another connection completes with every chunk", async () => {
    await other.stream.done(20_000);
    assert.deepEqual(other.stream.chunks(), echoChunks(OTHER));
    assertEndsCleanly(assert, other.stream);
  });

  test("the server is still alive and serving after all of it", async () => {
    const res = await within(5_000, fetch(`${server.url}/healthz`), "GET /healthz");
    assert.equal(res.status, 200);
    assert.equal(server.exited(), null, "the server process did not exit");
  });
});

// chat_service / direct_chat with the echo model: the ack, the stream, the info event, the end,
// client-chosen task ids, and what is stored about the task and its run.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  startServer,
  signup,
  connect,
  closeAll,
  submit,
  collect,
  within,
  startEcho,
  directChat,
  assertTaskAck,
  assertErrorAck,
  assertEndsCleanly,
  echoChunks,
  echoAnswer,
  getRun,
  getTask,
  waitForTask,
  sleep,
} from "./helpers.mjs";

let server;
let user;
let socket;

before(async () => {
  server = await startServer();
  user = await signup(server.url);
  socket = await connect(server.url, user.token);
});

after(async () => {
  closeAll();
  await server?.stop();
});

test("direct_chat acks with the listener event, the task id and a run id", async () => {
  const { ack, stream } = await startEcho(socket, "hello big world");
  const taskId = assertTaskAck(assert, ack);
  assert.match(taskId, /^[0-9a-f-]{36}$/i, "a server-chosen task id is a UUID");
  await stream.done();
});

test("the ack arrives before the first stream event, so a listener added in the ack callback gets the full text", async () => {
  const order = [];
  const spy = (event) => order.push(event);
  socket.onAny(spy);
  const taskId = randomUUID();
  const { ack, stream } = await within(
    10_000,
    new Promise((resolve) =>
      socket.emit("chat_service", { ...directChat("first chunk must not be missed"), taskId }, (ack) => {
        order.push("ACK");
        resolve({ ack, stream: collect(socket, ack.response_listener_events[0]) });
      }),
    ),
    "the ack",
  );
  assertTaskAck(assert, ack);
  await stream.done();
  socket.offAny(spy);
  const firstEvent = order.indexOf(`response-${taskId}`);
  assert.ok(firstEvent > order.indexOf("ACK"), `events before the ack: ${JSON.stringify(order.slice(0, 5))}`);
  assert.equal(stream.text(), "first chunk must not be missed");
});

test("the echo streams each word with its trailing white space as one chunk", async () => {
  const { stream } = await startEcho(socket, "hello big world");
  await stream.done();
  assert.deepEqual(stream.chunks(), ["hello ", "big ", "world"]);
});

test("leading and inner white space are kept in the chunks", async () => {
  const content = "  two  spaces\nand a\tnewline ";
  const { stream } = await startEcho(socket, content);
  await stream.done();
  assert.deepEqual(stream.chunks(), ["  ", "two  ", "spaces\n", "and ", "a\t", "newline "]);
  assert.equal(stream.text(), content);
});

test("echo_repeat 3 repeats the answer three times", async () => {
  const { stream } = await startEcho(socket, "hello big world", { echo_repeat: 3 });
  await stream.done();
  assert.equal(stream.text(), "hello big world hello big world hello big world");
  assert.deepEqual(stream.chunks(), echoChunks(echoAnswer("hello big world", 3)));
  assert.equal(stream.chunks().length, 9);
});

test("the echo answers the last user message of the conversation", async () => {
  const { stream } = await submit(socket, "chat_service", {
    taskName: "direct_chat",
    taskData: {
      chat_config: {
        model_id: "echo",
        stream: true,
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "first question" },
          { role: "assistant", content: "first answer" },
          { role: "user", content: "second question" },
        ],
      },
    },
  });
  assert.ok(stream, "the task started");
  await stream.done();
  assert.equal(stream.text(), "second question");
});

test("one info event with tokens, zero cost and timings comes after the text and before the end", async () => {
  const { ack, stream } = await submit(socket, "chat_service", {
    taskName: "direct_chat",
    taskData: {
      chat_config: {
        model_id: "echo",
        stream: true,
        echo_delay_ms: 5,
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "hello big world" },
        ],
      },
    },
  });
  assert.ok(stream, `the task started: ${JSON.stringify(ack)}`);
  await stream.done();
  const infos = stream.objects("info");
  assert.equal(infos.length, 1, `one info event: ${JSON.stringify(stream.events)}`);
  const info = infos[0].info;
  assert.equal(info.task_id, ack.task_id);
  assert.equal(info.run_id, ack.run_id);
  assert.equal(info.model_id, "echo");
  assert.equal(info.provider, "echo");
  assert.equal(info.status, "completed");
  assert.equal(info.tokens_input, 6, "input tokens are the words of all messages");
  assert.equal(info.tokens_output, 3, "output tokens are the chunks");
  assert.equal(info.tokens_total, 9);
  assert.equal(info.cost, 0);
  assert.equal(typeof info.time_to_first_token, "number");
  assert.equal(typeof info.total_time, "number");
  assert.ok(info.time_to_first_token >= 0, `time_to_first_token ${info.time_to_first_token}`);
  assert.ok(info.total_time >= info.time_to_first_token, `total_time ${info.total_time} >= ttft ${info.time_to_first_token}`);
  assert.ok(info.total_time >= 10, `three chunks 5 ms apart take at least 10 ms, total_time was ${info.total_time}`);
  assert.ok(info.total_time < 10_000, `total_time is in milliseconds: ${info.total_time}`);
  const infoAt = stream.events.indexOf(infos[0]);
  const lastChunkAt = stream.events.findLastIndex((e) => typeof e === "string");
  assert.ok(infoAt > lastChunkAt, "info comes after the last chunk");
  assert.equal(infoAt, stream.events.length - 2, "info comes right before the end");
});

test("{end:true} is the last event and nothing comes after it", async () => {
  const { stream } = await startEcho(socket, "and then silence", { echo_delay_ms: 1 });
  await stream.done();
  const count = stream.events.length;
  await sleep(300);
  assert.equal(stream.events.length, count, `events after the end: ${JSON.stringify(stream.events.slice(count))}`);
  assertEndsCleanly(assert, stream);
});

test("a client-chosen taskId is used as the task id and in the event name", async () => {
  const taskId = randomUUID();
  const { ack, stream } = await startEcho(socket, "my own id", {}, {}, { taskId });
  assert.equal(ack.task_id, taskId);
  assert.deepEqual(ack.response_listener_events, [`response-${taskId}`]);
  await stream.done();
  assert.equal(stream.text(), "my own id");
  const task = await waitForTask(server.url, user, taskId, (t) => t.status === "completed");
  assert.equal(task.task_id, taskId);
});

test("reusing a taskId is refused with duplicate_task", async () => {
  const taskId = randomUUID();
  const first = await startEcho(socket, "once only", {}, {}, { taskId });
  await first.stream.done();
  const { ack, stream } = await submit(socket, "chat_service", { ...directChat("twice"), taskId });
  assert.equal(stream, null);
  assertErrorAck(assert, ack, "duplicate_task");
});

test("reusing the taskId of a task still streaming is refused with duplicate_task", async () => {
  const taskId = randomUUID();
  const first = await startEcho(socket, "still going on here", { echo_delay_ms: 20 }, {}, { taskId });
  const { ack } = await submit(socket, "chat_service", { ...directChat("twice"), taskId });
  assertErrorAck(assert, ack, "duplicate_task");
  await first.stream.done();
  assert.equal(first.stream.text(), "still going on here", "the first task is untouched");
});

test("a taskId that is not a UUID is refused without starting a task", async () => {
  const { ack, stream } = await submit(socket, "chat_service", { ...directChat("hi"), taskId: "not a uuid" });
  assert.equal(stream, null, `no task started: ${JSON.stringify(ack)}`);
  assert.deepEqual(ack.response_listener_events, []);
  assert.equal(typeof ack.error?.code, "string", `an error code: ${JSON.stringify(ack)}`);
});

test("the finished task is stored completed with its text, tokens and timings", async () => {
  const { ack, stream } = await startEcho(socket, "hello big world", { echo_delay_ms: 2 });
  await stream.done();
  const task = await waitForTask(server.url, user, ack.task_id, (t) => t.status === "completed");
  assert.equal(task.task_id, ack.task_id);
  assert.equal(task.run_id, ack.run_id);
  assert.equal(task.user_id, user.id);
  assert.equal(task.service, "chat_service");
  assert.equal(task.task_name, "direct_chat");
  assert.equal(task.model_id, "echo");
  assert.equal(task.response_text, "hello big world");
  assert.equal(task.tokens_input, 3);
  assert.equal(task.tokens_output, 3);
  assert.equal(task.tokens_total, 6);
  assert.equal(task.cost, 0);
  assert.equal(typeof task.time_to_first_token, "number");
  assert.equal(typeof task.total_time, "number");
  assert.ok(task.total_time >= task.time_to_first_token);
  assert.equal(typeof task.completed_at, "string", `completed_at: ${JSON.stringify(task)}`);
  assert.equal(task.response_complete, true);
});

test("the run of a task has the user and assistant messages, counts and totals", async () => {
  const { ack, stream } = await startEcho(socket, "hello big world");
  await stream.done();
  await waitForTask(server.url, user, ack.task_id, (t) => t.status === "completed");
  const res = await getRun(server.url, user, ack.run_id);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const run = res.body;
  assert.equal(run.id, ack.run_id);
  assert.equal(run.user_id, user.id);
  assert.equal(run.source_type, "chat");
  assert.equal(run.task_count, 1);
  assert.equal(run.message_count, 2);
  assert.equal(run.messages.length, 2, JSON.stringify(run.messages));
  const [question, answer] = run.messages;
  assert.equal(question.role, "user");
  assert.equal(question.content, "hello big world");
  assert.equal(answer.role, "assistant");
  assert.equal(answer.content, "hello big world");
  assert.equal(answer.taskId, ack.task_id, "the assistant message names its task (camelCase taskId)");
  assert.equal(typeof answer.metadata, "object", `assistant metadata: ${JSON.stringify(answer)}`);
  assert.equal(answer.metadata.tokens, 6);
  assert.equal(answer.metadata.cost, 0);
  assert.equal(typeof answer.metadata.timeToFirstToken, "number", JSON.stringify(answer.metadata));
  assert.equal(typeof answer.metadata.totalTime, "number", JSON.stringify(answer.metadata));
  assert.equal(run.total_tokens, 6);
  assert.equal(run.total_cost, 0);
  assert.equal(run.tasks.length, 1);
  assert.equal(run.tasks[0].task_id, ack.task_id);
  assert.equal(run.tasks[0].status, "completed");
});

test("direct_chat with run_id continues the same run", async () => {
  const first = await startEcho(socket, "first turn");
  await first.stream.done();
  await waitForTask(server.url, user, first.ack.task_id, (t) => t.status === "completed");
  const second = await startEcho(socket, "second turn", {}, { run_id: first.ack.run_id });
  assert.equal(second.ack.run_id, first.ack.run_id);
  await second.stream.done();
  assert.equal(second.stream.text(), "second turn");
  await waitForTask(server.url, user, second.ack.task_id, (t) => t.status === "completed");
  const run = (await getRun(server.url, user, first.ack.run_id)).body;
  assert.equal(run.task_count, 2);
  assert.equal(run.message_count, 4);
  assert.deepEqual(
    run.messages.map((m) => [m.role, m.content]),
    [
      ["user", "first turn"],
      ["assistant", "first turn"],
      ["user", "second turn"],
      ["assistant", "second turn"],
    ],
  );
  assert.equal(run.tasks.length, 2);
  const sum = run.tasks.reduce((n, t) => n + t.tokens_total, 0);
  assert.ok(sum >= 8, `both tasks have their tokens: ${JSON.stringify(run.tasks.map((t) => t.tokens_total))}`);
  assert.equal(run.total_tokens, sum, "the run's total is the sum of its tasks' tokens");
});

test("direct_chat with a run_id that is not the caller's is refused with not_found", async () => {
  const other = await signup(server.url);
  const otherSocket = await connect(server.url, other.token);
  const { ack, stream } = await startEcho(otherSocket, "someone else's run");
  await stream.done();
  const refused = await submit(socket, "chat_service", directChat("intrude", {}, { run_id: ack.run_id }));
  assertErrorAck(assert, refused.ack, "not_found");
  const unknown = await submit(socket, "chat_service", directChat("nowhere", {}, { run_id: randomUUID() }));
  assertErrorAck(assert, unknown.ack, "not_found");
  otherSocket.close();
});

test("a task id unknown to REST answers 404", async () => {
  const res = await getTask(server.url, user, randomUUID());
  assert.equal(res.status, 404);
});

// prompt_service / run_prompt: stored prompts, variables and their defaults, user input,
// continuing a run, and running another user's prompt through their public custom UI.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  startServer,
  signup,
  connect,
  closeAll,
  submit,
  createPrompt,
  publishUi,
  expectApi,
  assertTaskAck,
  assertErrorAck,
  assertEndsCleanly,
  echoChunks,
  getRun,
  waitForTask,
  sleep,
} from "./helpers.mjs";

let server;
let alice;
let bob;
let aliceSocket;
let bobSocket;

const storyPrompt = (name = "Story") => ({
  name,
  description: "Tells a story",
  messages: [
    { role: "system", content: "You tell stories about {{topic}}." },
    { role: "user", content: "Tell a {{mood}} story about {{topic}} for {{reader}}" },
  ],
  variableDefaults: [
    { name: "topic", defaultValue: "the sea" },
    { name: "mood", defaultValue: "calm" },
    { name: "reader", defaultValue: "everyone" },
  ],
  settings: { model_id: "echo" },
});

const runPrompt = (taskData) => ({ taskName: "run_prompt", taskData });

async function run(socket, taskData) {
  const { ack, stream } = await submit(socket, "prompt_service", runPrompt(taskData));
  return { ack, stream };
}

before(async () => {
  server = await startServer();
  [alice, bob] = await Promise.all([signup(server.url), signup(server.url)]);
  [aliceSocket, bobSocket] = await Promise.all([connect(server.url, alice.token), connect(server.url, bob.token)]);
});

after(async () => {
  closeAll();
  await server?.stop();
});

test("run_prompt resolves the given variables and the defaults of the others", async () => {
  const prompt = await createPrompt(server.url, alice, storyPrompt());
  const { ack, stream } = await run(aliceSocket, {
    prompt_id: prompt.id,
    variables: { mood: "funny", reader: "kids" },
  });
  assertTaskAck(assert, ack);
  await stream.done();
  assertEndsCleanly(assert, stream);
  const expected = "Tell a funny story about the sea for kids";
  assert.equal(stream.text(), expected);
  assert.deepEqual(stream.chunks(), echoChunks(expected));
  const info = stream.objects("info")[0]?.info;
  assert.ok(info, "an info event");
  assert.equal(info.tokens_input, 6 + 9, "input tokens count the words of the resolved system and user messages");
});

test("run_prompt without variables uses every default", async () => {
  const prompt = await createPrompt(server.url, alice, storyPrompt());
  const { stream } = await run(aliceSocket, { prompt_id: prompt.id });
  assert.ok(stream, "the task started");
  await stream.done();
  assert.equal(stream.text(), "Tell a calm story about the sea for everyone");
});

test("run_prompt with user_input echoes the input as the new last user message", async () => {
  const prompt = await createPrompt(server.url, alice, storyPrompt());
  const { ack, stream } = await run(aliceSocket, {
    prompt_id: prompt.id,
    variables: { topic: "dragons" },
    user_input: "make it shorter please",
  });
  assertTaskAck(assert, ack);
  await stream.done();
  assert.equal(stream.text(), "make it shorter please");
  const info = stream.objects("info")[0].info;
  assert.equal(info.tokens_input, 5 + 8 + 4, "the resolved prompt messages and the input are all sent");
  await waitForTask(server.url, alice, ack.task_id, (t) => t.status === "completed");
  const runRecord = (await getRun(server.url, alice, ack.run_id)).body;
  assert.equal(runRecord.source_type, "prompt");
  assert.equal(runRecord.source_id, prompt.id);
  const last = runRecord.messages.at(-1);
  assert.equal(last.role, "assistant");
  assert.equal(last.content, "make it shorter please");
  assert.equal(last.taskId, ack.task_id);
});

test("run_prompt with run_id continues the conversation in the same run", async () => {
  const prompt = await createPrompt(server.url, alice, storyPrompt());
  const first = await run(aliceSocket, { prompt_id: prompt.id, variables: { topic: "owls" } });
  await first.stream.done();
  await waitForTask(server.url, alice, first.ack.task_id, (t) => t.status === "completed");
  const firstInfo = first.stream.objects("info")[0].info;

  const second = await run(aliceSocket, {
    prompt_id: prompt.id,
    run_id: first.ack.run_id,
    user_input: "and what happened next",
  });
  assertTaskAck(assert, second.ack);
  assert.equal(second.ack.run_id, first.ack.run_id, "the same run");
  await second.stream.done();
  assert.equal(second.stream.text(), "and what happened next");
  const secondInfo = second.stream.objects("info")[0].info;
  assert.ok(
    secondInfo.tokens_input >= firstInfo.tokens_input + firstInfo.tokens_output + 4,
    `the run's history comes first: ${secondInfo.tokens_input} input tokens vs ${firstInfo.tokens_input} + ${firstInfo.tokens_output} before`,
  );
  await waitForTask(server.url, alice, second.ack.task_id, (t) => t.status === "completed");
  const runRecord = (await getRun(server.url, alice, first.ack.run_id)).body;
  assert.equal(runRecord.task_count, 2);
  const userAndAssistant = runRecord.messages.filter((m) => m.role !== "system").map((m) => [m.role, m.content]);
  assert.deepEqual(userAndAssistant, [
    ["user", "Tell a calm story about owls for everyone"],
    ["assistant", "Tell a calm story about owls for everyone"],
    ["user", "and what happened next"],
    ["assistant", "and what happened next"],
  ]);
});

test("run_prompt of a prompt that does not exist is refused with not_found", async () => {
  const { ack, stream } = await run(aliceSocket, { prompt_id: randomUUID() });
  assert.equal(stream, null);
  assertErrorAck(assert, ack, "not_found");
});

test("run_prompt of another user's private prompt is refused with not_found", async () => {
  const prompt = await createPrompt(server.url, alice, storyPrompt("Private"));
  const { ack } = await run(bobSocket, { prompt_id: prompt.id });
  assertErrorAck(assert, ack, "not_found");
});

test("run_prompt through another user's public active UI runs and records a usage row", async () => {
  const prompt = await createPrompt(server.url, alice, storyPrompt("Shared"));
  const ui = await publishUi(server.url, alice, prompt.id);
  assert.equal(ui.is_public, true, `published: ${JSON.stringify(ui)}`);
  assert.equal(ui.status, "active");
  const before = await expectApi(server.url, bob.token, "GET", `/api/custom-uis/${ui.id}`, undefined, 200);

  const { ack, stream } = await run(bobSocket, {
    prompt_id: prompt.id,
    custom_ui_id: ui.id,
    variables: { topic: "robots" },
  });
  assertTaskAck(assert, ack);
  await stream.done();
  assertEndsCleanly(assert, stream);
  assert.equal(stream.text(), "Tell a calm story about robots for everyone");

  let after;
  for (let i = 0; i < 100; i++) {
    after = await expectApi(server.url, bob.token, "GET", `/api/custom-uis/${ui.id}`, undefined, 200);
    if (after.use_count === before.use_count + 1) break;
    await sleep(50);
  }
  assert.equal(after.use_count, before.use_count + 1, "the UI's use_count went up by one");
  const task = await waitForTask(server.url, bob, ack.task_id, (t) => t.status === "completed");
  assert.equal(task.user_id, bob.id, "the run is recorded in the viewer's account");
  const runRecord = (await getRun(server.url, bob, ack.run_id)).body;
  assert.equal(runRecord.source_type, "custom");
  assert.equal(runRecord.source_id, ui.id);
  assert.equal((await getRun(server.url, alice, ack.run_id)).status, 404, "the owner of the UI does not see the viewer's run");
});

test("run_prompt with a public UI that belongs to another prompt is refused with not_found", async () => {
  const shared = await createPrompt(server.url, alice, storyPrompt("Shared"));
  const privatePrompt = await createPrompt(server.url, alice, storyPrompt("Secret"));
  const ui = await publishUi(server.url, alice, shared.id);

  const other = await run(bobSocket, { prompt_id: privatePrompt.id, custom_ui_id: ui.id });
  assertErrorAck(assert, other.ack, "not_found");

  const bobsPrompt = await createPrompt(server.url, bob, storyPrompt("Bob's"));
  const own = await run(bobSocket, { prompt_id: bobsPrompt.id, custom_ui_id: ui.id });
  assertErrorAck(assert, own.ack, "not_found");
});

test("run_prompt through another user's draft UI is refused with not_found", async () => {
  const prompt = await createPrompt(server.url, alice, storyPrompt("Drafted"));
  const draft = await expectApi(
    server.url,
    alice.token,
    "POST",
    "/api/custom-uis",
    { prompt_id: prompt.id, name: "Draft", component_code: "export default function App(){return <div/>}" },
    201,
  );
  const { ack } = await run(bobSocket, { prompt_id: prompt.id, custom_ui_id: draft.id });
  assertErrorAck(assert, ack, "not_found");
});

test("run_prompt without a prompt_id is refused without starting a task", async () => {
  const { ack, stream } = await run(aliceSocket, { variables: {} });
  assert.equal(stream, null, JSON.stringify(ack));
  assert.deepEqual(ack.response_listener_events, []);
  assert.ok(["invalid_payload", "invalid_request"].includes(ack.error?.code), JSON.stringify(ack));
});

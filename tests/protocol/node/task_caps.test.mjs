// Per-user task caps: task starts per minute (`rate_limited`, saying when to retry), tasks
// running at once (`too_many_tasks`), and starts through one custom UI per viewer, so a public
// UI that calls run() 100 times on load cannot make 100 runs in its viewer's account. A refused
// start records nothing; other users are not affected.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  signup,
  connect,
  closeAll,
  submit,
  startEcho,
  directChat,
  createPrompt,
  publishUi,
  expectApi,
  assertTaskAck,
  assertErrorAck,
  words,
} from "./helpers.mjs";

let defaults;
let small;

before(async () => {
  // The caps as shipped, and small explicit ones.
  defaults = await startServer({ taskCaps: "default" });
  small = await startServer({
    taskCaps: "default",
    args: ["--task-starts-per-minute", "1", "--task-start-burst", "3", "--max-concurrent-tasks", "2"],
  });
});

after(async () => {
  closeAll();
  await defaults?.stop();
  await small?.stop();
});

const runs = async (server, user) => (await expectApi(server.url, user.token, "GET", "/api/runs?limit=200", undefined, 200)).total;

test("starts past the burst are refused with rate_limited and when to retry; another user still starts", async () => {
  const [alice, bob] = [await signup(small.url), await signup(small.url)];
  const socket = await connect(small.url, alice.token);
  for (let i = 0; i < 3; i++) {
    const { ack, stream } = await submit(socket, "chat_service", directChat(`start ${i}`));
    assertTaskAck(assert, ack);
    await stream.done();
  }
  const { ack } = await submit(socket, "chat_service", directChat("one too many"));
  assertErrorAck(assert, ack, "rate_limited");
  assert.ok(ack.error.retry_after_secs >= 1 && ack.error.retry_after_secs <= 60, JSON.stringify(ack));
  assert.match(ack.error.message, /retry in \d+ s/);
  assert.equal(await runs(small, alice), 3, "the refused start made no run");
  const bobSocket = await connect(small.url, bob.token);
  const other = await submit(bobSocket, "chat_service", directChat("bob is fine"));
  assertTaskAck(assert, other.ack);
  await other.stream.done();
});

test("a third task while two run is refused with too_many_tasks; a slot comes back when one ends", async () => {
  const carol = await signup(small.url);
  const socket = await connect(small.url, carol.token);
  const running = await Promise.all([0, 1].map((i) => startEcho(socket, words(200, `r${i}-`), { echo_delay_ms: 20 })));
  const { ack } = await submit(socket, "chat_service", directChat("third"));
  assertErrorAck(assert, ack, "too_many_tasks");
  const cancelled = await submit(socket, "task_service", { taskName: "cancel_task", taskData: { task_id: running[0].ack.task_id } });
  assert.deepEqual(cancelled.ack, { ok: true });
  await running[0].stream.done();
  // The slot is given back before {end:true}: the next start is admitted at once.
  const next = await submit(socket, "chat_service", directChat("now there is room"));
  assertTaskAck(assert, next.ack);
  await next.stream.done();
  await submit(socket, "task_service", { taskName: "cancel_task", taskData: { task_id: running[1].ack.task_id } });
  await running[1].stream.done();
});

test("a public UI calling run() 100 times on load makes at most the per-UI burst of runs (default caps)", async () => {
  const [owner, viewer] = [await signup(defaults.url), await signup(defaults.url)];
  const prompt = await createPrompt(defaults.url, owner, {
    name: "Greeter",
    messages: [{ role: "user", content: "Hello {{name}}" }],
    variableDefaults: [{ name: "name", defaultValue: "you" }],
    settings: { model_id: "echo" },
  });
  const ui = await publishUi(defaults.url, owner, prompt.id);
  const socket = await connect(defaults.url, viewer.token);
  const acks = await Promise.all(
    Array.from({ length: 100 }, () =>
      submit(socket, "prompt_service", { taskName: "run_prompt", taskData: { prompt_id: prompt.id, custom_ui_id: ui.id } }),
    ),
  );
  const started = acks.filter(({ stream }) => stream);
  const refused = acks.filter(({ stream }) => !stream);
  assert.equal(started.length, 3, "the default per-UI burst is 3");
  for (const { ack } of refused) assert.ok(["rate_limited", "too_many_tasks"].includes(ack.error?.code), JSON.stringify(ack));
  assert.ok(refused.some(({ ack }) => ack.error.code === "rate_limited"));
  await Promise.all(started.map(({ stream }) => stream.done()));
  assert.equal(await runs(defaults, viewer), 3, "3 runs in the viewer's account, not 100");
  // The viewer's own starts outside the UI still work.
  const own = await submit(socket, "chat_service", directChat("my own chat"));
  assertTaskAck(assert, own.ack);
  await own.stream.done();
});

test("the default per-user caps refuse a flood of direct starts", async () => {
  const dave = await signup(defaults.url);
  const socket = await connect(defaults.url, dave.token);
  const acks = await Promise.all(Array.from({ length: 40 }, (_, i) => submit(socket, "chat_service", directChat(`flood ${i}`))));
  const started = acks.filter(({ stream }) => stream);
  assert.ok(started.length <= 10, `at most the burst of 10 started, got ${started.length}`);
  assert.ok(started.length >= 1);
  for (const { ack } of acks.filter(({ stream }) => !stream)) {
    assert.ok(["rate_limited", "too_many_tasks"].includes(ack.error?.code), JSON.stringify(ack));
  }
  await Promise.all(started.map(({ stream }) => stream.done()));
  assert.equal(await runs(defaults, dave), started.length, "refused starts made no runs");
});

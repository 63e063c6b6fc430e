// A socket task carrying the NUL character (which PostgreSQL cannot store) anywhere in its data —
// messages, variables, user input, chat_config settings, keys — is refused in its ack with
// `invalid_text`: nothing streams and nothing is recorded, on both databases.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  startServerOn,
  signup,
  connect,
  closeAll,
  submit,
  directChat,
  createPrompt,
  expectApi,
  assertErrorAck,
  getTask,
  sleep,
  databaseKinds,
} from "./helpers.mjs";

const NUL = "\u0000";

for (const kind of databaseKinds()) {
  describe(`on ${kind}`, () => {
    let server;
    let user;
    let socket;
    let prompt;

    before(async () => {
      server = await startServerOn(kind);
      user = await signup(server.url);
      socket = await connect(server.url, user.token);
      prompt = await createPrompt(server.url, user, {
        name: "Echo input",
        messages: [{ role: "user", content: "Say {{word}}" }],
        variableDefaults: [{ name: "word", defaultValue: "hi" }],
        settings: { model_id: "echo" },
      });
    });

    after(async () => {
      closeAll();
      await server?.stop();
    });

    const cases = () => [
      ["a message", "chat_service", directChat(`bad${NUL}text`)],
      ["a chat_config setting", "chat_service", directChat("fine", { stop: [`x${NUL}`] })],
      ["a chat_config key", "chat_service", directChat("fine", { [`k${NUL}`]: 1 })],
      ["a variable", "prompt_service", { taskName: "run_prompt", taskData: { prompt_id: prompt.id, variables: { word: `a${NUL}b` } } }],
      ["the user input", "prompt_service", { taskName: "run_prompt", taskData: { prompt_id: prompt.id, user_input: `${NUL}` } }],
    ];

    test("every place a NUL can hide is refused with invalid_text, and nothing streams or is recorded", async () => {
      for (const [where, service, payload] of cases()) {
        const taskId = randomUUID();
        const events = [];
        socket.on(`response-${taskId}`, (e) => events.push(e));
        const { ack } = await submit(socket, service, { ...payload, taskId });
        assertErrorAck(assert, ack, "invalid_text");
        assert.match(ack.error.message, /NUL/, `${where}: ${ack.error.message}`);
        await sleep(100);
        assert.deepEqual(events, [], `${where}: nothing streamed`);
        assert.equal((await getTask(server.url, user, taskId)).status, 404, `${where}: no task recorded`);
      }
      const runs = await expectApi(server.url, user.token, "GET", "/api/runs", undefined, 200);
      assert.equal(runs.total, 0, "no run recorded");
    });

    test("a NUL in a task_service task id is refused with invalid_text", async () => {
      const { ack } = await submit(socket, "task_service", { taskName: "resume", taskData: { task_id: `x${NUL}` } });
      assertErrorAck(assert, ack, "invalid_text");
    });
  });
}

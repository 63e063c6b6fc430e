// A seed component's `createAndSubmitTask` sends its own chat_config as direct_chat; the seed
// substitutes only the variables the user edited, so its first run still holds `{{topic}}`.
// Tagged with the custom UI, such a placeholder gets the prompt's default value; placeholders
// naming no variable of the prompt, and untagged chats, stay as sent. The echo model answers
// the last user message, so the answer shows what the model was given, and the run records it.

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServerOn,
  signup,
  connect,
  closeAll,
  submit,
  createPrompt,
  publishUi,
  assertTaskAck,
  assertEndsCleanly,
  getRun,
  databaseKinds,
} from "./helpers.mjs";

const story = {
  name: "Story",
  messages: [{ role: "user", content: "A story about {{topic}} for {{reader}}" }],
  variableDefaults: [
    { name: "topic", defaultValue: "the sea" },
    { name: "reader", defaultValue: "kids" },
  ],
  settings: { model_id: "echo" },
};

/** A direct_chat of the echo model with one user message, tagged with `ui` when given. */
async function chat(socket, content, ui) {
  const taskData = { chat_config: { model_id: "echo", messages: [{ role: "user", content }], stream: true } };
  if (ui) taskData.custom_ui_id = ui.id;
  const { ack, stream } = await submit(socket, "chat_service", { taskName: "direct_chat", taskData });
  assertTaskAck(assert, ack);
  await stream.done();
  assertEndsCleanly(assert, stream);
  return { ack, text: stream.text() };
}

for (const kind of databaseKinds()) {
  describe(`on ${kind}`, () => {
    let server;
    let owner;
    let viewer;
    let ui;

    before(async () => {
      server = await startServerOn(kind);
      [owner, viewer] = [await signup(server.url), await signup(server.url)];
      const prompt = await createPrompt(server.url, owner, story);
      ui = await publishUi(server.url, owner, prompt.id);
    });

    after(async () => {
      closeAll();
      await server?.stop();
    });

    test("a UI's direct_chat gets the prompt's defaults for the placeholders it still holds", async () => {
      const socket = await connect(server.url, viewer.token);
      const { ack, text } = await chat(socket, "A story about {{topic}} for {{ reader }}", ui);
      assert.equal(text, "A story about the sea for kids");
      const run = await getRun(server.url, viewer, ack.run_id);
      assert.equal(run.status, 200);
      assert.equal(run.body.messages[0].content, "A story about the sea for kids", "the run records what was sent");
    });

    test("edited values and placeholders naming no variable of the prompt stay as sent", async () => {
      const socket = await connect(server.url, viewer.token);
      const { text } = await chat(socket, "A story about owls for {{reader}} and {{unknown}}", ui);
      assert.equal(text, "A story about owls for kids and {{unknown}}");
    });

    test("an untagged direct_chat is sent verbatim", async () => {
      const socket = await connect(server.url, viewer.token);
      const { text } = await chat(socket, "A story about {{topic}}");
      assert.equal(text, "A story about {{topic}}");
    });
  });
}

// Template and JSON-Schema UIs, the execution modes, the default runner and every official
// template, against the real server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, signUpInBrowser, startServer, watchText } from "./harness.mjs";

let server;
let browser;
let page;
let api;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage();
  const session = await signUpInBrowser(page, server.app);
  api = apiClient(server.app, session.token);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function promptWith(content, variableDefaults = [], settings = {}) {
  return api("POST", "/api/prompts", {
    name: "Kinds",
    messages: [{ role: "user", content }],
    variableDefaults,
    settings: { model_id: "echo", echo_delay_ms: 60, ...settings },
  });
}

async function uiFor(prompt, fields) {
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "UI", ...fields });
  assert.equal(ui.validated, true, JSON.stringify(ui.validation_errors));
  return ui;
}

const frame = () => page.frameLocator("iframe.ui-frame");

test("a template UI binds fields, runs on submit and streams {{response}}", async () => {
  const prompt = await promptWith("Describe {{animal}} in a few words please", [{ name: "animal", defaultValue: "cats" }]);
  const ui = await uiFor(prompt, {
    component_type: "template",
    component_code: `<form><label>Animal <input name="animal"></label><p>About: {{animal}}</p><button type="submit">Go</button></form><div class="out">{{response}}</div>`,
  });
  await page.goto(`${server.app}/ui/${ui.id}`);
  await frame().getByText("About: cats").waitFor();
  await frame().locator('input[name="animal"]').fill("otters");
  await frame().getByText("About: otters").waitFor();
  await frame().getByRole("button", { name: "Go" }).click();
  const expected = "Describe otters in a few words please";
  const seen = await watchText(frame().locator(".out"), (t) => t.trim() === expected);
  assert.ok(seen.filter((t) => t.trim() && t.trim() !== expected).length >= 2, JSON.stringify(seen));
});

test("a JSON-Schema UI builds its form and streams the answer", async () => {
  const prompt = await promptWith("Write {{count}} {{tone}} lines about {{topic}} now", [
    { name: "topic", defaultValue: "rain" },
    { name: "tone", defaultValue: "calm" },
    { name: "count", defaultValue: "2" },
  ]);
  const schema = {
    type: "object",
    required: ["topic"],
    properties: {
      topic: { type: "string", title: "Topic" },
      tone: { type: "string", enum: ["calm", "angry", "silly", "formal"] },
      count: { type: "integer", minimum: 1, maximum: 5 },
    },
  };
  const ui = await uiFor(prompt, { component_type: "json-schema", component_code: JSON.stringify(schema), props_schema: schema });
  await page.goto(`${server.app}/ui/${ui.id}`);
  await frame().getByLabel("Topic *").fill("snow");
  await frame().locator('select[name="tone"]').selectOption("silly");
  await frame().locator('input[name="count"]').fill("3");
  await frame().getByRole("button", { name: "Run" }).click();
  const expected = "Write 3 silly lines about snow now";
  const seen = await watchText(frame().locator(".pd-response"), (t) => t.trim() === expected);
  assert.ok(seen.length >= 3, JSON.stringify(seen));
});

const REACT = `import { usePrompt, usePromptData, Markdown } from "promptdeck";
export default function Plain() {
  const p = usePromptData();
  const { run, text } = usePrompt();
  return <div><h2>{p.name}</h2><button onClick={() => run()}>Own run</button><Markdown content={text} /></div>;
}`;

test("auto-run runs on mount with ?var prefill and allows follow-ups", async () => {
  const prompt = await promptWith("Tell me about {{topic}}", [{ name: "topic", defaultValue: "dragons" }]);
  const ui = await uiFor(prompt, { component_code: REACT, execution_mode: "auto-run" });
  await page.goto(`${server.app}/ui/${ui.id}?var.topic=comets`);
  const answer = page.getByLabel("Answer");
  await watchText(answer, (t) => t.trim() === "Tell me about comets");
  await page.getByLabel("Your message").fill("and more");
  await page.getByRole("button", { name: "Send" }).click();
  await watchText(answer, (t) => t.trim() === "and more");
  const runId = (await page.getByRole("link", { name: "View recorded run" }).getAttribute("href")).split("/").pop();
  const run = await api("GET", `/api/runs/${runId}`);
  assert.equal(run.tasks.length, 2, "the follow-up continued the same run");
});

test("auto-run-one-shot runs once and offers no follow-up", async () => {
  const prompt = await promptWith("Once about {{topic}}", [{ name: "topic", defaultValue: "tea" }]);
  const ui = await uiFor(prompt, { component_code: REACT, execution_mode: "auto-run-one-shot" });
  await page.goto(`${server.app}/ui/${ui.id}`);
  await watchText(page.getByLabel("Answer"), (t) => t.trim() === "Once about tea");
  assert.equal(await page.getByLabel("Your message").count(), 0);
});

test("manual-with-hidden-variables hides variables and asks for the user's message", async () => {
  const prompt = await promptWith("Hidden {{topic}}", [{ name: "topic", defaultValue: "moss" }]);
  const ui = await uiFor(prompt, { component_code: REACT, execution_mode: "manual-with-hidden-variables" });
  await page.goto(`${server.app}/ui/${ui.id}?var.topic=ferns`);
  assert.equal(await page.locator('input[name="topic"]').count(), 0);
  assert.equal(await page.getByLabel("Answer").count(), 0, "nothing runs before the user asks");
  await page.getByLabel("Your message").fill("my question");
  await page.getByRole("button", { name: "Run" }).click();
  await watchText(page.getByLabel("Answer"), (t) => t.trim() === "my question");
});

test("manual-with-visible-variables shows editable variables; auto_submit runs on load", async () => {
  const prompt = await promptWith("Visible {{topic}}", [{ name: "topic", defaultValue: "moss" }]);
  const ui = await uiFor(prompt, { component_code: REACT, execution_mode: "manual-with-visible-variables" });
  await page.goto(`${server.app}/ui/${ui.id}`);
  await page.locator('input[name="topic"]').fill("lichen");
  await page.getByRole("button", { name: "Run" }).click();
  await watchText(page.getByLabel("Answer"), (t) => t.trim() === "Visible lichen");

  const auto = await uiFor(prompt, { component_code: REACT, execution_mode: "manual-with-visible-variables", auto_submit: true });
  await page.goto(`${server.app}/ui/${auto.id}?var.topic=bark`);
  await watchText(page.getByLabel("Answer"), (t) => t.trim() === "Visible bark");
});

test("manual mode leaves everything to the component", async () => {
  const prompt = await promptWith("Manual {{topic}}", [{ name: "topic", defaultValue: "stones" }]);
  const ui = await uiFor(prompt, { component_code: REACT, execution_mode: "manual" });
  await page.goto(`${server.app}/ui/${ui.id}`);
  assert.equal(await page.getByLabel("Runner").count(), 0);
  await frame().getByRole("heading", { name: "Kinds" }).waitFor();
  await frame().getByRole("button", { name: "Own run" }).click();
  await watchText(frame().locator(".pd-markdown"), (t) => t.trim() === "Manual stones");
});

test("the default runner builds its form from variableDefaults", async () => {
  const prompt = await promptWith("{{style}} {{size}} {{mood}} {{extras}} {{flag}} {{notes}}", [
    { name: "style", defaultValue: "bold", customComponent: { type: "select", options: ["bold", "plain"], allowOther: true } },
    { name: "size", defaultValue: "3", customComponent: { type: "number", min: 1, max: 9, step: 2 } },
    { name: "mood", defaultValue: "happy", customComponent: { type: "radio", options: ["happy", "sad"] } },
    { name: "extras", defaultValue: "a", customComponent: { type: "checkbox", options: ["a", "b"] } },
    { name: "flag", defaultValue: "off", customComponent: { type: "toggle", toggleValues: ["off", "on"] } },
    { name: "notes", defaultValue: "n", customComponent: { type: "textarea" } },
  ]);
  await page.goto(`${server.app}/prompts/${prompt.id}/run`);
  const size = page.locator('input[name="size"]');
  assert.equal(await size.getAttribute("min"), "1");
  assert.equal(await size.getAttribute("max"), "9");
  assert.equal(await size.getAttribute("step"), "2");
  await page.locator('select[name="style"]').selectOption("__other__");
  await page.getByLabel("Other value").fill("wavy");
  await size.fill("5");
  await page.getByLabel("sad").check();
  await page.locator('input[name="extras"][value="b"]').check();
  await page.getByRole("switch").check();
  await page.locator('textarea[name="notes"]').fill("zz");
  await page.getByRole("button", { name: "Run" }).click();
  await watchText(page.getByLabel("Answer"), (t) => t.trim() === "wavy 5 sad a, b on zz");
});

test("every official template opens and runs", async () => {
  const templates = (await api("GET", "/api/templates?limit=200")).items;
  assert.ok(templates.length >= 6);
  const prompt = await promptWith("Echo {{text}} {{tone}}", [
    { name: "text", defaultValue: "hello there" },
    { name: "tone", defaultValue: "friendly" },
  ], { echo_delay_ms: 5 });
  for (const t of templates) {
    const ui = await uiFor(prompt, { name: t.name, component_code: t.component_code });
    await page.goto(`${server.app}/ui/${ui.id}`);
    const f = frame();
    await f.locator("#root > *").first().waitFor();
    const buttons = f.getByRole("button");
    // Fill what the template needs, then press its main button.
    const inputs = f.locator("input:not([type]), input[type=text], textarea");
    for (let i = 0; i < (await inputs.count()); i++) await inputs.nth(i).fill(`value ${i}`);
    await buttons.filter({ hasNotText: /Stop/ }).first().click();
    // The echo model answers with the prompt's text or the user's message.
    // The answer streams word by word: wait for more than its first word.
    const answer = f.locator(".pd-markdown").filter({ hasText: /Echo \S+|value \d/ }).first();
    await answer.waitFor({ state: "attached", timeout: 15_000 });
    assert.match((await answer.textContent()).trim(), /^(Echo \S+|value \d)/, `${t.name} showed an answer`);
    assert.equal(await f.getByRole("alert").count(), 0, `${t.name} shows no error`);
  }
});

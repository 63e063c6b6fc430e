// Accessibility: axe-core (the engine behind most a11y audits) runs on the main pages of the app
// and must find no serious or critical violations (missing labels, names, roles, contrast…).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, signUpInBrowser, startServer } from "./harness.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
// axe is injected as an inline script, which the app's Content-Security-Policy refuses.
const AUDIT = { bypassCSP: true };

let server;
let browser;
let page;
let api;
let prompt;
let ui;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage(AUDIT);
  const session = await signUpInBrowser(page, server.app);
  api = apiClient(server.app, session.token);
  prompt = await api("POST", "/api/prompts", {
    name: "Audit",
    messages: [{ role: "user", content: "Tell me about {{topic}}" }],
    variableDefaults: [{ name: "topic", defaultValue: "owls" }],
    settings: { model_id: "echo" },
  });
  ui = await api("POST", "/api/custom-uis", {
    prompt_id: prompt.id,
    name: "Audit UI",
    component_code: "export default function App() { return <main><h1>Hi</h1></main>; }",
  });
  await api("POST", `/api/custom-uis/${ui.id}/publish`);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function audit(path, ready) {
  await page.goto(`${server.app}${path}`);
  await ready();
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " + (n.any[0]?.message ?? "") + " " + n.html) }));
  });
  assert.deepEqual(result, [], `${path}: ${JSON.stringify(result, null, 2)}`);
}

test("the main pages have no serious or critical accessibility violations", async () => {
  await audit("/", () => page.getByRole("heading").first().waitFor());
  await audit(`/prompts/${prompt.id}`, () => page.getByRole("heading").first().waitFor());
  await audit(`/prompts/${prompt.id}/run`, () => page.getByRole("button").first().waitFor());
  await audit("/gallery", () => page.getByRole("heading").first().waitFor());
  await audit("/templates", () => page.getByRole("heading").first().waitFor());
  await audit("/runs", () => page.getByRole("heading").first().waitFor());
  await audit("/account", () => page.getByTestId("session-row").first().waitFor());
  await audit(`/ui/${ui.id}`, () => page.locator("iframe.ui-frame").waitFor());
  await audit(`/uis/${ui.id}/edit`, () => page.getByRole("heading").first().waitFor());
  // The gallery with its Share panel open, a shared link's page, and the notice of a revoked link.
  await page.goto(`${server.app}/gallery`);
  await page.getByRole("button", { name: "Share" }).click();
  await page.getByRole("button", { name: "Link to version 1" }).click();
  await page.getByLabel("Pinned link").waitFor();
  await page.addScriptTag({ path: axePath });
  const panel = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  });
  assert.deepEqual(panel, [], `the Share panel: ${JSON.stringify(panel)}`);
  const link = await api("POST", `/api/custom-uis/${ui.id}/share-links`, { pinned: false });
  await audit(link.url, () => page.locator("iframe.ui-frame").waitFor());
  await api("DELETE", `/api/share-links/${link.slug}`);
  await audit(link.url, () => page.getByTestId("share-notice").waitFor());
});

test("the sign-in and sign-up pages have no serious or critical accessibility violations", async () => {
  const context = await browser.newContext(AUDIT);
  const fresh = await context.newPage();
  for (const path of ["/login", "/signup"]) {
    await fresh.goto(`${server.app}${path}`);
    await fresh.getByRole("button").first().waitFor();
    await fresh.addScriptTag({ path: axePath });
    const result = await fresh.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ["violations"] });
      return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
    });
    assert.deepEqual(result, [], `${path}: ${JSON.stringify(result)}`);
  }
  await context.close();
});

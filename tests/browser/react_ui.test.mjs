// Sign up, create a prompt, attach the seed's Pattern 2 component verbatim, run it and watch
// the echo answer stream into the sandboxed frame chunk by chunk.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, seedPattern2, signUpInBrowser, startServer, watchText } from "./harness.mjs";

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the seed's Pattern 2 component streams the echo answer chunk by chunk in the sandbox", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signUpInBrowser(page, server.app);

  // Create the prompt through the app.
  await page.getByLabel("Name", { exact: true }).fill("Story teller");
  await page.getByLabel(/^User message/).fill("Tell me a story about {{topic}} with many words in it.");
  await page.getByLabel(/^Variables/).fill('[{"name": "topic", "defaultValue": "dragons"}]');
  await page.getByLabel(/^Other settings/).fill('{"echo_delay_ms": 80}');
  await page.getByRole("button", { name: "Create prompt" }).click();
  await page.getByRole("heading", { name: "Story teller" }).waitFor();

  // Attach Pattern 2, verbatim.
  await page.getByLabel("Name", { exact: true }).last().fill("Pattern 2");
  await page.getByLabel("Code").fill(seedPattern2());
  await page.getByRole("button", { name: "Save and open" }).click();
  await page.waitForURL(/\/ui\/[0-9a-f-]+$/);

  const frameEl = page.locator("iframe.ui-frame");
  assert.equal(await frameEl.getAttribute("sandbox"), "allow-scripts");
  assert.ok((await frameEl.getAttribute("src")).startsWith(server.sandbox), "the frame comes from the sandbox origin");
  const frame = page.frameLocator("iframe.ui-frame");
  await frame.locator("input").first().fill("griffins");
  await frame.getByRole("button", { name: "Execute Prompt" }).click();

  const expected = "Tell me a story about griffins with many words in it.";
  const answer = frame.locator(".pd-markdown");
  const seen = await watchText(answer, (t) => t.trim() === expected);
  const partial = seen.filter((t) => t.trim() && t.trim() !== expected);
  assert.ok(partial.length >= 3, `expected several partial renders, saw ${JSON.stringify(seen)}`);
  for (const p of partial) assert.ok(expected.startsWith(p.trim()), `partial ${JSON.stringify(p)} is a prefix`);

  // The run is recorded and linked.
  await page.getByRole("link", { name: "View recorded run" }).click();
  await page.getByText(expected).first().waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("the app serves index.html for app routes and JSON 404 under /api", async () => {
  const res = await fetch(`${server.app}/prompts/whatever`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /promptdeck-sandbox-origin" content="http:\/\/127\.0\.0\.1:\d+"/);
  const api = await fetch(`${server.app}/api/nope`);
  assert.equal(api.status, 404);
  assert.equal((await api.json()).error.code, "not_found");
});

test("the sandbox origin sends the CSP and serves only the runtime, its assets and known modules", async () => {
  const res = await fetch(`${server.sandbox}/frame`);
  assert.equal(res.status, 200);
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, /^default-src 'none'; script-src http:\/\/127\.0\.0\.1:\d+;/);
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /form-action 'none'/);
  assert.match(csp, new RegExp(`frame-ancestors ${server.app.replace(/[.]/g, "\\.")}`));
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal((await fetch(`${server.sandbox}/api/prompts`)).status, 404);
  assert.equal((await fetch(`${server.sandbox}/m/${"0".repeat(64)}.js`)).status, 404);
  assert.equal((await fetch(`${server.sandbox}/`)).status, 200);
  void apiClient;
});

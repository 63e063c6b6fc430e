// Sign up, create a prompt, attach the seed's Pattern 2 component verbatim, run it and watch
// the echo answer stream into the sandboxed frame chunk by chunk.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
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

test("the frame loads while the UI's data is on its way, then shows that UI; the data comes in parallel requests", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const session = await signUpInBrowser(page, server.app);
  const api = apiClient(server.app, session.token);
  const prompt = await api("POST", "/api/prompts", { name: "Early frame", messages: [{ role: "user", content: "x" }], settings: { model_id: "echo" } });
  const component = `export default function Early({ promptData, greeting }) {
  return <p data-testid="early">{greeting} from {promptData.name}</p>;
}`;
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Early", component_code: component, execution_mode: "manual", default_props: { greeting: "Hello" } });

  // The UI's data is held back for a while: the frame must not wait for it to start loading.
  const HOLD_MS = 1500;
  const asked = [];
  await page.route((url) => url.pathname.startsWith(`/api/custom-uis/${ui.id}`), async (route) => {
    asked.push(Date.now());
    await new Promise((r) => setTimeout(r, HOLD_MS));
    await route.continue();
  });
  await page.goto(`${server.app}/ui/${ui.id}`);
  const frameEl = page.locator("iframe.ui-frame");
  await frameEl.waitFor({ state: "attached" });
  const frame = await (await frameEl.elementHandle()).contentFrame();
  // The frame's runtime has started (its worker too) while the three requests are still held.
  await frame.waitForFunction(() => document.querySelector("#root") !== null && document.readyState === "complete");
  assert.equal(asked.length, 3, "the UI, its compiled form and its saved state are asked for at once");
  assert.ok(Math.max(...asked) - Math.min(...asked) < HOLD_MS / 2, "the three requests went out together");
  assert.equal(await page.frameLocator("iframe.ui-frame").getByTestId("early").count(), 0, "nothing is shown before the data arrives");

  // Then the frame gets this UI and shows it, in the same document.
  const early = page.frameLocator("iframe.ui-frame").getByTestId("early");
  await early.waitFor();
  assert.equal(await early.textContent(), "Hello from Early frame");
  const timing = await page.evaluate(() => {
    const frame = performance.getEntriesByType("resource").find((e) => e.initiatorType === "iframe");
    const data = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/custom-uis/"));
    return { frameStart: frame?.startTime ?? null, firstData: Math.min(...data.map((e) => e.responseEnd)) };
  });
  assert.ok(timing.frameStart !== null && timing.frameStart < timing.firstData - HOLD_MS / 2, `the frame started before the data came (${JSON.stringify(timing)})`);
  assert.equal(await page.getByRole("heading", { name: "Early" }).count(), 1);
  assert.equal(await page.locator(".ui-quarantined").count(), 0, "the frame loaded one document");
  assert.equal(await frameEl.getAttribute("title"), "Early");
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
  // Scripts from the sandbox origin, and inline only the document's own early worker start,
  // by the hash of its exact text.
  const early = (await res.text()).match(/<script id="pd-early-worker">([^<]*)<\/script>/);
  assert.ok(early, "the runtime document starts its worker early");
  const hash = createHash("sha256").update(early[1]).digest("base64");
  assert.match(csp, new RegExp(`^default-src 'none'; script-src http://127\\.0\\.0\\.1:\\d+ 'sha256-${hash.replace(/[+/]/g, "\\$&")}';`));
  assert.equal(csp.match(/'sha256-/g).length, 1, csp);
  const asset = await fetch(`${server.sandbox}/favicon.ico`);
  assert.doesNotMatch(asset.headers.get("content-security-policy") ?? "", /sha256/);
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /form-action 'none'/);
  assert.match(csp, new RegExp(`frame-ancestors ${server.app.replace(/[.]/g, "\\.")}`));
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal((await fetch(`${server.sandbox}/api/prompts`)).status, 404);
  assert.equal((await fetch(`${server.sandbox}/m/${"0".repeat(64)}.js`)).status, 404);
  assert.equal((await fetch(`${server.sandbox}/`)).status, 200);
  void apiClient;
});

// The app's security headers in Chromium: every main page arrives with its Content-Security-
// Policy, `nosniff`, a referrer policy and `X-Frame-Options`, and runs under that policy without
// a single violation (every `securitypolicyviolation` event and every "Refused to…" console
// message of every frame is recorded) — the custom UI sandbox still runs, CodeMirror still
// styles itself (through the page's style nonce), KaTeX, highlighting and the HTML preview
// still work — and another origin cannot frame the app.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, signUpInBrowser, startServer, watchText } from "./harness.mjs";

let server;
let browser;
let context;
let page;
let api;
const violations = [];
const refusals = [];

/** Reports CSP violations of every frame to the test (installed before any page script runs). */
function reportViolations() {
  document.addEventListener("securitypolicyviolation", (e) => {
    void window.__pdViolation?.({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile });
  });
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext();
  await context.exposeBinding("__pdViolation", ({ frame }, v) => violations.push({ ...v, frame: frame.url() }));
  await context.addInitScript(reportViolations);
  context.on("console", (m) => {
    if (/Refused to|Content Security Policy/i.test(m.text())) refusals.push(`${m.location().url}: ${m.text()}`);
  });
  page = await context.newPage();
  const session = await signUpInBrowser(page, server.app);
  api = apiClient(server.app, session.token);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Asserts a page answer carries the app's security headers. */
function assertPageHeaders(res, path) {
  const h = res.headers();
  const csp = h["content-security-policy"] ?? "";
  for (const directive of [
    "default-src 'none'",
    "script-src 'self';",
    "img-src 'self' data:;",
    `frame-src ${server.sandbox};`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ]) {
    assert.ok(csp.includes(directive), `${path}: ${directive} missing from ${csp}`);
  }
  assert.match(csp, /connect-src 'self'[^;]* ws:\/\/127\.0\.0\.1:\d+/, `${path}: Socket.IO may connect: ${csp}`);
  assert.match(csp, /style-src 'self' 'nonce-[A-Za-z0-9+/=]+';/, `${path}: ${csp}`);
  assert.equal(h["x-content-type-options"], "nosniff", path);
  assert.equal(h["referrer-policy"], "no-referrer", path);
  assert.equal(h["x-frame-options"], "DENY", path);
}

/** Opens `path`, checks its headers, waits until `ready()` and then for anything lazy. */
async function visit(path, ready) {
  const res = await page.goto(`${server.app}${path}`);
  assertPageHeaders(res, path);
  await ready();
  await page.waitForTimeout(300);
}

const UI_CODE = `import { useState } from "react";
export default function App() {
  const [n, setN] = useState(0);
  return <div><p data-testid="hello" style={{ color: "rgb(1, 2, 3)" }}>Hello from the sandbox</p><button onClick={() => setN(n + 1)}>Clicked {n}</button></div>;
}`;

const RUN_TEXT = [
  "Euler: $e^{i\\pi}+1=0$",
  "",
  "```ts",
  "const answer: number = 42;",
  "```",
  "",
  "```html",
  "<h1 id=\"previewed\">Previewed</h1>",
  "```",
].join("\n");

test("every main page loads under its policy without a violation, and the sandbox, CodeMirror, KaTeX and highlighting still work", async () => {
  const prompt = await api("POST", "/api/prompts", {
    name: "Headers",
    messages: [{ role: "user", content: "Tell me about {{topic}}" }],
    variableDefaults: [{ name: "topic", defaultValue: "owls" }],
    settings: { model_id: "echo" },
  });
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "React UI", component_code: UI_CODE });
  await api("POST", `/api/custom-uis/${ui.id}/publish`);
  const template = await api("POST", "/api/custom-uis", {
    prompt_id: prompt.id,
    name: "Template UI",
    component_type: "template",
    component_code: `<form><label>Topic <input name="topic"></label><button type="submit">Go</button></form><div class="out">{{response}}</div>`,
  });
  const run = await api("POST", "/api/runs", { source_type: "prompt", name: "Rendered" });
  await api("POST", `/api/runs/${run.id}/messages`, { role: "assistant", content: RUN_TEXT });

  const sandboxDocs = [];
  page.on("response", (r) => {
    if (r.url().startsWith(server.sandbox) && r.request().resourceType() === "document") sandboxDocs.push(r);
  });

  await visit("/", () => page.getByRole("heading").first().waitFor());
  await visit("/gallery", () => page.getByRole("heading").first().waitFor());
  await visit("/templates", () => page.getByRole("heading").first().waitFor());
  await visit("/runs", () => page.getByRole("heading").first().waitFor());
  await visit(`/prompts/${prompt.id}`, () => page.getByRole("heading").first().waitFor());
  await visit("/no/such/page", () => page.getByRole("heading", { name: "Not found" }).waitFor());

  // The default runner streams over Socket.IO (connect-src) and renders the answer.
  await visit(`/prompts/${prompt.id}/run`, () => page.getByRole("button", { name: "Run" }).waitFor());
  await page.getByRole("button", { name: "Run" }).click();
  await page.getByLabel("Answer").and(page.locator('[data-status="done"]')).waitFor();
  // The status shows at once; the answer's markdown renders up to a frame later (it follows a
  // streamed text once per animation frame), so the text is watched until it is the answer.
  await watchText(page.getByLabel("Answer"), (t) => t.trim() === "Tell me about owls");

  // A React UI runs in the sandbox frame, with React's style props applied.
  await visit(`/ui/${ui.id}`, () => page.frameLocator("iframe.ui-frame").getByTestId("hello").waitFor());
  const frame = page.frameLocator("iframe.ui-frame");
  await frame.getByRole("button", { name: "Clicked 0" }).click();
  await frame.getByRole("button", { name: "Clicked 1" }).waitFor();
  assert.equal(await frame.getByTestId("hello").evaluate((el) => getComputedStyle(el).color), "rgb(1, 2, 3)");
  // A template UI too.
  await visit(`/ui/${template.id}`, () => page.frameLocator("iframe.ui-frame").getByRole("button", { name: "Go" }).waitFor());

  // The sandbox documents keep their own policy, with nosniff and no referrer.
  assert.ok(sandboxDocs.length >= 2, `sandbox documents seen: ${sandboxDocs.length}`);
  for (const r of sandboxDocs) {
    const h = r.headers();
    // Scripts from the sandbox origin, plus the one inline script that starts the component's
    // worker early, by its hash.
    assert.match(h["content-security-policy"], /^default-src 'none'; script-src http:\/\/127\.0\.0\.1:\d+ 'sha256-[A-Za-z0-9+/]{43}=';.*connect-src 'none'/);
    assert.equal(h["x-content-type-options"], "nosniff");
    assert.equal(h["referrer-policy"], "no-referrer");
  }

  // CodeMirror injects its styles under the page's nonce: the editor is laid out and edits.
  await visit(`/uis/${ui.id}/edit`, () => page.locator(".cm-editor").first().waitFor());
  const editor = page.locator(".cm-editor").first();
  assert.equal(await editor.evaluate((el) => getComputedStyle(el).display), "flex", "CodeMirror's base theme applies");
  assert.ok(await page.evaluate(() => [...document.querySelectorAll("style")].some((s) => s.nonce)), "CodeMirror's <style> has the nonce");
  await page.locator(".cm-content").first().click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.insertText("\n// typed");
  await editor.getByText("// typed").waitFor();

  // KaTeX, highlighting and the HTML preview render in the host.
  await visit(`/runs/${run.id}`, () => page.locator(".katex").first().waitFor());
  const md = page.getByRole("list", { name: "Messages" }).locator(".pd-markdown");
  await md.locator("pre code.hljs .hljs-keyword").first().waitFor();
  assert.equal(await md.locator(".katex-mathml").first().evaluate((el) => getComputedStyle(el).position), "absolute", "KaTeX's stylesheet applies");
  await md.getByRole("button", { name: "Preview" }).click();
  await md.frameLocator("iframe.pd-html-preview").locator("#previewed").waitFor();

  assert.deepEqual(violations, [], "CSP violations");
  assert.deepEqual(refusals, [], "CSP refusals in the console");

  // The recorders do catch violations: an inline style in the page and in the sandbox frame.
  await page.evaluate(() => document.head.append(Object.assign(document.createElement("style"), { textContent: "body{}" })));
  await page.goto(`${server.app}/ui/${ui.id}`);
  const sandboxFrame = await (await page.locator("iframe.ui-frame").elementHandle()).contentFrame();
  await page.frameLocator("iframe.ui-frame").getByTestId("hello").waitFor();
  // The runtime took over the worker the document's early script started.
  assert.equal(await sandboxFrame.evaluate(() => typeof window.__pdWorker), "undefined");
  await sandboxFrame.evaluate(() => document.head.append(Object.assign(document.createElement("style"), { textContent: "p{}" })));
  // Only the early script's hash is allowed: any other inline script is refused.
  await sandboxFrame.evaluate(() => document.head.append(Object.assign(document.createElement("script"), { textContent: "window.__inline = 1" })));
  await page.waitForTimeout(300);
  assert.equal(await sandboxFrame.evaluate(() => window.__inline), undefined, "another inline script ran in the frame");
  const caught = violations.map((v) => `${v.directive} ${new URL(v.frame).origin}`);
  assert.ok(caught.includes(`style-src-elem ${server.app}`), JSON.stringify(violations));
  assert.ok(caught.some((c) => c.startsWith("style-src-elem ") && !c.endsWith(server.app)), JSON.stringify(violations));
  assert.ok(caught.some((c) => c.startsWith("script-src-elem ") && !c.endsWith(server.app)), JSON.stringify(violations));
  violations.length = 0;
  refusals.length = 0;
});

test("another origin cannot frame the app", async () => {
  const framer = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><title>framer</title><iframe id="app" src="${server.app}/"></iframe>`);
  });
  framer.listen(0, "127.0.0.1");
  await once(framer, "listening");
  const ctx = await browser.newContext();
  try {
    const p = await ctx.newPage();
    const app = ctx.waitForEvent("response", (r) => r.url() === `${server.app}/`);
    await p.goto(`http://127.0.0.1:${framer.address().port}/`);
    const answer = await app;
    await p.waitForTimeout(1000);
    const child = p.frames().find((f) => f !== p.mainFrame());
    assert.ok(child, "the iframe exists");
    assert.ok(!child.url().startsWith(server.app), `the app loaded in the frame: ${child.url()}`);
    const rendered = await child.evaluate(() => document.querySelector("#root") !== null).catch(() => false);
    assert.equal(rendered, false, "the app's document is not in the frame");
    assertPageHeaders(answer, "/ (framed)");
  } finally {
    await ctx.close();
    framer.close();
  }
});

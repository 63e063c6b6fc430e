// Embeds, end to end in the browser: a published UI shown on other sites through embed.js. Two
// tiny sites run beside the server (origin A, allowed; origin B, not). On A an anonymous visitor
// runs the UI inside the embed's frame (a frame in a frame: the embed page holds the UI's sandbox
// frame), the run is recorded for the UI and shows in the owner's dashboard by embed, and the
// frame follows the height of what it shows; B gets the browser's refusal (frame-ancestors),
// never the UI. A verified embed runs for a user signed with the right HMAC and refuses a wrong
// one with a notice; data-theme forces the scheme (and "auto" follows the site's when it
// changes); a revoked embed shows a notice. The owner makes an embed in the gallery's Embed panel
// (an origin the server refuses shows its message). Screenshots of an embed and of the Embed
// panel at 1280 and 390 px go to tests/browser/artifacts/.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { apiClient, artifacts, signUpInBrowser, watchText, withServerAndBrowser } from "./harness.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let server;
let browser;
withServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/**
 * A site on 127.0.0.1:0 (an origin of its own): `/{name}` answers the page `show(name, html)`
 * set, so each test puts up the embedding page it needs.
 */
async function startSite() {
  const pages = new Map();
  const http = createServer((req, res) => {
    const html = pages.get(new URL(req.url, "http://x").pathname);
    res.writeHead(html ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html ?? "not found");
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${http.address().port}`;
  return {
    origin,
    /** Puts up a page at `/{name}`; its URL. */
    show(name, html) {
      pages.set(`/${name}`, html);
      return `${origin}/${name}`;
    },
    stop: () => new Promise((resolve) => http.close(resolve)),
  };
}

let siteA;
let siteB;
before(async () => {
  siteA = await startSite();
  siteB = await startSite();
});
after(async () => {
  await siteA?.stop();
  await siteB?.stop();
});

/** An embedding page: some text of the site's own, then the snippet with `attrs` added. */
const hostPage = (embedId, attrs = "") => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>A site that embeds</title>
<style>body { font-family: sans-serif; margin: 0 auto; max-width: 960px; padding: 16px; }</style></head>
<body><h1>Our site</h1><p>Ask our assistant below.</p>
<script src="${server.app}/embed.js" data-embed="${embedId}"${attrs ? ` ${attrs}` : ""} async></script>
<p>Text after the embed.</p></body></html>`;

const UI_HEADING = "Embedded echo";
const QUESTION = "hello from the embedding site";
/** Manual mode: the component starts its run itself, through the SDK. */
const COMPONENT = `import { usePrompt } from "promptdeck";
export default function Embedded() {
  const { run, text } = usePrompt();
  return <main><h1>${UI_HEADING}</h1><button onClick={() => run()}>Ask</button><p className="out">{text}</p></main>;
}`;

/** The owner: a signed-up user with a published UI over an echo prompt. */
async function ownerWithUi() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const session = await signUpInBrowser(page, server.app);
  const api = apiClient(server.app, session.token);
  const prompt = await api("POST", "/api/prompts", { name: "Embedded prompt", messages: [{ role: "user", content: QUESTION }], settings: { model_id: "echo", echo_delay_ms: 60 } });
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Embedded UI", component_code: COMPONENT, execution_mode: "manual" });
  await api("POST", `/api/custom-uis/${ui.id}/publish`);
  return { context, page, api, ui };
}

let shared;
/** One owner and UI for the tests that need no fresh ones. */
async function sharedOwner() {
  shared ??= await ownerWithUi();
  return shared;
}

/** A visitor of the embedding sites: a browser context of its own, no promptdeck account. */
async function visitor(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  return { context, page: await context.newPage() };
}

/** The embed's frame on an embedding page, and the UI's sandbox frame inside it. */
const embedFrame = (page) => page.frameLocator("iframe[title]").first();
const uiFrame = (page) => embedFrame(page).frameLocator("iframe.ui-frame");

/** The embed page's Frame object (for evaluating inside it), once it has loaded from the app. */
async function embedDocument(page) {
  const end = Date.now() + 15_000;
  for (;;) {
    const f = page.frames().find((fr) => fr.url().startsWith(`${server.app}/embed/`));
    if (f) return f;
    if (Date.now() > end) throw new Error(`no embed frame; frames: ${page.frames().map((fr) => fr.url())}`);
    await page.waitForTimeout(50);
  }
}

/** The relative luminance (0 black … 1 white) of a computed `rgb(…)` colour. */
function luminance(rgb) {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const groundOf = (frame) => frame.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

async function seriousViolations(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.html) }));
  });
}

/** The UI's tasks so far, as the owner's stats count them (once the last one is stored). */
async function uiTasks(api, uiId, atLeast) {
  const end = Date.now() + 15_000;
  for (;;) {
    const stats = await api("GET", `/api/custom-uis/${uiId}/stats?days=7`);
    if (stats.totals.tasks >= atLeast || Date.now() > end) return stats.totals.tasks;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("an anonymous visitor on an allowed site runs the UI inside the embed, the run is recorded and the frame follows its height", async () => {
  const owner = await sharedOwner();
  const embed = await owner.api("POST", `/api/custom-uis/${owner.ui.id}/embeds`, { allowed_origins: [siteA.origin], viewer: "anonymous", daily_runs: 100 });
  assert.equal(embed.url, `/embed/${embed.id}`);
  assert.match(embed.secret, /^[0-9a-f]+$/);

  const { context, page } = await visitor();
  const cspErrors = [];
  page.on("console", (m) => m.type() === "error" && /Content.Security.Policy/i.test(m.text()) && cspErrors.push(m.text()));
  await page.goto(siteA.show("anonymous", hostPage(embed.id)));
  const frameEl = page.locator("iframe[title]");
  assert.equal(await frameEl.getAttribute("title"), "promptdeck");
  assert.equal(await frameEl.getAttribute("allow"), "clipboard-write");
  assert.equal(await frameEl.evaluate((el) => el.previousElementSibling?.tagName), "SCRIPT", "the frame goes right after its script");

  await uiFrame(page).getByRole("heading", { name: UI_HEADING }).waitFor({ timeout: 20_000 });
  assert.equal(await embedFrame(page).getByRole("navigation").count(), 0, "no app chrome in an embed");
  assert.equal(await embedFrame(page).getByRole("link", { name: "View recorded run" }).count(), 0);

  // The frame takes the height the embed page reports, within the clamp.
  let embedded = await embedDocument(page);
  const reported = () => embedded.evaluate(() => Math.ceil(document.querySelector(".embed-page").getBoundingClientRect().height));
  const frameHeight = () => frameEl.evaluate((el) => parseFloat(el.style.height));
  /** Waits until the frame is as tall as the embed page says it is (clamped to 100 px and more). */
  const followed = async () => {
    const end = Date.now() + 10_000;
    for (;;) {
      const [frame, inner] = [await frameHeight(), await reported()];
      if (Math.abs(frame - Math.max(100, inner)) <= 1) return frame;
      if (Date.now() > end) throw new Error(`the frame (${frame} px) is not as tall as the embed page (${inner} px)`);
      await page.waitForTimeout(50);
    }
  };
  await page.waitForFunction(() => document.querySelector("iframe[title]").style.height !== "480px", null, { timeout: 10_000 });
  const initial = await followed();

  // A reload keeps the anonymous viewer's session (remembered on the app's origin until it expires).
  const remembered = (frame) => frame.evaluate((id) => JSON.parse(localStorage.getItem(`promptdeck.embed.${id}`)).token, embed.id);
  const token = await remembered(embedded);
  assert.equal(await embedded.evaluate(() => localStorage.getItem("promptdeck.session")), null, "the app's own session is never written");
  await page.reload();
  await uiFrame(page).getByRole("heading", { name: UI_HEADING }).waitFor({ timeout: 20_000 });
  embedded = await embedDocument(page);
  assert.equal(await remembered(embedded), token);

  const tasksBefore = await uiTasks(owner.api, owner.ui.id, 0);
  await uiFrame(page).getByRole("button", { name: "Ask" }).click();
  const seen = await watchText(uiFrame(page).locator(".out"), (t) => t.trim() === QUESTION);
  assert.ok(seen.length >= 2, `the answer streamed in: ${JSON.stringify(seen)}`);
  assert.equal(await uiTasks(owner.api, owner.ui.id, tasksBefore + 1), tasksBefore + 1, "the embed's run is recorded for the UI");
  // The answer made the page taller: the frame followed.
  await page.waitForFunction((h) => parseFloat(document.querySelector("iframe[title]").style.height) > h, initial, { timeout: 10_000 });
  await followed();
  assert.deepEqual(cspErrors, [], "nothing refused on an allowed site");

  // The owner's dashboard shows the run by embed, named by the site that frames it.
  await owner.page.goto(`${server.app}/usage?ui=${owner.ui.id}&days=7`);
  const byEmbed = owner.page.locator(`[data-testid="usage-embed"][data-key="${embed.id}"]`);
  await byEmbed.waitFor({ timeout: 15_000 });
  assert.equal(await byEmbed.locator("th").textContent(), `Embed on ${siteA.origin}`);
  assert.equal(await byEmbed.getByTestId("slice-tasks").getAttribute("data-value"), "1", "the embed's one run");

  for (const size of [1280, 390]) {
    await page.setViewportSize({ width: size, height: 900 });
    await page.waitForTimeout(300); // the embed reports its new height
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the embedding page fits ${size} px (overflows by ${overflow} px)`);
    const inner = await (await embedDocument(page)).evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(inner <= 0, `the embed fits its frame at ${size} px (overflows by ${inner} px)`);
    await page.screenshot({ path: join(artifacts, `embed-${size}.png`), fullPage: true });
  }
  await context.close();
});

test("a site that is not allowed gets the browser's refusal, never the UI", async () => {
  const owner = await sharedOwner();
  const embed = await owner.api("POST", `/api/custom-uis/${owner.ui.id}/embeds`, { allowed_origins: [siteA.origin], viewer: "anonymous", daily_runs: 100 });
  const { context, page } = await visitor();
  const refusals = [];
  page.on("console", (m) => /frame-ancestors/.test(m.text()) && refusals.push(m.text()));
  await page.goto(siteB.show("not-allowed", hostPage(embed.id)));
  await page.locator("iframe[title]").waitFor();
  // Chromium puts its error page in a frame whose ancestors the policy refuses.
  const end = Date.now() + 15_000;
  let urls = [];
  while (Date.now() < end) {
    urls = page.frames().slice(1).map((f) => f.url());
    if (urls.some((u) => u.startsWith("chrome-error://")) && refusals.length > 0) break;
    await page.waitForTimeout(100);
  }
  assert.ok(urls.some((u) => u.startsWith("chrome-error://")), `the embed's frame holds the browser's error page, not the embed: ${urls}`);
  assert.ok(refusals.length > 0, "the browser says frame-ancestors refused the frame");
  assert.ok(!urls.some((u) => u.startsWith(`${server.app}/embed/`)), `no frame shows the embed page: ${urls}`);
  assert.equal(await uiFrame(page).getByRole("heading", { name: UI_HEADING }).count(), 0);
  assert.equal(await page.locator("iframe[title]").evaluate((el) => el.style.height), "480px", "no height reported from a refused frame");

  // The same embed on site A, in the same browser, still shows.
  await page.goto(siteA.show("allowed-again", hostPage(embed.id)));
  await uiFrame(page).getByRole("heading", { name: UI_HEADING }).waitFor({ timeout: 20_000 });
  await context.close();
});

test("a verified embed runs for a user signed with the right HMAC and refuses a wrong one with a notice", async () => {
  const owner = await sharedOwner();
  const embed = await owner.api("POST", `/api/custom-uis/${owner.ui.id}/embeds`, { allowed_origins: [siteA.origin], viewer: "verified", daily_runs: 100 });
  const hash = createHmac("sha256", embed.secret).update("alice").digest("hex");
  const { context, page } = await visitor();
  await page.goto(siteA.show("verified", hostPage(embed.id, `data-user-id="alice" data-user-hash="${hash}"`)));
  await uiFrame(page).getByRole("button", { name: "Ask" }).click();
  await watchText(uiFrame(page).locator(".out"), (t) => t.trim() === QUESTION);
  const embedded = await embedDocument(page);
  assert.ok(!embedded.url().includes("#"), `the user's hash leaves the embed's address: ${embedded.url()}`);
  assert.equal(await embedded.evaluate((id) => localStorage.getItem(`promptdeck.embed.${id}`), embed.id), null, "a verified viewer's session is not remembered");

  await page.goto(siteA.show("forged", hostPage(embed.id, `data-user-id="alice" data-user-hash="${"0".repeat(64)}"`)));
  const notice = embedFrame(page).getByTestId("embed-notice");
  await notice.waitFor({ timeout: 15_000 });
  assert.equal(await notice.getAttribute("role"), "alert");
  assert.match(await notice.textContent(), /This embed can't be shown/);
  assert.equal(await embedFrame(page).locator("iframe.ui-frame").count(), 0, "no UI for a wrong hash");

  // No user at all is refused too.
  await page.goto(siteA.show("nobody", hostPage(embed.id)));
  await embedFrame(page).getByTestId("embed-notice").waitFor({ timeout: 15_000 });
  await context.close();
});

test("data-theme forces the embed's scheme; without it the embed follows the site's scheme as it changes", async () => {
  const owner = await sharedOwner();
  const embed = await owner.api("POST", `/api/custom-uis/${owner.ui.id}/embeds`, { allowed_origins: [siteA.origin], viewer: "anonymous", daily_runs: 100 });
  const { context, page } = await visitor({ colorScheme: "light" });
  await page.goto(siteA.show("dark", hostPage(embed.id, 'data-theme="dark"')));
  await uiFrame(page).getByRole("heading", { name: UI_HEADING }).waitFor({ timeout: 20_000 });
  const dark = await groundOf(await embedDocument(page));
  assert.ok(luminance(dark) < 0.05, `data-theme="dark" on a light system: a dark ground, got ${dark}`);
  await page.screenshot({ path: join(artifacts, "embed-dark.png"), fullPage: true });

  await page.goto(siteA.show("auto", hostPage(embed.id)));
  await uiFrame(page).getByRole("heading", { name: UI_HEADING }).waitFor({ timeout: 20_000 });
  const embedded = await embedDocument(page);
  assert.ok(luminance(await groundOf(embedded)) > 0.8, "auto on a light site: light");
  await page.emulateMedia({ colorScheme: "dark" });
  await embedded.waitForFunction(() => document.documentElement.dataset.theme === "dark", null, { timeout: 5_000 });
  assert.ok(luminance(await groundOf(embedded)) < 0.05, "the site turned dark: so did the embed");
  await context.close();
});

test("a revoked embed shows a notice on the site, not a blank frame", async () => {
  const owner = await sharedOwner();
  const embed = await owner.api("POST", `/api/custom-uis/${owner.ui.id}/embeds`, { allowed_origins: [siteA.origin], viewer: "anonymous", daily_runs: 100 });
  const { context, page } = await visitor();
  const url = siteA.show("to-revoke", hostPage(embed.id));
  await page.goto(url);
  await uiFrame(page).getByRole("heading", { name: UI_HEADING }).waitFor({ timeout: 20_000 });
  const revoked = await owner.api("DELETE", `/api/embeds/${embed.id}`);
  assert.ok(revoked.revoked_at, "the embed is revoked");
  // The reload reuses the remembered session, which no longer opens the UI: the page asks anew and shows why not.
  await page.reload();
  const notice = embedFrame(page).getByTestId("embed-notice");
  await notice.waitFor({ timeout: 15_000 });
  assert.match(await notice.textContent(), /This embed can't be shown/);
  assert.ok((await notice.textContent()).length > "This embed can't be shown".length + 5, "the notice says why");
  assert.equal(await embedFrame(page).locator("iframe.ui-frame").count(), 0);
  await page.screenshot({ path: join(artifacts, "embed-revoked.png"), fullPage: true });
  await context.close();
});

test("the owner makes an embed in the gallery's Embed panel; an origin the server refuses shows its message", async () => {
  const owner = await ownerWithUi();
  const { page, api, ui } = owner;
  await page.goto(`${server.app}/gallery`);
  const card = page.locator(`li[data-ui-id="${ui.id}"]`);
  await card.getByRole("button", { name: "Embed", exact: true }).click();
  const panel = card.getByRole("region", { name: "Embeds" });
  const form = panel.getByRole("form", { name: "New embed" });

  // A wildcard origin: the server's 422 message, as the API answers it.
  const refused = await fetch(`${server.app}/api/custom-uis/${ui.id}/embeds`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${(await page.evaluate(() => JSON.parse(localStorage.getItem("promptdeck.session")))).token}` },
    body: JSON.stringify({ allowed_origins: ["https://*.example.com"], viewer: "anonymous", daily_runs: 100 }),
  });
  assert.equal(refused.status, 422);
  const { error } = await refused.json();
  assert.equal(error.code, "validation_failed");
  await form.getByLabel("Allowed origins, one per line").fill("https://*.example.com");
  await form.getByRole("button", { name: "Create embed" }).click();
  const alert = form.getByRole("alert");
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), error.message);

  // A good one: the snippet names the new embed, the secret is shown once.
  await form.getByLabel("Allowed origins, one per line").fill(siteA.origin);
  await form.getByLabel("Only users your site signs (HMAC)").check();
  await form.getByLabel("Runs per viewer per day (optional)").fill("5");
  await form.getByLabel("Max cost per day in $ (optional)").fill("2.5");
  await form.getByLabel("Pin to version 1").check();
  await form.getByRole("button", { name: "Create embed" }).click();
  const snippet = panel.getByLabel("Embed snippet");
  await snippet.waitFor();
  assert.equal(await form.getByRole("alert").count(), 0, "the refusal is gone once created");
  const { items } = await api("GET", `/api/custom-uis/${ui.id}/embeds`);
  assert.equal(items.length, 1);
  const [made] = items;
  assert.deepEqual(
    [made.allowed_origins, made.viewer, made.pinned, made.version, made.max_runs_per_viewer_per_day, made.max_cost_per_day],
    [[siteA.origin], "verified", true, 1, 5, 2.5],
  );
  const code = await snippet.inputValue();
  assert.ok(code.includes(`<script src="${server.app}/embed.js" data-embed="${made.id}"`), code);
  assert.match(code, /data-user-id="[^"]+" data-user-hash="[^"]+"/);
  assert.match(code, /HMAC-SHA256/);
  const secret = await panel.getByLabel("Embed secret").inputValue();
  assert.match(secret, /^[0-9a-f]{16,}$/);
  const item = panel.locator(`li[data-embed-id="${made.id}"]`);
  await item.getByText("pinned · v1").waitFor();
  await item.getByText("100 runs a day, 5 per viewer, at most $2.5 a day").waitFor();

  // The secret works: a user signed with it sees the UI on site A.
  const hash = createHmac("sha256", secret).update("bob").digest("hex");
  const site = await visitor();
  await site.page.goto(siteA.show("from-panel", hostPage(made.id, `data-user-id="bob" data-user-hash="${hash}"`)));
  await uiFrame(site.page).getByRole("heading", { name: UI_HEADING }).waitFor({ timeout: 20_000 });

  for (const size of [1280, 390]) {
    await page.setViewportSize({ width: size, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the gallery with the Embed panel fits ${size} px (overflows by ${overflow} px)`);
    await page.screenshot({ path: join(artifacts, `embed-panel-${size}.png`), fullPage: true });
  }

  // Rotating shows a new secret (the old one stops working); revoking marks the embed.
  await page.setViewportSize({ width: 1280, height: 900 });
  await item.getByRole("button", { name: "Rotate secret" }).click();
  await panel.getByRole("status").filter({ hasText: "new secret" }).waitFor();
  const rotated = await panel.getByLabel("Embed secret").inputValue();
  assert.notEqual(rotated, secret);
  await site.page.reload();
  await embedFrame(site.page).getByTestId("embed-notice").waitFor({ timeout: 15_000 });
  await item.getByRole("button", { name: "Revoke" }).click();
  await item.getByText("revoked").waitFor();
  assert.equal(await item.getByRole("button").count(), 0, "a revoked embed has nothing left to do");
  await site.context.close();
  await owner.context.close();
});

test("the Embed panel and the embed page pass axe, light and dark", async () => {
  for (const scheme of ["light", "dark"]) {
    // axe is injected as an inline script, which the app's Content-Security-Policy refuses.
    const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const session = await signUpInBrowser(page, server.app);
    const api = apiClient(server.app, session.token);
    const prompt = await api("POST", "/api/prompts", { name: "Audit", messages: [{ role: "user", content: "hi" }], settings: { model_id: "echo" } });
    const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: `Audit ${scheme}`, component_code: COMPONENT, execution_mode: "manual" });
    await api("POST", `/api/custom-uis/${ui.id}/publish`);
    const embed = await api("POST", `/api/custom-uis/${ui.id}/embeds`, { allowed_origins: [siteA.origin], viewer: "verified", daily_runs: 100 });
    await page.goto(`${server.app}/gallery`);
    const card = page.locator(`li[data-ui-id="${ui.id}"]`);
    await card.getByRole("button", { name: "Embed", exact: true }).click();
    await card.getByLabel("Allowed origins, one per line").fill(siteA.origin);
    await card.getByRole("button", { name: "Create embed" }).click();
    await card.getByLabel("Embed snippet").waitFor();
    assert.deepEqual(await seriousViolations(page), [], `${scheme}: the gallery with the Embed panel`);
    await card.screenshot({ path: join(artifacts, `embed-panel-${scheme}.png`) });

    // The embed page itself (opened directly: no ancestor to refuse), refusing a viewer with no HMAC.
    await page.goto(`${server.app}/embed/${embed.id}`);
    await page.getByTestId("embed-notice").waitFor();
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("promptdeck.session")).token), session.token, "the embed page leaves the app's session alone");
    assert.deepEqual(await seriousViolations(page), [], `${scheme}: the embed's notice`);
    await page.screenshot({ path: join(artifacts, `embed-notice-${scheme}.png`) });
    await context.close();
  }
});

after(async () => {
  await shared?.context.close();
});

// Live thumbnails on gallery cards: each published UI's card shows the UI itself, drawn by its
// real sandbox frame at half size, inert and hidden from assistive technology. A thumbnail never
// acts: a UI that starts a task and saves state as soon as it is shown does neither from a
// gallery card (no run is recorded for the viewer, no state saved), though it does when opened.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { apiClient, artifacts, signUpInBrowser, withServerAndBrowser } from "./harness.mjs";


let server;
let browser;
withServerAndBrowser((s, b) => ([server, browser] = [s, b]));

// Runs a task and saves state as soon as it mounts, and says so on screen.
const eager = `
import { useEffect, useState } from "react";
import { usePrompt, useUiState } from "promptdeck";
export default function Eager() {
  const { run } = usePrompt();
  const [, setSeen] = useUiState("seen", false);
  const [said, setSaid] = useState("not tried");
  useEffect(() => {
    setSeen(true);
    run({}).then((r) => setSaid(r.status === "done" ? "ran" : "refused: " + (r.error && r.error.code)));
  }, []);
  return <main><h1>Eager thumbnail UI</h1><p data-said>{said}</p></main>;
}`;

test("gallery cards show live, still thumbnails of their UIs", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const owner = await signUpInBrowser(page, server.app);
  const ownerApi = apiClient(server.app, owner.token);
  const prompt = await ownerApi("POST", "/api/prompts", { name: "Thumb prompt", messages: [{ role: "user", content: "hi" }], settings: { model_id: "echo" } });
  const calm = await ownerApi("POST", "/api/custom-uis", {
    prompt_id: prompt.id,
    name: "Calm UI",
    component_code: "export default function Calm() { return <main><h1>Calm thumbnail UI</h1></main>; }",
  });
  const busy = await ownerApi("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Eager UI", component_code: eager, execution_mode: "manual" });
  await ownerApi("POST", `/api/custom-uis/${calm.id}/publish`);
  await ownerApi("POST", `/api/custom-uis/${busy.id}/publish`);

  const viewerPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const viewer = await signUpInBrowser(viewerPage, server.app);
  const viewerApi = apiClient(server.app, viewer.token);
  await viewerPage.goto(`${server.app}/gallery`);
  const card = (id) => viewerPage.locator(`li[data-ui-id="${id}"]`);
  const thumb = (id) => card(id).getByTestId("ui-thumbnail");
  await thumb(calm.id).frameLocator("iframe.ui-frame").getByRole("heading", { name: "Calm thumbnail UI" }).waitFor({ timeout: 20_000 });
  const eagerFrame = thumb(busy.id).frameLocator("iframe.ui-frame");
  await eagerFrame.getByRole("heading", { name: "Eager thumbnail UI" }).waitFor({ timeout: 20_000 });
  await eagerFrame.locator("[data-said]").filter({ hasText: "refused" }).waitFor({ timeout: 20_000 });

  // Inert and hidden: no focus stop, nothing read out twice.
  assert.equal(await thumb(calm.id).getAttribute("aria-hidden"), "true");
  assert.equal(await thumb(calm.id).evaluate((el) => el.inert), true);
  // Half size: the frame is drawn twice as wide as the card's picture.
  const [boxWidth, frameWidth] = await thumb(calm.id).evaluate((el) => [el.getBoundingClientRect().width, el.querySelector("iframe").offsetWidth]);
  assert.ok(Math.abs(frameWidth - 2 * (boxWidth - 2)) <= 4, `frame ${frameWidth} px for a ${boxWidth} px picture`);

  // Nothing acted: no run for the viewer, no saved state.
  const runs = await viewerApi("GET", "/api/runs");
  assert.equal(runs.total, 0, `the thumbnail started a run: ${JSON.stringify(runs)}`);
  const state = await viewerApi("GET", `/api/custom-uis/${busy.id}/state`);
  assert.deepEqual(state.state ?? {}, {});

  for (const size of [1280, 390]) {
    await viewerPage.setViewportSize({ width: size, height: 900 });
    await viewerPage.screenshot({ path: join(artifacts, `gallery-thumbnails-${size}.png`), fullPage: true });
    const overflow = await viewerPage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the gallery with thumbnails fits ${size} px (overflows by ${overflow} px)`);
  }

  // A long gallery keeps frames only near the viewport: the newest cards (at the top) hold one,
  // the oldest do not until scrolled to, and the top ones let theirs go then.
  let newest;
  for (let i = 0; i < 10; i += 1) {
    newest = await ownerApi("POST", "/api/custom-uis", {
      prompt_id: prompt.id,
      name: `Filler UI ${i}`,
      component_code: `export default function Filler() { return <main><h1>Filler ${i}</h1></main>; }`,
    });
    await ownerApi("POST", `/api/custom-uis/${newest.id}/publish`);
  }
  await viewerPage.setViewportSize({ width: 390, height: 700 });
  await viewerPage.goto(`${server.app}/gallery`);
  await thumb(newest.id).locator("iframe").waitFor({ timeout: 20_000 });
  const framed = () => viewerPage.locator('[data-testid="ui-thumbnail"] iframe').count();
  const atTop = await framed();
  assert.ok(atTop >= 1 && atTop < 12, `${atTop} of 12 thumbnails hold a frame at the top`);
  assert.equal(await thumb(calm.id).locator("iframe").count(), 0, "the oldest card, far below, holds no frame");
  await viewerPage.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await thumb(calm.id).locator("iframe").waitFor({ timeout: 20_000 });
  await thumb(newest.id).locator("iframe").waitFor({ state: "detached", timeout: 10_000 });
  await viewerPage.evaluate(() => window.scrollTo(0, 0));
  await thumb(newest.id).locator("iframe").waitFor({ timeout: 10_000 });

  // Opened, the same UI does act: the thumbnail's refusal is the thumbnail's alone.
  await viewerPage.setViewportSize({ width: 1280, height: 900 });
  await viewerPage.goto(`${server.app}/ui/${busy.id}`);
  await viewerPage.frameLocator("iframe.ui-frame").locator("[data-said]").filter({ hasText: "ran" }).waitFor({ timeout: 30_000 });
  assert.equal((await viewerApi("GET", "/api/runs")).total, 1);
});

test("template cards show live, still thumbnails of every official template", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const user = await signUpInBrowser(page, server.app);
  const api = apiClient(server.app, user.token);
  const templates = (await api("GET", "/api/templates?limit=200")).items;
  await page.goto(`${server.app}/templates`);
  const cards = page.locator('ul[aria-label="Templates"] > li');
  await cards.first().waitFor();
  assert.equal(await cards.count(), templates.length);
  for (let i = 0; i < templates.length; i += 1) {
    const card = cards.nth(i);
    await card.scrollIntoViewIfNeeded();
    const frame = card.getByTestId("ui-thumbnail").frameLocator("iframe.ui-frame");
    // The template's own module has drawn something in the frame.
    await frame.locator("#root :is(h1, h2, h3, button, input, textarea, label, p, table, svg)").first().waitFor({ timeout: 20_000 });
  }
  for (const size of [1280, 390]) {
    await page.setViewportSize({ width: size, height: 900 });
    await page.screenshot({ path: join(artifacts, `template-thumbnails-${size}.png`), fullPage: false });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the templates with thumbnails fit ${size} px (overflows by ${overflow} px)`);
  }
  // Looking changed nothing: no prompt, UI or run was made for the viewer.
  assert.equal((await api("GET", "/api/runs")).total, 0);
  assert.equal((await api("GET", "/api/prompts")).total, 0);
});

// Display modes: the seed's Pattern 1 (verbatim) opens the runtime's PromptRunnerModal, which
// asks the host to show the frame as a modal over the page. At a desktop and a phone size the
// whole dialog is on screen — its follow-up box and Send button inside the frame's visible box
// and the viewport, and the topmost element where they are — and usable: a follow-up is sent and
// answered. Escape returns the frame inline. Screenshots go to tests/browser/artifacts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, seedPattern1, signUpInBrowser, startServer } from "./harness.mjs";

const artifacts = join(import.meta.dirname, "artifacts");
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let server;
let browser;
let uiUrl;
let session;
let sessionRaw;
before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
  const page = await browser.newPage();
  session = await signUpInBrowser(page, server.app);
  sessionRaw = await page.evaluate(() => localStorage.getItem("promptdeck.session"));
  await page.close();
  const api = apiClient(server.app, session.token);
  const prompt = await api("POST", "/api/prompts", {
    name: "Analysis",
    messages: [{ role: "user", content: "Analyse {{topic}} in a {{style}} style." }],
    variableDefaults: [
      { name: "topic", defaultValue: "cats" },
      { name: "style", defaultValue: "plain" },
    ],
    settings: { model_id: "echo", echo_delay_ms: 5 },
  });
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Pattern 1", component_code: seedPattern1(), execution_mode: "manual" });
  assert.equal(ui.validated, true, JSON.stringify(ui.validation_errors));
  uiUrl = `${server.app}/ui/${ui.id}`;
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Asserts `box` lies inside `outer` (both page coordinates), with a pixel of slack. */
function assertInside(box, outer, what) {
  assert.ok(box, `${what} has no box`);
  const inside = box.x >= outer.x - 1 && box.y >= outer.y - 1 && box.x + box.width <= outer.x + outer.width + 1 && box.y + box.height <= outer.y + outer.height + 1;
  assert.ok(inside, `${what} ${JSON.stringify(box)} is not inside ${JSON.stringify(outer)}`);
}

/** Asserts the element is on screen: inside the frame's visible box and the viewport, and on top where it is. */
async function assertShownWhole(page, frameLocator, locator, what) {
  const viewport = page.viewportSize();
  const frameBox = await page.locator("iframe.ui-frame").boundingBox();
  const box = await locator.boundingBox();
  assertInside(box, { x: 0, y: 0, width: viewport.width, height: viewport.height }, `${what} (viewport)`);
  assertInside(box, frameBox, `${what} (the frame's visible box)`);
  // Nothing of the page covers it: the page's topmost element at its centre is the frame, and
  // the frame's topmost element there is the control itself.
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  assert.equal(await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.className, [cx, cy]), "ui-frame", `${what}: the page covers it`);
  const hit = await locator.evaluate((el, [x, y]) => {
    const top = document.elementFromPoint(x, y);
    return top === el || el.contains(top);
  }, [cx - frameBox.x, cy - frameBox.y]);
  assert.ok(hit, `${what}: something in the frame covers it`);
  void frameLocator;
}

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`the seed's Pattern 1 modal is shown whole and usable at ${viewport.width}×${viewport.height}`, async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.app);
    await page.evaluate((s) => localStorage.setItem("promptdeck.session", s), sessionRaw);
    await page.goto(uiUrl);
    const frame = page.frameLocator("iframe.ui-frame");
    await frame.getByRole("button", { name: "Quick Analysis" }).click();

    const dialog = frame.getByRole("dialog", { name: "Custom Analysis" });
    await dialog.waitFor();
    await dialog.getByText("Analyse AI in a technical style.").waitFor({ timeout: 20_000 });
    const message = dialog.getByRole("textbox", { name: "Message" });
    const send = dialog.getByRole("button", { name: "Send" });
    await send.waitFor();
    await page.waitForTimeout(300);
    await assertShownWhole(page, frame, message, "the follow-up box");
    await assertShownWhole(page, frame, send, "the Send button");
    await assertShownWhole(page, frame, dialog.getByRole("button", { name: "Close" }), "the dialog's close button");
    await page.screenshot({ path: join(artifacts, `pattern1-modal-${size}.png`) });

    await message.fill("Tell me more about owls");
    await send.click();
    await dialog.getByText("Tell me more about owls").last().waitFor({ timeout: 20_000 });
    await assertShownWhole(page, frame, send, "the Send button after the follow-up");
    await page.screenshot({ path: join(artifacts, `pattern1-modal-follow-up-${size}.png`) });

    // Escape returns the frame inline and closes the dialog; the button is there again.
    await message.press("Escape");
    await dialog.waitFor({ state: "detached" });
    const frameBox = await page.locator("iframe.ui-frame").boundingBox();
    assert.ok(frameBox.height < viewport.height / 2, `inline again: ${JSON.stringify(frameBox)}`);
    await frame.getByRole("button", { name: "Quick Analysis" }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the host's close control returns a modal frame inline and closes the dialog", async () => {
  const context = await browser.newContext({ viewport: SIZES.desktop });
  const page = await context.newPage();
  await page.goto(server.app);
  await page.evaluate((s) => localStorage.setItem("promptdeck.session", s), sessionRaw);
  await page.goto(uiUrl);
  const frame = page.frameLocator("iframe.ui-frame");
  await frame.getByRole("button", { name: "Quick Analysis" }).click();
  await frame.getByRole("dialog").waitFor();
  const close = page.locator(".ui-frame-close");
  await close.waitFor();
  await close.click();
  await frame.getByRole("dialog").waitFor({ state: "detached" });
  assert.equal(await close.count(), 0);
  await context.close();
});

test("a frame that asks for the whole page without the user acting stays inline", async () => {
  const page = await browser.newPage();
  await page.goto(server.app);
  await page.evaluate((s) => localStorage.setItem("promptdeck.session", s), sessionRaw);
  const api = apiClient(server.app, session.token);
  const prompt = await api("POST", "/api/prompts", { name: "P", messages: [{ role: "user", content: "hi" }], settings: { model_id: "echo" } });
  const code = `import { useEffect, useState } from "react";
import { requestDisplayMode } from "promptdeck";
export default function Grabby() {
  const [mode, setMode] = useState("asking");
  useEffect(() => { requestDisplayMode("fullscreen").then(setMode); }, []);
  return <p data-testid="mode">{mode}</p>;
}`;
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Grabby", component_code: code, execution_mode: "manual" });
  assert.equal(ui.validated, true, JSON.stringify(ui.validation_errors));
  await page.goto(`${server.app}/ui/${ui.id}`);
  const frame = page.frameLocator("iframe.ui-frame");
  const mode = frame.getByTestId("mode");
  await mode.filter({ hasText: /^(inline|fullscreen|modal)$/ }).waitFor();
  assert.equal(await mode.textContent(), "inline");
  assert.equal(await page.locator(".ui-frame-close").count(), 0);
  await page.close();
});

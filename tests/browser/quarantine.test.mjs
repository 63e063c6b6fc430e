// Navigation quarantine, the defence behind the worker: a UI's code runs in a worker, where its
// computed `location.href` write (which the static checks cannot see) navigates nothing. Should a
// frame load a second document anyway (a way out of the worker), the viewer's host stops it the
// moment it loads: the frame goes, a notice says why, the host reports it, and the UI leaves the
// gallery — for everyone but its owner, who reads why in the editor. The test plays that escape by
// navigating the frame's own window, to a page the frame may load (the containment suite shows the
// component's own write goes nowhere).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, signUpInBrowser, startServer } from "./harness.mjs";

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

const navigating = (target) => `
import { useState } from "react";
export default function Leaky() {
  const [text, setText] = useState("");
  const leave = () => {
    const w = globalThis;
    w["loca" + "tion"]["hr" + "ef"] = ${JSON.stringify(target)} + "?d=" + encodeURIComponent(text);
  };
  return (
    <div>
      <input aria-label="Secret" value={text} onChange={(e) => setText(e.target.value)} />
      <button onClick={leave}>Go</button>
    </div>
  );
}`;

test("a UI that navigates its frame is stopped, reported and leaves the gallery", async () => {
  const ownerPage = await browser.newPage();
  const owner = await signUpInBrowser(ownerPage, server.app);
  const ownerApi = apiClient(server.app, owner.token);
  const prompt = await ownerApi("POST", "/api/prompts", { name: "Leaky prompt", messages: [{ role: "user", content: "hi" }], settings: { model_id: "echo" } });
  // The page's frame-src admits only the sandbox origin, so that is where a frame can go.
  const target = `${server.sandbox}/`;
  const ui = await ownerApi("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Leaky UI", component_code: navigating(target), execution_mode: "manual" });
  assert.equal(ui.validated, true, `the computed navigation passes the static checks: ${JSON.stringify(ui.validation_errors)}`);
  await ownerApi("POST", `/api/custom-uis/${ui.id}/publish`);

  const viewerPage = await browser.newPage();
  const viewer = await signUpInBrowser(viewerPage, server.app);
  const viewerApi = apiClient(server.app, viewer.token);
  const listed = async () => (await viewerApi("GET", "/api/custom-uis?scope=public")).items.map((i) => i.id);
  assert.deepEqual(await listed(), [ui.id]);

  await viewerPage.goto(`${server.app}/ui/${ui.id}`);
  const frame = viewerPage.frameLocator("iframe.ui-frame");
  await frame.getByLabel("Secret").fill("my secret");
  const reported = viewerPage.waitForResponse((r) => r.url().endsWith(`/api/custom-uis/${ui.id}/navigation-reports`) && r.request().method() === "POST");
  const sandboxFrame = viewerPage.frames().find((f) => f.url().startsWith(server.sandbox));
  assert.ok(sandboxFrame, "the UI's frame is on the sandbox origin");
  // The navigation ends the evaluation's context, so its promise is not awaited.
  sandboxFrame
    .evaluate((to) => {
      setTimeout(() => {
        location.href = `${to}?d=${encodeURIComponent("my secret")}`;
      }, 0);
    }, target)
    .catch(() => undefined);

  const notice = viewerPage.getByRole("alert").filter({ hasText: "tried to load another page" });
  await notice.waitFor({ timeout: 10_000 });
  assert.match(await notice.textContent(), /stopped and reported/);
  assert.equal(await viewerPage.locator("iframe.ui-frame").count(), 0, "the frame is gone");
  const answer = await reported;
  assert.equal(answer.status(), 200);
  assert.equal((await answer.json()).quarantined, true);

  // Out of the gallery (API and page) and hidden from others; its owner still has it and reads why.
  assert.deepEqual(await listed(), []);
  await viewerPage.goto(`${server.app}/gallery`);
  await viewerPage.getByRole("heading", { name: "Gallery" }).or(viewerPage.getByText("No public UIs yet")).first().waitFor();
  await viewerPage.waitForTimeout(300);
  assert.equal(await viewerPage.getByRole("heading", { name: "Leaky UI" }).count(), 0);
  await assert.rejects(viewerApi("GET", `/api/custom-uis/${ui.id}`), /404/);
  await ownerPage.goto(`${server.app}/uis/${ui.id}/edit`);
  await ownerPage.getByRole("alert").filter({ hasText: "its frame loaded another page" }).waitFor();
  await ownerPage.close();
  await viewerPage.close();
});

// Share links, end to end in the browser: the owner makes a pinned and a following link from the
// gallery's Share panel; another signed-in user opens them. After version 2 is published the
// pinned link keeps showing version 1 and the following link shows version 2; a revoked link and
// a forged one show a notice, never a blank frame. Screenshots of the Share panel and a shared
// UI at 1280 and 390 px go to tests/browser/artifacts/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { apiClient, artifacts, signUpInBrowser, withServerAndBrowser } from "./harness.mjs";


let server;
let browser;
withServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const versionCode = (n) => `export default function App() { return <main><h1>Version ${n} of the shared UI</h1></main>; }`;

test("a pinned link keeps version 1 after version 2 is published, the following link moves on, a revoked link shows a notice", async () => {
  const ownerPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const owner = await signUpInBrowser(ownerPage, server.app);
  const ownerApi = apiClient(server.app, owner.token);
  const prompt = await ownerApi("POST", "/api/prompts", { name: "Shared prompt", messages: [{ role: "user", content: "hi" }], settings: { model_id: "echo" } });
  const v1 = await ownerApi("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Shared UI", component_code: versionCode(1), execution_mode: "manual" });
  await ownerApi("POST", `/api/custom-uis/${v1.id}/publish`);

  // The owner makes both links from the gallery card.
  await ownerPage.goto(`${server.app}/gallery`);
  const card = ownerPage.locator(`li[data-ui-id="${v1.id}"]`);
  await card.getByRole("button", { name: "Share" }).click();
  await card.getByRole("button", { name: "Link to version 1" }).click();
  const pinnedInput = card.getByLabel("Pinned link");
  await pinnedInput.waitFor();
  await card.getByRole("button", { name: "Link to the latest version" }).click();
  const followingInput = card.getByLabel("Following link");
  await followingInput.waitFor();
  const pinnedUrl = await pinnedInput.inputValue();
  const followingUrl = await followingInput.inputValue();
  assert.match(pinnedUrl, new RegExp(`^${server.app}/s/[0-9a-f]{32}$`));
  assert.match(followingUrl, new RegExp(`^${server.app}/s/[0-9a-f]{32}$`));
  for (const size of [1280, 390]) {
    await ownerPage.setViewportSize({ width: size, height: 900 });
    await ownerPage.screenshot({ path: join(artifacts, `share-panel-${size}.png`), fullPage: true });
    const overflow = await ownerPage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the gallery with the Share panel fits ${size} px (overflows by ${overflow} px)`);
  }

  // Version 2 is published.
  const v2 = await ownerApi("POST", `/api/custom-uis/${v1.id}/versions`, { component_code: versionCode(2) });
  await ownerApi("POST", `/api/custom-uis/${v2.id}/publish`);

  const viewerPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signUpInBrowser(viewerPage, server.app);
  const opens = async (url, n) => {
    await viewerPage.goto(url);
    await viewerPage.frameLocator("iframe.ui-frame").getByRole("heading", { name: `Version ${n} of the shared UI` }).waitFor({ timeout: 20_000 });
    assert.match(await viewerPage.getByTestId("share-banner").textContent(), new RegExp(`version ${n}\\b`));
  };
  await opens(pinnedUrl, 1);
  assert.match(await viewerPage.getByTestId("share-banner").textContent(), /pinned/);
  for (const size of [1280, 390]) {
    await viewerPage.setViewportSize({ width: size, height: 800 });
    await viewerPage.screenshot({ path: join(artifacts, `shared-ui-${size}.png`), fullPage: true });
  }
  await viewerPage.setViewportSize({ width: 1280, height: 900 });
  await opens(followingUrl, 2);

  // The owner revokes the pinned link in the panel; the viewer's next visit shows why.
  await ownerPage.reload();
  await card.getByRole("button", { name: "Share" }).click();
  const pinnedRow = card.getByRole("listitem").filter({ has: ownerPage.getByLabel("Pinned link") });
  await pinnedRow.getByRole("button", { name: "Revoke" }).click();
  await pinnedRow.getByText("revoked").waitFor();
  await viewerPage.goto(pinnedUrl);
  const notice = viewerPage.getByTestId("share-notice");
  await notice.waitFor();
  assert.match(await notice.getByRole("alert").textContent(), /revoked by its owner/);
  assert.equal(await viewerPage.locator("iframe.ui-frame").count(), 0, "no frame for a revoked link");

  // A forged slug is a notice too.
  await viewerPage.goto(`${server.app}/s/${"0".repeat(32)}`);
  await viewerPage.getByTestId("share-notice").waitFor();
  assert.match(await viewerPage.getByRole("alert").textContent(), /share link not found/);
  await ownerPage.close();
  await viewerPage.close();
});

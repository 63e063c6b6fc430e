// Users' own provider keys on the account page: a key is typed once, saved, and from then on only
// its provider and the hint of its last four characters show — the page, a reload and the API
// never hold the key again; removing it leaves none.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, signUpInBrowser, startServer } from "./harness.mjs";

const KEY = "sk-browser-own-key-5b2e";

let server;
let browser;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "promptdeck-models-"));
  const models = join(dir, "models.toml");
  // A provider that takes a key; nothing here calls it.
  writeFileSync(models, '[providers.fake]\nkind = "openai"\nbase_url = "http://127.0.0.1:9/v1"\n\n[[models]]\nid = "fake-model"\nprovider = "fake"\n');
  server = await startServer(["--models", models], { PROMPTDECK_KEY_ENCRYPTION_KEY: "ab".repeat(32) });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a provider key is saved from the account page and only its hint is ever shown", async () => {
  const page = await browser.newPage();
  const session = await signUpInBrowser(page, server.app);
  await page.goto(`${server.app}/account`);
  const form = page.getByRole("form", { name: "Store a provider key" });
  await form.getByLabel("Provider").selectOption("fake");
  await form.getByLabel("API key").fill(KEY);
  await form.getByRole("button", { name: "Save key" }).click();
  const row = page.getByTestId("provider-key");
  await row.waitFor();
  assert.match(await row.textContent(), /fake.*…5b2e/);
  assert.equal(await form.getByLabel("API key").inputValue(), "", "the field is cleared once saved");
  assert.ok(!(await page.content()).includes(KEY), "the page holds no copy of the key");

  await page.reload();
  await row.waitFor();
  assert.ok(!(await page.content()).includes(KEY), "nor after a reload");
  const listed = await apiClient(server.app, session.token)("GET", "/api/account/provider-keys");
  assert.deepEqual(listed.items.map((k) => [k.provider, k.hint]), [["fake", "…5b2e"]]);
  assert.ok(!JSON.stringify(listed).includes(KEY));

  await row.getByRole("button", { name: "Remove" }).click();
  await row.waitFor({ state: "detached" });
  assert.equal((await apiClient(server.app, session.token)("GET", "/api/account/provider-keys")).total, 0);
  await page.close();
});

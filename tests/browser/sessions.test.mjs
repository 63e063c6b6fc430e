// Signing out for real: "Sign out" revokes the token on the server before the app forgets it, and
// the account page lists the account's sessions and revokes another device's.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser, signUpInBrowser, startServer } from "./harness.mjs";

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

/** `GET /api/auth/me` with `token`: the status. */
async function meStatus(token) {
  const res = await fetch(`${server.app}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

test("signing out revokes the token: the API refuses it afterwards", async () => {
  const page = await browser.newPage();
  const { token } = await signUpInBrowser(page, server.app);
  assert.equal(await meStatus(token), 200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);

  assert.equal(await page.evaluate(() => localStorage.getItem("promptdeck.session")), null);
  assert.equal(await meStatus(token), 401, "the old token still works after signing out");
  await page.close();
});

test("the account page lists the sessions and revokes another device's", async () => {
  const page = await browser.newPage();
  const { email, token } = await signUpInBrowser(page, server.app);
  const other = await fetch(`${server.app}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery" }),
  }).then((r) => r.json());

  await page.getByTestId("user-email").click();
  await page.getByRole("heading", { name: "Sessions" }).waitFor();
  const rows = page.getByTestId("session-row");
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  assert.equal(await page.locator('[data-testid="session-row"][data-current="true"]').count(), 1);

  await page.locator('[data-testid="session-row"]:not([data-current])').getByRole("button", { name: "Revoke" }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 1);

  assert.equal(await meStatus(other.token), 401, "the revoked session's token still works");
  assert.equal(await meStatus(token), 200, "this browser's session was revoked too");
  await page.close();
});

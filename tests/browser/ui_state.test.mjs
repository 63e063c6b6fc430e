// The SDK's per-user UI state persists on the server: a value a UI saves with useUiState is there
// again after a reload (and in another browser context of the same user), and another user of the
// same public UI starts from their own empty state.
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

const COUNTER = `import { useUiState } from "promptdeck";
export default function Counter() {
  const [count, setCount] = useUiState("count", 0);
  return <div><p className="count">count {count}</p><button onClick={() => setCount(count + 1)}>Add</button></div>;
}`;

test("useUiState survives a reload and another context, and is private to each user", async () => {
  const ownerPage = await browser.newPage();
  const owner = await signUpInBrowser(ownerPage, server.app);
  const api = apiClient(server.app, owner.token);
  const prompt = await api("POST", "/api/prompts", {
    name: "State", messages: [{ role: "user", content: "hi" }], settings: { model_id: "echo" },
  });
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Counter", component_code: COUNTER });
  await api("POST", `/api/custom-uis/${ui.id}/publish`);

  const frame = (page) => page.frameLocator("iframe.ui-frame");
  await ownerPage.goto(`${server.app}/ui/${ui.id}`);
  await frame(ownerPage).getByText("count 0").waitFor();
  await frame(ownerPage).getByRole("button", { name: "Add" }).click();
  await frame(ownerPage).getByRole("button", { name: "Add" }).click();
  await frame(ownerPage).getByText("count 2").waitFor();
  // The write reaches the server before the page goes away.
  for (let i = 0; i < 50; i++) {
    const saved = await api("GET", `/api/custom-uis/${ui.id}/state`);
    if (saved.state.count === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual((await api("GET", `/api/custom-uis/${ui.id}/state`)).state, { count: 2 });

  await ownerPage.reload();
  await frame(ownerPage).getByText("count 2").waitFor();

  // Another user of the public UI has their own state.
  const context = await browser.newContext();
  const otherPage = await context.newPage();
  await signUpInBrowser(otherPage, server.app);
  await otherPage.goto(`${server.app}/ui/${ui.id}`);
  await frame(otherPage).getByText("count 0").waitFor();
  await context.close();
});

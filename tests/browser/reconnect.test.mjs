// A client that never hangs: the browser reaches the app through a TCP proxy that the test takes
// down mid-stream (the websocket drops and reconnects are refused) and brings back. The page shows
// that it is reconnecting, resumes every task it follows from the exact event it had, and ends
// with the exact full answer — in the default runner, in a TSX UI using the SDK's usePrompt (whose
// `run()` promise resolves with the whole answer) and in the seed's Pattern 2. When the session
// is revoked mid-stream instead, the run settles with a clear error rather than waiting forever.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, seedPattern2, signUpInBrowser, startProxy, startServer, watchText } from "./harness.mjs";

let server;
let proxy;
let browser;
let page;
let session;
let api;
before(async () => {
  let target = "";
  proxy = await startProxy(() => target);
  // The app is reached through the proxy: its origin may frame the sandbox and open websockets.
  server = await startServer(["--app-origin", proxy.url]);
  target = new URL(server.app).host;
  browser = await launchBrowser();
  page = await browser.newPage();
  session = await signUpInBrowser(page, proxy.url);
  api = apiClient(server.app, session.token);
});
after(async () => {
  await browser?.close();
  await proxy?.stop();
  await server?.stop();
});

/** Words enough that the answer streams for seconds (one chunk per word, `delay` ms apart). */
const WORDS = Array.from({ length: 36 }, (_, i) => `word${i + 1}`);
const EXPECTED = `Echo ${WORDS.join(" ")}`;

async function slowPrompt(defaultWords = WORDS.join(" ")) {
  return api("POST", "/api/prompts", {
    name: "Slow echo",
    messages: [{ role: "user", content: `Echo {{words}}` }],
    variableDefaults: [{ name: "words", defaultValue: defaultWords }],
    settings: { model_id: "echo", echo_delay_ms: 120 },
  });
}

const status = () => page.getByTestId("connection-status");

/**
 * Waits until `answer` shows a few words (the stream is under way), takes the proxy down, checks
 * that the page says it is reconnecting while the answer is still partial, and brings it back.
 */
async function dropMidStream(answer) {
  await watchText(answer, (t) => t.trim().split(/\s+/).length >= 4);
  await proxy.down();
  await status().getByText("reconnecting").waitFor();
  assert.equal(await status().getAttribute("role"), "status");
  const during = (await answer.textContent()).trim();
  assert.notEqual(during, EXPECTED, "the drop landed after the stream had ended");
  assert.ok(EXPECTED.startsWith(during), `the partial answer ${JSON.stringify(during)} is a prefix`);
  await proxy.up();
}

/** The answer ends exactly as the server streamed it, and the status clears. */
async function completes(answer) {
  await watchText(answer, (t) => t.trim() === EXPECTED, 60_000);
  await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]')?.textContent === "");
}

test("the default runner resumes after the websocket drops mid-stream and shows the exact answer", async () => {
  const prompt = await slowPrompt();
  await page.goto(`${proxy.url}/prompts/${prompt.id}/run`);
  await page.getByRole("button", { name: "Run" }).click();
  const answer = page.getByLabel("Answer");
  await dropMidStream(answer);
  await completes(answer);
  await page.locator('.answer[data-status="done"]').waitFor();
  assert.equal(await page.getByRole("alert").count(), 0);
});

const RUN_UI = `import { useState } from "react";
import { usePrompt } from "promptdeck";
export default function Runner() {
  const { run, text } = usePrompt();
  const [result, setResult] = useState("");
  const go = async () => {
    const r = await run();
    setResult(r.status + "|" + (r.error ? r.error.code : "") + "|" + r.text);
  };
  return <div><button onClick={() => void go()}>Go</button><p className="out">{text}</p><p className="result">{result}</p></div>;
}`;

async function reactUi(prompt, code, name) {
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name, component_type: "react", component_code: code });
  assert.equal(ui.validated, true, JSON.stringify(ui.validation_errors));
  return ui;
}

const frame = () => page.frameLocator("iframe.ui-frame");

test("a TSX UI's run() resolves with the exact full answer across a websocket drop", async () => {
  const prompt = await slowPrompt();
  const ui = await reactUi(prompt, RUN_UI, "Run result");
  await page.goto(`${proxy.url}/ui/${ui.id}`);
  await frame().getByRole("button", { name: "Go" }).click();
  const answer = frame().locator(".out");
  await dropMidStream(answer);
  await completes(answer);
  await watchText(frame().locator(".result"), (t) => t === `done||${EXPECTED}`);
});

test("the seed's Pattern 2 ends with the exact full answer across a websocket drop", async () => {
  // Pattern 2 resolves only the variables typed into its own fields.
  const prompt = await slowPrompt("nothing yet");
  const ui = await reactUi(prompt, seedPattern2(), "Pattern 2");
  await page.goto(`${proxy.url}/ui/${ui.id}`);
  await frame().locator("input").first().fill(WORDS.join(" "));
  await frame().getByRole("button", { name: "Execute Prompt" }).click();
  const answer = frame().locator(".pd-markdown");
  await dropMidStream(answer);
  await completes(answer);
});

/** Signs up again: the revoking tests leave the page's session revoked. */
async function freshSession() {
  session = await signUpInBrowser(page, proxy.url);
  api = apiClient(server.app, session.token);
}

test("a revoked session settles the default runner's run with a clear error", async () => {
  await freshSession();
  const prompt = await slowPrompt();
  await page.goto(`${proxy.url}/prompts/${prompt.id}/run`);
  await page.getByRole("button", { name: "Run" }).click();
  await watchText(page.getByLabel("Answer"), (t) => t.trim().split(/\s+/).length >= 3);
  await api("POST", "/api/auth/logout");
  await page.getByRole("alert").getByText("session has ended").waitFor();
  await page.locator('.answer[data-status="error"]').waitFor();
  await status().getByText("session has ended").waitFor();
});

test("a revoked session settles the run with an error: the UI's run() never stays pending", async () => {
  await freshSession();
  const prompt = await slowPrompt();
  const ui = await reactUi(prompt, RUN_UI, "Run result");
  await page.goto(`${proxy.url}/ui/${ui.id}`);
  await frame().getByRole("button", { name: "Go" }).click();
  await watchText(frame().locator(".out"), (t) => t.trim().split(/\s+/).length >= 3);
  // Signing out elsewhere revokes the session; the server disconnects its sockets.
  await api("POST", "/api/auth/logout");
  await watchText(frame().locator(".result"), (t) => t.startsWith("error|unauthorized|Echo "));
  await status().getByText("session has ended").waitFor();
});

test("a run started after the session was revoked ends at once with unauthorized, passed through the bridge", async () => {
  await freshSession();
  const prompt = await slowPrompt("short");
  const ui = await reactUi(prompt, RUN_UI, "Run result");
  await page.goto(`${proxy.url}/ui/${ui.id}`);
  await frame().getByRole("button", { name: "Go" }).click();
  await watchText(frame().locator(".result"), (t) => t === "done||Echo short");
  await api("POST", "/api/auth/logout");
  await frame().getByRole("button", { name: "Go" }).click();
  await watchText(frame().locator(".result"), (t) => t === "error|unauthorized|");
  await status().getByText("session has ended").waitFor();
});

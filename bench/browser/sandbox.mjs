// Measures the sandbox runtime against the real server in headless Chromium (see README.md):
// keystroke → rendered character in a controlled input, and `/ui/{id}` → the component's first
// paint. Times are taken inside the browser (performance clocks), never by the test runner.
import { parseArgs } from "node:util";
import { apiClient, launchBrowser, signUpInBrowser, startServer } from "../../tests/browser/harness.mjs";

const { values } = parseArgs({ options: { keys: { type: "string", default: "200" }, loads: { type: "string", default: "15" } } });
const KEYS = Number(values.keys);
const LOADS = Number(values.loads);

const COMPONENT = `
import { useState } from "react";
export default function Typing() {
  const [text, setText] = useState("");
  return (
    <div>
      <p data-testid="first">ready</p>
      <input aria-label="Text" value={text} onChange={(e) => setText(e.target.value)} />
      <p data-testid="echo">{text}</p>
    </div>
  );
}`;

function pct(list, p) {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;

// Runs in every frame before its scripts: in the sandbox frame, records when the component's
// first element is in the DOM and when the frame has painted it.
function firstPaintProbe() {
  if (location.pathname !== "/frame") return;
  const seen = () => {
    if (window.__pdFirst || !document.querySelector('[data-testid="first"]')) return;
    window.__pdFirst = performance.timeOrigin + performance.now();
    requestAnimationFrame(() => setTimeout(() => (window.__pdPaint = performance.timeOrigin + performance.now()), 0));
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

// Runs in the sandbox frame: times each keydown to the moment the echo's DOM has its character
// (`__pdKeys`) and to the end of the next frame after it (`__pdFrames`, which adds the wait for
// the display's next frame, up to 16.7 ms at 60 Hz).
function keystrokeProbe() {
  window.__pdKeys = [];
  window.__pdFrames = [];
  window.__pdInput = [];
  const echo = document.querySelector('[data-testid="echo"]');
  const input = document.querySelector('input[aria-label="Text"]');
  input.addEventListener("keydown", (e) => {
    const start = e.timeStamp;
    const want = input.value.length + 1;
    // The character in the controlled input itself (the frame's own element, before the
    // component's answer comes back from its worker).
    input.addEventListener("input", () => {
      if (input.value.length >= want) window.__pdInput.push(performance.now() - start);
    }, { capture: true, once: true });
    new MutationObserver((_, obs) => {
      if ((echo.textContent ?? "").length >= want) {
        obs.disconnect();
        window.__pdKeys.push(performance.now() - start);
        requestAnimationFrame(() => setTimeout(() => window.__pdFrames.push(performance.now() - start), 0));
      }
    }).observe(echo, { childList: true, subtree: true, characterData: true });
  }, true);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const session = await signUpInBrowser(page, server.app);
  const api = apiClient(server.app, session.token);
  const prompt = await api("POST", "/api/prompts", { name: "Bench", messages: [{ role: "user", content: "x" }], settings: { model_id: "echo" } });
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Typing", component_code: COMPONENT, execution_mode: "manual" });
  const url = `${server.app}/ui/${ui.id}`;
  const storage = await context.storageState();

  // First paint: a fresh context (cold HTTP cache) per load, signed in as the same user; then
  // the same number of loads in one context (warm cache).
  const first = [];
  const warmFirst = [];
  if (LOADS > 0) await (async () => {
    const warm = await browser.newContext({ storageState: storage });
    const p = await warm.newPage();
    await p.goto(url);
    await p.frameLocator("iframe.ui-frame").getByTestId("first").waitFor();
    await warm.close();
  })();
  const measureLoad = async (p) => {
    await p.goto(url);
    await p.frameLocator("iframe.ui-frame").getByTestId("first").waitFor();
    const frame = await (await p.locator("iframe.ui-frame").elementHandle()).contentFrame();
    await frame.waitForFunction(() => window.__pdPaint);
    const paint = await frame.evaluate(() => window.__pdPaint);
    const host = await p.evaluate(() => performance.timeOrigin);
    frameStarts.push((await frame.evaluate(() => performance.timeOrigin)) - host);
    return paint - host;
  };
  const frameStarts = [];
  for (let i = 0; i < LOADS; i++) {
    const c = await browser.newContext({ storageState: storage });
    await c.addInitScript(firstPaintProbe);
    first.push(await measureLoad(await c.newPage()));
    await c.close();
  }
  const warmContext = await browser.newContext({ storageState: storage });
  await warmContext.addInitScript(firstPaintProbe);
  const warmPage = await warmContext.newPage();
  if (LOADS > 0) await measureLoad(warmPage);
  for (let i = 0; i < LOADS; i++) warmFirst.push(await measureLoad(warmPage));
  await warmContext.close();

  // Keystrokes: one character at a time, each after the previous one has rendered.
  await page.goto(url);
  const f = page.frameLocator("iframe.ui-frame");
  await f.getByLabel("Text").waitFor();
  const frame = await (await page.locator("iframe.ui-frame").elementHandle()).contentFrame();
  await frame.evaluate(keystrokeProbe);
  await f.getByLabel("Text").click();
  const alphabet = "the quick brown fox jumps over the lazy dog ";
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.press(alphabet[i % alphabet.length] === " " ? "Space" : alphabet[i % alphabet.length]);
    await frame.waitForFunction((n) => window.__pdKeys.length >= n, i + 1);
  }
  await frame.waitForFunction((n) => window.__pdFrames.length >= n, KEYS);
  const keys = await frame.evaluate(() => window.__pdKeys);
  const frames = await frame.evaluate(() => window.__pdFrames);
  const inInput = await frame.evaluate(() => window.__pdInput);
  const shown = await f.getByTestId("echo").textContent();
  if (shown.length !== KEYS) throw new Error(`the echo shows ${shown.length} characters, expected ${KEYS}`);
  // The component's answers never took a character back out of the input.
  const typed = await f.getByLabel("Text").inputValue();
  if (typed !== shown) throw new Error(`the input holds ${JSON.stringify(typed)}, the component ${JSON.stringify(shown)}`);

  console.log("| measure | p50 | p95 | max | n |");
  console.log("|---|---|---|---|---|");
  const row = (name, list) => list.length > 0 && console.log(`| ${name} | ${fmt(pct(list, 50))} | ${fmt(pct(list, 95))} | ${fmt(Math.max(...list))} | ${list.length} |`);
  row("keystroke → character in the controlled input (the frame's element)", inInput);
  row("keystroke → the component's re-render in the frame's DOM (its echo of the input)", keys);
  row("keystroke → next frame after it", frames);
  row("/ui/{id} → component's first paint (cold cache)", first);
  row("/ui/{id} → component's first paint (warm cache)", warmFirst);
  row("/ui/{id} → the sandbox frame's navigation starts (warm cache; the host's part)", frameStarts.slice(-warmFirst.length));
} finally {
  await browser.close();
  await server.stop();
}

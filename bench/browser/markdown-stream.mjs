// Streaming markdown speed, in headless Chromium against the real server: a custom UI renders a
// 2,000-chunk answer (the echo model, one chunk every `--delay` ms: 2 s at 1 ms, as fast models
// stream) with the SDK's `Markdown`, and the frame records when each chunk arrived, when the last
// one showed, and every long task (PerformanceObserver 'longtask', in the frame and in the page).
//
//   node bench/browser/markdown-stream.mjs [--runs 3] [--chunks 2000] [--delay 1] [--timeout 300]
//
// Prints, per run and as medians: the stream's own time (first to last chunk arriving in the
// frame), the last chunk's delay (arrived → on screen), the total against the stream's ideal
// time (chunks × delay), and the longest task. BENCH_DEBUG=1 adds each long task's start and
// length, and each long animation frame in the frame with the scripts it ran (by entry point) and
// its rendering time; BENCH_PROFILE=1 the frame's functions with the most self time. Needs
// target/debug/promptdeck (or PROMPTDECK_BIN) and the browser tests' dependencies
// (tests/browser: npm ci).
import { launchBrowser, startServer } from "../../tests/browser/harness.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg("runs", 3);
const CHUNKS = arg("chunks", 2000);
const DELAY = arg("delay", 1);

/** A markdown answer of exactly `n` echo chunks (a word and the white space after it), ending in `END`. */
function answer(n) {
  const words = [];
  let i = 0;
  while (words.length < n - 1) {
    const block = i % 4;
    if (block === 0) words.push("##", `Section`, `${i}\n\n`);
    else if (block === 1) for (let k = 0; k < 6 && words.length < n - 1; k++) words.push("-", "item", `**${k}**`, `with`, `\`code\`\n`);
    else if (block === 2) words.push("```ts\n", "const", "x", "=", `${i};\n`, "```\n\n");
    else for (let k = 0; k < 40 && words.length < n - 1; k++) words.push(k === 39 ? "words.\n\n" : k % 7 === 3 ? "*emphasis*" : "word");
    i++;
  }
  words.length = n - 1;
  words.push("END");
  return words.join(" ").replace(/\n /g, "\n");
}

const COMPONENT = `
import { usePrompt, Markdown } from "promptdeck";
export default function Bench() {
  const { run, text, status } = usePrompt();
  return (
    <div>
      <button onClick={() => run()}>Run</button>
      <span data-testid="status">{status}</span>
      <Markdown content={text} isStreaming={status === "running"} />
    </div>
  );
}`;

async function post(base, path, body, token) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Runs in the frame: records chunk arrivals, the moment `END` shows, and long tasks. */
function instrumentFrame() {
  const m = (window.__bench = { arrivals: [], shownAt: null, longTasks: [], longTaskStarts: [] });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => m.longTasks.push(e.duration) && m.longTaskStarts.push(e.startTime))).observe({ type: "longtask", buffered: false });
  // What the long frames ran (BENCH_DEBUG): their scripts by entry point, and their rendering.
  m.frames = [];
  new PerformanceObserver((list) =>
    list.getEntries().forEach((e) =>
      m.frames.push({
        start: e.startTime,
        duration: e.duration,
        blocking: e.blockingDuration,
        render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
        layout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
        scripts: e.scripts.map((s) => ({ invoker: s.invoker, source: `${s.sourceFunctionName} ${s.sourceURL.split("/").pop()}:${s.sourceCharPosition}`, duration: s.duration, forced: s.forcedStyleAndLayoutDuration })),
      }),
    ),
  ).observe({ type: "long-animation-frame", buffered: false });
  addEventListener("message", (e) => {
    if (e.data?.method === "task/event" && typeof e.data.params?.event === "string") m.arrivals.push(performance.now());
  });
  const check = () => {
    if (m.shownAt === null && document.querySelector(".pd-markdown")?.textContent?.includes("END")) m.shownAt = performance.now();
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
  // And once a frame, in case a render shows it without a mutation the observer reports.
  const poll = () => {
    check();
    if (m.shownAt === null) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

function instrumentPage() {
  const m = (window.__bench = { longTasks: [] });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => m.longTasks.push(e.duration))).observe({ type: "longtask", buffered: false });
}

/** Prints the functions with the most self time in a CPU profile (BENCH_PROFILE=1). */
function printProfile(profile) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const key = `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).forEach(([k, v]) => console.log(`${v.toFixed(0).padStart(6)} ms  ${k}`));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

const server = await startServer();
const browser = await launchBrowser();
try {
  const email = `bench${Date.now()}@example.com`;
  const { token, user } = await post(server.app, "/api/auth/signup", { email, password: "correct horse battery staple" });
  const prompt = await post(server.app, "/api/prompts", { name: "Bench", messages: [{ role: "user", content: answer(CHUNKS) }], settings: { model_id: "echo", echo_delay_ms: DELAY } }, token);
  const ui = await post(server.app, "/api/custom-uis", { prompt_id: prompt.id, name: "Bench", component_code: COMPONENT, execution_mode: "manual" }, token);
  const results = [];
  for (let r = 0; r < RUNS; r++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.app);
    await page.evaluate(([t, u]) => localStorage.setItem("promptdeck.session", JSON.stringify({ token: t, user: u })), [token, user]);
    await page.goto(`${server.app}/ui/${ui.id}`);
    const frameEl = page.locator("iframe.ui-frame");
    const frameLocator = page.frameLocator("iframe.ui-frame");
    await frameLocator.getByRole("button", { name: "Run" }).waitFor();
    const frame = await (await frameEl.elementHandle()).contentFrame();
    await frame.evaluate(instrumentFrame);
    await page.evaluate(instrumentPage);
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(frame) : null;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.start");
    }
    await frameLocator.getByRole("button", { name: "Run" }).click();
    try {
      await frame.waitForFunction(() => window.__bench.shownAt !== null, null, { timeout: arg("timeout", 300) * 1000, polling: 100 });
    } catch (e) {
      const state = await frame.evaluate(() => ({
        arrivals: window.__bench.arrivals.length,
        status: document.querySelector("[data-testid=status]")?.textContent,
        tail: document.querySelector(".pd-markdown")?.textContent?.slice(-80),
      }));
      throw new Error(`the last chunk never showed: ${JSON.stringify(state)}`, { cause: e });
    }
    await page.waitForTimeout(200);
    if (cdp) printProfile((await cdp.send("Profiler.stop")).profile);
    const f = await frame.evaluate(() => window.__bench);
    const p = await page.evaluate(() => window.__bench);
    const first = f.arrivals[0];
    const last = f.arrivals.at(-1);
    const result = {
      chunks: f.arrivals.length,
      stream: last - first,
      lastDelay: f.shownAt - last,
      total: f.shownAt - first,
      longestFrame: Math.max(0, ...f.longTasks),
      longestPage: Math.max(0, ...p.longTasks),
      longTasks: f.longTasks.length + p.longTasks.length,
    };
    results.push(result);
    if (process.env.BENCH_DEBUG) {
      console.log(f.longTasks.map((d, i) => `${(f.longTaskStarts[i] - first).toFixed(0)}+${d.toFixed(0)}`).join(" "));
      for (const fr of f.frames.filter((x) => x.blocking > 0)) {
        console.log(`  long frame at ${(fr.start - first).toFixed(0)} ms: ${fr.duration.toFixed(0)} ms (blocking ${fr.blocking.toFixed(0)}, rendering ${fr.render.toFixed(0)}, style and layout ${fr.layout.toFixed(0)})`);
        for (const sc of fr.scripts) console.log(`    ${sc.duration.toFixed(0).padStart(4)} ms ${sc.invoker} → ${sc.source}${sc.forced ? ` (forced layout ${sc.forced.toFixed(0)} ms)` : ""}`);
      }
    }
    console.log(
      `run ${r + 1}: ${result.chunks} chunks arrived over ${ms(result.stream)} (ideal ${ms((CHUNKS - 1) * DELAY)}); ` +
        `last chunk on screen ${ms(result.lastDelay)} after it arrived; first chunk to last shown ${ms(result.total)} ` +
        `(${((result.total / ((CHUNKS - 1) * DELAY) - 1) * 100).toFixed(0)} % over the ideal); ` +
        `longest task: frame ${ms(result.longestFrame)}, page ${ms(result.longestPage)} (${result.longTasks} over 50 ms)`,
    );
    await page.close();
  }
  const pick = (k) => median(results.map((x) => x[k]));
  console.log(
    `median of ${RUNS}: stream ${ms(pick("stream"))}, last chunk delay ${ms(pick("lastDelay"))}, first chunk to last shown ${ms(pick("total"))} ` +
      `(ideal ${ms((CHUNKS - 1) * DELAY)}), longest task frame ${ms(pick("longestFrame"))} / page ${ms(pick("longestPage"))}`,
  );
} finally {
  await browser.close();
  await server.stop();
}

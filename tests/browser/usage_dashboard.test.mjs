// The usage dashboard and budgets, end to end on a priced echo model ($1 a token): the owner runs
// a prompt in the default runner (once failing with answer_too_large) and through a published
// template UI; the dashboard's totals and today's row equal the sums of the tasks read back from
// the API, for the account and for the UI, and the CSV's last row says the same. The owner caps
// the UI at one run per viewer a day in the gallery's Budget panel (a value the server refuses
// shows its message); a second user's second run shows quota_exceeded with its reset time in the
// UI's frame, and a third user over the operator's daily cap sees it in the default runner and on
// the account page. Screenshots of the dashboard (light and dark) and of the Budget panel at 1280
// and 390 px go to tests/browser/artifacts/; axe audits the dashboard in both schemes.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { apiClient, artifacts, signUpInBrowser, watchText, withServerAndBrowser } from "./harness.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** One token costs one dollar, so costs are whole numbers a reader can check by eye. */
const PRICED_MODELS = '[[models]]\nid = "priced-echo"\nprovider = "echo"\ninput_price = 1000000.0\noutput_price = 1000000.0\n';
/** The operator's cap per user and day: above what the owner and the viewer spend here, below one long prompt. */
const DAILY_CAP = 60;
/** The echo answers its prompt's words back; 40 repeats go over the 64-byte answer cap and fail. */
const WORDS = "alpha beta gamma";

const models = join(mkdtempSync(join(tmpdir(), "promptdeck-models-")), "models.toml");
writeFileSync(models, PRICED_MODELS);
let server;
let browser;
withServerAndBrowser((s, b) => ([server, browser] = [s, b]), [
  "--models", models,
  "--task-start-burst", "1000",
  "--ui-task-start-burst", "1000",
  "--max-answer-bytes", "64",
  "--user-daily-cost-limit", String(DAILY_CAP),
]);

/** A new signed-up user with a page of their own (no CSP bypass: the app runs as it ships). */
async function newUser(width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const cspErrors = [];
  page.on("console", (m) => m.type() === "error" && /Content.Security.Policy/i.test(m.text()) && cspErrors.push(m.text()));
  const session = await signUpInBrowser(page, server.app);
  return { context, page, session, api: apiClient(server.app, session.token), cspErrors };
}

/** Runs a prompt once in the default runner; the recorded run's id and how the answer ended. */
async function runInDefaultRunner(page, promptId) {
  await page.goto(`${server.app}/prompts/${promptId}/run`);
  await page.getByRole("button", { name: "Run" }).click();
  const answer = page.locator('.answer[data-status="done"], .answer[data-status="error"]');
  await answer.waitFor({ timeout: 20_000 });
  const href = await page.getByRole("link", { name: "View recorded run" }).getAttribute("href");
  return { runId: href.split("/").pop(), status: await answer.getAttribute("data-status") };
}

/** The tasks of some runs as the API records them, once every one has ended and been stored. */
async function recordedTasks(api, runIds) {
  const end = Date.now() + 15_000;
  for (;;) {
    const runs = await Promise.all(runIds.map((id) => api("GET", `/api/runs/${id}`)));
    const tasks = runs.flatMap((r) => r.tasks);
    const stored = tasks.every((t) => (t.status === "completed" || t.status === "failed") && t.completed_at !== null);
    if (stored && tasks.length >= runIds.length) {
      // Each task read once more by its Socket.IO id, as /api/tasks/{task_id} answers it.
      return Promise.all(tasks.map((t) => api("GET", `/api/tasks/${t.task_id}`)));
    }
    if (Date.now() > end) throw new Error(`tasks not stored: ${JSON.stringify(tasks.map((t) => [t.status, t.completed_at]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value at nearest rank `p` (percent) of the tasks' times to first token, as the report computes it. */
function nearestRank(values, p) {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.ceil((sorted.length * p) / 100) - 1] : null;
}

/** What a report of these tasks must say. */
function expectedFigures(tasks) {
  const ttft = tasks.map((t) => t.time_to_first_token);
  return {
    tasks: tasks.length,
    errors: tasks.filter((t) => t.status === "failed").length,
    tokens: tasks.reduce((n, t) => n + (t.tokens_total ?? 0), 0),
    cost: tasks.reduce((n, t) => n + (t.cost ?? 0), 0),
    p50: nearestRank(ttft, 50),
    p95: nearestRank(ttft, 95),
  };
}

const numberIn = async (locator) => {
  const v = await locator.getAttribute("data-value");
  return v === "" ? null : Number(v);
};
const near = (actual, expected, what) => assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual}, expected ${expected}`);

/** Waits for the dashboard to show the report of `scope` (the account or a UI id), loaded. */
async function shownReport(page, scope) {
  const report = page.locator(`[data-testid="usage-report"][data-scope="${scope}"]:not([aria-busy="true"])`);
  await report.waitFor({ timeout: 15_000 });
  return report;
}

/** Checks the dashboard's totals and today's row against the recorded tasks. */
async function assertReportShows(report, tasks, label) {
  const want = expectedFigures(tasks);
  const today = await report.getAttribute("data-to");
  const total = (name) => report.getByTestId(`total-${name}`);
  assert.equal(await numberIn(total("tasks")), want.tasks, `${label}: total tasks`);
  assert.equal((await total("tasks").textContent()).trim(), String(want.tasks), `${label}: total tasks as written`);
  assert.equal(await numberIn(total("tokens")), want.tokens, `${label}: total tokens`);
  near(await numberIn(total("cost")), want.cost, `${label}: total cost`);
  assert.match(await total("cost").textContent(), new RegExp(`^\\$${Math.floor(want.cost)}\\.`), `${label}: cost written in dollars`);
  near(await numberIn(total("error-rate")), want.errors / want.tasks, `${label}: error rate`);
  assert.equal(await numberIn(total("ttft-p50")), want.p50, `${label}: ttft p50`);
  assert.equal(await numberIn(total("ttft-p95")), want.p95, `${label}: ttft p95`);

  const row = report.locator(`tr[data-testid="usage-day"][data-date="${today}"]`);
  const cell = (name) => row.getByTestId(`day-${name}`);
  assert.equal(await numberIn(cell("tasks")), want.tasks, `${label}: today's tasks`);
  assert.equal(await numberIn(cell("errors")), want.errors, `${label}: today's errors`);
  assert.equal(await numberIn(cell("tokens")), want.tokens, `${label}: today's tokens`);
  near(await numberIn(cell("cost")), want.cost, `${label}: today's cost`);
  return { want, today };
}

/** By how many px the page scrolls sideways at its current width, or its navigation links hide one. */
const overflowOf = (page) =>
  page.evaluate(() => {
    const links = document.querySelector("nav.top .nav-links");
    return Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, links.scrollWidth - links.clientWidth);
  });

async function seriousViolations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.html) }));
  });
}

test("the dashboard's figures equal the recorded tasks, per account and per UI; a UI's run cap refuses a viewer's second run with its reset time", async () => {
  const owner = await newUser();
  const { page } = owner;
  const prompt = await owner.api("POST", "/api/prompts", { name: "Priced", messages: [{ role: "user", content: WORDS }], settings: { model_id: "priced-echo" } });
  const failing = await owner.api("POST", "/api/prompts", { name: "Too long", messages: [{ role: "user", content: WORDS }], settings: { model_id: "priced-echo", echo_repeat: 40 } });
  const ui = await owner.api("POST", "/api/custom-uis", {
    prompt_id: prompt.id,
    name: "Priced UI",
    component_type: "template",
    component_code: `<form><button type="submit">Go</button></form><div class="out">{{response}}</div>`,
    execution_mode: "manual",
  });
  await owner.api("POST", `/api/custom-uis/${ui.id}/publish`);

  // Two good runs and a failing one in the default runner, one through the UI.
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const r = await runInDefaultRunner(page, prompt.id);
    assert.equal(r.status, "done");
    runs.push(r.runId);
  }
  const bad = await runInDefaultRunner(page, failing.id);
  assert.equal(bad.status, "error");
  assert.match(await page.getByRole("alert").textContent(), /the answer reached 64 bytes/);
  runs.push(bad.runId);
  await page.goto(`${server.app}/ui/${ui.id}`);
  const frame = page.frameLocator("iframe.ui-frame");
  await frame.getByRole("button", { name: "Go" }).click();
  await watchText(frame.locator(".out"), (t) => t.trim() === WORDS);
  const uiRunId = (await page.getByRole("link", { name: "View recorded run" }).getAttribute("href")).split("/").pop();

  const uiTasks = await recordedTasks(owner.api, [uiRunId]);
  const accountTasks = [...(await recordedTasks(owner.api, runs)), ...uiTasks];
  assert.equal(accountTasks.length, 4);
  assert.equal(accountTasks.filter((t) => t.status === "failed").length, 1, "one task failed");
  const completed = accountTasks.filter((t) => t.status === "completed");
  assert.ok(completed.every((t) => t.cost > 0 && t.cost === t.tokens_total), "priced at $1 a token");

  // The account's report.
  await page.getByRole("link", { name: "Usage", exact: true }).click();
  const account = await shownReport(page, "account");
  const { today } = await assertReportShows(account, accountTasks, "account");
  const paidByOwner = account.locator('[data-testid="usage-payer"][data-key="you"]');
  assert.equal(await numberIn(paidByOwner.getByTestId("slice-tasks")), accountTasks.length, "every task paid by the owner");
  const topUi = account.locator(`[data-testid="usage-top-ui"][data-key="${ui.id}"]`);
  assert.match(await topUi.locator("th").textContent(), /Priced UI \(v1\)/);
  assert.equal(await numberIn(topUi.getByTestId("slice-tasks")), uiTasks.length);
  assert.deepEqual(owner.cspErrors, [], "the dashboard runs under the app's Content-Security-Policy");
  assert.equal(await page.locator("canvas[role=img][aria-label]").count(), 3, "three labelled charts");

  for (const size of [1280, 390]) {
    await page.setViewportSize({ width: size, height: 900 });
    await page.waitForTimeout(200); // the charts redraw at the new size
    assert.ok((await overflowOf(page)) <= 0, `the dashboard fits ${size} px (overflows by ${await overflowOf(page)} px)`);
    await page.screenshot({ path: join(artifacts, `usage-dashboard-${size}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // The UI's report, then its CSV.
  await page.getByLabel("Report for").selectOption({ label: "Priced UI (v1)" });
  const uiReport = await shownReport(page, ui.id);
  const uiWant = (await assertReportShows(uiReport, uiTasks, "UI")).want;
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^promptdeck-usage-ui-${ui.id}-${today}\\.csv$`));
  const csv = readFileSync(await download.path(), "utf8").trim().split("\n");
  assert.equal(csv[0], "date,tasks,errors,error_rate,tokens,cost_usd,ttft_p50_ms,ttft_p95_ms");
  assert.equal(csv.length, 1 + 30, "a row per day of the 30 shown");
  const [date, tasks, errors, , tokens, cost] = csv.at(-1).split(",");
  assert.deepEqual([date, Number(tasks), Number(errors), Number(tokens)], [today, uiWant.tasks, uiWant.errors, uiWant.tokens]);
  assert.equal(cost, uiWant.cost.toFixed(6));

  // The owner caps the UI at one run per viewer a day; a value out of range is refused.
  await page.goto(`${server.app}/gallery`);
  const card = page.locator(`li[data-ui-id="${ui.id}"]`);
  await card.getByRole("button", { name: "Budget", exact: true }).click();
  const form = card.getByRole("form", { name: "Budget" });
  await form.getByLabel("Max cost per day ($)").fill("2000000");
  await form.getByRole("button", { name: "Save budget" }).click();
  assert.match(await form.getByRole("alert").textContent(), /max_cost_per_day: a number of US dollars from 0 to/);
  await form.screenshot({ path: join(artifacts, "budget-panel-refused.png") });
  await form.getByLabel("Max cost per day ($)").fill("");
  await form.getByLabel("Max runs per viewer per day").fill("1");
  await form.getByRole("button", { name: "Save budget" }).click();
  await form.getByRole("status").filter({ hasText: "Budget saved." }).waitFor();
  assert.equal(await form.getByRole("alert").count(), 0, "the refusal is gone once saved");
  assert.deepEqual(await owner.api("GET", `/api/custom-uis/${ui.id}/budget`), { payer: "viewer", max_cost_per_day: null, max_runs_per_viewer_per_day: 1 });
  for (const size of [1280, 390]) {
    await page.setViewportSize({ width: size, height: 900 });
    assert.ok((await overflowOf(page)) <= 0, `the gallery with the Budget panel fits ${size} px`);
    await form.screenshot({ path: join(artifacts, `budget-panel-${size}.png`) });
    await page.screenshot({ path: join(artifacts, `budget-panel-page-${size}.png`), fullPage: true });
  }

  // A viewer runs the UI once; the second run is refused, with when the cap resets.
  const viewer = await newUser();
  await viewer.page.goto(`${server.app}/ui/${ui.id}`);
  const viewerFrame = viewer.page.frameLocator("iframe.ui-frame");
  await viewerFrame.getByRole("button", { name: "Go" }).click();
  await watchText(viewerFrame.locator(".out"), (t) => t.trim() === WORDS);
  await viewerFrame.getByRole("button", { name: "Go" }).click();
  const refusal = viewerFrame.getByRole("alert");
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /this UI allows 1 run per viewer a day; it resets at \d{4}-\d\d-\d\d 00:00 UTC/);
  const uiStats = await owner.api("GET", `/api/custom-uis/${ui.id}/stats?days=7`);
  assert.equal(uiStats.totals.tasks, uiTasks.length + 1, "the refused start recorded no task");
  assert.deepEqual(viewer.cspErrors, []);
  await viewer.context.close();
  await owner.context.close();
});

test("over the operator's daily cap the default runner shows quota_exceeded with its reset time, and the account page shows the spending", async () => {
  const user = await newUser();
  // Input tokens are the words of every message: a long system message costs more than the cap.
  const long = Array.from({ length: DAILY_CAP + 10 }, (_, i) => `word${i}`).join(" ");
  const prompt = await user.api("POST", "/api/prompts", {
    name: "Costly",
    messages: [{ role: "system", content: long }, { role: "user", content: "hi" }],
    settings: { model_id: "priced-echo" },
  });
  const first = await runInDefaultRunner(user.page, prompt.id);
  assert.equal(first.status, "done");
  const [task] = await recordedTasks(user.api, [first.runId]);
  assert.ok(task.cost > DAILY_CAP, `one run costs more than the cap (${task.cost})`);

  await user.page.getByRole("button", { name: "Run" }).click();
  const alert = user.page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), new RegExp(`your daily budget of \\$${DAILY_CAP} is spent; it resets at \\d{4}-\\d\\d-\\d\\d 00:00 UTC`));

  await user.page.getByTestId("user-email").click();
  const today = user.page.getByTestId("spent-today");
  await today.waitFor();
  near(await numberIn(today), task.cost, "spent today");
  assert.match(await today.textContent(), new RegExp(`of \\$${DAILY_CAP}\\.00`));
  assert.match(await user.page.getByRole("region", { name: "Spending" }).textContent(), /Cap reached/);
  assert.match(await user.page.getByTestId("spent-month").textContent(), /no cap/);
  for (const size of [1280, 390]) {
    await user.page.setViewportSize({ width: size, height: 900 });
    assert.ok((await overflowOf(user.page)) <= 0, `the account page fits ${size} px`);
    await user.page.screenshot({ path: join(artifacts, `account-spending-${size}.png`), fullPage: true });
  }
  await user.context.close();
});

for (const scheme of ["light", "dark"]) {
  test(`${scheme}: the dashboard passes axe at 1280 and 390 px and fits both`, async () => {
    const owner = await newUser();
    const prompt = await owner.api("POST", "/api/prompts", { name: "Priced", messages: [{ role: "user", content: WORDS }], settings: { model_id: "priced-echo" } });
    await runInDefaultRunner(owner.page, prompt.id);
    await owner.context.close();
    // axe is injected as an inline script, which the app's Content-Security-Policy refuses.
    const context = await browser.newContext({ colorScheme: scheme, bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // The owner's session, as the app keeps it (this context has signed in nowhere).
    await context.addInitScript((s) => {
      try {
        localStorage.setItem("promptdeck.session", s);
      } catch {
        // a document without storage (the sandbox's opaque origin)
      }
    }, JSON.stringify({ token: owner.session.token, user: owner.session.user }));
    await page.goto(`${server.app}/usage`);
    await shownReport(page, "account");
    for (const size of [1280, 390]) {
      await page.setViewportSize({ width: size, height: 900 });
      await page.waitForTimeout(200); // the charts redraw at the new size
      assert.ok((await overflowOf(page)) <= 0, `${scheme} /usage fits ${size} px`);
      await page.screenshot({ path: join(artifacts, `usage-dashboard-${scheme}-${size}.png`), fullPage: true });
      assert.deepEqual(await seriousViolations(page), [], `${scheme} /usage at ${size} px`);
    }
    await context.close();
  });
}

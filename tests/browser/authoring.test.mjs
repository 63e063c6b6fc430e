// A newcomer's path: sign up, write a prompt in the editor and test it, build a custom UI in the
// code editor (inline validation), publish it; a second user finds it in the gallery, rates it
// and runs it; the author sees the use count and the rating; each user's run history shows only
// their own runs. Screenshots of the main pages at desktop and mobile widths are written to
// tests/browser/artifacts/ (git-ignored, kept by CI).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { apiClient, artifacts, signUpInBrowser, watchText, withServerAndBrowser } from "./harness.mjs";

const SIZES = { desktop: { width: 1280, height: 900 }, mobile: { width: 390, height: 844 } };

let server;
let browser;
withServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** Screenshots the page at both widths (full page), then restores the desktop size. */
async function shoot(page, name) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(artifacts, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(SIZES.desktop);
}

/** Replaces the text of the CodeMirror editor labelled `label`. */
async function typeCode(page, label, code) {
  const editor = page.getByRole("textbox", { name: label });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
}

const BAD_UI = `import { chunk } from "lodash";
export default function Haiku() {
  return <div>{chunk([1, 2], 1).length}</div>;
}`;
const GOOD_UI = `import { useState } from "react";
import { usePrompt, Markdown } from "promptdeck";

export default function Haiku() {
  const { run, text, status } = usePrompt();
  const [topic, setTopic] = useState("foxes");
  return (
    <div>
      <label>Topic <input aria-label="Topic" value={topic} onChange={(e) => setTopic(e.target.value)} /></label>
      <button onClick={() => run({ variables: { topic } })}>Write haiku</button>
      <p className="state">{status}</p>
      <Markdown content={text} />
    </div>
  );
}`;

test("a newcomer publishes a UI that a second user finds, rates and runs; runs stay private", async () => {
  const author = await browser.newContext({ viewport: SIZES.desktop });
  const page = await author.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signUpInBrowser(page, server.app);
  await page.getByText("No prompts yet.").waitFor();
  await shoot(page, "home-empty");

  // A prompt from the quick form, then the full editor.
  await page.getByLabel("Name", { exact: true }).fill("Haiku helper");
  await page.getByLabel(/^User message/).fill("A haiku about {{topic}} please");
  await page.getByLabel(/^Variables/).fill('[{"name": "topic", "defaultValue": "rain"}]');
  await page.getByLabel(/^Other settings/).fill('{"echo_delay_ms": 5}');
  await page.getByRole("button", { name: "Create prompt" }).click();
  await page.getByRole("heading", { name: "Haiku helper", level: 1 }).waitFor();
  const promptId = page.url().split("/").pop();

  // Editor: a second variable used in the message, with a select control; save.
  await page.getByLabel("Content of message 2").fill("A {{mood}} haiku about {{topic}} please");
  await page.getByRole("button", { name: "Define {{mood}}" }).click();
  await page.getByLabel("Variable 2 default").fill("calm");
  await page.getByLabel("Variable 2 control").selectOption("select");
  await page.getByLabel("Variable 2 options").fill("calm, stormy");
  await page.getByLabel("Variable 2 options").blur();
  await page.getByLabel("Temperature").fill("0.7");
  assert.equal(await page.getByRole("combobox", { name: "Model" }).inputValue(), "echo");
  await page.getByRole("button", { name: "Save prompt" }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();

  // The test panel runs the saved prompt with its controls.
  const panel = page.getByRole("complementary", { name: "Test panel" });
  await panel.locator('select[name="mood"]').selectOption("stormy");
  await panel.locator('input[name="topic"]').fill("owls");
  await panel.getByRole("button", { name: "Run" }).click();
  await watchText(panel.getByLabel("Answer"), (t) => t.trim() === "A stormy haiku about owls please");
  await shoot(page, "prompt-editor");

  // A custom UI: created from the prompt page, built in the code editor.
  await page.getByLabel("Name", { exact: true }).last().fill("Haiku maker");
  await page.getByLabel("Code").fill("export default function Draft() { return <p>draft</p>; }");
  await page.getByRole("button", { name: "Save and edit" }).click();
  await page.waitForURL(/\/uis\/[0-9a-f-]+\/edit$/);
  const uiId = page.url().split("/").at(-2);
  await page.getByRole("textbox", { name: "Component code" }).waitFor();

  // Inline validation as you type: the disallowed import is marked at its line.
  await typeCode(page, "Component code", BAD_UI);
  const issues = page.getByRole("list", { name: "Validation issues" });
  await issues.getByText("disallowed-import").waitFor();
  assert.match(await issues.textContent(), /Line 1:/);
  await page.locator(".cm-lintRange-error").first().waitFor();
  assert.equal(await page.getByRole("button", { name: "Publish" }).isDisabled(), true);
  await shoot(page, "ui-editor-issues");

  await typeCode(page, "Component code", GOOD_UI);
  await page.getByText("No issues").waitFor();
  await page.getByLabel("Description").fill("Writes a haiku about any topic.");
  // The live preview saves the draft and shows it in the sandbox.
  const preview = page.frameLocator(".card[aria-label=Preview] iframe.ui-frame");
  await preview.getByRole("button", { name: "Write haiku" }).waitFor({ timeout: 20_000 }).catch(async (e) => {
    await page.screenshot({ path: join(artifacts, "failure.png"), fullPage: true });
    throw e;
  });
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByText("Published: it is listed in the gallery.").waitFor();
  await page.locator(".badge", { hasText: "active" }).waitFor();
  await shoot(page, "ui-editor");

  // A new version, then the diff between v1 and v2.
  await page.getByRole("button", { name: "New version" }).click();
  await page.waitForURL((u) => !u.pathname.includes(uiId));
  await page.getByText("v2", { exact: true }).first().waitFor();
  await page.getByTestId("version-diff").waitFor();
  // The compare lists changed settings too, old → new.
  const settingsDiff = page.getByRole("region", { name: "Settings changed from v1 to v2" });
  await settingsDiff.getByText("No settings changed.").waitFor();
  await page.getByLabel("Execution mode").selectOption("auto-run");
  await page.getByLabel("Submit on open (auto_submit)").check();
  await page.getByRole("button", { name: "Save draft" }).click();
  const changed = (field) => settingsDiff.getByRole("listitem").filter({ has: page.locator("code", { hasText: new RegExp(`^${field}$`) }) });
  await changed("execution_mode").locator("ins").getByText("auto-run", { exact: true }).waitFor();
  assert.equal(await changed("auto_submit").locator("del").textContent(), "false");
  assert.equal(await changed("auto_submit").locator("ins").textContent(), "true");
  assert.equal(await settingsDiff.getByRole("listitem").count(), 2, "only the changed settings are listed");
  const v2 = page.url();
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Roll back to v1" }).click();
  await page.waitForURL((u) => u.href !== v2 && !u.pathname.includes(uiId));
  await page.locator(".badge", { hasText: "v3" }).waitFor();
  await page.getByText("No issues").waitFor();
  await page.goto(`${server.app}/uis/${uiId}/edit`);
  await page.getByRole("textbox", { name: "Component code" }).waitFor();

  // A second user finds it in the gallery, rates it and runs it.
  const visitor = await browser.newContext({ viewport: SIZES.desktop });
  const page2 = await visitor.newPage();
  page2.on("pageerror", (e) => errors.push(e.message));
  await signUpInBrowser(page2, server.app);
  await page2.getByRole("link", { name: "Gallery", exact: true }).click();
  await page2.getByRole("searchbox", { name: "Search the gallery" }).fill("haiku");
  const card = page2.getByRole("listitem").filter({ has: page2.getByRole("heading", { name: "Haiku maker" }) });
  await card.waitFor();
  assert.match(await card.textContent(), /No ratings yet/);
  await card.getByRole("button", { name: "Rate" }).click();
  await card.getByLabel("4 stars").check();
  await card.getByLabel("Feedback (optional)").fill("Lovely and short.");
  await card.getByRole("button", { name: "Save rating" }).click();
  await card.getByText("Thanks — your rating is saved.").waitFor();
  await card.getByLabel("Rated 4.0 out of 5 by 1 person").waitFor();
  await shoot(page2, "gallery");
  await card.getByRole("link", { name: "Open" }).click();
  await page2.waitForURL(`${server.app}/ui/${uiId}`);
  const frame = page2.frameLocator("iframe.ui-frame");
  await frame.getByLabel("Topic").fill("foxes");
  await frame.getByRole("button", { name: "Write haiku" }).click();
  await watchText(frame.locator(".pd-markdown"), (t) => t.includes("A calm haiku about foxes please"));
  await frame.getByText("done").waitFor();
  await shoot(page2, "runner");

  // The author sees the use and the rating.
  await page.getByRole("link", { name: "Gallery", exact: true }).click();
  const own = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Haiku maker" }) });
  await own.getByLabel("Rated 4.0 out of 5 by 1 person").waitFor();
  await own.getByLabel("Used 1 times").waitFor();

  // Each user's run history holds only their own runs.
  const runIds = async (p) => {
    await p.getByTestId("run-row").first().waitFor();
    return p.locator("table.runs tbody a[href^='/runs/']").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  };
  await page2.getByRole("link", { name: "Runs", exact: true }).click();
  const visitorRuns = await runIds(page2);
  assert.equal(visitorRuns.length, 1, "the visitor made one run");
  assert.match(await page2.getByTestId("run-row").textContent(), /custom/);
  // Run list items are summaries; the model comes with them (here from the run's last task).
  assert.equal(await page2.getByTestId("run-row").locator("td[data-label=Model]").textContent(), "echo");
  await shoot(page2, "runs");
  await page2.getByTestId("run-row").getByRole("link").click();
  await page2.getByLabel("Messages").getByText("A calm haiku about foxes please").first().waitFor();

  await page.getByRole("link", { name: "Runs", exact: true }).click();
  const authorRuns = await runIds(page);
  assert.ok(authorRuns.length >= 1);
  assert.ok(!authorRuns.includes(visitorRuns[0]), "the author does not see the visitor's run");

  // The author stars a run, filters by stars, opens it and continues the conversation.
  const row = page.getByTestId("run-row").filter({ hasText: "prompt" }).first();
  await row.getByRole("button", { name: /^Star / }).click();
  await row.getByRole("button", { name: /^Star /, pressed: true }).waitFor();
  await page.getByLabel("Starred only").check();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=run-row]").length === 1);
  await page.getByTestId("run-row").getByRole("link").click();
  await page.getByRole("heading", { name: "Tasks" }).waitFor();
  await page.getByLabel("Messages").getByText("A stormy haiku about owls please").first().waitFor();
  const runUrl = page.url();
  assert.match(await page.locator("table.tasks").textContent(), /completed/);
  await page.getByLabel("Follow-up message").fill("one more about bats");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByLabel("Messages").getByText("one more about bats").first().waitFor();
  assert.equal(await page.locator("table.tasks tbody tr").count(), 2);
  await shoot(page, "run-detail");

  // The visitor cannot open the author's run.
  await page2.goto(runUrl);
  await page2.getByRole("alert").waitFor();

  // The prompt list; archive from the runs page.
  await page.goto(`${server.app}/`);
  await page.getByRole("link", { name: "Haiku helper", exact: true }).waitFor();
  await shoot(page, "home");
  assert.ok(promptId);
  assert.deepEqual(errors, []);
  await author.close();
  await visitor.close();
});

test("templates filter by difficulty, preview and become a draft; a gallery UI is remixed with credit", async () => {
  const context = await browser.newContext({ viewport: SIZES.desktop });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const session = await signUpInBrowser(page, server.app);

  await page.getByRole("link", { name: "Templates", exact: true }).click();
  const cards = page.getByRole("list", { name: "Templates" }).getByRole("listitem");
  await cards.first().waitFor();
  const all = await cards.count();
  await page.getByLabel("Difficulty").selectOption("beginner");
  await page.waitForFunction((n) => document.querySelectorAll("ul[aria-label=Templates] > li").length < n, all);
  for (const text of await cards.allTextContents()) assert.match(text, /beginner/);
  const card = cards.first();
  const name = await card.getByRole("heading").textContent();
  await card.getByRole("button", { name: "Preview code" }).click();
  await card.getByLabel(`Code of ${name}`).waitFor();
  // The live preview runs the template in the sandbox, as a draft under a private echo prompt.
  await card.getByRole("button", { name: "Live preview" }).click();
  const live = card.getByRole("region", { name: `Live preview of ${name}` });
  await live.locator("iframe.ui-frame").waitFor();
  await live.frameLocator("iframe.ui-frame").locator("#root > *").first().waitFor({ timeout: 20_000 });
  const me = apiClient(server.app, session.token);
  const previewPrompts = (await me("GET", "/api/prompts?limit=200")).items.filter((p) => p.name === "Template previews");
  assert.equal(previewPrompts.length, 1);
  assert.equal(previewPrompts[0].settings.model_id, "echo");
  await card.getByRole("button", { name: "Hide live preview" }).click();
  await card.getByRole("button", { name: "Live preview" }).click();
  await live.frameLocator("iframe.ui-frame").locator("#root > *").first().waitFor({ timeout: 20_000 });
  const drafts = await me("GET", `/api/custom-uis?scope=mine&prompt_id=${previewPrompts[0].id}`);
  assert.equal(drafts.items.length, 1, "the preview draft is reused");
  assert.equal(drafts.items[0].status, "draft");
  await shoot(page, "templates");
  await card.getByRole("button", { name: "Use template" }).click();
  await page.waitForURL(/\/uis\/[0-9a-f-]+\/edit$/);
  await page.getByRole("heading", { name, level: 1 }).waitFor();
  await page.getByText("No issues").waitFor();

  // Remix: another user's public UI becomes this user's draft, crediting the original.
  const other = apiClient(server.app, (await (await fetch(`${server.app}/api/auth/signup`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `remix${Date.now()}@example.com`, password: "correct horse battery" }),
  })).json()).token);
  const prompt = await other("POST", "/api/prompts", { name: "Shout", messages: [{ role: "user", content: "{{word}}!" }], variableDefaults: [{ name: "word", defaultValue: "hey" }], settings: { model_id: "echo" } });
  const ui = await other("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Shouter", component_type: "template", component_code: "<form><input name=\"word\"><button type=\"submit\">Go</button></form><output></output>" });
  await other("POST", `/api/custom-uis/${ui.id}/publish`);
  await page.getByRole("link", { name: "Gallery", exact: true }).click();
  const shouter = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Shouter" }) });
  await shouter.getByRole("button", { name: "Remix" }).click();
  await page.waitForURL(/\/uis\/[0-9a-f-]+\/edit$/);
  await page.getByRole("heading", { name: "Shouter (remix)", level: 1 }).waitFor();
  assert.match(await page.getByLabel("Description").inputValue(), new RegExp(`Remixed from “Shouter” \\(.*/ui/${ui.id}\\)`));
  await page.getByRole("link", { name: "Prompt: Shout (remix)" }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

/** A new user through the API; returns an API client with their token. */
async function apiUser(prefix) {
  const res = await fetch(`${server.app}/api/auth/signup`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `${prefix}${Date.now()}@example.com`, password: "correct horse battery" }),
  });
  return apiClient(server.app, (await res.json()).token);
}

test("the gallery pages through results and keeps its filters in the URL", async () => {
  const owner = await apiUser("pager");
  const prompt = await owner("POST", "/api/prompts", { name: "Pager prompt", messages: [{ role: "user", content: "{{word}}" }], variableDefaults: [{ name: "word", defaultValue: "hi" }], settings: { model_id: "echo" } });
  for (let i = 1; i <= 30; i++) {
    const ui = await owner("POST", "/api/custom-uis", { prompt_id: prompt.id, name: `Pager ${String(i).padStart(2, "0")}`, description: "A paging fixture.", component_type: "template", component_code: "<form><input name=\"word\"><button type=\"submit\">Go</button></form><output></output>" });
    await owner("POST", `/api/custom-uis/${ui.id}/publish`);
  }

  const context = await browser.newContext({ viewport: SIZES.desktop });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signUpInBrowser(page, server.app);

  // A shared link restores the search; the first page, then "Load more" with the total.
  await page.goto(`${server.app}/gallery?q=paging+fixture`);
  const search = page.getByRole("searchbox", { name: "Search the gallery" });
  const cards = page.getByRole("list", { name: "Custom UIs" }).getByRole("listitem");
  await page.getByTestId("gallery-count").getByText("Showing 24 of 30").waitFor();
  assert.equal(await search.inputValue(), "paging fixture");
  assert.equal(await cards.count(), 24);
  await page.getByRole("button", { name: "Load more" }).click();
  await page.getByTestId("gallery-count").getByText("Showing 30 of 30").waitFor();
  assert.equal(await cards.count(), 30);
  assert.equal(await page.getByRole("button", { name: "Load more" }).count(), 0);

  // Sort and kind go into the URL; a reload keeps them; Back undoes the last change.
  await page.getByLabel("Sort by").selectOption("use_count");
  await page.waitForURL((u) => u.searchParams.get("sort") === "use_count" && u.searchParams.get("q") === "paging fixture");
  await page.getByLabel("Kind").selectOption("react");
  await page.waitForURL((u) => u.searchParams.get("kind") === "react");
  await page.getByTestId("gallery-count").getByText("0 React UIs in the 24 of 30 loaded so far").waitFor();
  await page.reload();
  await page.getByTestId("gallery-count").getByText("0 React UIs in the 24 of 30 loaded so far").waitFor();
  await page.getByRole("button", { name: "Load more" }).click();
  await page.getByText("Nothing matches. Try other words or filters.").waitFor();
  assert.equal(await page.getByLabel("Kind").inputValue(), "react");
  assert.equal(await page.getByLabel("Sort by").inputValue(), "use_count");
  assert.equal(await search.inputValue(), "paging fixture");
  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has("kind") && u.searchParams.get("sort") === "use_count");
  // Kind filters the pages already loaded, so all 30 are back.
  await page.getByTestId("gallery-count").getByText("Showing 30 of 30").waitFor();
  assert.equal(await page.getByLabel("Kind").inputValue(), "all");

  // Typing a search replaces the URL's q; the Featured tab is a URL change too.
  await search.fill("Pager 07");
  await page.waitForURL((u) => u.searchParams.get("q") === "Pager 07");
  await page.getByTestId("gallery-count").getByText("Showing 1 of 1").waitFor();
  await page.getByRole("tab", { name: "Featured" }).click();
  await page.waitForURL((u) => u.searchParams.get("scope") === "featured");
  await page.getByRole("tab", { name: "Featured", selected: true }).waitFor();
  await page.goBack();
  await page.getByRole("tab", { name: "All public", selected: true }).waitFor();
  await page.getByTestId("gallery-count").getByText("Showing 1 of 1").waitFor();
  assert.equal(await search.inputValue(), "Pager 07");
  assert.deepEqual(errors, []);
  await context.close();
});

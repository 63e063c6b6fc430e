// The markdown renderer (the seed's EnhancedChatMarkdown, the SDK's Markdown) inside the sandbox
// frame, against the real server and the echo model: a React UI echoes markdown typed into it,
// the server streams it back word by word, and the tests look at what the frame shows —
// while it streams (every committed DOM state, recorded by a MutationObserver in the frame)
// and after: GFM tables, highlighting and KaTeX loaded only when needed, the copy button
// through the host's clipboard, the HTML preview's nested sandbox, the full-screen editor with
// its edit callback, and hardened links.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, signUpInBrowser, startServer } from "./harness.mjs";

const here = import.meta.dirname;
const PROBE = readFileSync(join(here, "fixtures", "markdown-probe.tsx"), "utf8");

let server;
let browser;
let context;
let page;
let api;
let uiUrl;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.app });
  page = await context.newPage();
  const session = await signUpInBrowser(page, server.app);
  api = apiClient(server.app, session.token);
  const prompt = await api("POST", "/api/prompts", {
    name: "Markdown echo",
    messages: [{ role: "user", content: "Answer in markdown." }],
    settings: { model_id: "echo", echo_delay_ms: 20 },
  });
  const ui = await api("POST", "/api/custom-uis", {
    prompt_id: prompt.id,
    name: "Markdown probe",
    component_code: PROBE,
    execution_mode: "manual",
  });
  assert.equal(ui.validated, true, JSON.stringify(ui.validation_errors));
  uiUrl = `${server.app}/ui/${ui.id}`;
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens the probe UI in `p`; returns the frame locator and the sandbox frame itself. */
async function openProbe(p = page) {
  await p.goto(uiUrl);
  const f = p.frameLocator("iframe.ui-frame");
  await f.getByRole("button", { name: "Echo it" }).waitFor();
  const frame = await (await p.locator("iframe.ui-frame").elementHandle()).contentFrame();
  return { f, frame };
}

/** Echoes `md` through the server and waits until the stream has ended. */
async function echo(f, md) {
  await f.getByLabel("Markdown to echo").fill(md);
  await f.getByRole("button", { name: "Echo it" }).click();
  await f.getByTestId("status").filter({ hasText: /^done$/ }).waitFor({ timeout: 30_000 });
}

/** Records every committed state of the answer while it changes (runs inside the frame). */
function recordSnapshots() {
  const ids = new WeakMap();
  let next = 1;
  const idOf = (el) => {
    if (!ids.has(el)) ids.set(el, next++);
    return ids.get(el);
  };
  window.__snaps = [];
  const take = () => {
    const root = document.querySelector(".pd-markdown");
    if (!root) return;
    const blocks = [...root.children].filter((el) => !el.matches("button, .pd-editor"));
    // The prose: everything but code, math and the code blocks' toolbars.
    const prose = root.cloneNode(true);
    prose.querySelectorAll("pre, code, .katex, .pd-code-bar, button").forEach((n) => n.remove());
    window.__snaps.push({
      root: idOf(root),
      streaming: root.dataset.streaming,
      blocks: blocks.map((el) => ({ id: idOf(el), tag: el.tagName.toLowerCase(), text: el.textContent })),
      prose: prose.textContent,
      pre: [...root.querySelectorAll("pre")].map((el) => ({ id: idOf(el), text: el.textContent })),
      strong: [...root.querySelectorAll("strong")].map((el) => el.textContent),
      tables: [...root.querySelectorAll("table")].map((t) => [...t.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()))),
      links: [...root.querySelectorAll("a")].map((a) => ({ text: a.textContent, href: a.getAttribute("href") })),
    });
  };
  new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}

/** The sandbox origin's requests a page makes, in order. */
function trackSandboxRequests(p) {
  const urls = [];
  p.on("request", (req) => {
    if (req.url().startsWith(server.sandbox)) urls.push(new URL(req.url()).pathname);
  });
  return urls;
}

/**
 * No flicker: the container stays, and once a block is followed by another one, it keeps its
 * element and its text until the end. `minDone`: how many blocks must have completed.
 */
function assertNoFlicker(snaps, minDone) {
  const root = snaps[0].root;
  assert.ok(snaps.every((s) => s.root === root), "the markdown container was never replaced");
  const done = new Map();
  for (const s of snaps) {
    s.blocks.forEach((b, i) => {
      const seen = done.get(i);
      if (seen) {
        assert.equal(b.id, seen.id, `block ${i} (${seen.tag} ${JSON.stringify(seen.text)}) was replaced by ${b.tag} ${JSON.stringify(b.text)}`);
        assert.equal(b.text, seen.text, `block ${i} changed after it was complete`);
      } else if (i < s.blocks.length - 1) {
        done.set(i, b);
      }
    });
    assert.ok(s.blocks.length >= done.size, "a completed block disappeared");
  }
  assert.ok(done.size >= minDone, `blocks completed while streaming: ${done.size}`);
}

/** A page in a fresh browser context (nothing cached), signed in as the main page's user. */
async function freshPage() {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(server.app);
  await p.evaluate((s) => localStorage.setItem("promptdeck.session", s), await page.evaluate(() => localStorage.getItem("promptdeck.session")));
  return p;
}

const CODE = 'const answer: number = 42;\nfunction greet(name: string) {\n  return "hi " + name;\n}';

const STREAMED = `Intro paragraph with **bold words that stream in** and a [link to the docs](https://example.com/docs) inline.

\`\`\`ts
${CODE}
\`\`\`

| Fruit | Qty | Note |
| --- | ---: | :---: |
| apples | 3 | red **and** green |
| pears | 12 | \`ripe\` |

Closing line with *emphasis* and \`inline code\` at the end.`;

test("a streamed answer never shows half-written blocks and keeps the blocks it already rendered", async () => {
  const { f, frame } = await openProbe();
  await frame.evaluate(recordSnapshots);
  await echo(f, STREAMED);
  const snaps = await frame.evaluate(() => window.__snaps);
  const streaming = snaps.filter((s) => s.streaming === "true" && s.blocks.length > 0);
  assert.ok(streaming.length >= 30, `expected many streaming states, saw ${streaming.length}`);

  for (const s of snaps) {
    const where = `in ${JSON.stringify(s.blocks.map((b) => `${b.tag}:${b.text}`))}`;
    // No raw markdown in the prose: no fences, no open bold, no table pipes, no link syntax.
    for (const raw of ["```", "**", "|", "[", "](", "streamdown"]) {
      assert.ok(!s.prose.includes(raw), `raw ${JSON.stringify(raw)} in the prose ${JSON.stringify(s.prose)} ${where}`);
    }
    // Code never leaks into paragraphs: it is only ever inside the code block.
    for (const line of ["const answer", "function greet", "return "]) assert.ok(!s.prose.includes(line), `code in the prose ${where}`);
    // Links are either complete or inert while their URL streams in.
    for (const l of s.links) assert.ok(l.href === null || l.href === "https://example.com/docs", `link ${JSON.stringify(l)}`);
    // A table is only shown with its header row complete.
    for (const t of s.tables) assert.deepEqual(t[0], ["Fruit", "Qty", "Note"], where);
  }

  // The unterminated fence rendered as a code block while the code streamed in.
  const partialCode = streaming.filter((s) => s.pre.length === 1 && s.pre[0].text.trim() && CODE.startsWith(s.pre[0].text.trimEnd()) && s.pre[0].text.trimEnd() !== CODE);
  assert.ok(partialCode.length >= 5, `the half-written code showed as a code block ${partialCode.length} times`);
  // The open bold rendered as bold while it streamed in.
  const partialBold = streaming.filter((s) => s.strong.some((t) => t !== "bold words that stream in" && "bold words that stream in".startsWith(t)));
  assert.ok(partialBold.length >= 2, "the half-written bold showed as <strong>");
  // The table grew row by row, never showing garbage (checked above).
  assert.ok(streaming.some((s) => s.tables.length === 1 && s.tables[0].length < 3), "the table showed before its last row");

  assertNoFlicker(snaps, 3);
  // The code block kept its <pre> while the highlighter arrived and the fence closed.
  const preIds = new Set(snaps.flatMap((s) => s.pre.map((p) => p.id)));
  assert.equal(preIds.size, 1, "the code block's <pre> was never replaced");

  // After the stream: the GFM table with the right cells, alignment and inline markdown.
  const table = f.locator(".pd-markdown table");
  assert.equal(await table.count(), 1);
  const cells = await table.evaluate((t) => [...t.rows].map((r) => [...r.cells].map((c) => [c.tagName, c.textContent.trim()])));
  assert.deepEqual(cells, [
    [["TH", "Fruit"], ["TH", "Qty"], ["TH", "Note"]],
    [["TD", "apples"], ["TD", "3"], ["TD", "red and green"]],
    [["TD", "pears"], ["TD", "12"], ["TD", "ripe"]],
  ]);
  assert.equal(await table.locator("tbody tr:first-child td:nth-child(3) strong").textContent(), "and");
  assert.equal(await table.locator("tbody tr:last-child td:nth-child(3) code").textContent(), "ripe");
  assert.match((await table.locator("th:nth-child(2)").getAttribute("style")) ?? (await table.locator("th:nth-child(2)").getAttribute("align")) ?? "", /right/);
});

test("lists, quotes and math stream without raw markers, also while KaTeX is still loading", async () => {
  // A fresh context, so KaTeX is fetched while the answer streams.
  const p = await freshPage();
  const { f, frame } = await openProbe(p);
  await frame.evaluate(recordSnapshots);
  await echo(
    f,
    [
      "## Steps to follow",
      "",
      "1. First **important",
      "   point** here",
      "2. Second with `code`",
      "",
      "> A quote with **bold",
      "> text** inside.",
      "",
      "Display math:",
      "",
      "$$",
      "\\int_0^1 x\\,dx = \\frac{1}{2}",
      "$$",
      "",
      "And inline $e^{i\\pi}+1=0$ done.",
    ].join("\n"),
  );
  const snaps = await frame.evaluate(() => window.__snaps);
  assert.ok(snaps.filter((s) => s.streaming === "true").length >= 20);
  for (const s of snaps) {
    for (const raw of ["**", "$", "\\", "#"]) assert.ok(!s.prose.includes(raw), `raw ${JSON.stringify(raw)} in ${JSON.stringify(s.prose)}`);
  }
  assertNoFlicker(snaps, 4);
  const md = f.locator(".pd-markdown");
  assert.equal(await md.locator("h2").textContent(), "Steps to follow");
  assert.deepEqual(await md.locator("ol > li").allTextContents(), ["First important\npoint here", "Second with code"]);
  assert.equal(await md.locator("blockquote strong").textContent(), "bold\ntext");
  assert.equal(await md.locator(".katex").count(), 2);
  assert.equal(await md.locator(".katex-error").count(), 0);
  await p.context().close();
});

test("a ts code block is highlighted; highlight.js and KaTeX load only for answers that need them", async () => {
  // A fresh context: nothing cached, every chunk the frame needs is requested.
  const p = await freshPage();
  const requests = trackSandboxRequests(p);
  const { f } = await openProbe(p);

  // No code, no math: inline code, a price in dollars, a table, bold and a link.
  await echo(f, "Plain answer with `inline code`, a price of $5 and $10, **bold**, a [link](https://example.com).\n\n| a | b |\n| - | - |\n| 1 | 2 |");
  await f.locator(".pd-markdown table").waitFor();
  await p.waitForTimeout(500);
  const plain = [...requests];
  assert.equal(await f.locator(".hljs, [class*='hljs-'], .katex").count(), 0);

  requests.length = 0;
  await echo(f, `Code:\n\n\`\`\`ts\n${CODE}\n\`\`\``);
  // The stream has ended; the answer's last render is a transition and may land a frame later.
  const keyword = f.locator(".pd-markdown pre code.hljs .hljs-keyword").first();
  await keyword.waitFor();
  assert.equal(await keyword.textContent(), "const");
  await f.locator(".pd-markdown pre code .hljs-title").first().waitFor({ timeout: 10_000 });
  assert.ok(await f.locator(".pd-markdown pre code .hljs-title").count() > 0, "the function name is highlighted");
  await f.locator(".pd-markdown pre code .hljs-string").first().waitFor({ timeout: 10_000 });
  assert.ok(await f.locator(".pd-markdown pre code .hljs-string").count() > 0, "the string is highlighted");
  // The last chunks may render a frame after the highlighted first ones: wait (bounded) for the whole block.
  const block = f.locator(".pd-markdown pre code");
  for (const until = Date.now() + 10_000; (await block.textContent()).trimEnd() !== CODE && Date.now() < until; ) await p.waitForTimeout(50);
  assert.equal((await block.textContent()).trimEnd(), CODE, "highlighting keeps the code text");
  const forCode = [...requests];
  assert.ok(forCode.some((u) => u.endsWith(".js")), `the highlighter was loaded for code: ${JSON.stringify(forCode)}`);

  requests.length = 0;
  await echo(f, "Euler: $e^{i\\pi}+1=0$\n\n$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$");
  await f.locator(".pd-markdown .katex").first().waitFor();
  await p.waitForTimeout(300);
  const forMath = [...requests];
  assert.ok(forMath.some((u) => u.endsWith(".js")) && forMath.some((u) => u.endsWith(".css")), `KaTeX was loaded for math: ${JSON.stringify(forMath)}`);

  // What code and math needed was not requested for the plain answer.
  for (const u of [...forCode, ...forMath]) assert.ok(!plain.includes(u), `${u} was loaded for the plain answer too`);
  await p.context().close();
});

test("KaTeX renders inline and display math", async () => {
  const { f } = await openProbe();
  await echo(f, "Euler's identity $e^{i\\pi}+1=0$ is neat.\n\n$$\n\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}\n$$\n\nAfter the math.");
  const md = f.locator(".pd-markdown");
  await md.locator(".katex-display .katex").waitFor();
  assert.equal(await md.locator(".katex").count(), 2);
  assert.equal(await md.locator("p .katex").count(), 1, "the inline formula stays inline");
  assert.equal(await md.locator(".katex-display").count(), 1);
  // KaTeX's MathML carries the source; the HTML rendering is there for the eye.
  assert.match(await md.locator("p .katex annotation").textContent(), /e\^\{i\\pi\}\+1=0/);
  assert.ok(await md.locator(".katex-display .katex-html .mfrac").count() >= 1, "the fraction is laid out");
  assert.equal(await md.locator(".katex-error").count(), 0);
  // KaTeX's stylesheet applies (its fonts and layout), so the math is not raw text.
  assert.equal(await md.locator(".katex-mathml").first().evaluate((el) => getComputedStyle(el).position), "absolute");
  assert.ok(!(await md.textContent()).includes("$"), "no raw dollar signs are left");
});

test("the copy button copies a code block through the host's clipboard", async () => {
  const { f } = await openProbe();
  await echo(f, `Copy this:\n\n\`\`\`ts\n${CODE}\n\`\`\`\n\nand this:\n\n\`\`\`\nplain text block\n\`\`\``);
  await page.evaluate(() => navigator.clipboard.writeText("before"));
  const buttons = f.getByRole("button", { name: "Copy code" });
  assert.equal(await buttons.count(), 2);
  await buttons.first().click();
  await f.locator(".pd-code").first().getByText("Copied").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), CODE, "the host's clipboard has the code, without the toolbar text");
  await buttons.nth(1).click();
  await f.locator(".pd-code").nth(1).getByText("Copied").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "plain text block");
  // The state goes back to "Copy".
  await f.locator(".pd-code").first().getByText("Copy", { exact: true }).waitFor();
});

test("an html block previews in a nested sandbox where its scripts cannot run or reach the frame", async () => {
  const { f, frame } = await openProbe();
  const html = [
    '<h1 id="hello">Hello preview</h1>',
    "<p>Static <b>content</b></p>",
    "<script>document.body.setAttribute('data-ran', '1'); parent.document.body.setAttribute('data-pwned', '1');</script>",
    '<img src="data:," onerror="parent.document.body.setAttribute(\'data-pwned\', \'2\')">',
  ].join("\n");
  await echo(f, `Here is a page:\n\n\`\`\`html\n${html}\n\`\`\``);
  const code = f.locator(".pd-code");
  assert.equal((await code.locator("pre code").textContent()).trimEnd(), html, "the code shows first");
  await code.getByRole("button", { name: "Preview" }).click();
  const iframe = code.locator("iframe");
  await iframe.waitFor();
  const sandbox = await iframe.getAttribute("sandbox");
  assert.notEqual(sandbox, null, "the preview is sandboxed");
  const tokens = sandbox.split(/\s+/).filter(Boolean);
  assert.ok(!tokens.includes("allow-same-origin"), `sandbox="${sandbox}"`);
  assert.ok(!tokens.includes("allow-scripts"), `sandbox="${sandbox}"`);
  assert.ok(!tokens.includes("allow-top-navigation") && !tokens.includes("allow-popups"), `sandbox="${sandbox}"`);

  // The preview shows the HTML…
  const preview = f.frameLocator(".pd-code iframe");
  await preview.locator("#hello").waitFor();
  assert.equal(await preview.locator("#hello").textContent(), "Hello preview");
  assert.equal(await preview.locator("b").textContent(), "content");
  // …but its script and its inline handler never ran, so the frame is untouched.
  await page.waitForTimeout(300);
  assert.equal(await preview.locator("body").getAttribute("data-ran"), null, "the preview's script did not run");
  assert.equal(await frame.evaluate(() => document.body.getAttribute("data-pwned")), null, "the preview did not reach the frame");
  // The preview's document has an opaque origin of its own.
  const previewFrame = frame.childFrames()[0];
  assert.ok(previewFrame, "the preview is a child frame of the UI's frame");
  assert.equal(await previewFrame.evaluate(() => origin), "null");
  // Back to the code.
  await code.getByRole("button", { name: "Code", exact: true }).click();
  await code.locator("pre code").waitFor();
  assert.equal(await code.locator("iframe").count(), 0);
});

test("the full-screen editor saves through onContentChange and the answer re-renders", async () => {
  const { f } = await openProbe();
  await echo(f, "Original answer with **bold**.");
  const md = f.locator(".pd-markdown");
  await md.getByRole("button", { name: "Edit" }).click();
  const dialog = f.getByRole("dialog", { name: "Edit answer" });
  await dialog.waitFor();
  const source = dialog.getByLabel("Markdown source");
  assert.equal(await source.inputValue(), "Original answer with **bold**.");

  // Cancel leaves everything as it was and calls nothing.
  await source.fill("Thrown away");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.equal(await f.getByRole("dialog").count(), 0);
  assert.equal(await f.getByTestId("edited").count(), 0, "cancel does not call onContentChange");
  assert.equal((await md.textContent()).includes("Original answer with bold."), true);

  // Save calls onContentChange with the new text; the markdown renders it.
  await md.getByRole("button", { name: "Edit" }).click();
  const next = "# Edited title\n\nNew *content* with a table:\n\n| x | y |\n| - | - |\n| 1 | 2 |";
  await dialog.getByLabel("Markdown source").fill(next);
  // The editor previews the draft as it is typed.
  await dialog.locator("h1", { hasText: "Edited title" }).waitFor();
  await dialog.getByRole("button", { name: "Save" }).click();
  assert.equal(await f.getByRole("dialog").count(), 0);
  assert.equal(await f.getByTestId("edited").textContent(), next);
  assert.equal(await f.getByTestId("edit-count").textContent(), "1");
  await md.locator("h1", { hasText: "Edited title" }).waitFor();
  assert.equal(await md.locator("em").textContent(), "content");
  assert.equal(await md.locator("table td").count(), 2);
  assert.ok(!(await md.textContent()).includes("Original answer"));
  // Editing again starts from the edited text.
  await md.getByRole("button", { name: "Edit" }).click();
  assert.equal(await f.getByRole("dialog").getByLabel("Markdown source").inputValue(), next);
  await f.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
});

test("links are hardened: script and data URLs are inert, web links open only through the host after the user confirms", async () => {
  const { f, frame } = await openProbe();
  const target = `${server.app}/prompts`;
  await echo(
    f,
    [
      "A [script link](javascript:alert(document.domain)) and <javascript:alert(2)> and",
      "[a data link](data:text/html,<script>alert(3)</script>) and [a relative link](/api/prompts)",
      `and [a web link](${target}) and https://example.org/auto too.`,
    ].join("\n"),
  );
  const md = f.locator(".pd-markdown");
  const anchors = await md.locator("a").evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute("href"), target: a.getAttribute("target"), rel: a.getAttribute("rel") })));
  // No link with a script, data or relative URL is live.
  for (const a of anchors) {
    if (a.href !== null) assert.match(a.href, /^https?:\/\//, `live link ${JSON.stringify(a)}`);
  }
  for (const text of ["script link", "javascript:alert(2)", "a data link", "a relative link"]) {
    assert.ok((await md.textContent()).includes(text), `${text} is still shown as text`);
    assert.equal(await md.locator("a[href]", { hasText: text }).count(), 0, `${text} is not a live link`);
  }
  // Web links open in a new browsing context without an opener or a referrer.
  const live = anchors.filter((a) => a.href !== null);
  assert.deepEqual(live.map((a) => a.href), [target, "https://example.org/auto"]);
  for (const a of live) {
    assert.equal(a.target, "_blank");
    const rel = a.rel.split(/\s+/);
    assert.ok(rel.includes("noopener") && rel.includes("noreferrer"), `rel="${a.rel}"`);
  }

  // Clicking the inert script link does nothing: no dialog, no navigation.
  const dialogs = [];
  const onDialog = (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  };
  page.on("dialog", onDialog);
  const frameUrl = frame.url();
  await md.getByText("script link").click();
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
  assert.equal(frame.url(), frameUrl);

  // Clicking a web link asks the host, which asks the user; dismissed, nothing opens.
  const popups = [];
  context.on("page", (p) => popups.push(p));
  await md.locator("a[href]", { hasText: "a web link" }).click();
  await waitFor(() => dialogs.length === 1);
  assert.match(dialogs[0], new RegExp(target.replace(/[.]/g, "\\.")));
  await page.waitForTimeout(300);
  assert.equal(popups.length, 0, "a dismissed link does not open");
  assert.equal(frame.url(), frameUrl, "the frame did not navigate away");
  page.off("dialog", onDialog);

  // Accepted, it opens in a new tab.
  page.once("dialog", (d) => void d.accept());
  const popup = context.waitForEvent("page");
  await md.locator("a[href]", { hasText: "a web link" }).click();
  const opened = await popup;
  await opened.waitForLoadState("domcontentloaded");
  assert.equal(opened.url(), target);
  assert.equal(await opened.evaluate(() => window.opener), null, "no opener");
  await opened.close();
  assert.equal(frame.url(), frameUrl);
});

async function waitFor(cond, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

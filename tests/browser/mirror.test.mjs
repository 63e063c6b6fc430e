// The frame's mirror of a React UI that runs in its worker: controlled inputs keep the caret and
// IME compositions, form controls and focus work, markup the allow-list refuses never shows, and
// the seed's Pattern 1 (the prompt-runner modal, verbatim) streams its answer.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, seedPattern1, signUpInBrowser, startServer, watchText } from "./harness.mjs";

let server;
let browser;
let page;
let api;
let prompt;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage();
  const session = await signUpInBrowser(page, server.app);
  api = apiClient(server.app, session.token);
  prompt = await api("POST", "/api/prompts", {
    name: "Mirror",
    messages: [{ role: "user", content: "Analyse {{topic}} in a {{style}} way please" }],
    variableDefaults: [{ name: "topic", defaultValue: "x" }, { name: "style", defaultValue: "y" }],
    settings: { model_id: "echo", echo_delay_ms: 30 },
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(code) {
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Mirror", component_code: code, execution_mode: "manual" });
  assert.equal(ui.validated, true, JSON.stringify(ui.validation_errors));
  await page.goto(`${server.app}/ui/${ui.id}`);
  return page.frameLocator("iframe.ui-frame");
}

const FORM = `
import { useState } from "react";
export default function Form() {
  const [name, setName] = useState("");
  const [pick, setPick] = useState("b");
  const [many, setMany] = useState(["a"]);
  const [on, setOn] = useState(false);
  const [size, setSize] = useState("m");
  return (
    <form onSubmit={(e) => { e.preventDefault(); }}>
      <input aria-label="Shout" value={name} onChange={(e) => setName(e.target.value.toUpperCase())} autoFocus />
      <p data-testid="shout">{name}</p>
      <select aria-label="Pick" value={pick} onChange={(e) => setPick(e.target.value)}>
        <option value="a">A</option><option value="b">B</option><option value="c">C</option>
      </select>
      <select aria-label="Many" multiple value={many} onChange={(e) => setMany([...e.target.options].filter((o) => o.selected).map((o) => o.value))}>
        <option value="a">A</option><option value="b">B</option>
      </select>
      <label><input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} /> On</label>
      {["s", "m", "l"].map((s) => <label key={s}><input type="radio" name="size" value={s} checked={size === s} onChange={() => setSize(s)} /> {s}</label>)}
      <p data-testid="state">{pick} {many.join("+")} {String(on)} {size}</p>
      <div style={{ color: "rgb(1, 2, 3)", marginTop: 4 }} data-testid="styled">styled</div>
      <div data-testid="html" dangerouslySetInnerHTML={{ __html: "<b>bold</b><img src=x onerror=alert(1)><script>alert(2)</script>" }} />
    </form>
  );
}`;

test("a controlled input that changes what is typed keeps the caret, and IME compositions are not broken", async () => {
  const f = await open(FORM);
  const input = f.getByLabel("Shout");
  await input.waitFor();
  // autoFocus reached the frame.
  await f.locator("input[aria-label=Shout]:focus").waitFor();
  await input.pressSequentially("abcdef");
  await f.getByTestId("shout").filter({ hasText: /^ABCDEF$/ }).waitFor();
  for (let i = 0; i < 3; i++) await input.press("ArrowLeft");
  await input.pressSequentially("xyz");
  await f.getByTestId("shout").filter({ hasText: /^ABCXYZDEF$/ }).waitFor();
  assert.equal(await input.inputValue(), "ABCXYZDEF");
  assert.equal(await input.evaluate((e) => e.selectionStart), 6, "the caret stayed after what was typed");

  // An IME composition: the text being composed is not replaced while it is composed.
  await input.evaluate((e) => e.setSelectionRange(e.value.length, e.value.length));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.imeSetComposition", { text: "k", selectionStart: 1, selectionEnd: 1 });
  await cdp.send("Input.imeSetComposition", { text: "ka", selectionStart: 2, selectionEnd: 2 });
  await page.waitForTimeout(150);
  assert.equal(await input.inputValue(), "ABCXYZDEFka", "the composition is left alone");
  await cdp.send("Input.insertText", { text: "か" });
  await f.getByTestId("shout").filter({ hasText: /^ABCXYZDEFか$/ }).waitFor();
  assert.equal(await input.inputValue(), "ABCXYZDEFか");
});

test("selects, checkboxes and radios drive the component's state; styles apply; refused markup never shows", async () => {
  const f = await open(FORM);
  await f.getByLabel("Pick").selectOption("c");
  await f.getByLabel("Many").selectOption(["a", "b"]);
  await f.getByLabel("On").check();
  await f.getByLabel("l", { exact: true }).check();
  await f.getByTestId("state").filter({ hasText: "c a+b true l" }).waitFor();
  assert.equal(await f.getByTestId("styled").evaluate((e) => getComputedStyle(e).color), "rgb(1, 2, 3)");
  const html = f.getByTestId("html");
  assert.equal(await html.locator("b").textContent(), "bold");
  assert.equal(await html.locator("img[src], img[onerror], script").count(), 0);
});

test("the seed's Pattern 1 opens its modal and streams the answer in it", async () => {
  const f = await open(seedPattern1());
  await f.getByRole("button", { name: "Quick Analysis" }).click();
  const dialog = f.getByRole("dialog", { name: "Custom Analysis" });
  await dialog.waitFor({ state: "attached" });
  const expected = "Analyse AI in a technical way please";
  await watchText(dialog.locator(".pd-markdown"), (t) => t.trim() === expected);
});

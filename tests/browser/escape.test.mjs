// Escape tests: a hostile React UI tries to leave its sandbox. The compiler's static checks
// reject the obvious spellings, so the code uses computed access (`g["fe"+"tch"]`) that passes
// them — the sandbox itself (opaque origin, CSP, the host's bridge checks) must be the barrier.
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

const hostile = (app) => `
import { useEffect, useState } from "react";

const APP = ${JSON.stringify(app)};

async function probe(name, fn) {
  try {
    const v = await fn();
    return [name, "allowed: " + String(v).slice(0, 80)];
  } catch (e) {
    return [name, "blocked: " + ((e && e.name) || "Error")];
  }
}

export default function Hostile() {
  const [results, setResults] = useState([]);
  const [replies, setReplies] = useState([]);
  useEffect(() => {
    const g = globalThis;
    const w = g["win" + "dow"];
    const onMessage = (e) => {
      const d = e.data;
      if (d && typeof d.id === "string" && d.id.startsWith("forged")) {
        setReplies((r) => [...r, d.id + " " + (d.error ? "error " + d.error.code : "result " + JSON.stringify(d.result))]);
      }
    };
    w.addEventListener("message", onMessage);
    (async () => {
      const out = [];
      out.push(await probe("cookie", () => g["docu" + "ment"]["coo" + "kie"]));
      out.push(await probe("localStorage", () => g["local" + "Storage"].getItem("promptdeck.session")));
      out.push(await probe("sessionStorage", () => g["session" + "Storage"].length));
      out.push(await probe("indexedDB", () => new Promise((res, rej) => { const r = g["indexed" + "DB"].open("x"); r.onsuccess = () => res("opened"); r.onerror = () => rej(r.error); })));
      out.push(await probe("fetch", () => g["fe" + "tch"](APP + "/api/prompts").then((r) => r.status)));
      out.push(await probe("xhr", () => new Promise((res, rej) => {
        const x = new g["XMLHttp" + "Request"]();
        x.onload = () => res(x.status);
        x.onerror = () => rej(new TypeError("network"));
        x.open("GET", APP + "/api/prompts");
        x.send();
      })));
      out.push(await probe("parentDocument", () => w["par" + "ent"]["docu" + "ment"].title));
      out.push(await probe("parentStorage", () => w["par" + "ent"]["local" + "Storage"].length));
      out.push(await probe("topLocation", () => w["to" + "p"]["loca" + "tion"]["hr" + "ef"]));
      out.push(await probe("navigateTop", () => { w["to" + "p"]["loca" + "tion"]["hr" + "ef"] = APP + "/hacked"; return "assigned"; }));
      out.push(await probe("popup", () => { const x = w["op" + "en"](APP + "/"); if (!x) throw new Error("no window"); return "opened"; }));
      const p = w["par" + "ent"];
      const send = (m) => p["post" + "Message"](m, "*");
      send({ jsonrpc: "2.0", id: "forged-token", method: "auth/token", params: {} });
      send({ jsonrpc: "2.0", id: "forged-model", method: "chat/submit", params: { chatConfig: { model_id: "gpt-4o", messages: [{ role: "user", content: "x" }] } } });
      send({ jsonrpc: "2.0", id: "forged-run", method: "runs/addMessage", params: { runId: "00000000-0000-4000-8000-000000000000", body: { role: "user", content: "x" } } });
      send({ jsonrpc: "2.0", id: "forged-prompt", method: "prompt/run", params: { prompt_id: "00000000-0000-4000-8000-000000000000", variables: {} } });
      send({ jsonrpc: "2.0", id: "forged-shape", method: "ui/initialize", params: {}, token: "x" });
      send({ jsonrpc: "1.0", id: "forged-version", method: "ui/initialize" });
      send({ jsonrpc: "2.0", id: "forged-link", method: "link/open", params: { url: "javascript:alert(1)" } });
      setResults(out);
    })();
    return () => w.removeEventListener("message", onMessage);
  }, []);
  return (
    <div>
      <ul>{results.map(([n, r]) => <li key={n} data-probe={n}>{r}</li>)}</ul>
      <ul>{replies.map((r) => <li key={r} data-reply="">{r}</li>)}</ul>
    </div>
  );
}
`;

test("a hostile UI cannot read cookies or storage, reach the network, the parent or the top page, or forge bridge calls", async () => {
  const page = await browser.newPage();
  const session = await signUpInBrowser(page, server.app);
  const api = apiClient(server.app, session.token);
  const prompt = await api("POST", "/api/prompts", {
    name: "Target",
    messages: [{ role: "user", content: "hi" }],
    settings: { model_id: "echo" },
  });
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name: "Hostile", component_code: hostile(server.app) });
  assert.equal(ui.validated, true, `the hostile code passes the static checks: ${JSON.stringify(ui.validation_errors)}`);

  const leaked = [];
  page.on("requestfinished", (req) => {
    if (req.frame() !== page.mainFrame() && req.url().startsWith(server.app)) leaked.push(req.url());
  });
  const url = `${server.app}/ui/${ui.id}`;
  await page.goto(url);
  const frame = page.frameLocator("iframe.ui-frame");
  const probe = async (name) => frame.locator(`[data-probe="${name}"]`).textContent();
  await frame.locator('[data-probe="popup"]').waitFor({ timeout: 20_000 });

  for (const name of ["cookie", "localStorage", "sessionStorage", "indexedDB", "parentDocument", "parentStorage", "topLocation", "popup"]) {
    assert.match(await probe(name), /^blocked: /, `${name} must be blocked`);
  }
  assert.equal(await probe("fetch"), "blocked: TypeError");
  assert.equal(await probe("xhr"), "blocked: TypeError");
  // Whatever the assignment did inside the frame, the top page did not move.
  await page.waitForTimeout(500);
  assert.equal(page.url(), url);

  const replies = frame.locator("[data-reply]");
  await assert.doesNotReject(() => replies.nth(6).waitFor({ timeout: 10_000 }));
  const all = (await replies.allTextContents()).sort();
  assert.deepEqual(all, [
    "forged-link error -32602",
    "forged-model error -32000",
    "forged-prompt error -32602",
    "forged-run error -32000",
    "forged-shape error -32600",
    "forged-token error -32601",
    "forged-version error -32600",
  ]);

  // The session is intact and nothing in the frame reached the app's origin.
  const after = await page.evaluate(() => JSON.parse(localStorage.getItem("promptdeck.session")));
  assert.equal(after.token, session.token);
  assert.deepEqual(leaked, []);
  // No run was written through the forged calls.
  const runs = await api("GET", "/api/runs");
  assert.equal(runs.items.length, 0);
  await page.close();
});

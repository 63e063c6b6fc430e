// The sandbox frame's runtime: connects the bridge to the host, asks for this UI
// (`ui/initialize`), applies the theme and starts it. A React component never runs here: it runs
// in a worker inside this frame (no network, no navigation, no DOM) and its tree is mirrored
// into the frame by frame/ (only allow-listed elements and attributes). Template and
// JSON-Schema UIs, which contain no author code, render here. Reports the height to the host.
import "../shared/markdown/markdown.css";
import "./sandbox.css";
import { FrameMethods, type InitResult } from "../shared/protocol";
import { connectBridge, notify, request } from "./bridge";
import { installDisplayMode } from "./displayMode";
import { installFormSubmission } from "./forms";
import { bootWorker, startWorker, type WorkerHost } from "./frame/workerHost";

function applyTheme(theme: Record<string, string>) {
  for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
}

function reportHeight() {
  let last = -1;
  const send = () => {
    const h = Math.ceil(document.documentElement.scrollHeight);
    if (h !== last) {
      last = h;
      notify(FrameMethods.resize, { height: h });
    }
  };
  new ResizeObserver(send).observe(document.body);
  send();
}

function showFailure(root: HTMLElement, what: string, message: string) {
  const box = document.createElement("div");
  box.setAttribute("role", "alert");
  box.className = "pd-error";
  const strong = document.createElement("strong");
  strong.textContent = what;
  box.append(strong, " ", message);
  root.replaceChildren(box);
}

async function start() {
  const toHost = (m: object) => window.parent.postMessage(m, "*");
  const receive = connectBridge(toHost);
  let worker: WorkerHost | null = null;
  window.addEventListener("message", (event: MessageEvent) => {
    if (event.source !== window.parent || window.parent === window) return;
    if (worker?.fromHost(event.data)) return;
    receive(event.data);
  });
  installFormSubmission();
  installDisplayMode();
  const root = document.getElementById("root") as HTMLElement;
  const booting = bootWorker();
  try {
    const init = await request<InitResult>(FrameMethods.initialize, {});
    applyTheme(init.theme);
    document.documentElement.dataset.componentType = init.ui.componentType;
    if (init.module.kind === "react") {
      const mirrorRoot = document.createElement("div");
      mirrorRoot.className = "pd-component";
      root.replaceChildren(mirrorRoot);
      worker = startWorker(booting, init, mirrorRoot, toHost, (error) => {
        if (error === null) document.documentElement.dataset.ready = "true";
        else showFailure(root, document.documentElement.dataset.ready ? "This custom UI failed:" : "This custom UI could not start:", error);
      });
    } else {
      booting.terminate();
      const { renderInline } = await import("./inline");
      renderInline(init, root);
      document.documentElement.dataset.ready = "true";
    }
  } catch (err) {
    if (!worker) booting.terminate();
    showFailure(root, "This custom UI could not start:", err instanceof Error ? err.message : String(err));
  }
  reportHeight();
}

void start();

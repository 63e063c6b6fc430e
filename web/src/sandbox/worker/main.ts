// The component's worker: the only place a React custom UI's code runs. In order: the network
// globals are removed (neuter.ts), remote-dom's DOM polyfill and the additions React needs are
// installed (dom.ts), the module registry is set up, the bridge is connected through the frame,
// and on `init` the component's module is imported from the sandbox origin and rendered into a
// remote root whose changes the frame mirrors.
import { notRemoved } from "./setup";
import { hooks } from "@remote-dom/core/polyfill";
import { RemoteRootElement, remoteId } from "@remote-dom/core/elements";
import { Component, createElement, type ComponentType, type ErrorInfo, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import type { InitResult, JsonObject } from "../../shared/protocol";
import { connectBridge } from "../bridge";
import { setContext } from "../context";
import { install } from "../registry";
import type { ToWorker } from "../wire";
import { connection, send } from "./connection";
import { replay } from "./events";

customElements.define("remote-root", RemoteRootElement);

const remoteRoot = document.createElement("remote-root") as RemoteRootElement;
remoteRoot.connect(connection);

// The mirrored elements by the ids the frame knows them by, for the frame's events.
const elements = new Map<string, Element>();
const walk = (node: Node, fn: (n: Node) => void) => {
  fn(node);
  const children = node.childNodes;
  if (children) for (let i = 0; i < children.length; i++) walk(children[i] as Node, fn);
};
const insertChild = hooks.insertChild;
hooks.insertChild = (parent, node, index) => {
  insertChild?.(parent, node, index);
  if (parent.isConnected) walk(node, (n) => n.nodeType === 1 && elements.set(remoteId(n), n as Element));
};
const removeChild = hooks.removeChild;
hooks.removeChild = (parent, node, index) => {
  removeChild?.(parent, node, index);
  walk(node, (n) => n.nodeType === 1 && elements.delete(remoteId(n)));
};

function lookup(id: string): Element | null {
  return elements.get(id) ?? null;
}

class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("promptdeck: the custom UI failed:", error, info.componentStack);
  }
  override render() {
    if (this.state.error) {
      return createElement("div", { role: "alert", className: "pd-error" }, createElement("strong", null, "This custom UI failed:"), " ", this.state.error.message);
    }
    return this.props.children;
  }
}

async function start(init: InitResult): Promise<void> {
  if (notRemoved.length > 0) throw new Error(`the runtime could not remove ${notRemoved.join(", ")}`);
  setContext(init);
  install();
  if (init.module.kind !== "react") throw new Error("only React UIs run in a worker");
  const mod = (await import(/* @vite-ignore */ init.module.url)) as { default?: unknown };
  if (typeof mod.default !== "function" && typeof mod.default !== "object") throw new Error("the module has no default export");
  const Ui = mod.default as ComponentType<Record<string, unknown>>;
  const props: Record<string, unknown> = { ...init.props, promptData: init.prompt, variables: init.variables };
  document.body.append(remoteRoot);
  createRoot(remoteRoot as unknown as HTMLElement).render(createElement(ErrorBoundary, null, createElement(Ui, props)));
  send({ t: "started" });
}

const receive = connectBridge((message) => send({ t: "rpc", message }));

// The worker's `window.parent` (and `top`) stands for the host, as the frame's did: a message
// posted to it reaches the host through the frame's relay (which the host checks like any), and
// the host's messages arrive as `message` events on `window`. Nothing else of the host is there.
const host = Object.freeze({
  postMessage(message: unknown) {
    send({ t: "rpc", message: JSON.parse(JSON.stringify(message ?? null)) as JsonObject });
  },
});
for (const name of ["parent", "top"]) Object.defineProperty(window, name, { value: host, configurable: false, writable: false });

function toWindow(data: unknown): void {
  const event = new Event("message");
  Object.defineProperty(event, "data", { value: data });
  Object.defineProperty(event, "source", { value: host });
  window.dispatchEvent(event);
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.t === "init") {
    start(m.init).catch((err: unknown) => send({ t: "failed", message: err instanceof Error ? err.message : String(err) }));
  } else if (m.t === "rpc") {
    receive(m.message);
    toWindow(m.message);
  }
  else if (m.t === "event") replay(lookup, m.seq, m.target, m.type, m.detail);
};


// Starts the component's worker and connects it to the frame: the worker script is loaded from
// the sandbox origin into a classic worker started from a blob (a frame with an opaque origin
// cannot start a worker from a URL; a blob worker keeps the frame's Content-Security-Policy:
// no connections, scripts only from the sandbox origin). The worker's messages are checked here:
// bridge requests are relayed (relay.ts), tree changes mirrored (mirror.ts), element method
// calls allowed by name (policy.ts); the frame's events go back (events.ts).
import { isObject, type InitResult, type JsonObject } from "../../shared/protocol";
import { CONTENT_CHANGE_EVENT, type FromWorker, type ToWorker } from "../wire";
import { EventForwarder } from "./events";
import { Mirror } from "./mirror";
import { METHODS } from "./policy";
import { toHost, toWorker } from "./relay";
import workerUrl from "../worker/main.ts?worker&url";

type MarkdownModule = typeof import("./markdownHost");
let markdownModule: Promise<MarkdownModule> | null = null;

/** The frame's end of a running component worker. */
export interface WorkerHost {
  /** Passes a host message on to the worker when it is for it; true when it was only the worker's. */
  fromHost(data: unknown): boolean;
}

/** What the document's early script (vite.config.ts `earlyWorker`) leaves for the runtime. */
interface EarlyWorker {
  __pdWorker?: Worker;
  __pdWorkerError?: string;
}

/**
 * Starts the component worker, which loads its script (React, the SDK) while the frame asks the
 * host for the UI; a frame whose UI is not a React one terminates it. The built document starts
 * it from its head already (before this script has loaded): that one is taken over.
 */
export function bootWorker(): Worker {
  const early = window as unknown as EarlyWorker;
  const started = early.__pdWorker;
  if (started) {
    delete early.__pdWorker;
    if (early.__pdWorkerError) bootFailures.set(started, early.__pdWorkerError);
    started.onerror = (e) => bootFailures.set(started, e.message || "the component's worker failed to start");
    return started;
  }
  const script = new URL(workerUrl, location.href).href;
  const boot = new Blob([`importScripts(${JSON.stringify(script)});`], { type: "text/javascript" });
  const worker = new Worker(URL.createObjectURL(boot), { name: "promptdeck-component" });
  worker.onerror = (e) => bootFailures.set(worker, e.message || "the component's worker failed to start");
  return worker;
}

const bootFailures = new WeakMap<Worker, string>();

/** Runs `init`'s component in `worker`, mirrored into `root`; `post` sends to the host. */
export function startWorker(worker: Worker, init: InitResult, root: HTMLElement, post: (m: JsonObject) => void, onStarted: (error: string | null) => void): WorkerHost {
  const send = (m: ToWorker) => worker.postMessage(m);

  const markdown = (el: HTMLElement, attrs: Record<string, string> | null) => {
    markdownModule ??= import("./markdownHost");
    void markdownModule.then((m) => {
      if (attrs === null) m.unmountMarkdown(el);
      else if (el.isConnected) {
        m.renderMarkdown(el, attrs, (content) => {
          const id = mirror.idOf(el);
          if (id) forwarder.sendCustom(id, CONTENT_CHANGE_EVENT, { content });
        });
      }
    });
  };
  const mirror: Mirror = new Mirror(root, { markdown, property: (el, name, value) => forwarder.property(el, name, value) });
  const forwarder = new EventForwarder(mirror, (seq, target, type, detail) => send({ t: "event", seq, target, type, detail }));

  worker.onmessage = (e: MessageEvent) => {
    const m = e.data as FromWorker;
    if (!isObject(m)) return;
    switch (m.t) {
      case "rpc": {
        const out = toHost(m.message);
        if (out) post(out);
        return;
      }
      case "mutate":
        // The acknowledgement first: these changes answer the events up to it.
        if (typeof m.ack === "number") forwarder.ack(m.ack);
        if (Array.isArray(m.records)) mirror.apply(m.records);
        return;
      case "call": {
        const el = typeof m.target === "string" ? mirror.element(m.target) : null;
        if (!el || typeof m.method !== "string" || !METHODS.has(m.method) || !Array.isArray(m.args)) return;
        const args = m.args.filter((a) => typeof a === "number" || typeof a === "boolean" || (isObject(a) && Object.values(a).every((v) => typeof v === "string")));
        (el as unknown as Record<string, (...a: unknown[]) => void>)[m.method]?.(...args);
        return;
      }
      case "started":
        onStarted(null);
        return;
      case "failed":
        onStarted(typeof m.message === "string" ? m.message.slice(0, 500) : "the component failed");
        return;
    }
  };
  worker.onerror = (e) => onStarted(e.message || "the component's worker failed to start");
  const failed = bootFailures.get(worker);
  if (failed) onStarted(failed);
  send({ t: "init", init, base: location.href });

  return {
    fromHost(data) {
      const forWorker = toWorker(data);
      if (forWorker !== null) send({ t: "rpc", message: forWorker });
      return forWorker !== null && !(isObject(data) && typeof data.method === "string");
    },
  };
}

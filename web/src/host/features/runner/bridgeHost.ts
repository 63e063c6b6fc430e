// The host's side of the bridge: answers one frame's JSON-RPC requests with the capabilities
// DESIGN.md lists and nothing else. Every message is checked: its source must be this frame's
// window, its shape JSON-RPC 2.0 with JSON params, its method known and its params valid.
import {
  checkChatSubmit,
  checkCopy,
  checkDisplayMode,
  checkOpenLink,
  checkResize,
  checkRun,
  checkRunChild,
  checkRunCreate,
  checkStateSet,
  checkTaskRef,
  ErrorCodes,
  FrameMethods,
  HostNotifications,
  isJson,
  MAX_MESSAGE_CHARS,
  parseFrameMessage,
  STATE_QUOTA_CHARS,
  type DisplayMode,
  type InitResult,
  type Json,
  type JsonObject,
  type RpcError,
} from "../../../shared/protocol";
import { cancelTask, Services, submitTask, TaskError, Tasks, type TaskEvent } from "../../lib/socket";
import { addToRun, createRun, saveState } from "./api/runner";
import { FrameRelay } from "./frameRelay";

export interface BridgeOptions {
  frame: HTMLIFrameElement;
  /**
   * What the frame starts from. The frame may be loaded before it has arrived (its runtime and
   * worker boot while the host fetches the UI): its `initialize`, and any request before it, is
   * answered once it has.
   */
  init: InitResult | Promise<InitResult>;
  userId: string;
  onResize: (height: number) => void;
  onRun: (run: { taskId: string; runId: string }) => void;
  confirmLink: (url: string) => Promise<boolean>;
  /** Decides a display-mode request (null: a mode the host does not know); returns the mode granted. */
  requestDisplayMode?: (mode: DisplayMode | null) => DisplayMode;
  /** A second document in the frame asked to initialise (the frame navigated): the host stops it. */
  onNewDocument?: () => void;
  /** Reports refused messages (for the runner's diagnostics). */
  onRefused?: (reason: string) => void;
  /**
   * A still frame (a gallery thumbnail): the UI is shown and sized, but every request that would
   * act — run a task, write a run or the viewer's state, open a link, copy, change display mode —
   * is refused, so looking at a gallery never spends a budget or changes anything.
   */
  still?: boolean;
}

class Refusal extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

function valid<T>(v: T | string): T {
  if (typeof v === "string") throw new Refusal(ErrorCodes.invalidParams, v);
  return v;
}

export class BridgeHost {
  private readonly o: BridgeOptions;
  private readonly tasks = new Set<string>();
  private readonly runs = new Set<string>();
  /** Tasks registered with `createTask` before their submit (the seed's order), by task id. */
  private readonly registered = new Map<string, { runId: string; body: JsonObject }>();
  private readonly init: Promise<InitResult>;
  private state: JsonObject = {};
  /** The frame's document asked for its init; the runtime asks once per document. */
  private initialized = false;
  private readonly listener = (e: MessageEvent) => this.receive(e);
  /** Everything sent to the frame goes through it, so that stopping settles what is open. */
  private readonly relay: FrameRelay;

  constructor(options: BridgeOptions) {
    this.o = options;
    this.init = Promise.resolve(options.init);
    // A failed load is the page's to show; the frame's initialize is answered with it.
    this.init.then((init) => (this.state = { ...init.state }), () => undefined);
    // The frame's origin is opaque ("null"), so "*" is the only target origin that reaches it;
    // the message goes to this frame's window only.
    this.relay = new FrameRelay((message) => this.o.frame.contentWindow?.postMessage(message, "*"));
    window.addEventListener("message", this.listener);
  }

  /**
   * Stops serving the frame: its open requests are answered with an error and its open tasks end
   * with an error (the tasks go on on the server and are kept in their runs).
   */
  dispose(reason = "the UI was stopped"): void {
    window.removeEventListener("message", this.listener);
    this.relay.stop(reason);
    // Registered tasks that were never submitted are still recorded, as the seed's createTask does.
    for (const [, t] of this.registered) {
      addToRun(t.runId, "tasks", t.body).catch(() => undefined);
    }
    this.registered.clear();
  }

  /** Tells the frame the runner started a run, and forwards its events. */
  hostRun(taskId: string, runId: string): void {
    this.tasks.add(taskId);
    this.runs.add(runId);
    this.relay.follow(taskId);
    this.relay.notify(HostNotifications.hostRun, { taskId, runId });
  }

  /** Tells the frame how it is shown now (after a request, Escape or the host's close control). */
  displayModeChanged(mode: DisplayMode): void {
    this.relay.notify(HostNotifications.hostContextChanged, { displayMode: mode });
  }

  forward(taskId: string, event: TaskEvent): void {
    if (!isJson(event)) return;
    this.relay.event(taskId, event as Json);
  }

  private refuse(reason: string): void {
    this.o.onRefused?.(reason);
  }

  private receive(event: MessageEvent): void {
    const frameWindow = this.o.frame.contentWindow;
    if (!frameWindow || event.source !== frameWindow) return;
    if (event.origin !== "null") return this.refuse(`message from origin ${event.origin}`);
    let size: number;
    try {
      size = JSON.stringify(event.data)?.length ?? 0;
    } catch {
      return this.refuse("message is not JSON");
    }
    if (size > MAX_MESSAGE_CHARS) return this.refuse("message too large");
    const msg = parseFrameMessage(event.data);
    if (!msg) {
      const id = (event.data as { id?: unknown } | null)?.id;
      if (typeof id === "string" || typeof id === "number") {
        this.relay.answer(id, { error: { code: ErrorCodes.invalidRequest, message: "invalid JSON-RPC request" } });
      }
      return this.refuse("invalid message");
    }
    const params = msg.params ?? {};
    if (!("id" in msg)) {
      if (msg.method === FrameMethods.resize) {
        const r = checkResize(params);
        if (typeof r !== "string") this.o.onResize(r.height);
        return;
      }
      return this.refuse(`unknown notification ${msg.method}`);
    }
    const id = msg.id;
    this.relay.opened(id);
    this.handle(msg.method, params).then(
      (result) => this.relay.answer(id, { result }),
      (err: unknown) => {
        // A task the server (or the socket client) refused passes its code along in `data`, so
        // the UI's run() ends with it (`rate_limited`, `unauthorized`, ...).
        const error: RpcError =
          err instanceof Refusal
            ? { code: err.code, message: err.message }
            : err instanceof TaskError
              ? { code: ErrorCodes.denied, message: err.message, data: { code: err.code } }
              : { code: ErrorCodes.denied, message: err instanceof Error ? err.message : String(err) };
        if (err instanceof Refusal) this.refuse(`${msg.method}: ${err.message}`);
        this.relay.answer(id, { error });
      },
    );
  }

  private async handle(method: string, params: JsonObject): Promise<Json> {
    if (method === FrameMethods.initialize) {
      // Checked at once, before the UI has arrived: a second document is stopped either way.
      if (this.initialized) {
        this.o.onNewDocument?.();
        throw new Refusal(ErrorCodes.denied, "the frame is already initialised");
      }
      this.initialized = true;
    }
    const init = await this.init;
    if (this.o.still && method !== FrameMethods.initialize) {
      throw new Refusal(ErrorCodes.denied, "a thumbnail shows the UI; open it to use it");
    }
    // The prompt's model: the only one a UI's `direct_chat` may use.
    const modelId = init.prompt.settings.model_id;
    switch (method) {
      case FrameMethods.initialize:
        return init as unknown as Json;
      case FrameMethods.run: {
        const p = valid(checkRun(params));
        if (p.runId !== undefined && !this.runs.has(p.runId)) throw new Refusal(ErrorCodes.denied, "runId is not a run of this UI");
        const taskData: Record<string, unknown> = { prompt_id: init.prompt.id, custom_ui_id: init.ui.id, variables: p.variables };
        if (p.userInput) taskData.user_input = p.userInput;
        if (p.continueRun && p.runId) taskData.run_id = p.runId;
        let taskId = "";
        const buffered: TaskEvent[] = [];
        const started = await submitTask(Services.prompt, Tasks.runPrompt, taskData, (e) => (taskId ? this.forward(taskId, e) : buffered.push(e)));
        taskId = started.taskId;
        this.relay.follow(taskId);
        buffered.splice(0).forEach((e) => this.forward(taskId, e));
        this.tasks.add(started.taskId);
        this.runs.add(started.runId);
        this.o.onRun(started);
        return { taskId: started.taskId, runId: started.runId };
      }
      case FrameMethods.chatSubmit: {
        const p = valid(checkChatSubmit(params));
        if (p.chatConfig.model_id !== modelId) {
          throw new Refusal(ErrorCodes.denied, `model_not_allowed: this UI may use only ${modelId}`);
        }
        if (p.runId !== undefined && !this.runs.has(p.runId)) throw new Refusal(ErrorCodes.denied, "runId is not a run of this UI");
        const registered = p.taskId ? this.registered.get(p.taskId) : undefined;
        const runId = p.runId ?? registered?.runId;
        const taskData: Record<string, unknown> = { chat_config: p.chatConfig, custom_ui_id: init.ui.id };
        if (runId) taskData.run_id = runId;
        if (p.taskId) this.registered.delete(p.taskId);
        let taskId = p.taskId ?? "";
        const known = Boolean(p.taskId);
        const buffered: TaskEvent[] = [];
        const started = await submitTask(Services.chat, Tasks.directChat, taskData, (e) => (known || taskId ? this.forward(taskId, e) : buffered.push(e)), p.taskId);
        taskId = started.taskId;
        this.relay.follow(taskId);
        buffered.splice(0).forEach((e) => this.forward(taskId, e));
        this.tasks.add(started.taskId);
        this.runs.add(started.runId);
        this.o.onRun(started);
        return { taskId: started.taskId, runId: started.runId };
      }
      case FrameMethods.cancel: {
        const p = valid(checkTaskRef(params));
        if (!this.tasks.has(p.taskId)) throw new Refusal(ErrorCodes.denied, "not a task of this UI");
        await cancelTask(p.taskId);
        return { ok: true };
      }
      case FrameMethods.runCreate: {
        const p = valid(checkRunCreate(params));
        const body: JsonObject = { ...p.run, source_type: "custom", source_id: init.ui.id };
        const run = await createRun(body);
        if (typeof run.id === "string") this.runs.add(run.id);
        return run;
      }
      case FrameMethods.runAddMessage:
      case FrameMethods.runCreateTask: {
        const p = valid(checkRunChild(params));
        if (!this.runs.has(p.runId)) throw new Refusal(ErrorCodes.denied, "runId is not a run of this UI");
        if (method === FrameMethods.runCreateTask && typeof p.body.task_id === "string" && !this.registered.has(p.body.task_id)) {
          // The socket task with this id records the task in this run when it is submitted, so the
          // seed's createTask-then-submit order does not register the id twice.
          if (this.registered.size >= 100) throw new Refusal(ErrorCodes.denied, "too many registered tasks");
          this.registered.set(p.body.task_id, { runId: p.runId, body: p.body });
          return { ...p.body, run_id: p.runId, status: "pending" };
        }
        const path = method === FrameMethods.runAddMessage ? "messages" : "tasks";
        return addToRun(p.runId, path, p.body);
      }
      case FrameMethods.stateSet: {
        const p = valid(checkStateSet(params));
        const next: JsonObject = Object.fromEntries(
          Object.entries({ ...this.state, [p.key]: p.value }).filter(([k, v]) => !(k === p.key && v === null)),
        );
        const raw = JSON.stringify(next);
        if (raw.length > STATE_QUOTA_CHARS) throw new Refusal(ErrorCodes.denied, `state over its quota of ${STATE_QUOTA_CHARS} characters`);
        await saveState(init.ui.id, next);
        this.state = next;
        return { ok: true };
      }
      case FrameMethods.copy: {
        const p = valid(checkCopy(params));
        await navigator.clipboard.writeText(p.text);
        return { ok: true };
      }
      case FrameMethods.openLink: {
        const p = valid(checkOpenLink(params));
        const ok = await this.o.confirmLink(p.url);
        if (ok) window.open(p.url, "_blank", "noopener,noreferrer");
        return { opened: ok };
      }
      case FrameMethods.requestDisplayMode: {
        const p = valid(checkDisplayMode(params));
        return { mode: this.o.requestDisplayMode?.(p.mode) ?? "inline" };
      }
      default:
        throw new Refusal(ErrorCodes.methodNotFound, `unknown method ${method}`);
    }
  }
}

// The runtime's side of the bridge: JSON-RPC requests to the host and the host's notifications,
// over a transport the runtime connects once. In the frame the transport is the parent window
// (only messages whose source is the parent are read); in the component's worker it is the
// frame, which relays every request to the host unchanged (by the same method names) and the
// host's answers and notifications back.
import { isObject, JSONRPC, parseHostMessage, type Json, type JsonObject, type RpcNotification } from "../shared/protocol";

type Pending = { resolve: (v: Json) => void; reject: (e: Error) => void };

export class BridgeError extends Error {
  readonly code: number;
  /** The task error code the host passed along (`error.data.code`), e.g. `rate_limited`. */
  readonly taskCode: string | null;
  constructor(code: number, message: string, taskCode: string | null = null) {
    super(message);
    this.code = code;
    this.taskCode = taskCode;
  }
}

/** The code and message a run refused by the host ends with: the host's task code, else `refused`. */
export function refusalOf(err: unknown): { code: string; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  return { code: err instanceof BridgeError && err.taskCode ? err.taskCode : "refused", message };
}

const pending = new Map<string, Pending>();
const handlers = new Map<string, Set<(params: JsonObject) => void>>();
let nextId = 1;
let send: ((message: JsonObject) => void) | null = null;
const queued: JsonObject[] = [];

/**
 * Connects the bridge to its transport: `post` sends one JSON-RPC message towards the host.
 * Returns the function the transport calls with each message that arrives from the host.
 */
export function connectBridge(post: (message: JsonObject) => void): (data: unknown) => void {
  send = post;
  queued.splice(0).forEach(post);
  return receive;
}

function post(message: JsonObject): void {
  if (send) send(message);
  else queued.push(message);
}

function receive(data: unknown): void {
  const msg = parseHostMessage(data);
  if (!msg) return;
  if ("method" in msg) {
    const n = msg as RpcNotification;
    handlers.get(n.method)?.forEach((h) => h(n.params ?? {}));
    return;
  }
  const p = pending.get(String(msg.id));
  if (!p) return;
  pending.delete(String(msg.id));
  if (msg.error) {
    const data = msg.error.data;
    const taskCode = isObject(data) && typeof data.code === "string" && data.code.length <= 64 ? data.code : null;
    p.reject(new BridgeError(msg.error.code, msg.error.message, taskCode));
  } else p.resolve(msg.result ?? null);
}

/** Calls a host method; resolves with its result, rejects with a BridgeError. */
export function request<T = Json>(method: string, params: JsonObject = {}): Promise<T> {
  const id = `f${nextId++}`;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: Json) => void, reject });
    // A JSON round trip turns Dates into strings and drops undefined, as the host expects plain JSON.
    const plain = JSON.parse(JSON.stringify(params)) as JsonObject;
    post({ jsonrpc: JSONRPC, id, method, params: plain });
  });
}

/** Sends a notification (no answer expected). */
export function notify(method: string, params: JsonObject = {}): void {
  post({ jsonrpc: JSONRPC, method, params: JSON.parse(JSON.stringify(params)) as JsonObject });
}

/** Listens to a host notification. */
export function on(method: string, handler: (params: JsonObject) => void): () => void {
  let set = handlers.get(method);
  if (!set) handlers.set(method, (set = new Set()));
  set.add(handler);
  return () => set.delete(handler);
}

// The host ↔ frame bridge: JSON-RPC 2.0 messages over postMessage (as MCP Apps does).
// The frame sends requests; the host answers them and sends notifications (stream events).
// Both sides check every message's shape with the functions below.

import type {
  ChatSubmitParams,
  DisplayMode,
  FrameMethod,
  HostNotification,
  RunChildParams,
  RpcNotification,
  RpcRequest,
  RpcResponse,
  RunCreateParams,
  RunParams,
  StateSetParams,
  TaskRef,
  VariableValue,
} from "../generated";

// The bridge's and the app's wire types are generated from the Rust types (src/generated); this
// module re-exports the ones both sides use and keeps the checks and helpers that are not types.
export type {
  ChatSubmitParams,
  DisplayMode,
  RpcError,
  RpcNotification,
  RpcRequest,
  RpcResponse,
  ComponentType,
  ExecutionMode,
  InitResult,
  PromptMessage,
  PromptVariable,
  PromptView,
  RunParams,
  StateSetParams,
  TaskRef,
  VariableValue,
} from "../generated";

export const JSONRPC = "2.0" as const;

/** Methods the frame may call on the host. Anything else is answered with METHOD_NOT_FOUND. */
export const FrameMethods = {
  initialize: "ui/initialize",
  run: "prompt/run",
  cancel: "prompt/cancel",
  chatSubmit: "chat/submit",
  runCreate: "runs/create",
  runAddMessage: "runs/addMessage",
  runCreateTask: "runs/createTask",
  stateSet: "state/set",
  resize: "ui/resize",
  copy: "clipboard/write",
  openLink: "link/open",
  /** `{mode}`: MCP Apps' display-mode request; the host answers `{mode}` with the mode it granted. */
  requestDisplayMode: "ui/request-display-mode",
} as const satisfies Record<string, FrameMethod>;

/** Notifications the host sends to the frame. */
export const HostNotifications = {
  /** `{taskId, event}`: one stream event as the socket delivered it (a string chunk or an object). */
  taskEvent: "task/event",
  /** `{taskId, runId}`: the runner (not the component) started a run of this UI's prompt. */
  hostRun: "host/run",
  /** `{displayMode}`: the host changed how the frame is shown (MCP Apps' host-context-changed). */
  hostContextChanged: "ui/notifications/host-context-changed",
} as const satisfies Record<string, HostNotification>;

/** Every display mode, for checking a request's mode. */
export const DISPLAY_MODES: readonly DisplayMode[] = ["inline", "fullscreen", "modal"];

export const ErrorCodes = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  denied: -32000,
} as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type RpcMessage = RpcRequest | RpcNotification | RpcResponse;

/** Largest message the host accepts from a frame, in characters of its JSON. */
export const MAX_MESSAGE_CHARS = 1_000_000;
/** Quota of a UI's per-user state, in characters of its JSON. */
export const STATE_QUOTA_CHARS = 64 * 1024;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when `v` is plain JSON data (no functions, cycles, class instances), at most `depth` deep. */
export function isJson(v: unknown, depth = 32): v is Json {
  if (depth < 0) return false;
  if (v === null || typeof v === "boolean" || typeof v === "string") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth - 1));
  if (isObject(v)) {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(v).every((x) => isJson(x, depth - 1));
  }
  return false;
}

function validId(id: unknown): id is string | number {
  return (typeof id === "string" && id.length > 0 && id.length <= 128) || (typeof id === "number" && Number.isSafeInteger(id));
}

/** Parses a message from the frame: a request or a notification with JSON params, else null. */
export function parseFrameMessage(data: unknown): RpcRequest | RpcNotification | null {
  if (!isObject(data) || data.jsonrpc !== JSONRPC || typeof data.method !== "string") return null;
  if (data.method.length === 0 || data.method.length > 64) return null;
  if (data.params !== undefined && !(isObject(data.params) && isJson(data.params))) return null;
  const extra = Object.keys(data).filter((k) => !["jsonrpc", "id", "method", "params"].includes(k));
  if (extra.length > 0) return null;
  const params = data.params as JsonObject | undefined;
  if ("id" in data) {
    if (!validId(data.id)) return null;
    return { jsonrpc: JSONRPC, id: data.id, method: data.method, ...(params ? { params } : {}) };
  }
  return { jsonrpc: JSONRPC, method: data.method, ...(params ? { params } : {}) };
}

/** Parses a message from the host: a response or a notification, else null. */
export function parseHostMessage(data: unknown): RpcResponse | RpcNotification | null {
  if (!isObject(data) || data.jsonrpc !== JSONRPC) return null;
  if (typeof data.method === "string") {
    if (data.params !== undefined && !isObject(data.params)) return null;
    return data as unknown as RpcNotification;
  }
  if (!validId(data.id)) return null;
  if (data.error !== undefined) {
    if (!isObject(data.error) || typeof data.error.code !== "number" || typeof data.error.message !== "string") return null;
  }
  return data as unknown as RpcResponse;
}

// ---- Params of each frame method, checked field by field. ----

export type ParamError = string;
type Check<T> = (p: JsonObject) => T | ParamError;

function onlyKeys(p: JsonObject, keys: string[]): ParamError | null {
  const extra = Object.keys(p).filter((k) => !keys.includes(k));
  return extra.length ? `unexpected field(s): ${extra.join(", ")}` : null;
}

function variableMap(v: Json | undefined): Record<string, VariableValue> | ParamError {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return "variables must be an object";
  const out: Record<string, VariableValue> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") out[k] = x;
    else if (Array.isArray(x) && x.every((e) => typeof e === "string")) out[k] = x as string[];
    else return `variables.${k} must be a string, number, boolean or list of strings`;
  }
  return out;
}

export const checkRun: Check<RunParams> = (p) => {
  const bad = onlyKeys(p, ["variables", "userInput", "continueRun", "runId"]);
  if (bad) return bad;
  const variables = variableMap(p.variables);
  if (typeof variables === "string") return variables;
  if (p.userInput !== undefined && p.userInput !== null && typeof p.userInput !== "string") return "userInput must be a string";
  if (p.continueRun !== undefined && typeof p.continueRun !== "boolean") return "continueRun must be a boolean";
  if (p.runId !== undefined && typeof p.runId !== "string") return "runId must be a string";
  return {
    variables,
    ...(typeof p.userInput === "string" ? { userInput: p.userInput } : {}),
    continueRun: p.continueRun === true,
    ...(typeof p.runId === "string" ? { runId: p.runId } : {}),
  };
};

export const checkTaskRef: Check<TaskRef> = (p) => {
  const bad = onlyKeys(p, ["taskId"]);
  if (bad) return bad;
  return typeof p.taskId === "string" && p.taskId.length <= 128 ? { taskId: p.taskId } : "taskId must be a string";
};

export const checkChatSubmit: Check<ChatSubmitParams> = (p) => {
  const bad = onlyKeys(p, ["taskId", "chatConfig", "runId"]);
  if (bad) return bad;
  if (!isObject(p.chatConfig)) return "chatConfig must be an object";
  if (p.taskId !== undefined && typeof p.taskId !== "string") return "taskId must be a string";
  if (p.runId !== undefined && typeof p.runId !== "string") return "runId must be a string";
  return {
    chatConfig: p.chatConfig,
    ...(typeof p.taskId === "string" ? { taskId: p.taskId } : {}),
    ...(typeof p.runId === "string" ? { runId: p.runId } : {}),
  };
};

export const checkStateSet: Check<StateSetParams> = (p) => {
  const bad = onlyKeys(p, ["key", "value"]);
  if (bad) return bad;
  if (typeof p.key !== "string" || p.key.length === 0 || p.key.length > 128) return "key must be a non-empty string";
  return { key: p.key, value: p.value ?? null };
};

export const checkResize: Check<{ height: number }> = (p) => {
  const bad = onlyKeys(p, ["height"]);
  if (bad) return bad;
  return typeof p.height === "number" && Number.isFinite(p.height) && p.height >= 0
    ? { height: Math.min(Math.ceil(p.height), 20000) }
    : "height must be a number";
};

export const checkCopy: Check<{ text: string }> = (p) => {
  const bad = onlyKeys(p, ["text"]);
  if (bad) return bad;
  return typeof p.text === "string" && p.text.length <= 1_000_000 ? { text: p.text } : "text must be a string";
};

export const checkOpenLink: Check<{ url: string }> = (p) => {
  const bad = onlyKeys(p, ["url"]);
  if (bad) return bad;
  if (typeof p.url !== "string") return "url must be a string";
  let url: URL;
  try {
    url = new URL(p.url);
  } catch {
    return "url must be an absolute URL";
  }
  return url.protocol === "https:" || url.protocol === "http:" ? { url: url.href } : "only http and https links open";
};

/** A display-mode request: a known mode, or another name (MCP Apps' `pip`) that the host answers with the mode in force. */
export const checkDisplayMode: Check<{ mode: DisplayMode | null }> = (p) => {
  const bad = onlyKeys(p, ["mode"]);
  if (bad) return bad;
  if (typeof p.mode !== "string" || p.mode.length > 32) return "mode must be a string";
  return { mode: (DISPLAY_MODES as readonly string[]).includes(p.mode) ? (p.mode as DisplayMode) : null };
};

export const checkRunCreate: Check<RunCreateParams> = (p) => {
  const bad = onlyKeys(p, ["run"]);
  if (bad) return bad;
  return isObject(p.run) ? { run: p.run } : "run must be an object";
};

export const checkRunChild: Check<RunChildParams> = (p) => {
  const bad = onlyKeys(p, ["runId", "body"]);
  if (bad) return bad;
  if (typeof p.runId !== "string") return "runId must be a string";
  return isObject(p.body) ? { runId: p.runId, body: p.body } : "body must be an object";
};

/** A JSON value as an object, or null when it is anything else. */
export function asObject(v: Json | undefined): JsonObject | null {
  return isObject(v) ? (v as JsonObject) : null;
}

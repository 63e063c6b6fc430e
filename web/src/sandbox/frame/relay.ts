// The frame relays the component worker's bridge traffic: each JSON-RPC request goes to the host
// under an id of its own (so it cannot collide with the frame's), by the method name the worker
// used, and the host's answer and every host notification go back to the worker. The host checks
// every request as it does the frame's; the frame only checks the shape.
import { isJson, isObject, type JsonObject } from "../../shared/protocol";

const PREFIX = "w:";

/** The message to send to the host for a worker's message, or null when it is malformed. */
export function toHost(message: unknown): JsonObject | null {
  if (!isObject(message) || message.jsonrpc !== "2.0" || typeof message.method !== "string" || message.method.length > 64) return null;
  if (message.params !== undefined && !(isObject(message.params) && isJson(message.params))) return null;
  const out: JsonObject = { jsonrpc: "2.0", method: message.method };
  if (message.params !== undefined) out.params = message.params as JsonObject;
  if (message.id !== undefined) {
    if (typeof message.id !== "string" || message.id.length > 64) return null;
    out.id = PREFIX + message.id;
  }
  return out;
}

/**
 * What the worker gets for a message from the host: a worker's answer with its own id back, a
 * notification as it is; null for the frame's own answers.
 */
export function toWorker(message: unknown): unknown {
  if (!isObject(message)) return null;
  if (typeof message.method === "string") return message;
  if (typeof message.id === "string" && message.id.startsWith(PREFIX)) return { ...message, id: message.id.slice(PREFIX.length) };
  return null;
}

// The frame relays the component worker's bridge traffic: each message goes to the host as the
// worker wrote it (the host checks it exactly as it checks the frame's own, and answers a
// malformed request with its error), only its id prefixed so that it cannot collide with the
// frame's ids; the host's answers to those ids and every host notification go back to the worker.
import { isObject, type JsonObject } from "../../shared/protocol";

const PREFIX = "w:";

/** The message to send to the host for a worker's message (null when it is not an object). */
export function toHost(message: unknown): JsonObject | null {
  if (!isObject(message)) return null;
  const out = { ...message } as JsonObject;
  if (typeof message.id === "string" || typeof message.id === "number") out.id = PREFIX + String(message.id);
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

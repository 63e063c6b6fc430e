// What the host handed this frame at initialisation, plus the UI's per-user state.
import type { InitResult, Json, JsonObject } from "../shared/protocol";
import { request } from "./bridge";

let init: InitResult | null = null;
let state: JsonObject = {};
const stateListeners = new Set<() => void>();

export function setContext(value: InitResult): void {
  init = value;
  state = { ...value.state };
}

export function context(): InitResult {
  if (!init) throw new Error("the promptdeck runtime is not initialised");
  return init;
}

export function getState(): JsonObject {
  return state;
}

export function subscribeState(l: () => void): () => void {
  stateListeners.add(l);
  return () => stateListeners.delete(l);
}

/** Writes one key of the UI's per-user state (kept by the host, small quota). */
export function writeState(key: string, value: Json): Promise<void> {
  state = { ...state, [key]: value };
  stateListeners.forEach((l) => l());
  return request("state/set", { key, value }).then(() => undefined);
}

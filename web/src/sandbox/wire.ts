// The messages between the sandbox frame's runtime and the component's worker. The worker is
// untrusted: the frame checks every message it gets from it (mirror.ts, relay.ts).
import type { InitResult, JsonObject } from "../shared/protocol";

/** One event the frame forwards to the worker: what the component's handlers may read. */
export interface EventDetail {
  value?: string;
  /** The chosen options' values (a `select`). */
  selected?: string[];
  checked?: boolean;
  selectionStart?: number | null;
  selectionEnd?: number | null;
  key?: string;
  code?: string;
  keyCode?: number;
  charCode?: number;
  which?: number;
  repeat?: boolean;
  isComposing?: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  button?: number;
  buttons?: number;
  clientX?: number;
  clientY?: number;
  detail?: number;
  inputType?: string;
  data?: string | null;
  deltaX?: number;
  deltaY?: number;
  /** `pd-contentchange` from a markdown element's editor. */
  content?: string;
  /** The mirrored element that loses or gains focus with this one (focus events). */
  relatedTarget?: string | null;
}

/** Frame → worker. */
export type ToWorker =
  | { t: "init"; init: InitResult; base: string }
  | { t: "rpc"; message: unknown }
  | { t: "event"; seq: number; target: string; type: string; detail: EventDetail };

/** Worker → frame. `ack` is the last event sequence number the worker has handled. */
export type FromWorker =
  | { t: "rpc"; message: JsonObject }
  | { t: "mutate"; records: unknown[]; ack: number }
  | { t: "call"; target: string; method: string; args: unknown[] }
  | { t: "started" }
  | { t: "failed"; message: string };

/** The custom elements the runtime itself renders in the frame (trusted code, fed by attributes). */
export const MARKDOWN_ELEMENT = "pd-markdown";
/** The event a markdown element's full-screen editor sends with the edited text. */
export const CONTENT_CHANGE_EVENT = "pd-contentchange";

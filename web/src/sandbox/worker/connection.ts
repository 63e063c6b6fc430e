// The worker's end of the mirror: remote-dom's mutation records, batched and sent to the frame
// once per task turn together with the last event the worker has handled (`ack`), so the frame
// knows when a form control's value is current. Element method calls go after the changes
// before them. An acknowledgement alone is sent only when the frame waits for it (after input
// to a form control): each message from the worker is a task on the frame's main thread, which
// runs them after input and rendering, so a keystroke's keydown, keypress and keyup send none.
import type { RemoteConnection } from "@remote-dom/core";
import type { FromWorker } from "../wire";

const records: unknown[] = [];
let acked = 0;
let sentAck = 0;
/** An acknowledgement the frame waits for has not been sent yet. */
let urgentAck = false;
let scheduled = false;

function post(m: FromWorker): void {
  (globalThis as unknown as { postMessage: (m: unknown) => void }).postMessage(m);
}

/** Sends what is pending now. */
export function flush(): void {
  scheduled = false;
  if (records.length === 0 && !(urgentAck && acked !== sentAck)) return;
  sentAck = acked;
  urgentAck = false;
  post({ t: "mutate", records: records.splice(0), ack: acked });
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(flush);
}

/**
 * Records that every event up to `seq` has been handled. The frame waits for this only after
 * input to a form control (`urgent`); otherwise it travels with the next changes.
 */
export function acknowledge(seq: number, urgent: boolean): void {
  if (seq > acked) acked = seq;
  if (urgent) urgentAck = true;
  if (urgent || records.length > 0) schedule();
}

/** The connection remote-dom's hooks write to. */
export const connection: RemoteConnection = {
  mutate(batch) {
    records.push(...batch);
    schedule();
  },
  call(id, method, ...args) {
    flush();
    post({ t: "call", target: id, method, args: [...args] });
  },
};

/** Sends any message to the frame after the pending changes. */
export function send(m: FromWorker): void {
  flush();
  post(m);
}

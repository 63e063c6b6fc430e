// The worker's end of the mirror: remote-dom's mutation records, batched and sent to the frame
// once per task turn together with the last event the worker has handled (`ack`), so the frame
// knows when a form control's value is current. Element method calls go after the changes
// before them.
import type { RemoteConnection } from "@remote-dom/core";
import type { FromWorker } from "../wire";

const records: unknown[] = [];
let acked = 0;
let sentAck = 0;
let scheduled = false;

function post(m: FromWorker): void {
  (globalThis as unknown as { postMessage: (m: unknown) => void }).postMessage(m);
}

/** Sends what is pending now. */
export function flush(): void {
  scheduled = false;
  if (records.length === 0 && acked === sentAck) return;
  sentAck = acked;
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

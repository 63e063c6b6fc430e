// What the host owes one frame, so that a UI's `run()` always settles: an answer to every request
// it made, and every event of every task it follows up to that task's `{end: true}`. Stopping the
// relay (the UI is stopped, its frame navigated away, or a new bridge takes over the frame) answers
// the open requests with an error and ends the open tasks with an `error` event and their end;
// after that nothing more reaches the frame.
import { ErrorCodes, HostNotifications, isObject, JSONRPC, type Json, type JsonObject, type RpcError } from "../../../shared/protocol";

/** Why the host stopped serving a frame: the error code its open tasks end with. */
export const STOPPED = "stopped";

export class FrameRelay {
  private readonly post: (message: JsonObject) => void;
  private readonly requests = new Set<string | number>();
  private readonly tasks = new Set<string>();
  private stopped = false;

  constructor(post: (message: JsonObject) => void) {
    this.post = post;
  }

  /** A request the frame is waiting on. */
  opened(id: string | number): void {
    if (!this.stopped) this.requests.add(id);
  }

  /** Answers a request with its result or error (once; nothing after a stop). */
  answer(id: string | number, outcome: { result: Json } | { error: RpcError }): void {
    if (this.stopped) return;
    this.requests.delete(id);
    this.post({ jsonrpc: JSONRPC, id, ...outcome } as unknown as JsonObject);
  }

  /** A task the frame follows (its events come next). */
  follow(taskId: string): void {
    if (!this.stopped) this.tasks.add(taskId);
  }

  /** Forwards one stream event of a task; its `{end: true}` closes it. */
  event(taskId: string, event: Json): void {
    if (this.stopped) return;
    if (isObject(event) && event.end === true) this.tasks.delete(taskId);
    else this.tasks.add(taskId);
    this.post({ jsonrpc: JSONRPC, method: HostNotifications.taskEvent, params: { taskId, event } });
  }

  /** A notification that settles nothing (e.g. `host/run`); dropped after a stop. */
  notify(method: string, params: JsonObject): void {
    if (!this.stopped) this.post({ jsonrpc: JSONRPC, method, params });
  }

  /** True once stopped. */
  isStopped(): boolean {
    return this.stopped;
  }

  /** Settles everything still open, with `message`, and forwards nothing afterwards. */
  stop(message: string): void {
    if (this.stopped) return;
    for (const id of this.requests) this.answer(id, { error: { code: ErrorCodes.denied, message, data: { code: STOPPED } } });
    for (const taskId of [...this.tasks]) {
      this.event(taskId, { error: { code: STOPPED, message } });
      this.event(taskId, { end: true });
    }
    this.stopped = true;
    this.requests.clear();
    this.tasks.clear();
  }
}

import { describe, expect, it } from "vitest";
import { HostNotifications, type JsonObject } from "../../../shared/protocol";
import { FrameRelay, STOPPED } from "./frameRelay";

function relay() {
  const posted: JsonObject[] = [];
  return { r: new FrameRelay((m) => posted.push(m)), posted };
}

const event = (taskId: string, e: unknown) => ({ jsonrpc: "2.0", method: HostNotifications.taskEvent, params: { taskId, event: e } });

describe("FrameRelay", () => {
  it("forwards events and answers as they come", () => {
    const { r, posted } = relay();
    r.opened(1);
    r.event("t1", "hi");
    r.answer(1, { result: { taskId: "t1" } });
    expect(posted).toEqual([event("t1", "hi"), { jsonrpc: "2.0", id: 1, result: { taskId: "t1" } }]);
  });

  it("on stop, answers every open request with an error and ends every open task", () => {
    const { r, posted } = relay();
    r.opened("f1");
    r.follow("t1");
    r.event("t2", "partial");
    r.event("t3", "done");
    r.event("t3", { end: true });
    posted.length = 0;
    r.stop("the UI was stopped");
    expect(posted).toEqual([
      { jsonrpc: "2.0", id: "f1", error: { code: -32000, message: "the UI was stopped", data: { code: STOPPED } } },
      event("t1", { error: { code: STOPPED, message: "the UI was stopped" } }),
      event("t1", { end: true }),
      event("t2", { error: { code: STOPPED, message: "the UI was stopped" } }),
      event("t2", { end: true }),
    ]);
  });

  it("posts nothing after a stop: late answers and events are dropped", () => {
    const { r, posted } = relay();
    r.opened(7);
    r.stop("stopped");
    posted.length = 0;
    r.answer(7, { result: null });
    r.event("t1", "late");
    r.notify(HostNotifications.hostRun, { taskId: "t1", runId: "r" });
    r.stop("again");
    expect(posted).toEqual([]);
    expect(r.isStopped()).toBe(true);
  });

  it("does not settle twice what already ended or was answered", () => {
    const { r, posted } = relay();
    r.opened(1);
    r.answer(1, { error: { code: -32602, message: "bad" } });
    r.event("t1", { error: { code: "cancelled", message: "cancelled" } });
    r.event("t1", { end: true });
    posted.length = 0;
    r.stop("stopped");
    expect(posted).toEqual([]);
  });
});

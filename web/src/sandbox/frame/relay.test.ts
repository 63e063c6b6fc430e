import { describe, expect, it } from "vitest";
import { toHost, toWorker } from "./relay";

describe("the frame's relay of the worker's bridge traffic", () => {
  it("passes any method on under an id of its own", () => {
    expect(toHost({ jsonrpc: "2.0", id: "f1", method: "ui/request-display-mode", params: { mode: "fullscreen" } })).toEqual({
      jsonrpc: "2.0",
      id: "w:f1",
      method: "ui/request-display-mode",
      params: { mode: "fullscreen" },
    });
    expect(toHost({ jsonrpc: "2.0", id: 7, method: "x" })).toEqual({ jsonrpc: "2.0", id: "w:7", method: "x" });
    expect(toHost({ jsonrpc: "2.0", method: "ui/resize", params: { height: 3 } })).toEqual({ jsonrpc: "2.0", method: "ui/resize", params: { height: 3 } });
  });

  it("leaves a malformed message as it is, for the host to refuse", () => {
    expect(toHost({ jsonrpc: "1.0", id: "1", method: "x" })).toEqual({ jsonrpc: "1.0", id: "w:1", method: "x" });
    expect(toHost({ jsonrpc: "2.0", id: "1", method: "x", token: "t" })).toEqual({ jsonrpc: "2.0", id: "w:1", method: "x", token: "t" });
    expect(toHost("x")).toBeNull();
    expect(toHost([1])).toBeNull();
  });

  it("gives the worker its own answers and every notification, not the frame's answers", () => {
    expect(toWorker({ jsonrpc: "2.0", id: "w:f1", result: 1 })).toEqual({ jsonrpc: "2.0", id: "f1", result: 1 });
    expect(toWorker({ jsonrpc: "2.0", method: "task/event", params: {} })).toEqual({ jsonrpc: "2.0", method: "task/event", params: {} });
    expect(toWorker({ jsonrpc: "2.0", id: "f1", result: 1 })).toBeNull();
  });
});

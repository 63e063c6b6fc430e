import { describe, expect, it } from "vitest";
import { NETWORK_GLOBALS, neuter } from "./neuter";

describe("removing the network from a worker's global object", () => {
  it("deletes own properties and those inherited from prototypes", () => {
    const proto = { fetch: () => "network", importScripts: () => undefined };
    const scope = Object.create(proto) as Record<string, unknown>;
    scope.WebSocket = function WebSocket() {};
    scope.navigator = Object.create({ sendBeacon: () => true });
    expect(neuter(scope)).toEqual([]);
    expect(scope.fetch).toBeUndefined();
    expect(Reflect.get(scope, "fe" + "tch")).toBeUndefined();
    expect(scope.importScripts).toBeUndefined();
    expect(scope.WebSocket).toBeUndefined();
    expect((scope.navigator as Record<string, unknown>).sendBeacon).toBeUndefined();
  });

  it("reports what it could not remove", () => {
    const scope: Record<string, unknown> = {};
    Object.defineProperty(scope, "fetch", { get: () => () => "network", configurable: false });
    expect(neuter(scope)).toContain("fetch");
  });

  it("covers the APIs that reach the network or start code elsewhere", () => {
    for (const name of ["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "WebTransport", "importScripts", "Worker", "SharedWorker", "BroadcastChannel", "indexedDB", "caches", "RTCPeerConnection", "FontFace"]) {
      expect(NETWORK_GLOBALS).toContain(name);
    }
  });
});

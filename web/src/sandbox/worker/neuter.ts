// What a component's worker could still reach that talks to the network, or starts something
// that could. The runtime deletes each name from the worker's global object and every prototype
// above it before the component's module is imported; a worker has no other realm (no frames)
// to fetch fresh copies from. The frame's Content-Security-Policy, which the worker inherits
// (`connect-src 'none'`, scripts only from the sandbox origin), stays the second line.

/** Globals removed from the component's worker. */
export const NETWORK_GLOBALS = [
  "fetch", "XMLHttpRequest", "XMLHttpRequestUpload", "XMLHttpRequestEventTarget", "WebSocket", "WebSocketStream",
  "WebSocketError", "EventSource", "WebTransport", "WebTransportError", "importScripts", "Worker", "SharedWorker",
  "ServiceWorker", "ServiceWorkerContainer", "BroadcastChannel", "indexedDB", "IDBFactory", "caches", "CacheStorage",
  "FontFace", "fonts", "FontFaceSet", "RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel",
  "RTCRtpScriptTransformer", "RTCTransformEvent", "RTCEncodedVideoFrame", "RTCEncodedAudioFrame",
  "webkitRequestFileSystem", "webkitRequestFileSystemSync", "webkitResolveLocalFileSystemURL",
  "webkitResolveLocalFileSystemSyncURL", "PushManager", "Notification", "BackgroundFetchManager", "NavigationPreloadManager",
] as const;

/** Navigator members removed for the same reason. */
export const NETWORK_NAVIGATOR = ["sendBeacon", "serviceWorker", "connection", "locks", "storage", "usb", "hid", "serial", "bluetooth"] as const;

/** Deletes `name` wherever it is defined on `target` or its prototypes; true when it is gone. */
function remove(target: object, name: string): boolean {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.prototype.hasOwnProperty.call(o, name) && !Reflect.deleteProperty(o, name)) {
      try {
        Object.defineProperty(o, name, { value: undefined, writable: false, configurable: false });
      } catch {
        // Left as it was: reported below.
      }
    }
  }
  return (target as Record<string, unknown>)[name] === undefined;
}

/** Removes the network globals from `scope`; returns the names that could not be removed. */
export function neuter(scope: object): string[] {
  const left: string[] = NETWORK_GLOBALS.filter((name) => !remove(scope, name));
  const nav = (scope as { navigator?: object }).navigator;
  if (nav) left.push(...NETWORK_NAVIGATOR.filter((name) => !remove(nav, name)));
  return left;
}

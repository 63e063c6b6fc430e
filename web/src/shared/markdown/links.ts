// Links in answers. Only absolute http(s) URLs are live; anything else (javascript:, data:,
// relative URLs, the healer's placeholder for a link still streaming in) renders as an inert
// anchor without href. Live links open in a new tab without opener or referrer. A custom UI's
// frame may not open windows (its sandbox has no allow-popups), so there a click asks the host
// with the bridge's `link/open`, which opens the link after the user confirms.
import { FrameMethods, JSONRPC } from "../protocol";

/** The href a link in an answer may have, or null when it must not be live. */
export function safeHref(href: string | undefined): string | null {
  if (!href) return null;
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

let linkHandler: ((url: string) => void) | null = null;
let nextId = 1;

/** Sets how a clicked link opens (e.g. the sandbox SDK's `openLink`); null restores the default. */
export function setLinkHandler(fn: ((url: string) => void) | null): void {
  linkHandler = fn;
}

/** The handler for a click on a live link, or null to let the browser follow it. */
export function linkOpener(): ((url: string) => void) | null {
  if (linkHandler) return linkHandler;
  if (typeof window === "undefined" || window.parent === window) return null;
  // Inside a frame: ask the host over the bridge protocol. The answer (`{opened}`) is not needed.
  return (url) => window.parent.postMessage({ jsonrpc: JSONRPC, id: `md-link-${nextId++}`, method: FrameMethods.openLink, params: { url } }, "*");
}

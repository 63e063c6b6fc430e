// How the host shows this frame (MCP Apps' `ui/request-display-mode`): inline (sized to its
// content), full screen, or as a modal over the page. A UI asks with `requestDisplayMode`; the
// host answers with the mode it granted and tells the frame whenever it changes the mode itself
// (its close control, Escape on the page).
import { useSyncExternalStore } from "react";
import { DISPLAY_MODES, FrameMethods, HostNotifications, type DisplayMode } from "../shared/protocol";
import { on, request } from "./bridge";

let mode: DisplayMode = "inline";
const listeners = new Set<() => void>();

function isMode(v: unknown): v is DisplayMode {
  return typeof v === "string" && (DISPLAY_MODES as readonly string[]).includes(v);
}

function set(next: DisplayMode): void {
  if (next === mode) return;
  mode = next;
  listeners.forEach((l) => l());
}

on(HostNotifications.hostContextChanged, (params) => {
  if (isMode(params.displayMode)) set(params.displayMode);
});

/** The mode the frame is shown in now. */
export function currentDisplayMode(): DisplayMode {
  return mode;
}

/** Calls `listener` whenever the mode changes; returns the unsubscribe function. */
export function subscribeDisplayMode(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Asks the host to show the frame in `next`; resolves with the mode granted. Inline is always
 * granted; full screen and modal only right after the user clicked or typed in the UI.
 */
export async function requestDisplayMode(next: DisplayMode): Promise<DisplayMode> {
  const result = await request<{ mode?: unknown }>(FrameMethods.requestDisplayMode, { mode: next });
  set(isMode(result.mode) ? result.mode : mode);
  return mode;
}

/** The frame's display mode, as React state. */
export function useDisplayMode(): DisplayMode {
  return useSyncExternalStore(subscribeDisplayMode, currentDisplayMode);
}

/** The runtime's part in the frame's document: its styles follow the mode, and Escape returns to inline. */
export function installDisplayMode(): void {
  const apply = () => {
    document.documentElement.dataset.displayMode = mode;
  };
  apply();
  subscribeDisplayMode(apply);
  document.addEventListener(
    "keydown",
    (e) => {
      if (e.key === "Escape" && mode !== "inline") requestDisplayMode("inline").catch(() => undefined);
    },
    true,
  );
}

// Which display mode the host grants a frame (MCP Apps' `ui/request-display-mode`). Inline is
// always granted. Full screen and modal cover the page, so a frame gets them only right after the
// user acted in that frame: the page has the browser's transient user activation (a click or key
// in a frame activates the page too) and the frame holds the focus. A UI cannot take the whole
// page on its own. The host's close control and Escape always return to inline.
import type { DisplayMode } from "../../../shared/protocol";

/** The mode a request ends in: `requested` when allowed, else the mode in force. */
export function grantDisplayMode(requested: DisplayMode | null, current: DisplayMode, userActivated: boolean): DisplayMode {
  if (requested === null) return current;
  if (requested === "inline") return "inline";
  return userActivated ? requested : current;
}

/** True when the user just acted in `frame`: a click or key in the last few seconds, with the focus in it. */
export function userActedIn(frame: HTMLIFrameElement): boolean {
  return navigator.userActivation?.isActive === true && document.activeElement === frame;
}

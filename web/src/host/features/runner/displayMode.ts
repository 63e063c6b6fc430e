// Which display mode the host grants a frame (MCP Apps' `ui/request-display-mode`). Inline is
// always granted. Full screen and modal cover the page, so a frame gets them only right after the
// user acted on the page (a click or key in the frame activates the host page too): a UI cannot
// take the whole page on its own. The host's close control and Escape always return to inline.
import type { DisplayMode } from "../../../shared/protocol";

/** The mode a request ends in: `requested` when allowed, else the mode in force. */
export function grantDisplayMode(requested: DisplayMode | null, current: DisplayMode, userActivated: boolean): DisplayMode {
  if (requested === null) return current;
  if (requested === "inline") return "inline";
  return userActivated ? requested : current;
}

/** True when the user acted on the page in the last few seconds (a click or key, also in a frame). */
export function userRecentlyActivated(): boolean {
  return typeof navigator !== "undefined" && navigator.userActivation?.isActive === true;
}
